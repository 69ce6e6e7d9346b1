"""Cancelling a booking: offers voided, the band told, calendars cleared."""

import pytest
from django.urls import reverse

from bookings.answers import Answer, offer_answer
from bookings.calendar_sync import booking_calendar_sync
from bookings.cancellation import booking_calendars_clear, booking_cancel
from bookings.engine import booking_start
from bookings.models import Booking, Offer
from bookings.tests.factories import SAT_2PM, confirmations_follow_up, make_booking
from messaging.models import Message
from musicians.tests.factories import MusicianFactory
from scheduling.models import CalendarEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def booking() -> Booking:
    MusicianFactory(name="Drew", plays=["drums"])
    MusicianFactory(name="Kim", plays=["keyboard"])
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    return booking


def test_cancelling_while_offering_voids_the_offers_with_a_courtesy_text(booking):
    assert booking_cancel(booking_id=booking.pk) is True

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert set(Offer.objects.all().values_list("status", flat=True)) == {"voided"}
    notices = Message.objects.filter(purpose="notice")
    assert notices.count() == 2
    assert all("Sat Dec 5, 2:00-5:00 PM EST is cancelled" in n.body for n in notices)
    assert booking_cancel(booking_id=booking.pk) is False
    assert Message.objects.filter(purpose="notice").count() == 2


def test_cancelling_a_confirmed_booking_tells_the_band_and_clears_the_calendars(booking):
    for offer in Offer.objects.all():
        offer_answer(offer_id=offer.pk, answer=Answer.YES)
    confirmations_follow_up()
    booking_calendar_sync(booking_id=booking.pk)
    assert CalendarEvent.objects.filter(status="confirmed").count() == 3

    booking_cancel(booking_id=booking.pk)
    booking_calendars_clear(booking_id=booking.pk)

    told = Message.objects.filter(purpose="notice").values_list("musician__name", flat=True)
    assert sorted(told) == ["Drew", "Kim"]
    assert set(CalendarEvent.objects.values_list("status", flat=True)) == {"cancelled"}


def test_the_manager_cancels_from_the_admin(admin_client, booking):
    changelist = reverse("admin:bookings_booking_changelist")

    admin_client.post(changelist, {"action": "cancel_bookings", "_selected_action": [booking.pk]})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
