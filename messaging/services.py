"""Texts: queue them with the database commit, send each exactly once."""

import logging

from django.db import transaction
from django.utils import timezone

from scheduling.models import Studio

from .backends import OutgoingText, SmsError, get_sms_backend
from .gsm7 import to_gsm7
from .models import Message

logger = logging.getLogger(__name__)


def message_queue(*, kind: str, to_phone: str, body: str, **links: object) -> Message:
    """Store a text and send it once the surrounding transaction commits.

    `links` are the Message's relations (musician, booking, seat, …).
    """
    from .tasks import send_message  # the task module imports this one

    message = Message.objects.create(kind=kind, to_phone=to_phone, body=to_gsm7(body), **links)
    transaction.on_commit(lambda: send_message.delay(message.pk))
    return message


def manager_alert(
    *, studio: Studio, body: str, kind: str = Message.Kind.ALERT, **links: object
) -> Message | None:
    """Text the studio's manager (an alert, or a confirmation); without a phone, log it."""
    if not studio.manager_phone:
        logger.warning("No manager phone for %s; text not sent: %s", studio, body)
        return None
    return message_queue(kind=kind, to_phone=studio.manager_phone, body=body, **links)


def _claim(message_id: int) -> bool:
    """Take the text for this worker; False if another run already took it."""
    claimed = Message.objects.filter(
        pk=message_id, status=Message.Status.QUEUED, send_started_at__isnull=True
    ).update(send_started_at=timezone.now())
    return claimed == 1


def message_send(*, message_id: int) -> bool:
    """Send a queued text through the SMS backend. True if this call sent it.

    Safe to run twice: the claim is a conditional update, so a retried or
    duplicated task finds the text taken and sends nothing.
    """
    if not _claim(message_id):
        return False
    message = Message.objects.select_related("musician").get(pk=message_id)
    if message.musician and message.musician.opted_out_at:
        _mark_failed(message, "The musician opted out (STOP); never texted.")
        return False
    text = OutgoingText(message_id=message.pk, to=message.to_phone, body=message.body, kind=message.kind)
    try:
        provider_id = get_sms_backend().send(text)
    except SmsError as exc:
        _mark_failed(message, exc.reason)
        return False
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now()
    )
    return True


def _mark_failed(message: Message, reason: str) -> None:
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, error=reason)
