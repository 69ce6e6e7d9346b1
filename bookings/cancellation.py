"""Cancelling a booking: everyone asked or booked hears, calendars are cleared."""

from django.conf import settings
from django.db import transaction

from messaging.models import Message
from messaging.services import message_queue, retry_delay
from messaging.texts import cancelled_text
from scheduling.calendars import CalendarError, get_calendar_backend
from workflow.queueing import queue_after_commit

from .calendar_sync import booking_events
from .history import booking_log
from .models import Booking, BookingEvent
from .offers import OPEN, offers_void


def booking_cancel(*, booking_id: int, actor: str = "workflow") -> bool:
    """Cancel a booking in any state but cancelled. False if it already was."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",)).select_related("studio", "current_time").get(pk=booking_id)
        )
        if booking.status == Booking.Status.CANCELLED:
            return False
        was_confirmed = booking.status == Booking.Status.CONFIRMED
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
        booking_log(
            booking,
            BookingEvent.Kind.CANCELLED,
            f"Cancelled (was {booking.get_status_display().lower()}).",
            actor=actor,
        )
        _void_open_offers(booking)
        if was_confirmed:
            _tell_the_band(booking)
            _clear_calendars_on_commit(booking)
    return True


def _void_open_offers(booking: Booking) -> None:
    studio = booking.studio.name
    offers_void(
        offers=Message.objects.filter(booking=booking, kind=Message.Kind.OFFER, status__in=OPEN),
        courtesy=lambda offer: cancelled_text(
            studio_name=studio,
            start=offer.candidate_time.starts_at,
            end=offer.candidate_time.ends_at,
            zone=offer.musician.time_zone,
        ),
    )


def _tell_the_band(booking: Booking) -> None:
    time = booking.current_time
    if time is None:  # a confirmed booking always has its time; nothing to tell without one
        return
    for fill in time.fills.select_related("musician"):
        body = cancelled_text(
            studio_name=booking.studio.name, start=time.starts_at, end=time.ends_at, zone=fill.musician.time_zone
        )
        message_queue(
            kind=Message.Kind.NOTICE, to_phone=fill.musician.phone, body=body, musician=fill.musician, booking=booking
        )


def _clear_calendars_on_commit(booking: Booking) -> None:
    from .tasks import clear_booking_calendars

    queue_after_commit(clear_booking_calendars, booking.pk)


def booking_calendars_clear(*, booking_id: int, attempt: int = 0) -> float | None:
    """Cancel the booking's events; seconds until the next try, or None when done."""
    booking = Booking.objects.select_related("studio", "current_time").get(pk=booking_id)
    backend = get_calendar_backend()
    try:
        for event in booking_events(booking):
            backend.cancel_event(uid=event.uid, calendar_id=event.calendar_id)
    except CalendarError as error:
        if not error.permanent and attempt < settings.CALENDAR_SYNC_MAX_RETRIES:
            return retry_delay(attempt)
        Booking.objects.filter(pk=booking.pk).update(calendar_error=f"Cancelling the events failed: {error.reason}")
        return None
    Booking.objects.filter(pk=booking.pk).update(calendar_error="")
    return None
