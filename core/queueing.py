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
"""

import logging
import threading

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_after_commit(task: Task | str, *args: object) -> None:
    transaction.on_commit(lambda: queue_now(task, *args))


def queue_now(task: Task | str, *args: object) -> bool:
    """Queue a task; False (and logged) if the broker could not take it."""
    name = task if isinstance(task, str) else task.name
    try:
        _registered(name).delay(*args)
    except (OperationalError, OSError) as error:
        logger.warning("Broker unavailable, %s%s left for the relay: %s", name, args, error)
        return False
    return True


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
