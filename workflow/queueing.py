"""Queueing Celery tasks after the database commits, without ever failing the request.

The row a task works on is committed first, so it is never lost; if the broker is
down at that moment the task is not queued, a warning is logged, and the relay
(`workflow.relay`, run by Beat every minute) queues it once the broker is back.
Queueing on commit is the default here; there is no unsafe variant.
"""

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_after_commit(task: Task, *args: object) -> None:
    transaction.on_commit(lambda: queue_now(task, *args))


def queue_now(task: Task, *args: object) -> bool:
    """Queue a task; False (and logged) if the broker could not take it."""
    try:
        task.delay(*args)
    except (OperationalError, OSError) as error:
        logger.warning("Broker unavailable, %s%s left for the relay: %s", task.name, args, error)
        return False
    return True
