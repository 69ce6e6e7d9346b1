"""The musician's own page behind a signed link: shows on GET, changes on a CSRF-protected POST."""

import datetime as dt
import re

import pytest
from django.test import Client

from bookings.answers import Answer, offer_answer
from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.musician_links import musician_page_link
from bookings.tests.factories import SAT_2PM, SUN_2PM, make_booking
from musicians.models import Blackout, Musician
from musicians.services import musician_page_links_revoke
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def phone() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def drew() -> Musician:
    return MusicianFactory.create(name="Drew", plays=["drums"], time_zone="America/Los_Angeles")


def path(musician: Musician, suffix: str = "") -> str:
    return musician_page_link(musician).removeprefix("https://studio.example") + suffix


def csrf(page) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()


def post(phone: Client, musician: Musician, data: dict, page_path: str | None = None):
    page = phone.get(page_path or path(musician))
    return phone.post(path(musician, "/settings"), {"csrfmiddlewaretoken": csrf(page), **data}, follow=True)


def booked(musician: Musician) -> Booking:
    booking = make_booking(seats=["drums", "electric-bass"], windows=[SAT_2PM])
    bo = MusicianFactory(name="Bo", plays=["electric-bass"])
    booking_start(booking_id=booking.pk)
    for player in (musician, bo):
        offer_answer(offer_id=Offer.objects.get(booking=booking, musician=player).pk, answer=Answer.YES)
    return booking


def test_it_shows_their_sessions_in_their_zone_with_the_band_and_open_offers(phone, drew):
    booked(drew)
    other = make_booking(seats=["drums"], windows=[SUN_2PM])
    booking_start(booking_id=other.pk)

    page = phone.get(path(drew)).content.decode()

    assert "Sat Dec 5, 11:00 AM-2:00 PM PST" in page and "With Electric bass - Bo" in page
    assert "Sun Dec 6, 11:00 AM-2:00 PM PST" in page and "/o/" in page  # the open offer's YES/NO
    assert "/calendar/" in page  # the feed's address


def test_a_blackout_added_on_the_page_leaves_them_out_of_the_next_plan(phone, drew):
    MusicianFactory(name="Dana", plays=["drums"], last_booked_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    page = post(phone, drew, {"action": "add_blackout", "starts_on": "2026-12-05", "ends_on": "2026-12-05"})

    assert "Added your days off" in page.content.decode()
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    assert Offer.objects.get().musician.name == "Dana"

    blackout = Blackout.objects.get()
    post(phone, drew, {"action": "remove_blackout", "id": str(blackout.pk)})
    assert not Blackout.objects.exists()


def test_it_changes_quiet_hours_time_zone_and_weekly_windows(phone, drew):
    post(phone, drew, {"action": "profile", "time_zone": "Europe/Berlin", "quiet_hours_start": "23:00",
                       "quiet_hours_end": "07:30"})  # fmt: skip
    post(phone, drew, {"action": "add_window", "weekday": "5", "starts_at": "10:00", "ends_at": "18:00"})
    bad = post(phone, drew, {"action": "profile", "time_zone": "Mars/Base", "quiet_hours_start": "1",
                             "quiet_hours_end": "2"})  # fmt: skip

    drew.refresh_from_db()
    assert (drew.time_zone, drew.quiet_hours_start, drew.quiet_hours_end) == (
        "Europe/Berlin", dt.time(23), dt.time(7, 30),
    )  # fmt: skip
    assert drew.weekly_availability.get().weekday == 5
    assert "check the form" in bad.content.decode()


def test_a_post_without_csrf_is_refused_and_a_get_changes_nothing(phone, drew):
    assert phone.post(path(drew, "/settings"), {"action": "add_blackout"}).status_code == 403
    assert phone.get(path(drew, "/settings")).status_code == 405


def test_a_revoked_or_forged_link_is_not_found(phone, drew):
    old = path(drew)
    musician_page_links_revoke(musician_ids=[drew.pk])
    drew.refresh_from_db()

    assert phone.get(old).status_code == 404
    assert phone.get(old[:-3] + "abc").status_code == 404
    assert phone.get(path(drew)).status_code == 200


def test_dropping_out_on_the_page_asks_first_then_reopens_the_seat(phone, drew):
    booking = booked(drew)
    drop = path(drew, f"/s/{booking.pk}/drop")

    page = phone.get(drop)
    assert "Yes, take me off this session" in page.content.decode()
    assert Fill.objects.filter(musician=drew).exists()  # a GET (a link preview) changes nothing

    done = phone.post(drop, {"csrfmiddlewaretoken": csrf(page)})

    assert "Thanks for telling us" in done.content.decode()
    assert not Fill.objects.filter(musician=drew).exists()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NEEDS_ATTENTION  # nobody else plays drums


def test_add_to_calendar_gives_one_session_as_ics(phone, drew):
    booking = booked(drew)

    response = phone.get(path(drew, f"/s/{booking.pk}/ics"))

    assert response["Content-Type"] == "text/calendar"
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "DTSTART:20261205T190000Z" in body


def test_dane_removes_a_musician_and_answers_one_from_the_booking_page(admin_client, client, drew):
    booking = booked(drew)
    bo = Musician.objects.get(name="Bo")

    page = admin_client.get(f"/admin/board/{booking.pk}/").content.decode()
    assert "Remove Drew from the line-up" in page and "Client emails" in page
    admin_client.post(f"/board/bookings/{booking.pk}/answer", {"musician": bo.pk, "body": "Bring the fretless"})
    removed = admin_client.post(f"/board/bookings/{booking.pk}/remove", {"musician": drew.pk})

    assert removed.status_code == 302 and removed["Location"] == f"/admin/board/{booking.pk}/"
    assert not Fill.objects.filter(musician=drew).exists()
    assert bo.messages.filter(body__endswith="(Dane): Bring the fretless").exists()
    assert client.post(f"/board/bookings/{booking.pk}/remove", {"musician": bo.pk}).status_code == 302  # to login
    assert Fill.objects.filter(musician=bo).exists()
