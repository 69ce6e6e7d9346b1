"""Delivery receipts: what the carrier says became of a text."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from . import listeners
from .models import Message
from .services import musician_opt_out

logger = logging.getLogger(__name__)

DELIVERED = {"delivered"}
NOT_DELIVERED = {"failed", "expired", "rejected"}
CARRIER_OPT_OUT = "9"  # Vonage's err-code when the handset opted out at the carrier
IN_FLIGHT = [Message.Status.QUEUED, Message.Status.SENT]


def receipt_record(
    *, provider_id: str, client_ref: str, status: str, error_code: str = "", now: dt.datetime | None = None
) -> Message | None:
    """Record a receipt on its text; None for a text we never sent (still answered 2xx).

    A long text goes out in parts and each part has its own receipt and id; all
    carry our client-ref (the Message id), so that is matched first, also for a
    text whose send has no answer yet or lost it (maybe sent). A text that
    did not arrive is reported to its sender once (messaging.listeners), after
    the receipt is stored; a carrier opt-out opts the musician out.
    """
    now = now or timezone.now()
    status = status.strip().lower()
    failed_now = False
    with transaction.atomic():
        message = _find(provider_id, client_ref)
        if message is None:
            logger.info("Receipt for unknown message id %r (%s)", provider_id, status)
            return None
        if message.status == Message.Status.QUEUED:
            # Vonage took it, though its answer was lost (or is still on its way): it went
            # out, so it is never tried again, whatever the receipt goes on to say.
            _mark(
                message, [Message.Status.QUEUED], status=Message.Status.SENT,
                provider_id=message.provider_id or provider_id, sent_at=now, next_try_at=None, error="",
            )  # fmt: skip
        if status in DELIVERED:
            _mark(message, [Message.Status.SENT], status=Message.Status.DELIVERED, delivered_at=now)
        elif status in NOT_DELIVERED:
            reason = f"The carrier reported {status}" + (f" (error {error_code})" if error_code else "") + "."
            failed_now = _mark(
                message, [*IN_FLIGHT, Message.Status.DELIVERED], status=Message.Status.FAILED, error=reason
            )
    if failed_now:
        listeners.text_failed(message, gave_up=False, now=now)
    if status in NOT_DELIVERED and error_code == CARRIER_OPT_OUT and message.musician_id:
        musician_opt_out(musician_id=message.musician_id, now=now)
    return message


def _find(provider_id: str, client_ref: str) -> Message | None:
    sent = Message.objects.select_for_update()
    # Our client-ref is the Message id; anything else ("²", "12a", a huge number) is not ours.
    ref = int(client_ref) if client_ref.isascii() and client_ref.isdigit() and len(client_ref) < 19 else None
    by_ref = sent.filter(pk=ref) if ref is not None else sent.none()
    # Ours only once handed to Vonage: answered (provider_id), being sent (a claim) or maybe sent.
    handed_over = by_ref.exclude(provider_id="", send_started_at=None, outcome_unknown_at=None)
    return handed_over.first() or (sent.filter(provider_id=provider_id).first() if provider_id else None)


def _mark(message: Message, allowed_from: list[str], **changes: object) -> bool:
    updated = Message.objects.filter(pk=message.pk, status__in=allowed_from).update(**changes)
    if updated:
        for name, value in changes.items():
            setattr(message, name, value)
    return bool(updated)
