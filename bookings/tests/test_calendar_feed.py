"""The local calendar's .ics feeds, as a phone's calendar app fetches them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bookings.answers import Answer, offer_answer
from bookings.calendar_sync import booking_calendar_sync
from bookings.engine import booking_start
from bookings.models import Offer
from bookings.tests.factories import confirmations_follow_up, local, make_booking
from musicians.tests.factories import MusicianFactory
from scheduling.ics import FeedOwner, feed_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed():
    drew = MusicianFactory(name="Drew", plays=["drums"])
    with time_machine.travel(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False):
        booking = make_booking(seats=["drums"], windows=[(local(2026, 12, 5, 14), local(2026, 12, 5, 17))])
        booking_start(booking_id=booking.pk)
        offer_answer(offer_id=Offer.objects.get().pk, answer=Answer.YES)
        confirmations_follow_up()
        booking_calendar_sync(booking_id=booking.pk)
    return booking, drew


def feed(client, owner: FeedOwner):
    return client.get(reverse("calendar-feed", args=[feed_token(owner)]))


def test_a_musician_subscribes_to_their_sessions(client, confirmed):
    _, drew = confirmed

    response = feed(client, FeedOwner("musician", drew.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261205T190000Z\r\nDTEND:20261205T220000Z" in body
    assert "SUMMARY:Test Studio: Fly Me to the Moon (Drums)" in body


def test_the_studio_feed_lists_who_plays(client, confirmed):
    booking, _ = confirmed

    body = feed(client, FeedOwner("studio", booking.studio_id)).content.decode()

    assert "Drums: Drew" in body.replace("\r\n ", "")


def test_another_musicians_feed_has_none_of_it(client, confirmed):
    other = MusicianFactory(plays=["drums"])
    assert "BEGIN:VEVENT" not in feed(client, FeedOwner("musician", other.pk)).content.decode()


def test_a_forged_feed_token_is_not_found(client, confirmed):
    _, drew = confirmed
    forged = feed_token(FeedOwner("musician", drew.pk))[:-2] + "xx"
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
