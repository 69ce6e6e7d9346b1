"""Reference data read on every request, kept per process until someone changes it.

The webhook reads the instrument catalog and the studio's clock on every email; both
change a few times a year, from the admin. A `StampedCache` keeps the value it built in
this process together with a stamp, a random token kept in the shared cache (Redis in
production, a folder on a laptop: the same cache every web process, worker and Beat
use). Reading the value costs one cache read of the stamp; when the stamp differs from
the one the value was built under, it is built again from the database.

Whoever changes the rows calls `changed()` (the apps connect it to their models'
post_save and post_delete): it writes a new stamp at once and again when the
transaction commits. The first write is for the writer's own process inside its
transaction (a test's, or the admin's redirect); the second is what makes it sound for
everyone else: a process that read the new stamp before the commit built its value
from the old rows, and the stamp written on commit tells it to build again.

A cache that does not answer costs freshness nothing: the value is built from the
database for that call and the process forgets what it kept (an invalidation may have
been missed meanwhile). A stamp lost with a restarted Redis is replaced by a new one,
so every process builds again. As a last guard, nothing is kept longer than MAX_AGE.
Bulk writes (`QuerySet.update`, `bulk_create`, raw SQL) send no signal: call
`changed()` after them.
"""

import logging
import secrets
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_AGE_SECONDS = 60.0
_everything: list["StampedCache"] = []


class StampedCache(Generic[T]):
    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.key = f"stamp:{name}"
        self._build = build
        self._kept: tuple[str, float, T] | None = None  # (stamp, when built, value)
        _everything.append(self)

    def get(self) -> T:
        """The value, built again only if the stamp moved (or MAX_AGE passed) since it was built."""
        try:
            stamp = self._stamp()
        except Exception as error:  # whatever the cache backend raises when its server is away
            logger.warning("Shared cache unavailable, %s read from the database: %s", self.key, error)
            self._kept = None
            return self._build()
        kept = self._kept
        if kept is not None and kept[0] == stamp and time.monotonic() - kept[1] < MAX_AGE_SECONDS:
            return kept[2]
        built_at = time.monotonic()
        value = self._build()  # after reading the stamp: a change committed meanwhile moves it again
        self._kept = (stamp, built_at, value)
        return value

    def changed(self) -> None:
        """The rows changed: every process builds its value again (now, and once this transaction commits)."""
        self._restamp()
        transaction.on_commit(self._restamp)

    def forget(self) -> None:
        """Drop this process's value (tests start each from an emptied database)."""
        self._kept = None

    def _stamp(self) -> str:
        stamp = cache.get(self.key)
        if stamp is None:  # never set, or lost with a restarted cache
            cache.add(self.key, secrets.token_hex(8), timeout=None)
            stamp = cache.get(self.key)
        return str(stamp)

    def _restamp(self) -> None:
        try:
            cache.set(self.key, secrets.token_hex(8), timeout=None)
        except Exception as error:  # the cache is away: processes rebuild within MAX_AGE_SECONDS
            logger.warning("Shared cache unavailable, %s not restamped: %s", self.key, error)


def stamped_caches_forget() -> None:
    """Every StampedCache in this process forgets its value."""
    for stamped in _everything:
        stamped.forget()
