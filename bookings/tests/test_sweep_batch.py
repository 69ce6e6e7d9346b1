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
from bookings.tests.factories import NOW, SAT_2PM, SUN_2PM, make_booking
from core.tests.broker import tasks_sent_apart
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
    # are written with the batch's: lock, 8 reads (was 10: the roster's players, weekly hours and blackouts are
    # one statement now), texts, offers, next steps, history lines
    assert three == 14


def test_it_asks_each_booking_what_one_by_one_would(clock, drummers):
    alone = start()
    _, batched = escalate_batch(2, clock)  # started with `alone`, escalated together an hour on

    assert booking_escalate(booking_id=alone.pk) is True

    assert offered(batched[0]) == offered(batched[1]) == offered(alone)
    assert len(offered(alone)) > 1


def stepped(booking: Booking) -> tuple:
    """Everything a step writes about a booking, its id and tokens aside (each offer's own, random)."""
    booking.refresh_from_db()
    offers = [
        (o.musician.name, o.seat.instrument.slug, o.candidate_time.rank, o.status, o.created_at, o.sends_at,
         o.expires_at, o.nudge_at, o.message and (o.message.to_phone, o.message.body.replace(o.token, "<token>"),
         o.message.send_after, o.message.status))
        for o in Offer.objects.filter(booking=booking).select_related("message", "musician", "seat__instrument",
                                                                      "candidate_time").order_by("pk")
    ]  # fmt: skip
    texts = [
        (
            phone,
            purpose,
            body.replace(f"#{booking.pk} ", "#<id> ").replace(f"/{booking.pk}/", "/<id>/"),
        )  # the manager's
        for phone, purpose, body in booking.texts.order_by("pk").values_list(
            "message__to_phone", "message__purpose", "message__body"
        )
    ]
    lines = list(booking.events.order_by("pk").values_list("kind", "summary", "at", "actor"))
    return booking.status, booking.current_time.rank, booking.next_step_at, booking.last_offer_at, offers, texts, lines


def test_a_batch_writes_what_stepping_each_booking_alone_writes(clock, drummers, settings):
    """Bookings of every kind a step meets, twice over: one of each stepped in a batch, the other alone."""
    settings.FILL_POLICY = "paced"  # waves, quiet hours and nudges
    MusicianFactory(name="Only keys", plays=["keyboard"], last_booked_at=NOW - dt.timedelta(days=3))
    for drummer in drummers[1::2]:  # 4 AM in Los Angeles: their texts wait for the morning, the others' go now
        drummer.time_zone = "America/Los_Angeles"
        drummer.save()

    def kinds() -> list[Booking]:
        one_seat = start()
        both = make_booking(seats=["drums", "drums"], windows=[SAT_2PM])
        nobody_left = make_booking(seats=["keyboard"], windows=[SAT_2PM, SUN_2PM])  # moves on to Sunday
        for booking in (both, nobody_left):
            booking_start(booking_id=booking.pk)
        return [one_seat, both, nobody_left]

    batched, alone = kinds(), kinds()
    clock.shift(dt.timedelta(hours=3))  # every first wave's wait is over; 7 AM in Los Angeles: still held

    assert bookings_escalate(booking_ids=[b.pk for b in batched]) == [b.pk for b in batched]
    assert all(booking_escalate(booking_id=b.pk) for b in alone)

    assert [stepped(b) for b in batched] == [stepped(b) for b in alone]
    offers = Offer.objects.filter(booking__in=batched)
    assert offers.filter(message=None).exists() and offers.exclude(message=None).exists()  # held, and sent
    assert stepped(batched[2])[1] == 2  # the keys booking moved on to its second time

    clock.shift(dt.timedelta(hours=2))  # 9 AM in Los Angeles: the held texts go out
    assert bookings_escalate(booking_ids=[b.pk for b in batched]) == [b.pk for b in batched]
    assert all(booking_escalate(booking_id=b.pk) for b in alone)

    assert [stepped(b) for b in batched] == [stepped(b) for b in alone]
    assert offers.exclude(sends_at=None).exclude(message=None).exists()  # a held text, released


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


def test_a_booking_whose_writes_fail_is_rolled_back_alone(clock, drummers):
    bookings = [start() for _ in range(3)]
    clock.shift(dt.timedelta(minutes=61))
    before = {b.pk: offered(b) for b in bookings}
    real_write = escalation.booking_lines_log

    def write(lines):  # the batch's writes fail while they hold the broken booking's line
        if any(line.booking_id == bookings[1].pk for line in lines):
            raise RuntimeError("boom")
        return real_write(lines)

    with mock.patch("bookings.escalation.booking_lines_log", side_effect=write):
        moved = bookings_escalate(booking_ids=[b.pk for b in bookings])

    assert moved == [bookings[0].pk, bookings[2].pk]
    assert offered(bookings[1]) == before[bookings[1].pk]
    assert len(offered(bookings[0])) > len(before[bookings[0].pk])


def test_a_batch_of_one_raises_what_its_step_raised(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=61))

    with mock.patch("bookings.escalation.booking_line", side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        booking_escalate(booking_id=booking.pk)


def test_beat_queues_the_due_bookings_in_batches(clock, drummers):
    bookings = [start() for _ in range(5)]
    clock.shift(dt.timedelta(minutes=61))

    with tasks_sent_apart() as sent:
        queued = sweep_due_offers(batch=2)

        assert queued == [b.pk for b in bookings]
        assert sent() == [  # as the worker will be handed them
            ("bookings.tasks.escalate_bookings", ([bookings[0].pk, bookings[1].pk],)),
            ("bookings.tasks.escalate_bookings", ([bookings[2].pk, bookings[3].pk],)),
            ("bookings.tasks.escalate_bookings", ([bookings[4].pk],)),
        ]
