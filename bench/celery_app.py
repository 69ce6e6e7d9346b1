"""The app's Celery app with texts routed to a queue of their own, for the sweep benchmark.

The drain is timed on the escalations alone: the 20,000 offer texts they queue wait in
`bench-texts`, which no worker of that benchmark reads (sending is timed by bench/sending.py).
"""

from workflow.celery import app

app.conf.task_routes = {
    "messaging.tasks.send_message": {"queue": "bench-texts"},
    "messaging.tasks.send_messages": {"queue": "bench-texts"},
}

__all__ = ["app"]
