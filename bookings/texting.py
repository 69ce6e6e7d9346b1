"""Texting about a booking: every text goes out through here, so the booking's page shows it.

Messaging sends; this module records what each text is about (bookings.BookingText),
texts the manager, and texts everyone holding a seat at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from messaging.models import Message
from messaging.services import Draft, message_groups_queue, message_queue
from musicians.models import Musician
from scheduling.models import Studio

from .models import Booking, BookingText, CandidateTime, Fill

logger = logging.getLogger(__name__)


def booking_text_send(*, booking: Booking | None, musician: Musician, purpose: str, body: str) -> Message:
    """Text a musician about a booking (or about none: a reply to an unknown offer)."""
    message = message_queue(purpose=purpose, to_phone=musician.phone, body=body, musician=musician)
    if booking is not None:
        BookingText.objects.create(booking=booking, message=message, texted_at=message.created_at)
    return message


def booking_texts_send(*, booking: Booking, texts: Sequence[tuple[Musician, str, str]]) -> list[Message]:
    """Text several musicians about a booking: (musician, purpose, body) each, in two inserts however many."""
    [messages] = bookings_texts_send(texts=[(booking, texts)])
    return messages


def bookings_texts_send(*, texts: Sequence[tuple[Booking, Sequence[tuple[Musician, str, str]]]]) -> list[list[Message]]:
    """`booking_texts_send` for many bookings, still in two inserts; each booking's texts go on their own task."""
    groups = [[Draft(purpose, musician.phone, body, musician) for musician, purpose, body in its] for _, its in texts]
    messages = message_groups_queue(groups)
    BookingText.objects.bulk_create(
        BookingText(booking=booking, message=message, texted_at=message.created_at)
        for (booking, _), its_messages in zip(texts, messages, strict=True)
        for message in its_messages
    )
    return messages


def manager_alert(
    *, studio: Studio, body: str, booking: Booking | None = None, purpose: str = Message.Purpose.ALERT
) -> Message | None:
    """Text the studio's manager (an alert, or a confirmation); without a phone, log it."""
    if not studio.manager_phone:
        logger.warning("No manager phone for %s; text not sent: %s", studio, body)
        return None
    message = message_queue(purpose=purpose, to_phone=studio.manager_phone, body=body[:600])
    if booking is not None:
        BookingText.objects.create(booking=booking, message=message, texted_at=message.created_at)
    return message


def fills_text(*, booking: Booking, time: CandidateTime, purpose: str, body: Callable[[Fill], str]) -> list[Fill]:
    """Text everyone holding a seat at `time` (who can still be texted); returns the fills, seat order."""
    fills = list(
        time.fills.select_related("musician", "seat__instrument", "offer").order_by(
            "seat__instrument__name", "seat__number"
        )
    )
    for fill in fills:
        if fill.musician.opted_out_at is None:  # STOP means never; inactive still hears about its session
            booking_text_send(booking=booking, musician=fill.musician, purpose=purpose, body=body(fill))
    return fills
