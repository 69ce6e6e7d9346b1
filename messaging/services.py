"""Texts: queue them with the database commit, send each exactly once."""

import datetime as dt
import enum
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from scheduling.models import Studio
from scheduling.services import studio_get_or_create_default
from workflow.links import admin_url
from workflow.queueing import queue_after_commit

from .backends import OutgoingText, SmsError, get_sms_backend
from .gsm7 import to_gsm7
from .models import Message
from .throttle import wait_for_send_slot

logger = logging.getLogger(__name__)


def message_queue(*, kind: str, to_phone: str, body: str, **links: object) -> Message:
    """Store a text and send it once the surrounding transaction commits.

    `links` are the Message's relations (musician, booking, seat, …).
    """
    from .tasks import send_message  # the task module imports this one

    message = Message.objects.create(kind=kind, to_phone=to_phone, body=to_gsm7(body), **links)
    queue_after_commit(send_message, message.pk)
    return message


def manager_alert(*, studio: Studio, body: str, kind: str = Message.Kind.ALERT, **links: object) -> Message | None:
    """Text the studio's manager (an alert, or a confirmation); without a phone, log it."""
    if not studio.manager_phone:
        logger.warning("No manager phone for %s; text not sent: %s", studio, body)
        return None
    return message_queue(kind=kind, to_phone=studio.manager_phone, body=body, **links)


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


def _claim(message_id: int) -> bool:
    """Take the text for this run; False if it was sent or another run holds it.

    A conditional update, so two runs of the task (a retry, a duplicate
    delivery by the broker) cannot both get past it. A claim older than
    SEND_CLAIM_LEASE_SECONDS belonged to a worker that died mid-send: it can be
    taken again, so the text still goes out.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SEND_CLAIM_LEASE_SECONDS)
    unclaimed = Q(send_started_at__isnull=True) | Q(send_started_at__lt=stale)
    claimed = Message.objects.filter(unclaimed, pk=message_id, status=Message.Status.QUEUED).update(send_started_at=now)
    return claimed == 1


def message_send(*, message_id: int, attempt: int = 0) -> SendResult:
    """Send a queued text through the SMS backend, once."""
    if not _claim(message_id):
        return SendResult(Sent.SKIPPED)
    message = Message.objects.select_related("musician", "booking__studio").get(pk=message_id)
    if message.musician and message.musician.opted_out_at and message.kind != Message.Kind.REPLY:
        return _fail(message, "The musician opted out (STOP); never texted.")
    backend = get_sms_backend()
    if backend.rate_limited:
        wait_for_send_slot()
    text = OutgoingText(message_id=message.pk, to=message.to_phone, body=message.body, kind=message.kind)
    try:
        provider_id = backend.send(text)
    except SmsError as exc:
        return _after_error(message, exc, attempt)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
    )
    return SendResult(Sent.SENT, message)


def _after_error(message: Message, error: SmsError, attempt: int) -> SendResult:
    if error.permanent:
        return _fail(message, error.reason)
    if attempt >= settings.SMS_MAX_RETRIES:
        result = _fail(message, f"Gave up after {attempt + 1} tries: {error.reason}")
        _tell_manager_text_failed(message, result)
        return result
    # Not sent: release the claim so the retry can take it again.
    Message.objects.filter(pk=message.pk).update(send_started_at=None, attempts=attempt + 1, error=error.reason)
    retry_after = getattr(error, "retry_after", None) or 0.0
    return SendResult(Sent.RETRY, message, retry_in=max(retry_delay(attempt), retry_after))


def _fail(message: Message, reason: str) -> SendResult:
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, error=reason)
    message.status, message.error = Message.Status.FAILED, reason
    return SendResult(Sent.FAILED, message)


def _tell_manager_text_failed(message: Message, result: SendResult) -> None:
    """Once per text (this runs on the one transition to failed), never about the manager's own."""
    studio = message.booking.studio if message.booking else studio_get_or_create_default()
    if message.to_phone == studio.manager_phone:
        logger.error("Text %s failed and the manager cannot be told: %s", message.pk, message.error)
        return
    who = message.musician.name if message.musician else message.to_phone
    url = admin_url("messaging_message_change", message.pk)
    body = f"Workflow: a text to {who} ({message.get_kind_display().lower()}) failed: {message.error} {url}"
    manager_alert(studio=studio, body=body[:600], booking=message.booking)
