"""YES and NO: the first YES per seat wins; every seat filled confirms the booking."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.answers import Answer, Outcome, offer_answer
from bookings.calendar_sync import booking_calendar_sync
from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.offers import offers_send
from bookings.tests.factories import NOW, SAT_2PM, SUN_2PM, confirmations_follow_up, local, make_booking
from messaging.models import Message
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory
from scheduling.models import CalendarEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def band():
    """Two drummers and two keyboard players, ranked by their last booking."""
    return {
        "drew": MusicianFactory(name="Drew", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=1)),
        "dana": MusicianFactory(name="Dana", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=2)),
        "kim": MusicianFactory(name="Kim", plays=["keyboard"], last_booked_at=NOW - dt.timedelta(days=1)),
        "kit": MusicianFactory(name="Kit", plays=["keyboard"], time_zone="America/Los_Angeles"),
    }


def started(windows=(SAT_2PM,)) -> Booking:
    booking = make_booking(seats=["drums", "keyboard"], windows=list(windows))
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    return booking


def offer_to(musician: Musician, booking: Booking) -> Offer:
    return Offer.objects.filter(booking=booking, musician=musician).latest("pk")


def answer(offer: Offer, yes_or_no: Answer) -> Outcome:
    return offer_answer(offer_id=offer.pk, answer=yes_or_no).outcome


def test_a_yes_fills_the_seat_and_the_booking_waits_for_the_rest(band):
    booking = started()

    assert answer(offer_to(band["drew"], booking), Answer.YES) == Outcome.ACCEPTED

    fill = Fill.objects.get()
    assert (fill.musician, fill.seat.instrument.slug) == (band["drew"], "drums")
    assert offer_to(band["drew"], booking).status == Offer.Status.ACCEPTED
    booking.refresh_from_db()
    assert booking.status == Booking.Status.OFFERING


def test_every_seat_filled_confirms_books_calendars_and_texts_everyone(band):
    booking = started()
    answer(offer_to(band["drew"], booking), Answer.YES)

    assert answer(offer_to(band["kim"], booking), Answer.YES) == Outcome.ACCEPTED

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # at once, in the answer's transaction
    assert booking.confirmed_time is not None and booking.confirmed_time.starts_at == SAT_2PM[0]
    assert not Message.objects.filter(purpose="confirmation").exists()  # the worker's follow-up texts them
    assert confirmations_follow_up() == 1
    booking.refresh_from_db()
    assert booking.confirmation_sent_at == NOW
    assert booking.calendar_sync == Booking.CalendarSync.PENDING  # written by a task after commit
    booking_calendar_sync(booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.calendar_sync == Booking.CalendarSync.SYNCED
    events = {(e.calendar_id, e.starts_at, e.ends_at) for e in CalendarEvent.objects.all()}
    assert events == {
        (f"musician-{band['drew'].pk}", *SAT_2PM),
        (f"musician-{band['kim'].pk}", *SAT_2PM),
        (f"studio-{booking.studio_id}", *SAT_2PM),
    }
    confirmations = Message.objects.filter(purpose="confirmation").order_by("to_phone")
    assert sorted(m.to_phone for m in confirmations) == sorted([band["drew"].phone, band["kim"].phone, "+12125550199"])
    to_drew = confirmations.get(musician=band["drew"])
    assert "you're booked! Drums" in to_drew.body and "Sat Dec 5, 2:00-5:00 PM EST" in to_drew.body
    to_dane = confirmations.get(to_phone="+12125550199")
    assert "Drums - Drew" in to_dane.body and "Keyboard - Kim" in to_dane.body
    for musician in (band["drew"], band["kim"]):
        musician.refresh_from_db()
        assert musician.last_booked_at == NOW


def test_confirming_voids_the_other_open_offers_with_a_courtesy_text(band):
    booking = started()
    # A second drummer was asked too (the sweep moved on) and never answered.
    offers_send(
        booking=booking,
        time=booking.current_time,
        picks=[(booking.seats.get(instrument__slug="drums"), band["dana"])],
        now=NOW,
    )
    answer(offer_to(band["drew"], booking), Answer.YES)
    answer(offer_to(band["kim"], booking), Answer.YES)
    confirmations_follow_up()

    assert offer_to(band["dana"], booking).status == Offer.Status.VOIDED
    [courtesy] = Message.objects.filter(purpose="notice", musician=band["dana"])
    assert "drums spot for Sat Dec 5, 2:00-5:00 PM EST is taken" in courtesy.body


def test_of_two_yeses_for_one_seat_the_first_wins_and_the_second_is_late(band):
    booking = started()
    drums = booking.seats.get(instrument__slug="drums")
    offers_send(booking=booking, time=booking.current_time, picks=[(drums, band["dana"])], now=NOW)

    assert answer(offer_to(band["dana"], booking), Answer.YES) == Outcome.ACCEPTED
    assert answer(offer_to(band["drew"], booking), Answer.YES) == Outcome.LATE

    assert Fill.objects.get().musician == band["dana"]
    assert offer_to(band["drew"], booking).status == Offer.Status.LATE


def test_a_second_answer_to_the_same_offer_changes_nothing(band):
    booking = started()
    offer = offer_to(band["drew"], booking)
    answer(offer, Answer.YES)

    assert answer(offer, Answer.NO) == Outcome.ALREADY
    assert answer(offer, Answer.YES) == Outcome.ALREADY
    assert Fill.objects.count() == 1
    assert offer_to(band["drew"], booking).status == Offer.Status.ACCEPTED


def test_a_no_sends_the_seat_straight_to_the_next_musician(band):
    booking = started()

    assert answer(offer_to(band["drew"], booking), Answer.NO) == Outcome.DECLINED

    assert offer_to(band["drew"], booking).status == Offer.Status.DECLINED
    nxt = offer_to(band["dana"], booking)
    assert nxt.seat is not None and nxt.seat.instrument.slug == "drums"
    assert nxt.candidate_time_id == booking.current_time_id


def test_with_advance_on_decline_off_a_no_waits_for_the_sweep(band, settings):
    settings.ADVANCE_ON_DECLINE = False
    booking = started()

    answer(offer_to(band["drew"], booking), Answer.NO)

    assert not Message.objects.filter(musician=band["dana"]).exists()


def test_when_nobody_is_left_for_a_seat_the_booking_moves_to_its_next_time(band):
    booking = started(windows=[SAT_2PM, SUN_2PM])
    answer(offer_to(band["kim"], booking), Answer.YES)
    answer(offer_to(band["drew"], booking), Answer.NO)

    answer(offer_to(band["dana"], booking), Answer.NO)  # no drummer left on Saturday

    booking.refresh_from_db()
    assert booking.current_time is not None and booking.current_time.starts_at == SUN_2PM[0]
    [dropped] = Message.objects.filter(purpose="notice", musician=band["kim"])
    assert "Sat Dec 5, 2:00-5:00 PM EST could not get a full band" in dropped.body
    sunday = Offer.objects.filter(candidate_time=booking.current_time).order_by("pk")
    assert sorted(m.musician.name for m in sunday) == [
        "Drew",
        "Kim",
    ]  # a NO on Saturday is not a NO on Sunday


def test_when_no_time_is_left_the_manager_hears_who_said_no_and_who_never_answered(band):
    booking = started()
    answer(offer_to(band["drew"], booking), Answer.NO)

    answer(offer_to(band["dana"], booking), Answer.NO)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert "Said no: Dana, Drew." in booking.attention_reason
    assert "No answer: Kim." in booking.attention_reason
    [alert] = Message.objects.filter(purpose="alert")
    assert booking.attention_reason in alert.body
    assert offer_to(band["kim"], booking).status == Offer.Status.VOIDED


def test_an_offer_for_a_time_the_booking_left_behind_has_ended(band):
    booking = started(windows=[SAT_2PM, SUN_2PM])
    saturday_kim = offer_to(band["kim"], booking)
    answer(offer_to(band["drew"], booking), Answer.NO)
    answer(offer_to(band["dana"], booking), Answer.NO)

    assert answer(saturday_kim, Answer.YES) == Outcome.ENDED
    assert not Fill.objects.filter(musician=band["kim"], candidate_time__starts_at=SAT_2PM[0]).exists()


def test_a_cancelled_booking_takes_no_answers(band):
    booking = started()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)

    assert answer(offer_to(band["drew"], booking), Answer.YES) == Outcome.ENDED
    assert not Fill.objects.exists()


def test_a_yes_after_the_session_started_has_ended(band):
    booking = started()
    with time_machine.travel(SAT_2PM[0] + dt.timedelta(minutes=1), tick=False):
        assert answer(offer_to(band["drew"], booking), Answer.YES) == Outcome.ENDED


def test_a_yes_from_a_musician_who_took_an_overlapping_seat_elsewhere_is_passed_on(band):
    booking = started()
    other = make_booking(seats=["drums"], windows=[(local(2026, 12, 5, 15), local(2026, 12, 5, 18))])
    booking_start(booking_id=other.pk)  # an open offer is no hold: Drew is asked there too
    other.refresh_from_db()
    answer(offer_to(band["drew"], other), Answer.YES)

    assert answer(offer_to(band["drew"], booking), Answer.YES) == Outcome.CONFLICT

    assert offer_to(band["dana"], booking).status == Offer.Status.OPEN  # the seat moved on


def test_two_seats_of_one_instrument_never_go_to_one_musician(clock):
    from bookings.escalation import booking_escalate

    players = [MusicianFactory(name=f"Violin {n}", plays=["violin"], last_booked_at=NOW - dt.timedelta(days=n))
               for n in (1, 2, 3, 4)]  # fmt: skip
    booking = make_booking(seats=["violin", "violin"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    clock.shift(dt.timedelta(minutes=61))

    booking_escalate(booking_id=booking.pk)  # each seat moves on to its next violinist, a different one

    later = Offer.objects.filter(booking=booking, musician__in=players[2:])
    assert sorted(later.values_list("musician__name", flat=True)) == ["Violin 3", "Violin 4"]
    assert len({offer.seat_id for offer in later}) == 2
    for offer in later:
        assert answer(offer, Answer.YES) == Outcome.ACCEPTED
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_yes_for_a_second_seat_at_a_time_already_held_is_passed_on_not_a_crash(clock):
    from bookings.models import Seat

    one, other = (MusicianFactory(name=name, plays=["violin"]) for name in ("One", "Other"))
    booking = make_booking(seats=["violin", "violin"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    second_seat = Seat.objects.filter(booking=booking).order_by("number")[1]
    answer(Offer.objects.get(musician=one), Answer.YES)
    Offer.objects.filter(musician=other).update(status=Offer.Status.DECLINED)  # say an old bug asked One twice
    [twice] = offers_send(booking=booking, time=booking.current_time, picks=[(second_seat, one)], now=NOW)

    assert answer(twice, Answer.YES) == Outcome.CONFLICT
    assert Fill.objects.filter(musician=one).count() == 1


def test_a_yes_press_that_books_the_last_seat_costs_a_pinned_number_of_queries(client):
    from bookings.presses import offer_presses_decide

    MusicianFactory(name="Drew", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    offer = Offer.objects.get(booking=booking)

    with CaptureQueriesContext(connection) as press:
        response = client.post(f"/o/{offer.token}/yes")
    with CaptureQueriesContext(connection) as decision:
        assert offer_presses_decide(token=offer.token) == 1  # the worker's task

    assert response.status_code == 303
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    # The POST: one UPDATE storing the press on the offer (found by its token, if not pressed or settled).
    # Was 10 with the decision in the request.
    assert len(press) == 1, "\n".join(q["sql"][:150] for q in press)
    # The worker's decision (its transaction is a SAVEPOINT/RELEASE pair inside the test's): the booking
    # locked (found through the token), the presses pending for it (with their offers), the press's own
    # SAVEPOINT, who holds each seat, the musician's row, holds elsewhere, the Fill, the offer accepted, the
    # booking confirmed, the press's outcome, RELEASE: 11 in a worker, 13 here.
    assert len(decision) == 13, "\n".join(q["sql"][:150] for q in decision)
