from celery import shared_task

from .heartbeats import RELAY, heartbeat_record
from .relay import relay_stranded_work as relay


@shared_task
def relay_stranded_work() -> dict[str, int]:
    """Beat's job every minute: queue what was committed but never queued."""
    relayed = relay()
    heartbeat_record(name=RELAY)  # Beat sent it and a worker ran it: the health check reads this
    return {
        "texts": relayed.texts,
        "plan": relayed.bookings_to_plan,
        "calendars": relayed.calendars_to_sync,
        "emails": relayed.emails_read,
        "confirmations": relayed.confirmations,
    }
