"""A line-up made whole again after a musician dropped out.

The booking was confirmed once: the band already has its confirmation and the
client their email. So only the newcomer gets a confirmation, the rest of the band
hears who plays now, and the manager gets one text; no second client email.
"""

import datetime as dt

from django.db.models import QuerySet

from messaging.models import Message
from musicians.models import Musician

from .history import booking_log
from .models import Booking, BookingEvent, BookingText, CandidateTime, Fill
from .musician_links import musician_page_link
from .musician_texts import lineup_change_text, manager_lineup_restored_text
from .offers import offers_void, open_offers, seat_taken_courtesy
from .texting import booking_text_send, manager_alert
from .texts import board_link, confirmation_text


def lineup_restored(*, booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    """Caller (the confirmation's follow-up, bookings.confirmation) holds the lock; the booking is confirmed."""
    Booking.objects.filter(pk=booking.pk).update(reopened_at=None)
    booking.reopened_at = None
    fills = _fills(time)
    told = _told_they_are_booked(booking)
    newcomers = [fill for fill in fills if fill.musician_id not in told]
    for fill in fills:
        if fill.musician.opted_out_at is None:
            body = (
                _newcomer_text(booking, time, fill)
                if fill in newcomers
                else _change_text(booking, time, fill, newcomers)
            )
            booking_text_send(booking=booking, musician=fill.musician, purpose=_purpose(fill, newcomers), body=body)
    changes = [f"{fill.seat} - {fill.musician.name}" for fill in newcomers]
    booking_log(booking, BookingEvent.Kind.LINEUP_RESTORED, f"Line-up whole again: {', '.join(changes)}.", at=now)
    body = manager_lineup_restored_text(
        booking_pk=booking.pk, client=booking.client_name, song=booking.song_title, changes=changes,
        link=board_link(booking),
    )  # fmt: skip
    manager_alert(studio=booking.studio, body=body, booking=booking, purpose=Message.Purpose.CONFIRMATION)
    offers_void(offers=open_offers(booking), courtesy=seat_taken_courtesy)
    Musician.objects.filter(pk__in=[fill.musician_id for fill in newcomers]).update(last_booked_at=now)


def _told_they_are_booked(booking: Booking) -> set[int]:
    """Who has had a confirmation for this booking already (the band before the drop)."""
    texts = BookingText.objects.filter(booking=booking, message__purpose=Message.Purpose.CONFIRMATION)
    return set(texts.exclude(message__musician=None).values_list("message__musician_id", flat=True))


def _fills(time: CandidateTime) -> list[Fill]:
    fills: QuerySet[Fill] = time.fills.select_related("musician", "seat__instrument", "offer")
    return list(fills.order_by("seat__instrument__name", "seat__number"))


def _purpose(fill: Fill, newcomers: list[Fill]) -> str:
    return Message.Purpose.CONFIRMATION if fill in newcomers else Message.Purpose.NOTICE


def _newcomer_text(booking: Booking, time: CandidateTime, fill: Fill) -> str:
    text = confirmation_text(
        studio_name=booking.studio.name, instrument=str(fill.seat.instrument), song=booking.song_title,
        start=time.starts_at, end=time.ends_at, zone=fill.musician.time_zone, token=None,
    )  # fmt: skip
    return f"{text} Details: {musician_page_link(fill.musician)}"


def _change_text(booking: Booking, time: CandidateTime, fill: Fill, newcomers: list[Fill]) -> str:
    # One text however many seats changed: the first change names the newcomer, the rest say "and more".
    first = newcomers[0] if newcomers else fill
    who = first.musician.name + (" and others" if len(newcomers) > 1 else "")
    return lineup_change_text(
        studio_name=booking.studio.name, instrument=str(first.seat.instrument), newcomer=who,
        start=time.starts_at, end=time.ends_at, zone=fill.musician.time_zone,
    )  # fmt: skip
