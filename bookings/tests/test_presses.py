"""A button pressed on an offer's page is stored first and decided after, in press order, whichever
way the other answers came (a page or a reply text)."""

import datetime as dt

import pytest

from bookings.answers import Answer, Outcome, offer_answer
from bookings.engine import booking_start
from bookings.escalation import bookings_escalate
from bookings.models import Booking, Fill, Offer
from bookings.offers import offers_send
from bookings.presses import offer_press, offer_presses_decide
from bookings.tests.factories import NOW, SAT_2PM, make_booking
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def drummers():
    """A one-seat booking on the seed policy with its offer out to Ann, Bo and Cy at once."""
    players = [MusicianFactory(name=name, plays=["drums"]) for name in ("Ann", "Bo", "Cy")]
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    asked = set(Offer.objects.filter(booking=booking).values_list("musician_id", flat=True))
    picks = [(booking.seats.get(), m) for m in players if m.pk not in asked]
    offers_send(booking=booking, time=booking.current_time, picks=picks, now=NOW)
    return {offer.musician.name: offer for offer in Offer.objects.filter(booking=booking).select_related("musician")}


def test_presses_are_decided_in_press_order_not_the_order_their_tasks_run(drummers, clock):
    clock.shift(dt.timedelta(seconds=1))
    assert offer_press(token=drummers["Bo"].token, answer=Answer.YES) is True
    clock.shift(dt.timedelta(seconds=1))
    assert offer_press(token=drummers["Ann"].token, answer=Answer.YES) is True

    assert offer_presses_decide(token=drummers["Ann"].token) == 2  # Ann's task ran first; Bo pressed first

    ann, bo = (Offer.objects.get(pk=drummers[name].pk) for name in ("Ann", "Bo"))
    second = dt.timedelta(seconds=1)
    assert (bo.press_outcome, bo.status, bo.answered_at) == (Outcome.ACCEPTED, "accepted", NOW + second)
    assert (ann.press_outcome, ann.status, ann.answered_at) == (Outcome.LATE, "late", NOW + 2 * second)
    assert Fill.objects.get().musician.name == "Bo"
    assert offer_presses_decide(token=drummers["Bo"].token) == 0  # Bo's own task, delivered after: nothing left


def test_a_later_yes_by_text_loses_to_an_earlier_press_still_waiting_for_its_worker(drummers, clock):
    offer_press(token=drummers["Ann"].token, answer=Answer.YES)
    clock.shift(dt.timedelta(seconds=3))

    texted = offer_answer(offer_id=drummers["Bo"].pk, answer=Answer.YES)  # Bo's reply "YES", 3 s later

    assert texted.outcome == Outcome.LATE
    ann = Offer.objects.get(pk=drummers["Ann"].pk)
    assert (ann.press_outcome, ann.status, ann.answered_at) == (Outcome.ACCEPTED, "accepted", NOW)
    assert Fill.objects.get().musician.name == "Ann"
    assert offer_presses_decide(token=ann.token) == 0


def test_a_press_made_after_a_text_answer_is_decided_after_it(drummers, clock):
    offer_answer(offer_id=drummers["Bo"].pk, answer=Answer.YES)  # the text came first
    clock.shift(dt.timedelta(seconds=1))
    offer_press(token=drummers["Ann"].token, answer=Answer.YES)

    offer_presses_decide(token=drummers["Ann"].token)

    assert Offer.objects.get(pk=drummers["Ann"].pk).press_outcome == Outcome.LATE
    assert Fill.objects.get().musician.name == "Bo"


def test_a_no_press_is_decided_as_a_no_and_the_seat_moves_on(clock):
    MusicianFactory(name="Ann", plays=["drums"])
    MusicianFactory(name="Bo", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    first = Offer.objects.get(booking=booking)
    offer_press(token=first.token, answer=Answer.NO)
    clock.shift(dt.timedelta(seconds=5))

    offer_presses_decide(token=first.token)

    first.refresh_from_db()
    assert (first.status, first.answered_at, first.press_outcome) == ("declined", NOW, Outcome.DECLINED)
    nxt = Offer.objects.exclude(pk=first.pk).get(booking=booking)
    assert nxt.created_at == NOW + dt.timedelta(seconds=5)  # the next musician is asked when it was decided


def test_a_press_after_the_offer_expired_counts_as_of_its_press(drummers, clock):
    """The session starts while the press waits for its worker: pressed before, it still takes the seat."""
    clock.move_to(SAT_2PM[0] - dt.timedelta(seconds=5))
    offer_press(token=drummers["Ann"].token, answer=Answer.YES)
    clock.move_to(SAT_2PM[0] + dt.timedelta(seconds=5))

    offer_presses_decide(token=drummers["Ann"].token)

    assert Offer.objects.get(pk=drummers["Ann"].pk).press_outcome == Outcome.ACCEPTED


def test_the_sweep_leaves_a_booking_with_a_press_waiting_for_its_worker_and_steps_it_after(clock):
    MusicianFactory(name="Ann", plays=["drums"])
    MusicianFactory(name="Bo", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    first = Offer.objects.get(booking=booking)
    clock.shift(dt.timedelta(minutes=61))  # Ann's wave is over: the seat would move on to Bo
    offer_press(token=first.token, answer=Answer.YES)

    assert bookings_escalate(booking_ids=[booking.pk]) == []  # not stepped past Ann's press

    assert Offer.objects.filter(booking=booking).count() == 1
    offer_presses_decide(token=first.token)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED  # Ann's YES took it


def test_an_earlier_press_whose_decision_raises_is_counted_and_does_not_hold_up_a_text_answer(drummers, clock):
    from musicians.models import Musician

    offer_press(token=drummers["Ann"].token, answer=Answer.YES)
    clock.shift(dt.timedelta(seconds=61))  # slow: its decision texts Ann what happened, on her clock...
    Musician.objects.filter(name="Ann").update(time_zone="Nowhere/Atlantis")  # ...which no form would let in

    texted = offer_answer(offer_id=drummers["Bo"].pk, answer=Answer.YES)

    assert texted.outcome == Outcome.ACCEPTED  # Bo's text is answered; Ann's press is retried by the relay
    ann = Offer.objects.get(pk=drummers["Ann"].pk)
    assert ann.press_failures == 1 and "ZoneInfoNotFoundError" in ann.press_error and ann.press_outcome == ""
    assert ann.status == Offer.Status.OPEN  # its decision rolled back alone
    assert Fill.objects.get().musician.name == "Bo"
