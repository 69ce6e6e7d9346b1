"""Planning a booking: which of the client's times could work, and who could fill each seat.

All reads, in a fixed number of queries whatever the roster's size: the seats,
the windows, one free/busy call for the studio, and `scheduling.availability`'s
loader for the musicians.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import F

from scheduling.availability import LeftOut, Player, load_players
from scheduling.calendars import get_calendar_backend
from scheduling.calendars.ids import studio_calendar_id
from scheduling.candidates import RankedSession, candidate_sessions, rank_sessions
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed, players_by_instrument, rank_players, seat_candidates

from .models import Booking, Fill, Seat


@dataclass
class BookingRoster:
    """The ranked musicians who could play any seat of a booking, with the seats."""

    seats: list[SeatNeed]
    ranked: list[Player]

    @cached_property
    def by_instrument(self) -> dict[int, list[Player]]:
        return players_by_instrument(self.seats, self.ranked)

    def candidates_at(self, session: Interval) -> dict[int, Sequence[int]]:
        return seat_candidates(self.seats, session, self.ranked, self.by_instrument)


def seat_needs(booking: Booking) -> list[SeatNeed]:
    return [
        SeatNeed(seat_id, instrument_id) for seat_id, instrument_id in booking.seats.values_list("pk", "instrument_id")
    ]


def holds_elsewhere(*, booking: Booking | None, span: Interval) -> dict[int, list[Interval]]:
    """Sessions musicians are booked for, or holding a YES on, in other live bookings.

    `booking=None` (the sweep, for a whole batch) keeps every booking's holds: a booking's
    own are among them, which changes nothing for it, as whoever holds one of its seats is
    asked for no other.
    """
    fills = Fill.objects.filter(
        candidate_time__booking__status__in=[Booking.Status.OFFERING, Booking.Status.CONFIRMED],
        candidate_time__booking__current_time=F("candidate_time"),
        candidate_time__starts_at__lt=span.end,
        candidate_time__ends_at__gt=span.start,
    )
    if booking is not None:
        fills = fills.exclude(candidate_time__booking=booking)
    holds: dict[int, list[Interval]] = {}
    # In no order (the default's is four joins to sort by): each musician's holds are only looked through.
    for musician_id, start, end in fills.order_by().values_list(
        "musician_id", "candidate_time__starts_at", "candidate_time__ends_at"
    ):
        holds.setdefault(musician_id, []).append(Interval(start, end))
    return holds


def booking_roster(
    *, booking: Booking, seats: list[SeatNeed], span: Interval, now: dt.datetime, left_out: list[LeftOut] | None = None
) -> BookingRoster:
    """`left_out`, if given, gets who plays a seat's instrument but cannot be texted (`load_players`)."""
    instrument_ids = {seat.instrument_id for seat in seats}
    holds = holds_elsewhere(booking=booking, span=span)
    players = load_players(instrument_ids=instrument_ids, span=span, holds=holds, left_out=left_out)
    return BookingRoster(seats, rank_players(players, now=now, order=settings.MUSICIAN_ORDER))


def booking_sessions(*, booking: Booking, now: dt.datetime) -> list[RankedSession]:
    """The client's windows cut into sessions the studio can host, in plan order."""
    windows = [Interval(start, end) for start, end in booking.requested_windows.values_list("starts_at", "ends_at")]
    if not windows:
        return []
    studio = booking.studio
    span = Interval(min(w.start for w in windows), max(w.end for w in windows))
    calendar_id = studio_calendar_id(studio)
    studio_busy = get_calendar_backend().busy([calendar_id], span).get(calendar_id) if calendar_id else []
    if studio_busy is None:
        return []  # the studio's calendar could not be read: no time is known to be free
    sessions = candidate_sessions(
        windows=windows,
        minutes=booking.session_minutes,
        studio_busy=studio_busy,
        earliest_start=now + dt.timedelta(minutes=settings.MIN_LEAD_MINUTES),
    )
    return rank_sessions(sessions, zone=studio.zone, opens=studio.opens_at, closes=studio.closes_at)


def no_viable_time_reason(*, booking: Booking, sessions: list[RankedSession], roster: BookingRoster | None) -> str:
    """Why no time works, per instrument, in words for the manager."""
    if not sessions or roster is None:
        return "None of the client's times work: the studio is busy, or they are past or too soon."
    wanted = Counter(seat.instrument_id for seat in roster.seats)
    names = dict(Seat.objects.filter(booking=booking).values_list("instrument_id", "instrument__name"))
    reasons = []
    for instrument_id, count in wanted.items():
        players = [p for p in roster.ranked if instrument_id in p.instrument_ids]
        if not players:
            reasons.append(f"{names[instrument_id]}: nobody on the roster plays it.")
            continue
        most_free = max(_free_count(roster, instrument_id, s.interval) for s in sessions)
        if most_free < count:
            free = "nobody" if most_free == 0 else f"only {most_free} of {count}"
            reasons.append(f"{names[instrument_id]}: {free} free at those times.")
    return " ".join(reasons) or "No single time has a full band free."


def _free_count(roster: BookingRoster, instrument_id: int, session: Interval) -> int:
    candidates = seat_candidates([SeatNeed(0, instrument_id)], session, roster.ranked)
    return len(candidates[0])
