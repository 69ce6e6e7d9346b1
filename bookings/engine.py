"""The booking engine: plan a new booking and send its first group of offers.

Also what every path shares: moving a booking on to its next viable time, and
giving up (needs attention) when no time is left.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging.models import Message
from scheduling.intervals import Interval
from scheduling.plan import first_group, is_viable

from .history import booking_log
from .models import Booking, BookingEvent, CandidateTime, Offer
from .offers import group_send, offers_void, open_offers, time_dropped_courtesy
from .planning import BookingRoster, booking_roster, booking_sessions, no_viable_time_reason, seat_needs
from .texting import fills_text, manager_alert
from .texts import manager_help_text, time_dropped_text

logger = logging.getLogger(__name__)


def booking_start(*, booking_id: int, now: dt.datetime | None = None) -> None:
    """Plan the booking and text the first group. Safe to run twice: planning happens once.

    A run that raises is rolled back, counted on the booking, and raised again (the
    task's log and error reporting see it); after WORK_MAX_FAILURES the booking is set
    aside for the manager (bookings.failures).
    """
    now = now or timezone.now()
    try:
        _start(booking_id, now)
    except Exception as error:
        booking_plan_failed(booking_id=booking_id, error=error, now=now)
        raise


def _start(booking_id: int, now: dt.datetime) -> None:
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.planned_at is not None or booking.status != Booking.Status.OFFERING:
            return
        times, roster = _plan_candidate_times(booking, now)
        Booking.objects.filter(pk=booking.pk).update(planned_at=now)
        viable = sum(t.viable for t in times)
        booking_log(
            booking,
            BookingEvent.Kind.PLANNED,
            f"{len(times)} candidate time(s), {viable} with a full band free.",
            at=now,
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
        booking_needs_attention(booking=booking, reason=reason, now=now)
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
    span = _span([Interval(t.starts_at, t.ends_at) for t in times])
    if span is None:
        return False
    roster = roster or booking_roster(booking=booking, seats=seat_needs(booking), span=span, now=now)
    for time in times:
        lineup = first_group(roster.candidates_at(Interval(time.starts_at, time.ends_at)))
        if lineup is not None:
            Booking.objects.filter(pk=booking.pk).update(current_time=time)
            booking.current_time = time
            group_send(booking=booking, time=time, lineup=lineup, now=now, roster=roster)
            return True
    return False


def booking_move_on(*, booking: Booking, now: dt.datetime) -> None:
    """The current time cannot be filled: drop it and offer the next viable one, or give up."""
    if booking.reopened_at is not None:  # the rest of the band is booked at this time: never drop it
        reason = "A booked musician dropped out and nobody is left to take the seat."
        booking_needs_attention(booking=booking, reason=reason, now=now)
        return
    old = booking.current_time
    if old is not None:
        _drop_time(booking, old)
    later = list(booking.candidate_times.filter(rank__gt=old.rank if old else 0).order_by("rank"))
    if not booking_offer_from(booking=booking, times=later, now=now):
        booking_needs_attention(booking=booking, reason=_exhausted_reason(booking), now=now)
        return
    new = booking.current_time
    if new is None:  # booking_offer_from sets it whenever it returns True
        return
    booking_log(
        booking,
        BookingEvent.Kind.MOVED_ON,
        f"Moved to option {new.rank}: nobody left at option {old.rank if old else '-'}.",
        at=now,
    )


def _drop_time(booking: Booking, time: CandidateTime) -> None:
    """Nobody is left for a seat at this time: its open offers end, and whoever said YES hears it is off."""
    offers_void(offers=open_offers(booking).filter(candidate_time=time), courtesy=time_dropped_courtesy)
    fills_text(
        booking=booking,
        time=time,
        purpose=Message.Purpose.NOTICE,
        body=lambda fill: time_dropped_text(
            studio_name=booking.studio.name, start=time.starts_at, end=time.ends_at, zone=fill.musician.time_zone
        ),
    )


def booking_needs_attention(*, booking: Booking, reason: str, now: dt.datetime) -> None:
    """Stop offering and text the manager, once: only the first transition alerts."""
    moved = Booking.objects.filter(pk=booking.pk, status=Booking.Status.OFFERING).update(
        status=Booking.Status.NEEDS_ATTENTION, attention_reason=reason
    )
    booking.status, booking.attention_reason = Booking.Status.NEEDS_ATTENTION, reason
    if moved:
        booking_log(booking, BookingEvent.Kind.NEEDS_ATTENTION, reason, at=now)
        manager_alert(studio=booking.studio, body=manager_help_text(booking=booking, reason=reason), booking=booking)


def _exhausted_reason(booking: Booking) -> str:
    answers = Offer.objects.filter(booking=booking).values_list("musician__name", "status")
    said_no = sorted({name for name, status in answers if status == Offer.Status.DECLINED})
    silent = sorted(
        {name for name, status in answers if status in (Offer.Status.OPEN, Offer.Status.VOIDED)} - set(said_no)
    )
    failed = sorted({name for name, status in answers if status == Offer.Status.UNDELIVERABLE})
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


def booking_plan_failed(*, booking_id: int, error: BaseException, now: dt.datetime) -> int:
    """Count a planning run that raised (its own transaction was rolled back). Returns the count."""
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        failures = booking.plan_failures + 1
        Booking.objects.filter(pk=booking.pk).update(plan_failures=failures, plan_error=_described(error))
        if failures >= settings.WORK_MAX_FAILURES and booking.planned_at is None:
            reason = f"Planning it failed {failures} times, so it was set aside: {_described(error)}"
            booking_needs_attention(booking=booking, reason=reason, now=now)
    logger.error("Planning booking %s failed (%s so far): %s", booking_id, failures, error)
    return failures


def _described(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]
