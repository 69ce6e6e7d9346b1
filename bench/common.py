"""What every benchmark shares: the result row, timing, and the roster and bookings it builds."""

import datetime as dt
import math
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
# `make bench BENCH_ARGS=--quick` (bench/run.py sets this): the same rows at smaller sizes, under a minute.
QUICK = os.environ.get("BENCH_QUICK") == "1"


# Growth series the benchmarks measured, by name: (size, seconds, queries) each; run.py writes
# them to bench/growth.json, and bench/plot.py draws docs/performance-growth.png from that.
GROWTH: dict[str, list[tuple[int, float, float]]] = {}


def growth_exponent(sizes: list[int], seconds: list[float]) -> float:
    """The least-squares slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    xs, ys = [math.log(n) for n in sizes], [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


@dataclass
class Row:
    """One line of the results table. `ok` is None for a figure reported without a target."""

    what: str
    figure: str
    floor: str = "-"
    ratio: str = "-"
    target: str = "-"
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: "info"}[self.ok]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeat))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def ensure_instruments(count: int) -> list[int]:
    """Ids of `count` made-up instruments, only the planning roster plays them.

    Not the seeded drums, bass and keys: the later benchmarks (email to first text) plan
    the sample order for those, and must not find 100,000 bench musicians playing them.
    """
    from musicians.models import Instrument

    names = [f"Bench instrument {i}" for i in range(count)]
    have = set(Instrument.objects.filter(name__in=names).values_list("name", flat=True))
    Instrument.objects.bulk_create(
        Instrument(name=name, slug=f"bench-instrument-{i}") for i, name in enumerate(names) if name not in have
    )
    return list(Instrument.objects.filter(name__in=names).order_by("pk").values_list("pk", flat=True))


def bench_studio():
    from scheduling.models import Studio

    studio, _ = Studio.objects.get_or_create(
        name="Bench Studio",
        defaults={"address": "1 Main St", "time_zone": "America/New_York", "manager_phone": "+12125550199"},
    )
    return studio


# The bench's musicians have no quiet hours (equal start and end: none). With the default 10 p.m. to
# 8 a.m. an offer made at night is held, its text not written until morning, so a run at night did
# less work than one by day (fewer statements a booking) and its rows measured the hour, not the code.
AWAKE = {"quiet_hours_start": dt.time(0), "quiet_hours_end": dt.time(0)}


def add_musicians(*, count: int, instrument_ids: list[int], first: int, seed: int = 7) -> None:
    """`count` musicians numbered from `first`: 1-3 instruments each, and for some of them
    weekly windows, a blackout and busy calendar events, so every availability rule has work."""
    from django.utils import timezone

    from musicians.models import Blackout, Musician, WeeklyAvailability
    from scheduling.models import CalendarEvent

    rng = random.Random(seed + first)  # noqa: S311
    now = timezone.now()
    musicians = Musician.objects.bulk_create(
        Musician(
            name=f"Player {n:06d}",
            phone=f"+1555{n:07d}",
            time_zone="America/New_York",
            last_booked_at=None if n % 3 == 0 else now - dt.timedelta(days=n % 97),
            **AWAKE,
        )
        for n in range(first, first + count)
    )
    through = Musician.instruments.through
    through.objects.bulk_create(
        through(musician_id=m.pk, instrument_id=i)
        for m in musicians
        for i in rng.sample(instrument_ids, rng.randint(1, 3))
    )
    weekly, blackouts, events = [], [], []
    for m in musicians:
        if m.pk % 3 == 0:
            for weekday in range(7):
                weekly.append(
                    WeeklyAvailability(musician=m, weekday=weekday, starts_at=dt.time(9), ends_at=dt.time(23))
                )
        if m.pk % 5 == 0:
            day = (now + dt.timedelta(days=rng.randint(1, 40))).date()
            blackouts.append(Blackout(musician=m, starts_on=day, ends_on=day + dt.timedelta(days=2)))
        if m.pk % 4 == 0:
            for k in range(3):
                start = now + dt.timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 23))
                events.append(
                    CalendarEvent(
                        uid=f"bench-{m.pk}-{k}",
                        calendar_id=f"musician-{m.pk}",
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=2),
                        summary="Gig",
                    )
                )
    WeeklyAvailability.objects.bulk_create(weekly, batch_size=5000)
    Blackout.objects.bulk_create(blackouts, batch_size=5000)
    CalendarEvent.objects.bulk_create(events, batch_size=5000)


def players_of(instrument, *, count: int, first: int, name: str, phone_prefix: str) -> list:
    """`count` musicians playing one instrument, named "<name> 00001"…, phones +1<prefix>0000001…."""
    from musicians.models import Musician

    musicians = Musician.objects.bulk_create(
        Musician(name=f"{name} {n:05d}", phone=f"+1{phone_prefix}{n:07d}", time_zone="America/New_York", **AWAKE)
        for n in range(first, first + count)
    )
    Musician.instruments.through.objects.bulk_create(
        Musician.instruments.through(musician_id=m.pk, instrument_id=instrument.pk) for m in musicians
    )
    return musicians


def sessions_windows(*, days: int, per_day: int, start_day: int = 1) -> list[tuple[dt.datetime, dt.datetime]]:
    """`per_day` back-to-back 3-hour windows a day from 08:00 New York, `days` days from tomorrow."""
    today = dt.datetime.now(NEW_YORK).date()
    windows = []
    for d in range(start_day, start_day + days):
        day = today + dt.timedelta(days=d)
        for w in range(per_day):
            start = dt.datetime(day.year, day.month, day.day, 8 + 3 * w, tzinfo=NEW_YORK)
            windows.append((start, start + dt.timedelta(hours=3)))
    return windows


def new_booking(*, instrument_ids: list[int], windows, song: str = "Bench Song"):
    """A booking with one seat per instrument id (repeat an id for two seats), not yet planned."""
    from bookings.models import Booking, RequestedWindow, Seat

    booking = Booking.objects.create(
        studio=bench_studio(),
        client_name="Bench Client",
        song_title=song,
        time_zone="America/New_York",
        session_minutes=180,
    )
    RequestedWindow.objects.bulk_create(RequestedWindow(booking=booking, starts_at=s, ends_at=e) for s, e in windows)
    numbers: dict[int, int] = {}
    seats = []
    for instrument_id in instrument_ids:
        numbers[instrument_id] = numbers.get(instrument_id, 0) + 1
        seats.append(Seat(booking=booking, instrument_id=instrument_id, number=numbers[instrument_id]))
    Seat.objects.bulk_create(seats)
    return booking
