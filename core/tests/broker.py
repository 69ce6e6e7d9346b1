"""Counting what reaches the real Redis broker: round trips that publish, and the LPUSHes it ran."""

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from celery import current_app
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


@contextmanager
def tasks_sent_apart() -> Iterator[Callable[[], list[tuple[str, tuple[object, ...]]]]]:
    """Send what is published inside to a Redis queue of its own, which no worker reads.

    Yields a function that lists the tasks that reached Redis, oldest first, as (task name,
    arguments) read back from the real messages: what a worker would be handed. The session's
    worker (conftest.py) consumes only the queues it started with, so it never takes these.
    """
    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"test-apart-{uuid.uuid4().hex}"
    default = current_app.conf.task_default_queue
    current_app.conf.task_default_queue = queue

    def sent() -> list[tuple[str, tuple[object, ...]]]:
        messages = [json.loads(raw) for raw in reversed(server.lrange(queue, 0, -1))]  # LPUSHed: newest first
        return [(m["headers"]["task"], tuple(json.loads(base64.b64decode(m["body"]))[0])) for m in messages]

    try:
        yield sent
    finally:
        current_app.conf.task_default_queue = default
        server.delete(queue)
