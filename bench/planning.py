"""Planning: one booking of 6 seats, 200 candidate times, a roster of 1,000 then 10,000.

The figure is `bookings.engine.booking_start` (candidate times, viability per time,
the matching, the order, the first group's offers). The floor is the time to just
read the rows planning needs: the musicians who play the six instruments, their
weekly windows, blackouts and calendar events, as plain `values_list` reads.
Targets: plan <= 3x the floor at 10,000 musicians; the same query count at 1,000
and 10,000 musicians.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .common import Row, add_musicians, ensure_instruments, median_time, ms, new_booking, sessions_windows

INSTRUMENTS = 30
SEATS = 6
REPEAT = 3


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


def run(*, large: int = 10_000, small: int = 1_000) -> list[Row]:
    instruments = ensure_instruments(INSTRUMENTS)
    seats = instruments[:SEATS]
    windows = sessions_windows(days=40, per_day=5)
    add_musicians(count=small, instrument_ids=instruments, first=1)
    at_small = measure(seats, windows)
    add_musicians(count=large - small, instrument_ids=instruments, first=small + 1)
    at_large = measure(seats, windows)
    ratio = at_large["plan"] / at_large["floor"]
    same = len(set(at_small["queries"]) | set(at_large["queries"])) == 1
    return [
        Row(
            f"planning: booking_start, {large:,} musicians, {SEATS} seats, {at_large['candidates']} candidate times",
            ms(at_large["plan"]),
            f"{ms(at_large['floor'])} (read the rows)",
            f"{ratio:.1f}x",
            "<= 3x",
            ratio <= 3,
        ),
        Row(
            f"planning at {small:,} musicians (for scale)",
            ms(at_small["plan"]),
            ms(at_small["floor"]),
            f"{at_small['plan'] / at_small['floor']:.1f}x",
        ),
        Row(
            f"planning: queries at {small:,} vs {large:,} musicians",
            f"{at_small['queries'][0]} vs {at_large['queries'][0]}",
            "-",
            "-",
            "equal",
            same,
        ),
    ]
