"""Cancelling a booking: everyone asked or booked hears, calendars are cleared."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_after_commit
from messaging.models import Message
from messaging.services import retry_delay
from scheduling.calendars import CalendarError, get_calendar_backend

from .calendar_sync import booking_events
from .client_emails import client_email_queue
from .history import booking_log
from .models import Booking, BookingEvent, CandidateTime, ClientEmail
from .offers import cancelled_courtesy, offers_void, open_offers
from .texting import fills_text
from .texts import cancelled_text


def booking_cancel(
    *, booking_id: int, actor: str = "workflow", now: dt.datetime | None = None, email_client: bool = False
) -> bool:
    """Cancel a booking in any state but cancelled. False if it already was.

    `email_client`: the manager chose to tell the client (the engine never does).
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.status == Booking.Status.CANCELLED:
            return False
        # A seat reopened after a drop-out leaves the rest of the band booked: they hear it too.
        was_confirmed = booking.status == Booking.Status.CONFIRMED or booking.reopened_at is not None
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
        booking_log(
            booking,
            BookingEvent.Kind.CANCELLED,
            f"Cancelled (was {booking.get_status_display().lower()}).",
            actor=actor,
            at=now,
        )
        offers_void(offers=open_offers(booking), courtesy=cancelled_courtesy)
        if was_confirmed and booking.current_time is not None:
            _tell_the_band(booking, booking.current_time)
            _clear_calendars_on_commit(booking)
        if email_client:
            client_email_queue(booking=booking, kind=ClientEmail.Kind.CANCELLED, now=now)
    return True


def _tell_the_band(booking: Booking, time: CandidateTime) -> None:
    fills_text(
        booking=booking,
        time=time,
        purpose=Message.Purpose.NOTICE,
        body=lambda fill: cancelled_text(
            studio_name=booking.studio.name, start=time.starts_at, end=time.ends_at, zone=fill.musician.time_zone
        ),
    )


def _clear_calendars_on_commit(booking: Booking) -> None:

    queue_after_commit("bookings.tasks.clear_booking_calendars", booking.pk)


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
