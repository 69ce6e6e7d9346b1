"""The Celery app: `celery -A workflow worker` and `celery -A workflow beat`."""

import logging
import os

from celery import Celery, bootsteps
from celery.signals import after_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow.settings")

app = Celery("workflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
RELAY_TASK = "workflow.tasks.relay_stranded_work"


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every WORKER_HEARTBEAT_SECONDS the worker writes down that it is alive (for the board).

    It runs on the worker's own timer, so a worker stuck in its event loop stops beating.
    """

    requires = ("celery.worker.consumer.connection:Connection",)

    def __init__(self, parent: object, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, parent) -> None:
        from django.conf import settings

        _record_heartbeat("worker")
        self.timer_entry = parent.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, _record_heartbeat, ("worker",)
        )

    def stop(self, parent) -> None:
        if self.timer_entry is not None:
            parent.timer.cancel(self.timer_entry)
            self.timer_entry = None


app.steps["consumer"].add(WorkerHeartbeat)


@after_task_publish.connect(sender=RELAY_TASK)
def beat_sent_the_relay(**_kwargs: object) -> None:
    """Only Beat sends the relay, every minute: that it did is Beat's heartbeat."""
    _record_heartbeat("beat")


def _record_heartbeat(name: str) -> None:
    from .heartbeats import heartbeat_record  # models load after the app registry, not at import

    try:
        heartbeat_record(name=name)
    except Exception:  # the database is down: the health check will say so; never kill the worker
        logger.warning("could not record the %s heartbeat", name, exc_info=True)
