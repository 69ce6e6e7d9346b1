"""The pages behind an offer's YES and NO links, as a phone sees them."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.presses import offer_presses_decide
from bookings.tests.factories import NOW, SAT_2PM, make_booking
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


def form_token(phone: Client, url: str) -> str:
    page = phone.get(url)
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()


def press(phone: Client, url: str):
    """Press the page's button: the press is stored and the page redirects to the offer's own page."""
    pressed = phone.post(url, {"csrfmiddlewaretoken": form_token(phone, url)})
    assert pressed.status_code == 303, pressed.status_code
    return pressed


def press_button(phone: Client, url: str):
    """Press, let the decision run (what the worker's task calls), and open the page the press redirected to."""
    pressed = press(phone, url)
    assert offer_presses_decide(token=url.split("/")[2]) >= 1
    return phone.get(pressed["Location"])


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


def test_a_press_is_stored_at_once_in_one_query_and_decided_after(phone, offer, clock):
    url = f"/o/{offer.token}/yes"
    csrf = form_token(phone, url)

    with CaptureQueriesContext(connection) as queries:
        pressed = phone.post(url, {"csrfmiddlewaretoken": csrf})

    assert pressed.status_code == 303 and pressed["Location"] == f"/o/{offer.token}"
    assert len(queries) == 1, [q["sql"] for q in queries]  # the press written onto the offer, nothing else
    offer.refresh_from_db()
    assert (offer.pressed_answer, offer.pressed_at, offer.status) == ("yes", NOW, Offer.Status.OPEN)
    assert not Fill.objects.exists()  # stored, not decided
    waiting = phone.get(pressed["Location"]).content.decode()
    assert "Your YES is in" in waiting
    assert "It counts from <strong>4:00:00 AM PST</strong>" in waiting  # noon UTC on Kit's Los Angeles clock
    assert "checking the seat" in waiting
    assert '<meta http-equiv="refresh" content="1">' in waiting
    assert "<button" not in waiting

    clock.shift(dt.timedelta(seconds=2))
    assert offer_presses_decide(token=offer.token) == 1

    offer.refresh_from_db()
    assert (offer.status, offer.answered_at, offer.press_outcome) == (Offer.Status.ACCEPTED, NOW, "accepted")
    assert offer.press_decided_at == NOW + dt.timedelta(seconds=2)
    assert Booking.objects.get().confirmed_at == NOW  # the seat was filled as of the press
    decided = phone.get(pressed["Location"]).content.decode()
    assert "You're in. Thanks, Kit Lee!" in decided and "whole band is confirmed" in decided
    assert 'http-equiv="refresh"' not in decided
    assert offer_presses_decide(token=offer.token) == 0  # a redelivered task finds nothing pending


def test_a_second_press_of_one_offer_changes_nothing(phone, offer, clock):
    yes_csrf, no_csrf = form_token(phone, f"/o/{offer.token}/yes"), form_token(phone, f"/o/{offer.token}/no")
    phone.post(f"/o/{offer.token}/yes", {"csrfmiddlewaretoken": yes_csrf})
    clock.shift(dt.timedelta(seconds=1))

    again = phone.post(f"/o/{offer.token}/no", {"csrfmiddlewaretoken": no_csrf})  # a page opened earlier

    assert again.status_code == 303
    offer.refresh_from_db()
    assert (offer.pressed_answer, offer.pressed_at) == ("yes", NOW)
    assert offer_presses_decide(token=offer.token) == 1
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ACCEPTED


def test_a_press_on_a_settled_offer_writes_nothing_and_shows_its_page(phone, offer):
    csrf = form_token(phone, f"/o/{offer.token}/yes")
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DECLINED)  # say a reply text said NO

    pressed = phone.post(f"/o/{offer.token}/yes", {"csrfmiddlewaretoken": csrf})

    assert pressed.status_code == 303
    offer.refresh_from_db()
    assert offer.pressed_at is None and offer.pressed_answer == ""
    assert "You said <strong>NO</strong>" in phone.get(pressed["Location"]).content.decode()


def test_a_press_to_an_unknown_token_is_a_404_and_stores_nothing(phone, offer):
    csrf = form_token(phone, f"/o/{offer.token}/yes")

    page = phone.post("/o/not-a-real-token/yes", {"csrfmiddlewaretoken": csrf})

    assert page.status_code == 404 and "We can't find this link" in page.content.decode()
    assert not Offer.objects.filter(pressed_at__isnull=False).exists()


def test_a_press_not_decided_within_a_minute_says_the_studio_will_text(phone, offer, clock):
    from messaging.models import Message

    pressed = press(phone, f"/o/{offer.token}/yes")
    clock.shift(dt.timedelta(seconds=61))

    page = phone.get(pressed["Location"]).content.decode()

    assert "taking longer than it should" in page and "the studio will text you" in page
    assert 'http-equiv="refresh"' not in page  # it stops spinning
    offer_presses_decide(token=offer.token)  # the worker comes back: the promised text goes out
    reply = Message.objects.get(purpose=Message.Purpose.REPLY)
    assert reply.to_phone == offer.musician.phone and "you're in for drums, Sat Dec 5" in reply.body
    assert Offer.objects.get(pk=offer.pk).answered_at == NOW


def test_a_press_set_aside_and_answered_by_the_manager_shows_the_answer(phone, offer, settings):
    pressed = press(phone, f"/o/{offer.token}/yes")
    Offer.objects.filter(pk=offer.pk).update(press_failures=settings.WORK_MAX_FAILURES)  # it kept raising
    assert "the studio will text you" in phone.get(pressed["Location"]).content.decode()

    from bookings.answers import Answer, offer_answer

    offer_answer(offer_id=offer.pk, answer=Answer.YES)  # Dane answers for them from the board

    page = phone.get(pressed["Location"]).content.decode()
    assert "You said <strong>YES</strong>" in page and "taking longer" not in page


def test_a_post_without_the_csrf_token_is_refused(phone, offer):
    assert phone.post(f"/o/{offer.token}/yes").status_code == 403
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_an_answered_offer_shows_the_answer_given(phone, offer):
    press_button(phone, f"/o/{offer.token}/no")

    page = phone.get(f"/o/{offer.token}/yes").content.decode()

    assert "Thanks for letting us know" in page  # what the decided press did, on every later visit
    assert "<button" not in page
    again = phone.post(f"/o/{offer.token}/yes", {"csrfmiddlewaretoken": "x"})
    assert again.status_code == 403
    assert Offer.objects.get(pk=offer.pk).pressed_answer == "no"


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

    assert response.status_code in {200, 301, 403, 404, 405}  # never a 303: no stranger's press is stored
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
