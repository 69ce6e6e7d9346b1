"""The paced fill policy: waves, waits that shrink as the session nears, quiet hours, one nudge, standby."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from bookings.answers import Answer, Outcome, offer_answer
from bookings.engine import booking_start
from bookings.escalation import booking_escalate, bookings_due
from bookings.models import Booking, Fill, FillPolicy, Offer
from bookings.policy import fill_policy_set, policy_for
from bookings.tests.factories import NOW, SAT_2PM, confirmations_follow_up, local, make_booking
from messaging.models import Message
from musicians.tests.factories import MusicianFactory
from scheduling.tests.factories import StudioFactory

pytestmark = [pytest.mark.django_db]


AWAKE = NOW + dt.timedelta(hours=5)  # noon in New York, 9 AM in Los Angeles: nobody's quiet hours


@pytest.fixture
def clock():
    """Time stands still at AWAKE until the test moves it."""
    with time_machine.travel(AWAKE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def paced(settings):
    settings.FILL_POLICY = "paced"
    studio = StudioFactory()
    row = fill_policy_set(studio=studio, name="paced")
    # The mechanisms' tests pin their own wave sizes; the defaults are the simulation's to choose.
    FillPolicy.objects.filter(pk=row.pk).update(wave_size=2, near_wave_size=3)
    row.refresh_from_db()
    return row


def drummers(count: int, **fields) -> list:
    return [
        MusicianFactory(name=f"Drummer {n}", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=n), **fields)
        for n in range(1, count + 1)
    ]


def started(paced: FillPolicy, windows=(SAT_2PM,), seats=("drums",)) -> Booking:
    booking = make_booking(seats=list(seats), windows=list(windows), studio=paced.studio)
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    return booking


def asked(booking: Booking) -> list[str]:
    return [o.musician.name for o in Offer.objects.filter(booking=booking).order_by("pk")]


def texts_to(musician, purpose: str) -> list[Message]:
    return list(Message.objects.filter(musician=musician, purpose=purpose).order_by("pk"))


def test_it_offers_each_seat_to_a_wave_in_the_seeds_order(clock, paced):
    drummers(4)

    booking = started(paced)

    assert asked(booking) == ["Drummer 1", "Drummer 2"]  # days since last booking, smallest first


def test_a_musician_is_offered_one_seat_of_a_booking_at_a_time(clock, paced):
    both = MusicianFactory(name="Both", plays=["drums", "keyboard"], last_booked_at=NOW)
    MusicianFactory(name="Drums only", plays=["drums"])
    MusicianFactory(name="Keys only", plays=["keyboard"])

    booking = started(paced, seats=("drums", "keyboard"))

    offers = Offer.objects.filter(booking=booking)
    assert offers.filter(musician=both).count() == 1
    assert offers.count() == 3


def test_the_first_yes_wins_and_the_rest_of_the_wave_hears_at_once(clock, paced):
    first, second = drummers(2)
    booking = started(paced)

    assert offer_answer(offer_id=Offer.objects.get(musician=second).pk, answer=Answer.YES).outcome == Outcome.ACCEPTED
    assert confirmations_follow_up() == 1  # the only seat: the worker's follow-up voids every open offer

    assert Offer.objects.get(musician=first).status == Offer.Status.VOIDED
    [courtesy] = texts_to(first, "notice")
    assert "drums spot for Sat Dec 5, 2:00-5:00 PM EST is taken" in courtesy.body
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_yes_after_the_seat_was_taken_puts_the_musician_on_standby(clock, paced):
    first, second = drummers(2)
    started(paced)
    offer_answer(offer_id=Offer.objects.get(musician=second).pk, answer=Answer.YES)

    late = offer_answer(offer_id=Offer.objects.get(musician=first).pk, answer=Answer.YES)

    assert late.outcome == Outcome.STANDBY
    assert Offer.objects.get(musician=first).status == Offer.Status.STANDBY
    assert offer_answer(offer_id=late.offer.pk, answer=Answer.YES).outcome == Outcome.ALREADY
    assert Fill.objects.get().musician == second


@pytest.mark.django_db(transaction=True)
def test_of_a_wave_pressing_yes_at_the_same_moment_exactly_one_wins(paced, seeded_instruments):
    fill_policy_set(studio=paced.studio, name="paced")
    FillPolicy.objects.filter(pk=paced.pk).update(wave_size=6, near_wave_size=6)
    drummers(6)
    booking = make_booking(seats=["drums"], windows=[(local(2030, 12, 7, 14), local(2030, 12, 7, 17))],
                           studio=paced.studio)  # fmt: skip
    booking_start(booking_id=booking.pk)
    offer_ids = list(Offer.objects.filter(booking=booking).values_list("pk", flat=True))
    assert len(offer_ids) == 6
    barrier, outcomes = threading.Barrier(len(offer_ids)), []

    def press(offer_id: int) -> None:
        barrier.wait()
        try:
            outcomes.append(offer_answer(offer_id=offer_id, answer=Answer.YES).outcome)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=press, args=(pk,)) for pk in offer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([Outcome.ACCEPTED] + [Outcome.STANDBY] * 5)
    assert Fill.objects.count() == 1
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_the_wait_is_the_hour_when_the_session_is_far(clock, paced):
    drummers(8)
    booking = started(paced)

    offer = Offer.objects.filter(booking=booking).first()

    assert offer.expires_at - offer.created_at == dt.timedelta(minutes=60)


def test_the_wait_shrinks_and_the_wave_grows_as_the_session_nears(clock, paced):
    drummers(40)
    tomorrow = (AWAKE + dt.timedelta(hours=15), AWAKE + dt.timedelta(hours=18))  # 13 hours left to book it

    booking = started(paced, windows=[tomorrow])

    offers = list(Offer.objects.filter(booking=booking))
    assert len(offers) == paced.near_wave_size == 3
    wait = offers[0].expires_at - offers[0].created_at
    assert dt.timedelta(minutes=paced.shortest_wait_minutes) <= wait < dt.timedelta(minutes=60)


def test_under_short_notice_everyone_left_is_asked_at_once(clock, paced):
    drummers(7)
    soon = (AWAKE + dt.timedelta(hours=8), AWAKE + dt.timedelta(hours=11))

    booking = started(paced, windows=[soon])

    assert len(asked(booking)) == 7


def test_a_silent_musician_is_nudged_once_halfway_through_the_wait(clock, paced):
    drummers(4)
    booking = started(paced)

    clock.shift(dt.timedelta(minutes=30))
    assert bookings_due(now=dt.datetime.now(dt.UTC)) == [booking.pk]
    booking_escalate(booking_id=booking.pk)
    clock.shift(dt.timedelta(minutes=15))
    booking_escalate(booking_id=booking.pk, force=False)

    nudges = Message.objects.filter(purpose="reminder")
    assert sorted(m.musician.name for m in nudges) == ["Drummer 1", "Drummer 2"]
    assert "still looking for drums" in nudges[0].body and "/yes" in nudges[0].body
    assert asked(booking) == ["Drummer 1", "Drummer 2"]  # nobody new until the wave's wait is over


def test_after_the_wait_the_seat_moves_on_to_the_next_wave(clock, paced):
    drummers(5)
    booking = started(paced)

    for _ in range(4):
        clock.shift(dt.timedelta(minutes=15))
        for booking_id in bookings_due(now=dt.datetime.now(dt.UTC)):
            booking_escalate(booking_id=booking_id)

    assert asked(booking) == ["Drummer 1", "Drummer 2", "Drummer 3", "Drummer 4"]
    first = Offer.objects.get(musician__name="Drummer 1")
    assert first.status == Offer.Status.OPEN  # a late YES is still welcome while the seat is free


def test_the_sweep_costs_the_same_queries_whatever_the_wave_size(clock, paced):
    def escalation_queries(wave: int) -> int:
        FillPolicy.objects.filter(pk=paced.pk).update(wave_size=wave)
        booking = started(paced)
        clock.shift(dt.timedelta(minutes=30))
        booking_escalate(booking_id=booking.pk)  # the nudges
        clock.shift(dt.timedelta(minutes=31))
        with CaptureQueriesContext(connection) as queries:
            booking_escalate(booking_id=booking.pk)
        assert len(Offer.objects.filter(booking=booking)) == 2 * wave
        return len(queries)

    drummers(12)
    assert escalation_queries(2) == escalation_queries(5)


# --- quiet hours ----------------------------------------------------------------------------


def test_an_offer_that_would_land_in_quiet_hours_is_held_until_they_end(paced):
    night_owl = MusicianFactory(name="Lee", plays=["drums"], time_zone="America/Los_Angeles")
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False) as clock:  # 4 AM in LA
        booking = started(paced)

        offer = Offer.objects.get(musician=night_owl)
        assert offer.message is None and not Message.objects.filter(musician=night_owl).exists()
        assert offer.sends_at == dt.datetime(2026, 11, 21, 16, tzinfo=dt.UTC)  # 8 AM PST
        assert offer.expires_at == offer.sends_at + dt.timedelta(minutes=60)  # the wait starts when it goes out
        assert Booking.objects.get(pk=booking.pk).next_step_at == offer.sends_at

        clock.move_to(dt.datetime(2026, 11, 21, 16, 5, tzinfo=dt.UTC))
        booking_escalate(booking_id=booking.pk)

    offer.refresh_from_db()
    assert offer.message is not None and offer.message.purpose == "offer"
    assert asked(booking) == ["Lee"]  # the wave that waited is not moved on


def test_awake_musicians_are_texted_at_once_beside_a_sleeping_one(paced):
    MusicianFactory(name="Lee", plays=["drums"], time_zone="America/Los_Angeles", last_booked_at=NOW)
    MusicianFactory(name="Ana", plays=["drums"], time_zone="America/New_York")
    with time_machine.travel(dt.datetime(2026, 11, 21, 14, tzinfo=dt.UTC), tick=False):  # 9 AM NY, 6 AM LA
        booking = started(paced)

    sent = {o.musician.name: o.message_id is not None for o in Offer.objects.filter(booking=booking)}
    assert sent == {"Lee": False, "Ana": True}


@pytest.mark.parametrize(
    ("at", "ends"),
    [
        (dt.datetime(2026, 3, 8, 6, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 12, tzinfo=dt.UTC)),  # 1 AM EST -> 8 EDT
        (
            dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, 13, tzinfo=dt.UTC),
        ),  # 1:30 EDT -> 8 EST
    ],
    ids=["spring-forward", "fall-back"],
)
def test_quiet_hours_follow_the_musicians_wall_clock_on_dst_days(at, ends):
    musician = MusicianFactory(time_zone="America/New_York")

    assert musician.quiet_until(at) == ends
    assert musician.quiet_until(ends) is None


def test_quiet_hours_may_be_set_per_musician_and_need_not_wrap_midnight():
    musician = MusicianFactory(time_zone="America/Chicago", quiet_hours_start=dt.time(13), quiet_hours_end=dt.time(15))

    assert musician.quiet_until(dt.datetime(2026, 11, 21, 20, tzinfo=dt.UTC)) == dt.datetime(
        2026, 11, 21, 21, tzinfo=dt.UTC
    )  # 2 PM CST
    assert musician.quiet_until(dt.datetime(2026, 11, 21, 22, tzinfo=dt.UTC)) is None


def test_a_session_too_close_to_wait_for_morning_is_texted_through_quiet_hours(paced):
    MusicianFactory(name="Lee", plays=["drums"], time_zone="America/Los_Angeles")
    at = dt.datetime(2026, 11, 21, 11, tzinfo=dt.UTC)  # 3 AM in LA
    soon = (at + dt.timedelta(hours=5), at + dt.timedelta(hours=8))  # the last moment to book is 6 AM LA
    with time_machine.travel(at, tick=False):
        booking = started(paced, windows=[soon])

    offer = Offer.objects.get(booking=booking)
    assert offer.message is not None  # the short-notice rule: waiting for 8 AM would miss the session


def test_a_nudge_that_would_land_in_quiet_hours_is_not_sent(paced):
    MusicianFactory(name="Ana", plays=["drums"], time_zone="America/New_York")
    with time_machine.travel(dt.datetime(2026, 11, 22, 2, 40, tzinfo=dt.UTC), tick=False):  # 9:40 PM NY
        booking = started(paced)

    offer = Offer.objects.get(booking=booking)
    assert offer.message is not None and offer.nudge_at is None  # halfway would be 10:10 PM


def test_the_seed_policy_keeps_one_at_a_time_any_hour(settings):
    settings.FILL_POLICY = "seed"
    MusicianFactory(name="Lee", plays=["drums"], time_zone="America/Los_Angeles")
    MusicianFactory(name="Ana", plays=["drums"])
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False):
        booking = make_booking(seats=["drums"], windows=[SAT_2PM])
        booking_start(booking_id=booking.pk)

    [offer] = Offer.objects.filter(booking=booking)
    assert offer.message is not None and offer.nudge_at is None
    assert policy_for(booking.studio).name == "seed"
