"""Queueing Celery tasks after the database commits, without ever failing the request.

The row a task works on is committed first, so it is never lost; if the broker is
down at that moment the task is not queued, a warning is logged, and the relay
(run by Beat every minute) queues it once the broker is back.
Queueing on commit is the default here; there is no unsafe variant.

A task is named by its registered name ("bookings.tasks.start_booking"), so a service
can queue the task that calls it without importing the tasks module (which imports
the service): no import cycle. The name is looked up in Celery's registry (the apps'
task modules are loaded on first use), so the task's own options apply, and eager
mode (CELERY_TASK_ALWAYS_EAGER, used by the simulator) runs it in place.

Each publish to Redis is a round trip, so work that commits many tasks at once publishes
them together: `queue_all_after_commit` for several tasks, and `published_together()`
around a transaction for everything its commit queues. Either way they go out in one
Redis pipeline: one round trip. With a plain Redis broker the messages Celery builds are
LPUSHed by `core.redis_messages`, as kombu's Redis transport would write them, at a
fraction of kombu's cost; any other broker or routing goes through one kombu producer
(`Producer.batch()`).
"""

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import redis
from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import KombuError

from . import redis_messages

logger = logging.getLogger(__name__)

Call = tuple[str, tuple[object, ...]]


def queue_after_commit(task: Task | str, *args: object) -> None:
    call = (_name(task), args)
    transaction.on_commit(lambda: _publish_or_hold([call]))


def queue_all_after_commit(calls: Iterable[tuple[Task | str, tuple[object, ...]]]) -> None:
    """Queue each (task, arguments) once the transaction commits, in one publish."""
    batch = [(_name(task), args) for task, args in calls]
    if batch:
        transaction.on_commit(lambda: _publish_or_hold(batch))


def queue_now(task: Task | str, *args: object) -> bool:
    """Queue a task; False (and logged) if the broker could not take it."""
    return publish([(_name(task), args)])


def publish(calls: list[Call]) -> bool:
    """Queue every (task name, arguments) now, in one broker round trip (core.redis_messages for
    a plain Redis broker, else one kombu producer).

    False (and logged) if the broker could not take them: then none, or only some, went
    out (a pipeline is not a transaction), and the relay queues whatever is still due;
    every task queued here is safe to run twice.
    """
    tasks = [(_registered(name), args) for name, args in calls]  # an unknown name fails loudly, before any publish
    if current_app.conf.task_always_eager:
        for task, args in tasks:
            task.apply_async(args)  # runs in place
        return True
    try:
        if not redis_messages.publish_plain(current_app, tasks):  # another broker or routing: kombu's own publish
            with current_app.producer_or_acquire() as producer, producer.batch():
                for task, args in tasks:
                    task.apply_async(args, producer=producer)
    except (KombuError, OSError, redis.RedisError) as error:  # BatchPublishError, a refused socket, Redis away
        logger.warning("Broker unavailable, %s left for the relay: %s", _described(calls), error)
        return False
    return True


_held = threading.local()


@contextmanager
def published_together() -> Iterator[None]:
    """Hold what the commits inside this block queue, and publish it all in one round trip at its end.

    Put it around a transaction that commits many tasks (a sweep batch of 50 bookings queues
    one send per booking). A savepoint rolled back inside still drops its own tasks: Django
    never runs their on-commit callbacks, and only callbacks that ran are held.
    """
    if getattr(_held, "calls", None) is not None:
        yield  # nested: the outermost block publishes
        return
    _held.calls = []
    try:
        yield
    finally:
        calls, _held.calls = _held.calls, None
        if calls:
            publish(calls)


def _publish_or_hold(calls: list[Call]) -> None:
    held = getattr(_held, "calls", None)
    if held is None:
        publish(calls)
    else:
        held.extend(calls)


def _name(task: Task | str) -> str:
    return task if isinstance(task, str) else task.name


def _described(calls: list[Call]) -> str:
    shown = ", ".join(f"{name}{args}" for name, args in calls[:3])
    return shown + (f" and {len(calls) - 3} more" if len(calls) > 3 else "")


_loading = threading.Lock()


def _registered(name: str) -> Task:
    """The task registered under `name`, loading the apps' tasks modules on first use.

    One thread loads them while the others wait: a thread arriving while another is still
    importing would otherwise find the registry half-filled (NotRegistered under load).
    """
    if name not in current_app.tasks:
        with _loading:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()  # autodiscover: the apps' tasks modules
    return current_app.tasks[name]
