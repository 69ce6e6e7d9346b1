"""The sweep: N due bookings, each offering two seats with its last offer two hours old.

Figures: the queries of Beat's pass (`bookings_due`, must be 1 whatever N), the
queries of one `booking_escalate` (the same for every booking), and the drain:
every escalation run in-process one after another, against a floor of one
trivial locked read per booking. Exactly one new offer per seat must result.
"""

import datetime as dt
import secrets
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .common import Row, bench_studio, ms, players_of

BOOKINGS = 1_000
PLAYERS_PER_SEAT = 12


def build_due_bookings(count: int) -> list[int]:
    """`count` bookings offering two seats (two instruments only sweep players play), one offer out per seat."""
    from bookings.models import Booking, CandidateTime, Offer, Seat
    from musicians.models import Instrument

    now = timezone.now()
    kinds, first_asked = [], []
    for k in (1, 2):  # built once, shared by every size the growth rows ask for
        kind, new = Instrument.objects.get_or_create(name=f"Sweep horn {k}", defaults={"slug": f"sweep-horn-{k}"})
        if new:
            players_of(kind, count=PLAYERS_PER_SEAT, first=1 + k * 100, name="Sweeper", phone_prefix="556")
        kinds.append(kind)
        first_asked.append(kind.musicians.order_by("pk").first())
    studio = bench_studio()
    bookings = Booking.objects.bulk_create(
        Booking(
            studio=studio,
            client_name=f"Sweep {i}",
            song_title="Due",
            time_zone="America/New_York",
            session_minutes=180,
            planned_at=now - dt.timedelta(hours=3),
            last_offer_at=now - dt.timedelta(hours=2),
            next_step_at=now - dt.timedelta(minutes=1),
        )
        for i in range(count)
    )
    times = CandidateTime.objects.bulk_create(
        CandidateTime(
            booking=b,
            starts_at=now + dt.timedelta(days=3, hours=i % 200 * 3),
            ends_at=now + dt.timedelta(days=3, hours=i % 200 * 3 + 3),
            rank=1,
            in_business_hours=True,
            viable=True,
        )
        for i, b in enumerate(bookings)
    )
    for booking, ctime in zip(bookings, times, strict=True):
        booking.current_time = ctime
    Booking.objects.bulk_update(bookings, ["current_time"], batch_size=2000)
    seats = Seat.objects.bulk_create(Seat(booking=b, instrument=kind) for b in bookings for kind in kinds)
    Offer.objects.bulk_create(
        Offer(
            musician=first_asked[s % 2],
            booking=seat.booking,
            seat=seat,
            candidate_time=times[s // 2],
            token=secrets.token_urlsafe(12),
            created_at=now - dt.timedelta(hours=2),
            expires_at=now - dt.timedelta(minutes=1),
        )
        for s, seat in enumerate(seats)
    )
    return [b.pk for b in bookings]


def trivial_per_booking(booking_id: int) -> None:
    from bookings.models import Booking

    with transaction.atomic():
        Booking.objects.select_for_update().get(pk=booking_id)


def run(*, count: int = BOOKINGS) -> list[Row]:
    from bookings.escalation import booking_escalate, bookings_due
    from bookings.models import Offer

    ids = build_due_bookings(count)
    offers_before = Offer.objects.filter(booking_id__in=ids).count()
    with CaptureQueriesContext(connection) as beat:
        due = bookings_due(now=timezone.now())
    floor_start = time.perf_counter()
    for booking_id in ids:
        trivial_per_booking(booking_id)
    floor = time.perf_counter() - floor_start
    per_booking: list[int] = []
    start = time.perf_counter()
    for booking_id in ids:
        if len(per_booking) < 5:
            with CaptureQueriesContext(connection) as one:
                booking_escalate(booking_id=booking_id)
            per_booking.append(len(one))
        else:
            booking_escalate(booking_id=booking_id)
    drain = time.perf_counter() - start
    new_offers = Offer.objects.filter(booking_id__in=ids).count() - offers_before
    ratio = drain / floor
    return [
        Row(
            f"sweep: Beat pass queries, {count:,} due bookings",
            f"{len(beat)} (picked {len(set(due) & set(ids)):,})",
            target="1",
            ok=len(beat) == 1 and set(ids) <= set(due),
        ),
        Row(
            "sweep: queries of one booking_escalate (5 bookings)",
            ", ".join(map(str, per_booking)),
            target="the same for each",
            ok=len(set(per_booking)) == 1,
        ),
        Row(
            f"sweep: drain {count:,} escalations in-process, sequential",
            f"{ms(drain)} ({count / drain:.0f}/s)",
            f"{ms(floor)} (one locked read per booking)",
            f"{ratio:.1f}x",
            "reported",
            None,
        ),
        Row("sweep: new offer texts", f"{new_offers:,}", "-", "-", f"exactly {2 * count:,}", new_offers == 2 * count),
    ]
