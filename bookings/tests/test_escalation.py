"""The sweep: silent offers move on after ESCALATE_AFTER_MINUTES, never twice."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.answers import Answer, offer_answer
from bookings.engine import booking_start
from bookings.escalation import booking_escalate, bookings_due, sweep_due_offers
from bookings.models import Booking, Offer
from bookings.tests.factories import NOW, SAT_2PM, SUN_2PM, confirmations_follow_up, make_booking
from messaging.models import Message
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def drummers():
    return [
        MusicianFactory(name=f"Drummer {n}", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=n))
        for n in (1, 2, 3)
    ]


def offered(booking: Booking) -> list[str]:
    return [m.musician.name for m in Offer.objects.filter(booking=booking).order_by("pk")]


def start(windows=(SAT_2PM,)) -> Booking:
    booking = make_booking(seats=["drums"], windows=list(windows))
    booking_start(booking_id=booking.pk)
    return booking


def test_a_booking_is_due_an_hour_after_its_last_offer_not_before(clock, drummers):
    booking = start()

    clock.shift(dt.timedelta(minutes=59))
    assert bookings_due(now=dt.datetime.now(dt.UTC)) == []
    clock.shift(dt.timedelta(minutes=1))
    assert bookings_due(now=dt.datetime.now(dt.UTC)) == [booking.pk]


def test_the_wait_is_a_setting(clock, drummers, settings):
    settings.ESCALATE_AFTER_MINUTES = 30
    booking = start()

    clock.shift(dt.timedelta(minutes=30))
    assert bookings_due(now=dt.datetime.now(dt.UTC)) == [booking.pk]


def test_escalating_asks_the_next_musician_and_keeps_the_first_offer_open(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=60))

    assert booking_escalate(booking_id=booking.pk) is True

    assert offered(booking) == ["Drummer 1", "Drummer 2"]
    first = Message.objects.get(musician=drummers[0])
    assert first.status == Message.Status.QUEUED  # a late YES is still welcome
    booking.refresh_from_db()
    assert booking.last_offer_at == dt.datetime.now(dt.UTC)


def test_a_late_yes_to_an_earlier_offer_still_wins_the_seat(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=60))
    booking_escalate(booking_id=booking.pk)

    offer_answer(offer_id=Offer.objects.get(musician=drummers[0]).pk, answer=Answer.YES)
    confirmations_follow_up()

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Offer.objects.get(musician=drummers[1]).status == Offer.Status.VOIDED


def test_running_the_same_escalation_twice_texts_once(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=60))

    assert booking_escalate(booking_id=booking.pk) is True
    assert booking_escalate(booking_id=booking.pk) is False

    assert offered(booking) == ["Drummer 1", "Drummer 2"]


def test_each_hour_of_silence_asks_one_more_then_moves_to_the_next_time(clock, drummers):
    booking = start(windows=[SAT_2PM, SUN_2PM])
    for _ in range(2):
        clock.shift(dt.timedelta(minutes=60))
        booking_escalate(booking_id=booking.pk)
    assert offered(booking) == ["Drummer 1", "Drummer 2", "Drummer 3"]

    clock.shift(dt.timedelta(minutes=60))
    booking_escalate(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.current_time.starts_at == SUN_2PM[0]
    saturday = Offer.objects.filter(candidate_time__starts_at=SAT_2PM[0])
    assert set(saturday.values_list("status", flat=True)) == {Offer.Status.VOIDED}
    assert Message.objects.filter(purpose="notice").count() == 3  # a courtesy text to each
    sunday = Offer.objects.filter(candidate_time__starts_at=SUN_2PM[0])
    assert [m.musician.name for m in sunday] == ["Drummer 1"]


def test_with_nobody_left_anywhere_the_manager_is_texted_once(clock, drummers):
    booking = start()
    offer_answer(offer_id=Offer.objects.get(musician=drummers[0]).pk, answer=Answer.NO)  # asks Drummer 2
    for _ in range(3):
        clock.shift(dt.timedelta(minutes=60))
        booking_escalate(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert booking.attention_reason == (
        "No musicians left to ask at any of the client's times. Said no: Drummer 1. No answer: Drummer 2, Drummer 3."
    )
    assert Message.objects.filter(purpose="alert").count() == 1
    assert bookings_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []


def test_a_time_that_has_started_is_left_for_the_next_one(clock, drummers):
    soon = (NOW + dt.timedelta(hours=3), NOW + dt.timedelta(hours=6))
    booking = start(windows=[soon, SUN_2PM])
    clock.move_to(soon[0] + dt.timedelta(minutes=5))

    booking_escalate(booking_id=booking.pk)

    booking.refresh_from_db()
    assert booking.current_time.starts_at == SUN_2PM[0]


def test_the_beat_sweep_picks_due_bookings_in_one_query_and_queues_one_task_each(
    clock, drummers, django_capture_on_commit_callbacks
):
    due = [start(), start()]
    clock.shift(dt.timedelta(minutes=30))
    start()  # not due yet
    clock.shift(dt.timedelta(minutes=30))

    with CaptureQueriesContext(connection) as queries:
        queued = sweep_due_offers()

    assert queued == [b.pk for b in due]
    assert len(queries) == 1


def test_escalating_one_booking_costs_a_pinned_number_of_queries(clock, drummers):
    for n in range(30):
        MusicianFactory(plays=["drums"], last_booked_at=NOW - dt.timedelta(days=10 + n))
    booking = start()
    clock.shift(dt.timedelta(minutes=60))

    with CaptureQueriesContext(connection) as queries:
        booking_escalate(booking_id=booking.pk)

    # pinned: lock, re-check, next musician, one offer, one history line; the roster's players, weekly hours
    # and blackouts are one statement (was 16 with three)
    assert len(queries) == 14


def test_python_manage_py_escalate_runs_one_sweep_by_hand(clock, drummers):
    booking = start()
    clock.shift(dt.timedelta(minutes=61))
    out = StringIO()

    call_command("escalate", stdout=out)

    assert out.getvalue().strip() == "1 booking(s) due, 1 moved on."
    assert offered(booking) == ["Drummer 1", "Drummer 2"]


def test_beat_sweeps_every_interval_and_each_booking_moves_once_an_hour(clock, drummers, settings):
    from celery import current_app as app

    assert app.conf.beat_schedule["sweep-due-offers"]["schedule"] == settings.ESCALATION_INTERVAL_MINUTES * 60 == 900
    booking = start(windows=[SAT_2PM, SUN_2PM])
    asked_after = {}
    for sweep in range(1, 9):  # two hours of 15-minute sweeps
        clock.shift(dt.timedelta(minutes=15))
        for booking_id in bookings_due(now=dt.datetime.now(dt.UTC)):
            booking_escalate(booking_id=booking_id)
        asked_after[sweep * 15] = len(offered(booking))

    assert asked_after == {15: 1, 30: 1, 45: 1, 60: 2, 75: 2, 90: 2, 105: 2, 120: 3}


@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_from_two_beats_text_once(seeded_instruments, drummers):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    with time_machine.travel(NOW, tick=False):
        booking = start()
    later = NOW + dt.timedelta(minutes=61)

    def sweep(_: int) -> bool:
        try:
            return booking_escalate(booking_id=booking.pk, now=later)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        moved = list(pool.map(sweep, range(12)))

    assert moved.count(True) == 1
    assert offered(booking) == ["Drummer 1", "Drummer 2"]
