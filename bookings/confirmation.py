"""Confirming a booking: every seat filled at one time."""

import datetime as dt

from django.db.models import QuerySet

from messaging.models import Message
from messaging.services import manager_alert, message_queue
from messaging.texts import confirmation_text, filled_courtesy_text, manager_confirmation_text
from musicians.models import Musician
from scheduling.calendars import SessionEvent, get_calendar_backend
from scheduling.calendars.ids import musician_calendar_id, studio_calendar_id
from scheduling.intervals import Interval

from .models import Booking, CandidateTime, Fill
from .offers import OPEN, offers_void


def booking_confirm(*, booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    """Book it: calendars, a confirmation to each musician and the manager, other offers voided.

    Runs inside the answer's transaction with the booking locked, so it happens once.
    """
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED, current_time=time)
    booking.status, booking.current_time = Booking.Status.CONFIRMED, time
    fills = list(
        time.fills.select_related("musician", "seat__instrument", "offer").order_by(
            "seat__instrument__name", "seat__number"
        )
    )
    _write_calendars(booking, time, fills)
    _text_confirmations(booking, time, fills)
    _void_other_offers(booking, time)
    Musician.objects.filter(pk__in=[fill.musician_id for fill in fills]).update(last_booked_at=now)


def _event_text(booking: Booking) -> str:
    links = [booking.mp3_url, booking.video_url, *booking.other_links]
    lines = [
        f"Client: {booking.client_name}",
        f"Song: {booking.song_title}",
        *[link for link in links if link],
    ]
    if booking.notes:
        lines.append(f"Notes: {booking.notes}")
    return "\n".join(lines)


def _write_calendars(booking: Booking, time: CandidateTime, fills: list[Fill]) -> None:
    backend = get_calendar_backend()
    session = Interval(time.starts_at, time.ends_at)
    title = f"{booking.studio.name}: {booking.song_title or booking.client_name}"
    details, address = _event_text(booking), booking.studio.address
    for fill in fills:
        calendar_id = musician_calendar_id(
            musician_id=fill.musician_id, calendar_id=fill.musician.calendar_id
        )
        backend.write_event(
            SessionEvent(
                uid=f"workflow-booking-{booking.pk}-seat-{fill.seat_id}",
                calendar_id=calendar_id,
                summary=f"{title} ({fill.seat.instrument.name})",
                interval=session,
                description=details,
                location=address,
            )
        )
    players = "\n".join(f"{fill.seat}: {fill.musician.name}" for fill in fills)
    backend.write_event(
        SessionEvent(
            uid=f"workflow-booking-{booking.pk}-studio",
            calendar_id=studio_calendar_id(booking.studio),
            summary=title,
            interval=session,
            description=f"{players}\n\n{details}",
            location=address,
        )
    )


def _text_confirmations(booking: Booking, time: CandidateTime, fills: list[Fill]) -> None:
    for fill in fills:
        message_queue(
            kind=Message.Kind.CONFIRMATION,
            to_phone=fill.musician.phone,
            body=confirmation_text(
                studio_name=booking.studio.name,
                instrument=str(fill.seat.instrument),
                song=booking.song_title,
                start=time.starts_at,
                end=time.ends_at,
                zone=fill.musician.time_zone,
                token=fill.offer.token if fill.offer else None,
            ),
            musician=fill.musician,
            booking=booking,
            seat=fill.seat,
            candidate_time=time,
        )
    lineup = [(str(fill.seat), fill.musician.name) for fill in fills]
    body = manager_confirmation_text(
        booking=booking, lineup=lineup, start=time.starts_at, end=time.ends_at, zone=booking.studio.time_zone
    )
    manager_alert(studio=booking.studio, body=body, booking=booking, kind=Message.Kind.CONFIRMATION)


def _void_other_offers(booking: Booking, time: CandidateTime) -> None:
    studio = booking.studio.name
    others: QuerySet[Message] = Message.objects.filter(
        booking=booking, kind=Message.Kind.OFFER, status__in=OPEN
    )
    offers_void(
        offers=others,
        courtesy=lambda offer: filled_courtesy_text(
            studio_name=studio,
            instrument=offer.seat.instrument.name,
            start=offer.candidate_time.starts_at,
            end=offer.candidate_time.ends_at,
            zone=offer.musician.time_zone,
        ),
    )
