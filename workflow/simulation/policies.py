"""The engine's fill policies, as `bookings.policy` offers them, and a fallback while it is absent.

`bookings.policy` (being built) exposes `POLICY_NAMES` ("seed", today's behaviour,
plus the new default) and `fill_policy_set(*, studio, name)`. Until it exists the
only policy is "seed", which is what the engine does with no setting at all.
"""

import importlib
from collections.abc import Callable

from scheduling.models import Studio

SEED = "seed"


def _policy_module() -> object | None:
    try:
        return importlib.import_module("bookings.policy")
    except ImportError:
        return None


def policy_names() -> tuple[str, ...]:
    module = _policy_module()
    return tuple(getattr(module, "POLICY_NAMES", (SEED,))) if module else (SEED,)


def policy_apply(*, studio: Studio, name: str) -> None:
    """Make the studio use the named policy, through the engine's own service."""
    if name not in policy_names():
        raise ValueError(f"Unknown fill policy {name!r}; the engine knows: {', '.join(policy_names())}.")
    module = _policy_module()
    setter: Callable[..., object] | None = getattr(module, "fill_policy_set", None) if module else None
    if setter is not None:
        setter(studio=studio, name=name)
