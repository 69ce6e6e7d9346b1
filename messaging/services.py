"""Texts: queue them with the database commit, send each exactly once."""

import datetime as dt
import enum
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.queueing import queue_all_after_commit
from musicians.models import Musician

from . import listeners
from .backends import OutgoingText, SmsError, get_sms_backend
from .gsm7 import to_gsm7
from .models import Message
from .throttle import wait_for_send_slot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A text to store and send; with `send_after`, held until then (sent by the first relay pass after it)."""

    purpose: str
    to_phone: str
    body: str
    musician: Musician | None = None
    send_after: dt.datetime | None = None


def messages_queue(drafts: list[Draft]) -> list[Message]:
    """Store texts (one insert however many) and send each once the surrounding transaction commits.

    Several are queued as one `send_messages` task (one broker round trip, not one a text),
    which sends them in turn, each claimed by its own row as `send_message` does.

    A text held until later is not queued now: the relay queues it once its time
    has come, so nothing waits for hours in the broker (whose visibility timeout
    would hand it out again meanwhile).
    """
    [messages] = message_groups_queue([drafts])
    return messages


def message_groups_queue(groups: list[list[Draft]]) -> list[list[Message]]:
    """Store several groups of texts in one insert; each group is sent by its own task, as
    `messages_queue` sends its texts, and all those tasks are published in one round trip.

    For a caller that writes many bookings at once (the sweep): one insert for all their
    texts, while each booking's texts still go out on their own task, so two worker
    processes share the sending as they did when each booking stored its own.
    """
    now = timezone.now()
    stored = Message.objects.bulk_create(
        Message(
            purpose=d.purpose, to_phone=d.to_phone, body=to_gsm7(d.body), musician=d.musician, send_after=d.send_after
        )
        for group in groups
        for d in group
    )
    messages, start = [], 0
    for group in groups:
        messages.append(stored[start : start + len(group)])
        start += len(group)
    due = [[m.pk for m in group if m.send_after is None or m.send_after <= now] for group in messages]
    queue_all_after_commit(
        ("messaging.tasks.send_message", (ids[0],)) if len(ids) == 1 else ("messaging.tasks.send_messages", (ids,))
        for ids in due
        if ids
    )
    return messages


def message_queue(
    *,
    purpose: str,
    to_phone: str,
    body: str,
    musician: Musician | None = None,
    send_after: dt.datetime | None = None,
) -> Message:
    """Store one text and send it once the surrounding transaction commits (or, held, after `send_after`)."""
    [message] = messages_queue([Draft(purpose, to_phone, body, musician, send_after)])
    return message


class Sent(enum.Enum):
    """What one run of the send task did with a text."""

    SENT = "sent"
    SKIPPED = "skipped"  # already sent, being sent by another run, held, or its next try is not due
    FAILED = "failed"  # will not go out (permanent error, opted out, or out of retries)
    RETRY = "retry"  # a passing error, or an answer lost: try again at the row's next_try_at


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
    """Take the text for this run; False if it is not ready (Message.objects.ready_to_send).

    A conditional update, so two runs of the task (a retry, a duplicate
    delivery by the broker, the relay) cannot both get past it, and no run
    gets past it before the try the row says is due.
    """
    return Message.objects.ready_to_send(now).filter(pk=message_id).update(send_started_at=now) == 1


def message_send(*, message_id: int, now: dt.datetime | None = None) -> SendResult:
    """Send a queued text through the SMS backend, once.

    Which try this is comes from the row (`attempts`), never from the caller, so a
    run queued again by the relay or redelivered by the broker goes on counting.
    """
    now = now or timezone.now()
    if not _claim(message_id, now):
        return SendResult(Sent.SKIPPED)
    message = Message.objects.select_related("musician").get(pk=message_id)
    if message.musician and message.musician.opted_out_at and message.purpose != Message.Purpose.REPLY:
        return _fail(message, "The musician opted out (STOP); never texted.", gave_up=False, now=now)
    if message.attempts > settings.SMS_MAX_RETRIES:
        # Only a last try whose answer was lost gets here: its receipt never came.
        return _fail(message, f"Gave up after {message.attempts} tries: {message.error}", gave_up=True, now=now)
    backend = get_sms_backend()
    if backend.rate_limited:
        wait_for_send_slot()
    text = OutgoingText(message_id=message.pk, to=message.to_phone, body=message.body, kind=message.purpose)
    try:
        provider_id = backend.send(text)
    except SmsError as exc:
        return _after_error(message, exc, now=timezone.now())
    # Only from queued: a receipt that came while we waited for Vonage's answer has already said more.
    Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
        status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error="", next_try_at=None
    )
    return SendResult(Sent.SENT, message)


def message_send_cut_short(*, message_id: int, claimed_at: dt.datetime) -> SendResult:
    """The run that claimed the text at `claimed_at` was stopped by the task's soft time limit.

    The try is counted and the claim released, so the text is tried again after
    its backoff instead of after the claim's lease. The soft limit is many times
    Vonage's HTTP timeout, so a run cut short was waiting for a send slot or the
    database, not for Vonage's answer: retried like a passing error.
    """
    message = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED, send_started_at=claimed_at).first()
    if message is None:
        return SendResult(Sent.SKIPPED)  # the run never claimed it, or finished with it
    reason = "The send took longer than the task's time limit (CELERY_TASK_SOFT_TIME_LIMIT)."
    return _after_error(message, SmsError(reason, permanent=False), now=timezone.now())


def _after_error(message: Message, error: SmsError, *, now: dt.datetime) -> SendResult:
    if error.permanent:
        return _fail(message, error.reason, gave_up=False, now=now)
    tries = message.attempts + 1
    if error.maybe_sent:
        # Vonage may have taken it: a retry now could send it twice. Wait for its receipt
        # (messaging.receipts marks it sent) and try again only if none came.
        return _try_later(message, tries, error.reason, settings.SMS_RECEIPT_WAIT_SECONDS, now, outcome_unknown_at=now)
    if tries > settings.SMS_MAX_RETRIES:
        return _fail(message, f"Gave up after {tries} tries: {error.reason}", gave_up=True, now=now, attempts=tries)
    retry_after = getattr(error, "retry_after", None) or 0.0
    return _try_later(message, tries, error.reason, max(retry_delay(message.attempts), retry_after), now)


def _try_later(
    message: Message, tries: int, reason: str, wait: float, now: dt.datetime, **changes: object
) -> SendResult:
    """Count the try and say on the row when the next is due; the claim is released for it."""
    next_try_at = now + dt.timedelta(seconds=wait)
    counted = Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
        send_started_at=None, attempts=tries, error=reason, next_try_at=next_try_at, **changes
    )
    if not counted:
        return SendResult(Sent.SKIPPED, message)  # a receipt came meanwhile: it went out after all
    return SendResult(Sent.RETRY, message, retry_in=wait)


def _fail(message: Message, reason: str, *, gave_up: bool, now: dt.datetime, **changes: object) -> SendResult:
    """Mark the text failed; whoever sent it hears once (this is the one transition to failed)."""
    failed = Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
        status=Message.Status.FAILED, error=reason, next_try_at=None, **changes
    )
    if not failed:
        return SendResult(Sent.SKIPPED, message)  # a receipt came meanwhile and said what became of it
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
