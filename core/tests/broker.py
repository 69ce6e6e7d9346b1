"""Counting what reaches the real Redis broker: round trips that publish, and the LPUSHes it ran."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from django.conf import settings
from redis.connection import AbstractConnection


@dataclass
class Published:
    round_trips: int = 0  # writes to a broker socket carrying at least one LPUSH (a task published)
    lpushes: int = 0  # LPUSH commands Redis itself counted meanwhile


@contextmanager
def publishes_counted(monkeypatch) -> Iterator[Published]:
    """Count publishing round trips on the real connections (each write still goes to Redis).

    A pipeline is one write of all its commands; a plain LPUSH is one write each. Writes
    without an LPUSH (a worker's BRPOP, a health-check PING) are not publishes.
    """
    counted = Published()
    send = AbstractConnection.send_packed_command

    def counting_send(self, command, check_health=True):
        chunks = [command] if isinstance(command, (bytes, str)) else command
        if any(b"LPUSH" in (chunk if isinstance(chunk, bytes) else chunk.encode()) for chunk in chunks):
            counted.round_trips += 1
        return send(self, command, check_health)

    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = _lpushes(server)
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting_send)
    try:
        yield counted
    finally:
        monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
        counted.lpushes = _lpushes(server) - before


def _lpushes(server: redis.Redis) -> int:
    return int(server.info("commandstats").get("cmdstat_lpush", {}).get("calls", 0))
