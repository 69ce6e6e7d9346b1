"""Reminders before a session, and the manager's morning summary. Both run from Beat.

A reminder is due REMINDER_HOURS_BEFORE the session; if that lands in the musician's
quiet hours (their own clock, so DST is theirs) it is due a sweep's interval before
their quiet hours begin instead: earlier, never at night. One per musician per session,
claimed by a SessionReminder row; a musician booked after their reminder was due (a
late stand-in) has just had their confirmation and gets none.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.timefmt import format_session
from messaging.models import Message
from messaging.services import message_queue
from musicians.models import Musician
from scheduling.models import Studio

from .models import Booking, BookingText, Fill, MorningSummary, SessionReminder
from .musician_links import musician_page_link
from .musician_texts import morning_summary_text, reminder_text

logger = logging.getLogger(__name__)


def reminder_due(*, musician: Musician, starts_at: dt.datetime) -> dt.datetime:
    """When the musician's reminder for a session starting at `starts_at` goes out."""
    # In UTC: arithmetic on a local time is wall-clock arithmetic, an hour off across a DST change.
    target = starts_at.astimezone(dt.UTC) - dt.timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    if musician.quiet_until(target) is None:
        return target
    zone = ZoneInfo(musician.time_zone)
    local = target.astimezone(zone)
    day = local.date()
    quiet_starts = dt.datetime.combine(day, musician.quiet_hours_start, tzinfo=zone)
    if quiet_starts > local:
        quiet_starts = dt.datetime.combine(day - dt.timedelta(days=1), musician.quiet_hours_start, tzinfo=zone)
    return quiet_starts.astimezone(dt.UTC) - dt.timedelta(minutes=settings.REMINDER_SWEEP_MINUTES)


def session_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Text every booked musician whose reminder is due now. Returns how many were sent."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=settings.REMINDER_HOURS_BEFORE + 24)  # quiet hours pull a reminder earlier
    fills = (
        Fill.objects.filter(
            candidate_time__booking__status=Booking.Status.CONFIRMED,
            candidate_time__booking__current_time=F("candidate_time"),
            candidate_time__starts_at__gt=now,
            candidate_time__starts_at__lte=horizon,
            musician__opted_out_at__isnull=True,
        )
        .exclude(candidate_time__reminders__musician=F("musician"))
        .select_related("musician", "seat__instrument", "candidate_time__booking__studio")
    )
    sent = 0
    for fill in fills:
        due = reminder_due(musician=fill.musician, starts_at=fill.candidate_time.starts_at)
        if due <= now and fill.filled_at < due and fill.musician.quiet_until(now) is None:
            sent += _remind(fill, now)
    return sent


def _remind(fill: Fill, now: dt.datetime) -> int:
    time, musician = fill.candidate_time, fill.musician
    booking = time.booking
    try:
        with transaction.atomic():
            reminder = SessionReminder.objects.create(candidate_time=time, musician=musician, sent_at=now)
            body = reminder_text(
                studio_name=booking.studio.name, instrument=fill.seat.instrument.name, song=booking.song_title,
                start=time.starts_at, end=time.ends_at, zone=musician.time_zone, address=booking.studio.address,
                link=musician_page_link(musician),
            )  # fmt: skip
            message = message_queue(
                purpose=Message.Purpose.REMINDER, to_phone=musician.phone, body=body, musician=musician
            )
            BookingText.objects.create(booking=booking, message=message, texted_at=message.created_at)
            SessionReminder.objects.filter(pk=reminder.pk).update(message=message)
    except IntegrityError:
        return 0  # another pass claimed it first
    return 1


def morning_summaries_send(*, now: dt.datetime | None = None) -> int:
    """Text each studio's manager the day's sessions, once a day from MORNING_SUMMARY_HOUR."""
    if not settings.MORNING_SUMMARY:
        return 0
    now = now or timezone.now()
    return sum(_summarize(studio, now) for studio in Studio.objects.exclude(manager_phone=""))


def _summarize(studio: Studio, now: dt.datetime) -> int:
    local = now.astimezone(studio.zone)
    if local.hour < settings.MORNING_SUMMARY_HOUR:
        return 0
    day_starts = dt.datetime.combine(local.date(), dt.time(0), tzinfo=studio.zone)
    day_ends = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=studio.zone)
    bookings = list(
        Booking.objects.filter(
            studio=studio,
            status=Booking.Status.CONFIRMED,
            current_time__starts_at__gte=day_starts,
            current_time__starts_at__lt=day_ends,
        )
        .select_related("current_time")
        .order_by("current_time__starts_at")
    )
    if not bookings:
        return 0
    try:
        with transaction.atomic():
            summary = MorningSummary.objects.create(studio=studio, day=local.date(), sent_at=now)
            body = morning_summary_text(studio_name=studio.name, sessions=[_line(b, studio) for b in bookings])
            message = message_queue(purpose=Message.Purpose.NOTICE, to_phone=studio.manager_phone, body=body[:600])
            MorningSummary.objects.filter(pk=summary.pk).update(message=message)
    except IntegrityError:
        return 0
    return 1


def _line(booking: Booking, studio: Studio) -> str:
    time = booking.current_time
    if time is None:  # never: the query picked bookings by their time
        return f"#{booking.pk} {booking.client_name}"
    fills = time.fills.select_related("musician", "seat__instrument").order_by("seat__instrument__name", "seat__number")
    band = ", ".join(f"{fill.seat} - {fill.musician.name}" for fill in fills)
    return f"{format_session(time.starts_at, time.ends_at, studio.zone)} #{booking.pk} {booking.client_name}: {band}"
