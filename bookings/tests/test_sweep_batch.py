"""The sweep in batches: one task steps many due bookings, each under its own lock, for a
fixed number of queries whatever the batch, and exactly as one by one would."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import escalation
from bookings.engine import booking_start
from bookings.escalation import booking_escalate, bookings_escalate, sweep_due_offers
from bookings.models import Booking, Offer
from bookings.tests.factories import NOW, SAT_2PM, make_booking
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def drummers():
    return [
        MusicianFactory(name=f"Drummer {n}", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=n))
        for n in range(1, 21)
    ]


def start() -> Booking:
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    return booking


def offered(booking: Booking) -> list[str]:
    return [offer.musician.name for offer in Offer.objects.filter(booking=booking).order_by("pk")]


def escalate_batch(count: int, clock) -> tuple[int, list[Booking]]:
    bookings = [start() for _ in range(count)]
    clock.shift(dt.timedelta(minutes=61))
    with CaptureQueriesContext(connection) as queries:
        moved = bookings_escalate(booking_ids=[b.pk for b in bookings])
    assert moved == [b.pk for b in bookings]
    return len(queries), bookings


def test_it_costs_a_fixed_number_of_queries_plus_a_fixed_number_per_booking(clock, drummers):
    three, _ = escalate_batch(3, clock)
    six, _ = escalate_batch(6, clock)
    nine, _ = escalate_batch(9, clock)

    assert nine - six == six - three  # the same for each booking, whatever the batch
    assert (six - three) // 3 == 0  # pinned (was 4): a booking's texts, offers, next step and history line
    assert three == 16  # are written with the batch's: lock, 10 reads, texts, offers, next steps, history lines


def test_it_asks_each_booking_what_one_by_one_would(clock, drummers):
    alone = start()
    _, batched = escalate_batch(2, clock)  # started with `alone`, escalated together an hour on

    assert booking_escalate(booking_id=alone.pk) is True

    assert offered(batched[0]) == offered(batched[1]) == offered(alone)
    assert len(offered(alone)) > 1


def test_it_never_steps_a_booking_twice(clock, drummers):
    _, bookings = escalate_batch(2, clock)
    before = Offer.objects.count()

    assert bookings_escalate(booking_ids=[b.pk for b in bookings]) == []
    assert Offer.objects.count() == before


def test_it_skips_bookings_that_are_not_due(clock, drummers):
    due = start()
    clock.shift(dt.timedelta(minutes=61))
    fresh = start()
    first_wave = offered(fresh)

    assert bookings_escalate(booking_ids=[fresh.pk, due.pk]) == [due.pk]
    assert offered(fresh) == first_wave
    assert len(offered(due)) > len(first_wave)


def test_a_failing_booking_is_rolled_back_alone_and_the_others_still_move(clock, drummers):
    bookings = [start() for _ in range(3)]
    clock.shift(dt.timedelta(minutes=61))
    before = {b.pk: offered(b) for b in bookings}
    real_line = escalation.booking_line

    def log(booking, *args, **kwargs):
        if booking.pk == bookings[1].pk:
            raise RuntimeError("boom")
        return real_line(booking, *args, **kwargs)

    with mock.patch("bookings.escalation.booking_line", side_effect=log):
        moved = bookings_escalate(booking_ids=[b.pk for b in bookings])

    assert moved == [bookings[0].pk, bookings[2].pk]
    assert offered(bookings[1]) == before[bookings[1].pk]
    assert len(offered(bookings[0])) > len(before[bookings[0].pk])
    assert len(offered(bookings[2])) > len(before[bookings[2].pk])


def test_a_batch_of_one_raises_what_its_step_raised(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=61))

    with mock.patch("bookings.escalation.booking_line", side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        booking_escalate(booking_id=booking.pk)


def test_beat_queues_the_due_bookings_in_batches(clock, drummers):
    bookings = [start() for _ in range(5)]
    clock.shift(dt.timedelta(minutes=61))

    with mock.patch("bookings.escalation.queue_now", return_value=True) as queue:
        queued = sweep_due_offers(batch=2)

    assert queued == [b.pk for b in bookings]
    assert [call.args for call in queue.call_args_list] == [
        ("bookings.tasks.escalate_bookings", [bookings[0].pk, bookings[1].pk]),
        ("bookings.tasks.escalate_bookings", [bookings[2].pk, bookings[3].pk]),
        ("bookings.tasks.escalate_bookings", [bookings[4].pk]),
    ]
