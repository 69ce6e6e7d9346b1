"""Heartbeats: each background part writes down when it was last seen alive.

- `worker`: every running worker, every WORKER_HEARTBEAT_SECONDS (a consumer bootstep).
- `beat`: Beat, each time it sends the relay (only Beat sends it, every minute).
- `relay`: the relay task, each time a worker has run it (so Beat *and* a worker work).

They live in the shared cache (Redis in production, a folder on a laptop), not the
database: Dane's board reads them on every poll and its queries are pinned, and a
heartbeat is worth keeping only as long as the part keeps beating.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WORKER = "worker"
BEAT = "beat"
RELAY = "relay"
KEY = "heartbeat:{}"


class HeartbeatsUnreadable(Exception):
    """The cache that holds the heartbeats does not answer."""


def heartbeat_record(*, name: str, at: dt.datetime | None = None) -> None:
    cache.set(KEY.format(name), (at or timezone.now()).isoformat(), timeout=None)


def heartbeats_forget(*, names: list[str]) -> None:
    cache.delete_many([KEY.format(name) for name in names])


def heartbeats_stale(*, names: list[str], now: dt.datetime | None = None) -> dict[str, dt.datetime | None]:
    """Of `names`, the parts not seen for HEALTH_STALE_MINUTES, with when they last were (None: never)."""
    now = now or timezone.now()
    try:
        stored = cache.get_many([KEY.format(name) for name in names])
    except Exception as exc:  # whatever the cache backend raises when its server is away
        raise HeartbeatsUnreadable(str(exc)) from exc
    seen = {name: dt.datetime.fromisoformat(stored[KEY.format(name)]) for name in names if KEY.format(name) in stored}
    too_old = now - dt.timedelta(minutes=settings.HEALTH_STALE_MINUTES)
    return {name: seen.get(name) for name in names if name not in seen or seen[name] < too_old}
