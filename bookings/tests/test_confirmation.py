"""Confirming a booking: booked at once under the lock, the follow-up done once by a worker."""

import datetime as dt

import pytest
from django.core import mail

from bookings.answers import Answer, Outcome, offer_answer
from bookings.cancellation import booking_cancel
from bookings.engine import booking_start
from bookings.models import Booking, ClientEmail, Offer
from bookings.offers import offers_send
from bookings.tasks import send_booking_confirmation
from bookings.tests.factories import NOW, SAT_2PM, confirmations_follow_up, make_booking
from messaging.models import Message
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def band():
    return {
        "drew": MusicianFactory(name="Drew", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=1)),
        "dana": MusicianFactory(name="Dana", plays=["drums"], last_booked_at=NOW - dt.timedelta(days=2)),
        "kim": MusicianFactory(name="Kim", plays=["keyboard"]),
    }


@pytest.fixture
def booking(band) -> Booking:
    """Drums and keys offered to Drew and Kim; Dana asked for drums too (the sweep moved on)."""
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])
    Booking.objects.filter(pk=booking.pk).update(client_email="jane@example.com")
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    drums = booking.seats.get(instrument__slug="drums")
    offers_send(booking=booking, time=booking.current_time, picks=[(drums, band["dana"])], now=NOW)
    return booking


def yes(booking: Booking, musician: Musician) -> Outcome:
    offer = Offer.objects.filter(booking=booking, musician=musician).latest("pk")
    return offer_answer(offer_id=offer.pk, answer=Answer.YES).outcome


def confirmations() -> list[Message]:
    return list(Message.objects.filter(purpose=Message.Purpose.CONFIRMATION))


def test_the_last_yes_books_it_at_once_and_queues_the_follow_up_on_commit(
    booking, band, django_capture_on_commit_callbacks
):
    yes(booking, band["drew"])
    with django_capture_on_commit_callbacks() as queued:
        assert yes(booking, band["kim"]) == Outcome.ACCEPTED

    booking.refresh_from_db()
    assert (booking.status, booking.confirmed_at, booking.confirmation_sent_at) == (
        Booking.Status.CONFIRMED, NOW, None,
    )  # fmt: skip
    assert len(queued) == 1  # the follow-up, and nothing else in the press
    assert confirmations() == [] and not ClientEmail.objects.exists()
    assert Offer.objects.get(musician=band["dana"]).status == Offer.Status.OPEN  # voided by the follow-up
    assert yes(booking, band["dana"]) == Outcome.LATE  # yet the seat is taken at once


def test_the_follow_up_runs_once_when_the_task_is_delivered_twice(booking, band):
    yes(booking, band["drew"])
    yes(booking, band["kim"])

    assert send_booking_confirmation.apply(args=[booking.pk]).get() is True
    assert send_booking_confirmation.apply(args=[booking.pk]).get() is False  # redelivered: nothing again

    assert sorted(m.to_phone for m in confirmations()) == sorted(
        [band["drew"].phone, band["kim"].phone, "+12125550199"]
    )
    [courtesy] = Message.objects.filter(purpose=Message.Purpose.NOTICE, musician=band["dana"])
    assert "is taken" in courtesy.body
    assert Offer.objects.get(musician=band["dana"]).status == Offer.Status.VOIDED
    assert ClientEmail.objects.filter(booking=booking, kind=ClientEmail.Kind.CONFIRMED).count() == 1
    band["drew"].refresh_from_db()
    assert band["drew"].last_booked_at == NOW
    booking.refresh_from_db()
    assert booking.confirmation_sent_at == NOW and booking.calendar_sync == Booking.CalendarSync.PENDING


def test_a_booking_cancelled_before_its_follow_up_ran_is_not_confirmed_to_anyone(booking, band):
    yes(booking, band["drew"])
    yes(booking, band["kim"])
    booking_cancel(booking_id=booking.pk, actor="dane")

    assert confirmations_follow_up() == 0
    assert send_booking_confirmation.apply(args=[booking.pk]).get() is False

    assert confirmations() == [] and not ClientEmail.objects.exists() and mail.outbox == []
