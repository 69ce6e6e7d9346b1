"""A booked musician drops out: standby first, then the next in the order; the band stays booked."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from bookings.answers import Answer, offer_answer
from bookings.cancellation import booking_cancel
from bookings.dropouts import DropOutError, fill_drop_out
from bookings.engine import booking_start
from bookings.escalation import booking_escalate
from bookings.models import Booking, BookingEvent, ClientEmail, Fill, FillPolicy, Offer
from bookings.policy import fill_policy_set
from bookings.tests.factories import NOW, SAT_2PM, confirmations_follow_up, make_booking
from messaging.models import Message
from messaging.replies import inbound_text_receive
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory
from scheduling.tests.factories import StudioFactory

pytestmark = [pytest.mark.django_db]

AWAKE = NOW + dt.timedelta(hours=5)  # noon in New York: nobody's quiet hours
MANAGER = "+12125550199"


@pytest.fixture
def clock():
    with time_machine.travel(AWAKE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def paced(settings):
    settings.FILL_POLICY = "paced"
    studio = StudioFactory(manager_phone=MANAGER)
    row = fill_policy_set(studio=studio, name="paced")
    FillPolicy.objects.filter(pk=row.pk).update(wave_size=2, near_wave_size=3)  # these tests pin their waves
    row.refresh_from_db()
    return row


@pytest.fixture
def band():
    days = {"Drew": 1, "Dana": 2, "Dot": 3, "Dee": 4, "Bo": 1}
    plays = {"Bo": "electric-bass"}
    return {
        name: MusicianFactory(name=name, plays=[plays.get(name, "drums")], last_booked_at=NOW - dt.timedelta(days=d))
        for name, d in days.items()
    }


def yes(booking: Booking, musician) -> None:
    offer_answer(offer_id=Offer.objects.get(booking=booking, musician=musician).pk, answer=Answer.YES)


def confirmed(paced, band, *, standby: bool = True) -> Booking:
    """Drums and bass booked by Drew and Bo; Dana (in Drew's wave) said YES late: standby."""
    booking = make_booking(seats=["drums", "electric-bass"], windows=[SAT_2PM], studio=paced.studio)
    Booking.objects.filter(pk=booking.pk).update(client_email="jane@example.com")
    booking_start(booking_id=booking.pk)
    yes(booking, band["Drew"])
    if standby:
        yes(booking, band["Dana"])
    yes(booking, band["Bo"])
    assert confirmations_follow_up() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def texts(musician_or_phone, purpose: str | None = None) -> list[str]:
    found = Message.objects.order_by("pk")
    if isinstance(musician_or_phone, str):
        found = found.filter(to_phone=musician_or_phone)
    else:
        found = found.filter(musician=musician_or_phone)
    if purpose:
        found = found.filter(purpose=purpose)
    return list(found.values_list("body", flat=True))


def test_it_books_the_standby_musician_at_once_and_tells_the_band_once(
    clock, paced, band, django_capture_on_commit_callbacks
):
    booking = confirmed(paced, band)
    before_bo, before_dane = len(texts(band["Bo"])), len(texts(MANAGER))

    with django_capture_on_commit_callbacks(execute=False):
        result = fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED  # booked again at once
    assert confirmations_follow_up() == 1  # the worker's part: who plays now

    booking.refresh_from_db()
    assert result.standby == band["Dana"]
    assert booking.status == Booking.Status.CONFIRMED and booking.reopened_at is None
    assert Fill.objects.get(seat__instrument__slug="drums").musician == band["Dana"]
    assert "you're booked" in texts(band["Dana"], "confirmation")[-1]
    [change] = texts(band["Bo"])[before_bo:]
    assert "Dana now plays drums" in change
    [dane] = texts(MANAGER)[before_dane:]
    assert "whole again" in dane and "Dana" in dane
    assert ClientEmail.objects.filter(booking=booking).count() == 1
    assert booking.calendar_sync == Booking.CalendarSync.PENDING
    assert BookingEvent.objects.filter(booking=booking, kind=BookingEvent.Kind.DROPPED_OUT).count() == 1


def test_without_standby_it_offers_the_next_and_confirms_again_when_whole(clock, paced, band):
    booking = confirmed(paced, band, standby=False)
    before_bo, before_dane = len(texts(band["Bo"])), len(texts(MANAGER))

    result = fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)

    booking.refresh_from_db()
    assert [m.name for m in result.asked] == ["Dot", "Dee"]  # Dana's voided offer counts as asked
    assert booking.status == Booking.Status.OFFERING and booking.reopened_at is not None
    assert Fill.objects.filter(candidate_time=booking.current_time).count() == 1  # Bo stays booked
    [told] = texts(MANAGER)[before_dane:]
    assert "Drew dropped out of Drums" in told and "Asking Dot, Dee" in told
    assert texts(band["Bo"])[before_bo:] == []  # the band hears only when it is whole again

    yes(booking, band["Dot"])
    assert confirmations_follow_up() == 1

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert ["Dot" in body for body in texts(band["Bo"])[before_bo:]] == [True]
    assert ClientEmail.objects.filter(booking=booking).count() == 1


def test_when_nobody_is_left_the_booking_needs_attention_with_the_reason(clock, paced, band):
    booking = confirmed(paced, band, standby=False)
    Musician.objects.filter(name__in=["Dot", "Dee"]).update(is_active=False)  # Dana was asked already

    result = fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)

    booking.refresh_from_db()
    assert result.needs_attention
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert "Drew dropped out of Drums" in booking.attention_reason
    assert len(mail.outbox) == 0  # the client hears nothing when it needs attention


def test_the_sweep_never_drops_the_booked_time_when_the_reopened_seat_runs_out(clock, paced, band):
    booking = confirmed(paced, band, standby=False)
    fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)
    offer_answer(offer_id=Offer.objects.get(booking=booking, musician=band["Dot"]).pk, answer=Answer.NO)
    offer_answer(offer_id=Offer.objects.get(booking=booking, musician=band["Dee"]).pk, answer=Answer.NO)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    assert "dropped out" in booking.attention_reason
    assert not any("is off" in body for body in texts(band["Bo"]))
    assert booking_escalate(booking_id=booking.pk, force=True) is False


def test_the_manager_can_take_a_musician_off_the_line_up(clock, paced, band):
    booking = confirmed(paced, band)

    fill_drop_out(booking_id=booking.pk, musician_id=band["Bo"].pk, actor="dane")

    event = BookingEvent.objects.get(booking=booking, kind=BookingEvent.Kind.DROPPED_OUT)
    assert event.actor == "dane" and "taken off the line-up by dane" in event.summary
    with pytest.raises(DropOutError):
        fill_drop_out(booking_id=booking.pk, musician_id=band["Bo"].pk)


def test_it_drops_out_by_text(clock, paced, band):
    booking = confirmed(paced, band)

    inbound = inbound_text_receive(provider_id="in-1", from_phone=band["Drew"].phone, text="Drop", params={})

    assert inbound is not None and inbound.outcome == f"dropped out of booking {booking.pk}"
    assert "you're off drums" in texts(band["Drew"], "reply")[-1]
    assert Fill.objects.get(seat__instrument__slug="drums").musician == band["Dana"]
    again = inbound_text_receive(provider_id="in-2", from_phone=band["Drew"].phone, text="DROP", params={})
    assert again is not None and again.outcome == "drop: not booked"


def test_cancelling_while_a_seat_is_reopened_tells_the_rest_of_the_band(clock, paced, band):
    booking = confirmed(paced, band, standby=False)
    fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)

    booking_cancel(booking_id=booking.pk, actor="dane")

    assert "is cancelled" in texts(band["Bo"])[-1]


def test_a_drop_out_before_the_confirmation_went_out_confirms_the_whole_band_once_refilled(clock, paced, band):
    booking = make_booking(seats=["drums", "electric-bass"], windows=[SAT_2PM], studio=paced.studio)
    Booking.objects.filter(pk=booking.pk).update(client_email="jane@example.com")
    booking_start(booking_id=booking.pk)
    yes(booking, band["Drew"])
    yes(booking, band["Bo"])  # confirmed; its follow-up not run yet

    fill_drop_out(booking_id=booking.pk, musician_id=band["Drew"].pk)
    assert confirmations_follow_up() == 0  # reopened: nothing to confirm now
    yes(booking, band["Dot"])
    assert confirmations_follow_up() == 1

    assert texts(band["Drew"], "confirmation") == []
    assert len(texts(band["Bo"], "confirmation")) == 1 and len(texts(band["Dot"], "confirmation")) == 1
    assert ClientEmail.objects.filter(booking=booking, kind=ClientEmail.Kind.CONFIRMED).count() == 1
