"""The booking engine: plan a new booking and send its first group of offers.

Also what every path shares: moving a booking on to its next viable time, and
giving up (needs attention) when no time is left.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from messaging.models import Message
from messaging.services import manager_alert, message_queue
from messaging.texts import manager_help_text, time_dropped_text
from scheduling.intervals import Interval
from scheduling.plan import first_group, is_viable

from .history import booking_log
from .models import Booking, BookingEvent, CandidateTime, Fill
from .offers import OPEN, group_send, offers_void
from .planning import BookingRoster, booking_roster, booking_sessions, no_viable_time_reason, seat_needs

logger = logging.getLogger(__name__)


def booking_start(*, booking_id: int, now: dt.datetime | None = None) -> None:
    """Plan the booking and text the first group. Safe to run twice: planning happens once."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("studio").get(pk=booking_id)
        if booking.planned_at is not None or booking.status != Booking.Status.OFFERING:
            return
        times, roster = _plan_candidate_times(booking, now)
        Booking.objects.filter(pk=booking.pk).update(planned_at=now)
        viable = sum(t.viable for t in times)
        booking_log(
            booking, BookingEvent.Kind.PLANNED, f"{len(times)} candidate time(s), {viable} with a full band free."
        )
        _offer_first_viable_time(booking, times, now, roster)


def _plan_candidate_times(booking: Booking, now: dt.datetime) -> tuple[list[CandidateTime], BookingRoster | None]:
    sessions = booking_sessions(booking=booking, now=now)
    seats = seat_needs(booking)
    span = _span([s.interval for s in sessions])
    roster = booking_roster(booking=booking, seats=seats, span=span, now=now) if span else None
    times = CandidateTime.objects.bulk_create(
        CandidateTime(
            booking=booking,
            starts_at=s.interval.start,
            ends_at=s.interval.end,
            rank=rank,
            in_business_hours=s.in_business_hours,
            viable=roster is not None and is_viable(roster.candidates_at(s.interval)),
        )
        for rank, s in enumerate(sessions, start=1)
    )
    if not any(t.viable for t in times):
        reason = no_viable_time_reason(booking=booking, sessions=sessions, roster=roster)
        booking_needs_attention(booking=booking, reason=reason)
    return times, roster


def _offer_first_viable_time(
    booking: Booking, times: list[CandidateTime], now: dt.datetime, roster: BookingRoster | None
) -> None:
    if booking.status != Booking.Status.OFFERING:
        return
    booking_offer_from(booking=booking, times=[t for t in times if t.viable], now=now, roster=roster)


def booking_offer_from(
    *, booking: Booking, times: list[CandidateTime], now: dt.datetime, roster: BookingRoster | None = None
) -> bool:
    """Make the first time in `times` with a full line-up free now current, and text its group.

    Availability is read again (unless planning just read it, `roster`):
    musicians book other sessions and add blackouts while a booking waits.
    False if no time works.
    """
    seats = seat_needs(booking)
    span = _span([Interval(t.starts_at, t.ends_at) for t in times])
    if span is None:
        return False
    roster = roster or booking_roster(booking=booking, seats=seats, span=span, now=now)
    for time in times:
        lineup = first_group(roster.candidates_at(Interval(time.starts_at, time.ends_at)))
        if lineup is not None:
            Booking.objects.filter(pk=booking.pk).update(current_time=time)
            booking.current_time = time
            group_send(booking=booking, time=time, lineup=lineup, now=now)
            return True
    return False


def booking_move_on(*, booking: Booking, now: dt.datetime) -> None:
    """The current time cannot be filled: drop it and offer the next viable one, or give up."""
    old = booking.current_time
    if old is not None:
        _drop_time(booking, old)
    later = list(booking.candidate_times.filter(rank__gt=old.rank if old else 0).order_by("rank"))
    if not booking_offer_from(booking=booking, times=later, now=now):
        booking_needs_attention(booking=booking, reason=_exhausted_reason(booking))
        return
    new = booking.current_time
    if new is None:  # booking_offer_from sets it whenever it returns True
        return
    booking_log(
        booking,
        BookingEvent.Kind.MOVED_ON,
        f"Moved to option {new.rank}: nobody left at option {old.rank if old else '-'}.",
    )


def _drop_time(booking: Booking, time: CandidateTime) -> None:
    studio = booking.studio.name
    open_offers = Message.objects.filter(booking=booking, candidate_time=time, kind=Message.Kind.OFFER, status__in=OPEN)
    offers_void(
        offers=open_offers,
        courtesy=lambda offer: time_dropped_text(
            studio_name=studio, start=time.starts_at, end=time.ends_at, zone=offer.musician.time_zone
        ),
    )
    for fill in Fill.objects.filter(candidate_time=time).select_related("musician"):
        _tell_yes_holder_time_dropped(booking, time, fill)


def _tell_yes_holder_time_dropped(booking: Booking, time: CandidateTime, fill: Fill) -> None:
    if fill.musician.can_be_texted:
        message_queue(
            kind=Message.Kind.NOTICE,
            to_phone=fill.musician.phone,
            body=time_dropped_text(
                studio_name=booking.studio.name,
                start=time.starts_at,
                end=time.ends_at,
                zone=fill.musician.time_zone,
            ),
            musician=fill.musician,
            booking=booking,
        )


def booking_needs_attention(*, booking: Booking, reason: str) -> None:
    """Stop offering and text the manager, once: only the first transition alerts."""
    moved = Booking.objects.filter(pk=booking.pk, status=Booking.Status.OFFERING).update(
        status=Booking.Status.NEEDS_ATTENTION, attention_reason=reason
    )
    booking.status, booking.attention_reason = Booking.Status.NEEDS_ATTENTION, reason
    if moved:
        booking_log(booking, BookingEvent.Kind.NEEDS_ATTENTION, reason)
        manager_alert(studio=booking.studio, body=manager_help_text(booking=booking, reason=reason), booking=booking)


def _exhausted_reason(booking: Booking) -> str:
    answers = Message.objects.filter(booking=booking, kind=Message.Kind.OFFER).values_list("musician__name", "status")
    said_no = sorted({name for name, status in answers if status == Message.Status.DECLINED})
    silent = sorted({name for name, status in answers if status in (*OPEN, Message.Status.VOIDED)} - set(said_no))
    failed = sorted({name for name, status in answers if status == Message.Status.FAILED})
    parts = ["No musicians left to ask at any of the client's times."]
    parts.append(f"Said no: {', '.join(said_no) or 'nobody'}.")
    parts.append(f"No answer: {', '.join(silent) or 'nobody'}.")
    if failed:
        parts.append(f"Text failed: {', '.join(failed)}.")
    return " ".join(parts)


def _span(intervals: list[Interval]) -> Interval | None:
    if not intervals:
        return None
    return Interval(min(i.start for i in intervals), max(i.end for i in intervals))
