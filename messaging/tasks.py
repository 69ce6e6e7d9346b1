"""The send tasks: one text, or the texts one commit stored, each once, with retries for passing errors."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from kombu.exceptions import KombuError

from core.queueing import queue_now

from .services import SendResult, Sent, message_send, message_send_cut_short

logger = logging.getLogger(__name__)


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


@shared_task(acks_late=True)
def send_messages(message_ids: list[int]) -> list[str]:
    """The texts one commit stored (`messages_queue`), sent in turn: one publish for them all.

    Each is still claimed by its own row, so a redelivery skips those already sent, and
    each waits for its own send slot. A text that must be tried again gets a `send_message`
    of its own, which owns its retries. One that raises is logged and left claimed (the
    relay retakes it after the claim's lease) and the rest still go. A run stopped by the
    soft time limit lets go of the text it held and queues those it had not reached.
    """
    outcomes: list[str] = []
    for done, message_id in enumerate(message_ids):
        claimed_at = timezone.now()
        try:
            result = message_send(message_id=message_id, now=claimed_at)
        except SoftTimeLimitExceeded:
            _retry_alone(message_id, message_send_cut_short(message_id=message_id, claimed_at=claimed_at))
            if message_ids[done + 1 :]:
                queue_now("messaging.tasks.send_messages", message_ids[done + 1 :])
            return [*outcomes, "cut short"]
        except Exception:  # one broken text must not hold back the others
            logger.exception("Sending text %s failed; the relay retakes it after its claim's lease", message_id)
            outcomes.append("error")
            continue
        _retry_alone(message_id, result)
        outcomes.append(result.outcome.value)
    return outcomes


def _retry_alone(message_id: int, result: SendResult) -> None:
    if result.outcome is not Sent.RETRY:
        return
    try:
        send_message.apply_async((message_id,), countdown=result.retry_in)
    except (KombuError, OSError):  # the row says when its next try is due: the relay queues it then
        logger.warning("Broker unavailable; text %s is retried by the relay", message_id, exc_info=True)
