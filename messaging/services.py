"""Texts: queue them with the database commit, send each exactly once."""

import datetime as dt
import enum
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.queueing import queue_after_commit
from musicians.models import Musician

from . import listeners
from .backends import OutgoingText, SmsError, get_sms_backend
from .gsm7 import to_gsm7
from .models import Message
from .throttle import wait_for_send_slot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A text to store and send."""

    purpose: str
    to_phone: str
    body: str
    musician: Musician | None = None


def messages_queue(drafts: list[Draft]) -> list[Message]:
    """Store texts (one insert however many) and send each once the surrounding transaction commits."""
    messages = Message.objects.bulk_create(
        Message(purpose=d.purpose, to_phone=d.to_phone, body=to_gsm7(d.body), musician=d.musician) for d in drafts
    )
    for message in messages:
        queue_after_commit("messaging.tasks.send_message", message.pk)
    return messages


def message_queue(*, purpose: str, to_phone: str, body: str, musician: Musician | None = None) -> Message:
    """Store one text and send it once the surrounding transaction commits."""
    [message] = messages_queue([Draft(purpose, to_phone, body, musician)])
    return message


class Sent(enum.Enum):
    """What one run of the send task did with a text."""

    SENT = "sent"
    SKIPPED = "skipped"  # already sent or being sent by another run: nothing to do
    FAILED = "failed"  # will not go out (permanent error, opted out, or out of retries)
    RETRY = "retry"  # a passing error: try again later


@dataclass(frozen=True)
class SendResult:
    outcome: Sent
    message: Message | None = None
    retry_in: float = 0.0


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter, capped: 15 s, 30 s, 1 min, 2 min… at most 10 min."""
    base = settings.RETRY_BASE_SECONDS
    return min(base * 2**attempt, 40 * base) * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not secrecy)  # nosec B311


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the text for this run; False if it was sent or another run holds it.

    A conditional update, so two runs of the task (a retry, a duplicate
    delivery by the broker) cannot both get past it. A claim older than
    SEND_CLAIM_LEASE_SECONDS belonged to a worker that died mid-send: it can be
    taken again, so the text still goes out.
    """
    stale = now - dt.timedelta(seconds=settings.SEND_CLAIM_LEASE_SECONDS)
    unclaimed = Q(send_started_at__isnull=True) | Q(send_started_at__lt=stale)
    claimed = Message.objects.filter(unclaimed, pk=message_id, status=Message.Status.QUEUED).update(send_started_at=now)
    return claimed == 1


def message_send(*, message_id: int, attempt: int = 0, now: dt.datetime | None = None) -> SendResult:
    """Send a queued text through the SMS backend, once."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return SendResult(Sent.SKIPPED)
    message = Message.objects.select_related("musician").get(pk=message_id)
    if message.musician and message.musician.opted_out_at and message.purpose != Message.Purpose.REPLY:
        return _fail(message, "The musician opted out (STOP); never texted.", gave_up=False, now=now)
    backend = get_sms_backend()
    if backend.rate_limited:
        wait_for_send_slot()
    text = OutgoingText(message_id=message.pk, to=message.to_phone, body=message.body, kind=message.purpose)
    try:
        provider_id = backend.send(text)
    except SmsError as exc:
        return _after_error(message, exc, attempt, now)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
    )
    return SendResult(Sent.SENT, message)


def _after_error(message: Message, error: SmsError, attempt: int, now: dt.datetime) -> SendResult:
    if error.permanent:
        return _fail(message, error.reason, gave_up=False, now=now)
    if attempt >= settings.SMS_MAX_RETRIES:
        return _fail(message, f"Gave up after {attempt + 1} tries: {error.reason}", gave_up=True, now=now)
    # Not sent: release the claim so the retry can take it again.
    Message.objects.filter(pk=message.pk).update(send_started_at=None, attempts=attempt + 1, error=error.reason)
    retry_after = getattr(error, "retry_after", None) or 0.0
    return SendResult(Sent.RETRY, message, retry_in=max(retry_delay(attempt), retry_after))


def _fail(message: Message, reason: str, *, gave_up: bool, now: dt.datetime) -> SendResult:
    """Mark the text failed; whoever sent it hears once (this is the one transition to failed)."""
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, error=reason)
    message.status, message.error = Message.Status.FAILED, reason
    listeners.text_failed(message, gave_up=gave_up, now=now)
    return SendResult(Sent.FAILED, message)


def musician_opt_out(*, musician_id: int, now: dt.datetime) -> bool:
    """The musician is never texted again (STOP, or the carrier says they opted out).

    True if this opted them out, False if they already were; either way whoever
    holds open business with them (open offers) hears of it, so nothing waits on them.
    """
    changed = Musician.objects.filter(pk=musician_id, opted_out_at=None).update(opted_out_at=now)
    listeners.opted_out(musician_id, now)
    return changed == 1


def musician_opt_in(*, musician_id: int) -> None:
    Musician.objects.filter(pk=musician_id).update(opted_out_at=None)
