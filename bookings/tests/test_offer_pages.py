"""The pages behind an offer's YES and NO links, as a phone sees them."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.tests.factories import SAT_2PM, make_booking
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def offer() -> Offer:
    MusicianFactory(name="Kit Lee", plays=["drums"], time_zone="America/Los_Angeles")
    MusicianFactory(name="Second", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], song_title="Fly Me to the Moon")
    booking.studio.address = "1 Main St, New York"
    booking.studio.save()
    booking_start(booking_id=booking.pk)
    return Offer.objects.get()


@pytest.fixture
def phone() -> Client:
    """A browser that enforces CSRF like a real one."""
    return Client(enforce_csrf_checks=True)


def press_button(phone: Client, url: str):
    page = phone.get(url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    return phone.post(url, {"csrfmiddlewaretoken": token})


def test_the_offer_text_links_end_in_yes_and_no(offer):
    assert f"YES https://studio.example/o/{offer.token}/yes" in offer.message.body
    assert f"NO https://studio.example/o/{offer.token}/no" in offer.message.body
    assert "Sat Dec 5, 11:00 AM-2:00 PM PST" in offer.message.body  # Kit lives in Los Angeles


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_opening_a_link_shows_the_session_and_one_button_and_changes_nothing(phone, offer, answer):
    page = phone.get(f"/o/{offer.token}/{answer}")

    assert page.status_code == 200
    html = page.content.decode()
    shown = ["Kit Lee", "Sat Dec 5, 11:00 AM-2:00 PM PST", "1 Main St, New York", "Drums", "Fly Me to"]
    for text in [*shown, "https://example.com/guide.mp3", "Swing feel."]:
        assert text in html
    assert html.count("<button") == 1
    assert ("Yes, I'll play" in html) == (answer == "yes")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    assert offer.answered_at is None


def test_a_head_request_from_a_link_preview_changes_nothing(phone, offer):
    assert phone.head(f"/o/{offer.token}/yes").status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_pressing_yes_takes_the_seat(phone, offer):
    page = press_button(phone, f"/o/{offer.token}/yes")

    assert page.status_code == 200
    assert "whole band is confirmed" in page.content.decode()
    assert Fill.objects.get().musician.name == "Kit Lee"
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_pressing_no_records_it_and_asks_the_next_musician(phone, offer):
    page = press_button(phone, f"/o/{offer.token}/no")

    assert "Thanks for letting us know" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert Offer.objects.filter(musician__name="Second").exists()


def test_a_post_without_the_csrf_token_is_refused(phone, offer):
    assert phone.post(f"/o/{offer.token}/yes").status_code == 403
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_an_answered_offer_shows_the_answer_given(phone, offer):
    press_button(phone, f"/o/{offer.token}/no")

    page = phone.get(f"/o/{offer.token}/yes").content.decode()

    assert "You said <strong>NO</strong>" in page
    assert "<button" not in page
    again = phone.post(f"/o/{offer.token}/yes", {"csrfmiddlewaretoken": "x"})
    assert again.status_code == 403


def test_a_second_tap_says_the_answer_is_already_in(phone, offer):
    press_button(phone, f"/o/{offer.token}/no")
    other = Offer.objects.get(musician__name="Second")
    press_button(phone, f"/o/{other.token}/no")
    offer.refresh_from_db()

    from bookings.answers import Answer, Outcome, offer_answer

    assert offer_answer(offer_id=offer.pk, answer=Answer.YES).outcome == Outcome.ALREADY


def test_an_offer_whose_session_began_has_ended(phone, offer, clock):
    clock.move_to(SAT_2PM[0])

    page = phone.get(f"/o/{offer.token}/yes").content.decode()

    assert "This offer has ended" in page
    assert "<button" not in page


def test_an_offer_of_a_cancelled_booking_says_it_was_cancelled(phone, offer):
    Booking.objects.update(status=Booking.Status.CANCELLED)

    page = phone.get(f"/o/{offer.token}/yes").content.decode()

    assert "This session was cancelled" in page
    assert "<button" not in page


@pytest.mark.parametrize("path", ["/o/not-a-real-token/yes", "/o/not-a-real-token"])
def test_an_unknown_or_tampered_link_is_a_plain_404(phone, offer, path):
    page = phone.get(path)

    assert page.status_code == 404
    assert "We can't find this link" in page.content.decode()


def test_a_tampered_token_is_not_found(phone, offer):
    tampered = offer.token[:-1] + ("A" if offer.token[-1] != "A" else "B")
    assert phone.get(f"/o/{tampered}/yes").status_code == 404


def test_the_page_fits_a_phone(phone, offer):
    html = phone.get(f"/o/{offer.token}/yes").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    token=st.text(min_size=0, max_size=60),
    tail=st.sampled_from(["", "/yes", "/no", "/maybe", "/yes/", "/"]),
    method=st.sampled_from(["get", "post", "head", "put", "delete"]),
    body=st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=3),
)
def test_any_link_any_method_any_body_gets_a_clear_answer(phone, offer, token, tail, method, body):
    path = "/o/" + quote(token, safe="") + tail
    response = getattr(phone, method)(path, body) if method == "post" else getattr(phone, method)(path)

    assert response.status_code in {200, 301, 403, 404, 405}
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN  # nothing a stranger sends answers for Kit


def test_on_a_policy_with_standby_a_taken_seat_s_page_offers_standby_and_records_it(phone):
    from bookings.policy import fill_policy_set
    from scheduling.tests.factories import StudioFactory

    studio = StudioFactory()
    fill_policy_set(studio=studio, name="paced")
    MusicianFactory(name="First", plays=["drums"])
    MusicianFactory(name="Second", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=studio)
    booking_start(booking_id=booking.pk)
    first, second = Offer.objects.filter(booking=booking).order_by("musician__name")
    press_button(phone, f"/o/{second.token}/yes")  # the seat is taken; First's offer ends with a courtesy text

    page = phone.get(f"/o/{first.token}/yes").content.decode()
    assert "Put me on standby" in page
    answered = press_button(phone, f"/o/{first.token}/yes").content.decode()

    assert "You're on standby" in answered
    first.refresh_from_db()
    assert first.status == Offer.Status.STANDBY
    assert "You're on standby" in phone.get(f"/o/{first.token}").content.decode()


def test_on_the_seed_policy_a_taken_seat_s_page_offers_nothing(phone, offer):
    MusicianFactory(name="Third", plays=["drums"])
    Fill.objects.create(seat=offer.seat, candidate_time=offer.candidate_time, musician=MusicianFactory(plays=["drums"]))

    assert "Put me on standby" not in phone.get(f"/o/{offer.token}/yes").content.decode()
