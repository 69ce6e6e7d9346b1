"""The send task: one text, once, with retries for passing errors."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from .services import Sent, message_send, message_send_cut_short


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    claimed_at = timezone.now()
    try:
        result = message_send(message_id=message_id, now=claimed_at)
    except SoftTimeLimitExceeded:
        # Counted and released now, rather than stuck until the claim's lease lapses.
        result = message_send_cut_short(message_id=message_id, claimed_at=claimed_at)
    if result.outcome is Sent.RETRY:
        # A wake-up call only: the row says when the next try is due and counts the tries,
        # so Celery's own limit is off and an early or duplicate run does nothing.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value
