"""Calendar ids no musician may take: the studio's own.

A musician's calendar id is where their sessions go and what their .ics link shows; set
to the studio's, that link would show every client's session. The studio lives above
this layer, so scheduling tells us its calendar ids at start-up through this registry.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

_providers: list[Callable[[], Iterable[str]]] = []


def reserved_calendar_ids_register(provider: Callable[[], Iterable[str]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def reserved_calendar_ids() -> set[str]:
    return {calendar_id for provider in _providers for calendar_id in provider() if calendar_id}


def validate_musician_calendar_id(calendar_id: str, *, reserved: set[str] | None = None) -> None:
    if calendar_id and calendar_id in (reserved if reserved is not None else reserved_calendar_ids()):
        raise ValidationError(
            f"calendar id {calendar_id!r} is the studio's calendar: the musician would see every session "
            "there. Leave it empty or use the musician's own calendar."
        )
