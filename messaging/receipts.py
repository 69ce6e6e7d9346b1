"""Delivery receipts: what the carrier says became of a text."""

import logging

from django.db import transaction
from django.utils import timezone

from musicians.models import Musician

from .models import Message

logger = logging.getLogger(__name__)

DELIVERED = {"delivered"}
NOT_DELIVERED = {"failed", "expired", "rejected"}
CARRIER_OPT_OUT = "9"  # Vonage's err-code when the handset opted out at the carrier
IN_FLIGHT = [Message.Status.QUEUED, Message.Status.SENT]


def receipt_record(*, provider_id: str, client_ref: str, status: str, error_code: str = "") -> Message | None:
    """Record a receipt on its text; None for a text we never sent (still answered 2xx).

    A long text goes out in parts and each part has its own receipt and id; all
    carry our client-ref (the Message id), so that is matched first. An answer
    already in (YES, NO, voided) is never overwritten by a receipt arriving after it.
    """
    status = status.strip().lower()
    with transaction.atomic():
        sent = Message.objects.select_for_update()
        by_ref = sent.filter(pk=int(client_ref)) if client_ref.isdigit() else sent.none()
        message = by_ref.filter(provider_id__isnull=False).exclude(provider_id="").first() or (
            sent.filter(provider_id=provider_id).first() if provider_id else None
        )
        if message is None:
            logger.info("Receipt for unknown message id %r (%s)", provider_id, status)
            return None
        if status in DELIVERED:
            _mark(message, [Message.Status.SENT], status=Message.Status.DELIVERED, delivered_at=timezone.now())
        elif status in NOT_DELIVERED:
            reason = f"The carrier reported {status}" + (f" (error {error_code})" if error_code else "") + "."
            _mark(message, [*IN_FLIGHT, Message.Status.DELIVERED], status=Message.Status.FAILED, error=reason)
            if error_code == CARRIER_OPT_OUT and message.musician_id:
                Musician.objects.filter(pk=message.musician_id, opted_out_at=None).update(opted_out_at=timezone.now())
    return message


def _mark(message: Message, allowed_from: list[str], **changes: object) -> None:
    updated = Message.objects.filter(pk=message.pk, status__in=allowed_from).update(**changes)
    if updated:
        for name, value in changes.items():
            setattr(message, name, value)
