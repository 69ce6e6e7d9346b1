"""Confirming a booking: every seat filled at one time."""

import datetime as dt

from django.db.models import QuerySet

from messaging.models import Message
from messaging.services import manager_alert, message_queue
from messaging.texts import confirmation_text, filled_courtesy_text, manager_confirmation_text
from musicians.models import Musician
from workflow.queueing import queue_after_commit

from .history import booking_log
from .models import Booking, BookingEvent, CandidateTime, Fill
from .offers import OPEN, offers_void


def booking_confirm(*, booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    """Book it: a confirmation to each musician and the manager, other offers voided,
    and the calendars written in the background.

    Runs inside the answer's transaction with the booking locked, so it happens
    once. Calendars are not written here: a provider that is down or refuses
    must never block or undo a confirmation (see bookings.calendar_sync).
    """
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED, current_time=time)
    booking.status, booking.current_time = Booking.Status.CONFIRMED, time
    fills = list(
        time.fills.select_related("musician", "seat__instrument", "offer").order_by(
            "seat__instrument__name", "seat__number"
        )
    )
    booking_log(booking, BookingEvent.Kind.CONFIRMED, f"Every seat filled for option {time.rank}.")
    _calendars_sync_on_commit(booking)
    _text_confirmations(booking, time, fills)
    _void_other_offers(booking, time)
    Musician.objects.filter(pk__in=[fill.musician_id for fill in fills]).update(last_booked_at=now)


def _calendars_sync_on_commit(booking: Booking) -> None:
    from .tasks import sync_booking_calendars  # tasks import services, not the other way round

    Booking.objects.filter(pk=booking.pk).update(calendar_sync=Booking.CalendarSync.PENDING)
    queue_after_commit(sync_booking_calendars, booking.pk)


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
    others: QuerySet[Message] = Message.objects.filter(booking=booking, kind=Message.Kind.OFFER, status__in=OPEN)
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
