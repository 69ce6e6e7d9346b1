"""Planning: one booking of 6 seats, 200 candidate times, a roster of 1,000 then 10,000.

The figure is `bookings.engine.booking_start` (candidate times, viability per time,
the matching, the order, the first group's offers). The floor is the time to just
read the rows planning needs: the musicians who play the six instruments, their
weekly windows, blackouts and calendar events, as plain `values_list` reads.
Targets: plan <= 3x the floor at 10,000 musicians; the same query count at every
size; time at most linear in the roster (growth exponent, the slope of log time
against log size, <= 1.15) from 1,000 to 100,000 musicians (BENCH_PLANNING_SIZES
to measure fewer on a slow machine).
"""

import os

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .common import (
    GROWTH,
    QUICK,
    Row,
    add_musicians,
    ensure_instruments,
    growth_exponent,
    median_time,
    ms,
    new_booking,
    sessions_windows,
)

INSTRUMENTS = 30
SEATS = 6
REPEAT = 3
DEFAULT_SIZES = "300,1000,3000" if QUICK else "1000,10000,100000"
SIZES = [int(n) for n in os.environ.get("BENCH_PLANNING_SIZES", DEFAULT_SIZES).split(",")]
TARGET_SIZE = 10_000


def read_floor(instrument_ids: list[int], windows) -> None:
    """The rows planning needs, read and nothing else."""
    from musicians.models import Blackout, Musician, WeeklyAvailability
    from scheduling.models import CalendarEvent

    start, end = windows[0][0], windows[-1][1]
    plays = list(
        Musician.instruments.through.objects.filter(
            instrument_id__in=instrument_ids, musician__is_active=True, musician__opted_out_at__isnull=True
        ).values_list(
            "instrument_id",
            "musician_id",
            "musician__name",
            "musician__time_zone",
            "musician__last_booked_at",
            "musician__calendar_id",
        )
    )
    ids = {row[1] for row in plays}
    list(
        WeeklyAvailability.objects.filter(musician_id__in=ids).values_list(
            "musician_id", "weekday", "starts_at", "ends_at"
        )
    )
    list(
        Blackout.objects.filter(musician_id__in=ids, starts_on__lte=end.date(), ends_on__gte=start.date()).values_list(
            "musician_id", "starts_on", "ends_on"
        )
    )
    list(
        CalendarEvent.objects.filter(
            calendar_id__in=[f"musician-{i}" for i in ids], starts_at__lt=end, ends_at__gt=start
        ).values_list("calendar_id", "starts_at", "ends_at")
    )


def plan_once(instrument_ids: list[int], windows) -> tuple[float, int, int]:
    """Plan one fresh booking: (seconds, queries, candidate times written)."""
    import time

    from bookings.engine import booking_start
    from bookings.models import CandidateTime

    booking = new_booking(instrument_ids=instrument_ids, windows=windows)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        booking_start(booking_id=booking.pk)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), CandidateTime.objects.filter(booking=booking).count()


def measure(instrument_ids: list[int], windows) -> dict:
    times, counts = [], []
    for _ in range(REPEAT):
        elapsed, count, candidates = plan_once(instrument_ids, windows)
        times.append(elapsed)
        counts.append(count)
    times.sort()
    floor = median_time(lambda: read_floor(instrument_ids, windows), REPEAT)
    return {"plan": times[len(times) // 2], "queries": counts, "floor": floor, "candidates": candidates}


def run() -> list[Row]:
    instruments = ensure_instruments(INSTRUMENTS)
    seats = instruments[:SEATS]
    # From the third day: the first session is always more than 48 hours away, whatever the hour the
    # bench runs, so the paced policy's first wave is its usual size (within 12 hours of a session it
    # texts everyone left: at 10 p.m. in New York "tomorrow 8 a.m." made the first group 10,000 texts).
    windows = sessions_windows(days=40, per_day=5, start_day=3)
    at: dict[int, dict] = {}
    have = 0
    for size in SIZES:
        add_musicians(count=size - have, instrument_ids=instruments, first=have + 1)
        have = size
        at[size] = measure(seats, windows)
    GROWTH["planning (musicians)"] = [(n, at[n]["plan"], at[n]["queries"][0]) for n in SIZES]
    judged = TARGET_SIZE if TARGET_SIZE in at else max(at)
    ratio = at[judged]["plan"] / at[judged]["floor"]
    exponent = growth_exponent(SIZES, [at[n]["plan"] for n in SIZES])
    counts = {n: at[n]["queries"][0] for n in SIZES}
    rows = [
        Row(
            f"planning: booking_start, {judged:,} musicians, {SEATS} seats, {at[judged]['candidates']} candidate times",
            ms(at[judged]["plan"]),
            f"{ms(at[judged]['floor'])} (read the rows)",
            f"{ratio:.1f}x",
            "<= 3x",
            ratio <= 3,
        )
    ]
    rows += [
        Row(
            f"planning growth: {n:,} musicians",
            f"{ms(at[n]['plan'])}, {counts[n]} queries",
            ms(at[n]["floor"]),
            f"{at[n]['plan'] / at[n]['floor']:.1f}x",
        )
        for n in SIZES
    ]
    rows.append(
        Row(
            f"planning growth exponent, {SIZES[0]:,} to {SIZES[-1]:,} musicians (slope of log time, log size); queries",
            f"{exponent:.2f}; " + " vs ".join(str(counts[n]) for n in SIZES),
            "-",
            "-",
            "<= 1.15, queries equal",
            exponent <= 1.15 and len({q for n in SIZES for q in at[n]["queries"]}) == 1,
        )
    )
    return rows
