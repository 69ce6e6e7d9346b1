"""Writing a confirmed booking onto calendars, in the background, until it sticks.

The booking is confirmed whatever the calendar provider does. A passing error
(429, 5xx, network) is retried with backoff; a refusal (revoked grant, no
access) or running out of retries marks the sync failed, visible on the
booking, and tells the manager once. Event ids come from the booking and seat,
so a retry rewrites the events it made instead of adding more.
"""

import logging
from dataclasses import replace

from django.conf import settings
from django.db.models import Q

from messaging.services import retry_delay
from scheduling.calendars import CalendarError, SessionEvent, get_calendar_backend
from scheduling.calendars.ids import musician_calendar_id, studio_calendar_id
from scheduling.intervals import Interval

from .models import Booking, Fill
from .texting import manager_alert
from .texts import manager_help_text

logger = logging.getLogger(__name__)


def _details(booking: Booking) -> str:
    links = [booking.mp3_url, booking.video_url, *booking.other_links]
    lines = [
        f"Client: {booking.client_name}",
        f"Song: {booking.song_title}",
        *[link for link in links if link],
    ]
    if booking.notes:
        lines.append(f"Notes: {booking.notes}")
    return "\n".join(lines)


def booking_events(booking: Booking) -> list[SessionEvent]:
    """The studio's event (the band invited) and one on each musician's own calendar."""
    time = booking.current_time
    if time is None:  # not booked at a time: nothing to put on a calendar
        return []
    fills = list(
        Fill.objects.filter(candidate_time=time)
        .select_related("musician", "seat__instrument")
        .order_by("seat__instrument__name", "seat__number")
    )
    title = f"{booking.studio.name}: {booking.song_title or booking.client_name}"
    band = "\n".join(f"{fill.seat}: {fill.musician.name}" for fill in fills)
    studio_event = SessionEvent(
        uid=f"workflow-booking-{booking.pk}-studio",
        calendar_id=studio_calendar_id(booking.studio),
        interval=Interval(time.starts_at, time.ends_at),
        summary=title,
        description=f"{band}\n\n{_details(booking)}",
        location=booking.studio.address,
        attendees=tuple(fill.musician.email for fill in fills if fill.musician.email),
    )
    musician_events = [
        replace(
            studio_event,
            uid=f"workflow-booking-{booking.pk}-seat-{fill.seat_id}",
            calendar_id=musician_calendar_id(musician_id=fill.musician_id, calendar_id=fill.musician.calendar_id),
            summary=f"{title} ({fill.seat})",
            description=_details(booking),
            attendees=(),
        )
        for fill in fills
    ]
    return [event for event in [*musician_events, studio_event] if event.calendar_id]


def booking_calendar_sync(*, booking_id: int) -> float | None:
    """Write the booking's events; seconds until the next try, or None when done (or given up).

    The tries are counted on the booking (`calendar_sync_attempts`), so a relayed or
    redelivered task goes on counting instead of starting again.
    """
    booking = Booking.objects.select_related("studio", "current_time").get(pk=booking_id)
    if booking.status != Booking.Status.CONFIRMED or booking.calendar_sync != Booking.CalendarSync.PENDING:
        return None  # synced, or failed and the manager told: only a new confirmation starts again
    backend = get_calendar_backend()
    try:
        for event in booking_events(booking):
            backend.write_event(event)
    except CalendarError as error:
        return _after_error(booking, error, booking.calendar_sync_attempts)
    Booking.objects.filter(pk=booking.pk).update(calendar_sync=Booking.CalendarSync.SYNCED, calendar_error="")
    return None


def _after_error(booking: Booking, error: CalendarError, attempt: int) -> float | None:
    if not error.permanent and attempt < settings.CALENDAR_SYNC_MAX_RETRIES:
        Booking.objects.filter(pk=booking.pk).update(calendar_error=error.reason, calendar_sync_attempts=attempt + 1)
        return retry_delay(attempt)
    reason = error.reason if error.permanent else f"Gave up after {attempt + 1} tries: {error.reason}"
    failed = Booking.objects.filter(pk=booking.pk).filter(~Q(calendar_sync=Booking.CalendarSync.FAILED))
    if failed.update(
        calendar_sync=Booking.CalendarSync.FAILED, calendar_error=reason, calendar_sync_attempts=attempt + 1
    ):
        body = manager_help_text(booking=booking, reason=f"It is confirmed, but its calendars failed: {reason}")
        manager_alert(studio=booking.studio, body=body[:600], booking=booking)
    logger.warning("Calendar sync for booking %s failed: %s", booking.pk, reason)
    return None
