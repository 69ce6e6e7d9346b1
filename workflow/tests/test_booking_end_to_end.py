"""The whole story on real parts: the webhook over HTTP, a real Celery worker on Redis,
texts through the file backend, links opened and buttons pressed the way a phone does."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookings.engine import booking_start
from bookings.models import Booking, Fill, Offer
from bookings.offers import offers_send
from bookings.tasks import sweep_due_offers
from bookings.tests.factories import local, make_booking
from musicians.tests.factories import MusicianFactory
from workflow.tests.intake_support import booking_made_from
from workflow.tests.phone import Phone, links, sms_lines, wait_for

pytestmark = [pytest.mark.worker]

ORDER = """Client name: Jane Doe
Song: Fly Me to the Moon
Instruments: drums, bass guitar, keys
Session length: 3 hours
Time zone: Eastern
Available times:
- December 7, 2030, 2-5pm
- December 8, 2030, 2-5pm
Notes: Swing feel.
"""


class Studio:
    """The outside world around the app: Zapier, the phones, Beat."""

    def __init__(self, live_server, settings) -> None:
        self.url = live_server.url
        settings.SMS_BACKEND = "file"
        settings.PUBLIC_BASE_URL = live_server.url
        self.sms_file = Path(settings.SMS_FILE_PATH)
        self.phones: dict[str, Phone] = {}

    def email(self, body: str = ORDER, message_id: str = "<order-1@x>") -> dict:
        payload = {
            "subject": "Order",
            "from": "orders@x.example",
            "body_plain": body,
            "message_id": message_id,
        }
        request = urllib.request.Request(  # noqa: S310 (the local test server)
            self.url + "/workflow/email",
            data=json.dumps(payload).encode(),
            headers={"Authorization": "Bearer test-zapier-token", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def texts(self, to: str | None = None, kind: str | None = None) -> list[dict]:
        return [
            t for t in sms_lines(self.sms_file) if (to is None or t["to"] == to) and (kind is None or t["kind"] == kind)
        ]

    def wait_texts(self, count: int, **which: str) -> list[dict]:
        return wait_for(
            lambda: (found := self.texts(**which)) and len(found) >= count and found, what=f"{count} {which}"
        )

    def offer_to(self, musician, nth: int = 1) -> dict:
        """The musician's nth offer text, waiting for the worker to send it."""
        return self.wait_texts(nth, to=musician.phone, kind="offer")[nth - 1]

    def tap(self, musician, answer: str, nth: int = 1):
        phone = self.phones.setdefault(musician.phone, Phone())
        return phone.tap(links(self.offer_to(musician, nth)["body"])[answer])

    def sweep(self) -> None:
        sweep_due_offers.delay()


@pytest.fixture
def roster():
    def musician(name: str, slug: str, days: int | None) -> object:
        import datetime as dt

        from django.utils import timezone

        last = None if days is None else timezone.now() - dt.timedelta(days=days)
        return MusicianFactory(name=name, plays=[slug], last_booked_at=last)

    return {
        "d1": musician("Drew", "drums", 1),
        "d2": musician("Dana", "drums", 2),
        "b1": musician("Bo", "electric-bass", 1),
        "b2": musician("Bea", "electric-bass", 2),
        "k1": musician("Kim", "keyboard", 1),
        "k2": musician("Kit", "keyboard", 2),
    }


@pytest.fixture
def studio(live_server, celery_worker, settings):
    return Studio(live_server, settings)


def test_all_yes_books_the_session_and_texts_everyone(studio, roster):
    answer = studio.email()
    for key in ("d1", "b1", "k1"):
        page = studio.tap(roster[key], "yes")
        assert page.status == 200

    booking = booking_made_from(answer)
    assert booking.status == Booking.Status.CONFIRMED
    confirmations = studio.wait_texts(4, kind="confirmation")
    assert {t["to"] for t in confirmations} == {roster[k].phone for k in ("d1", "b1", "k1")} | {"+12125550199"}
    assert not studio.texts(to=roster["d2"].phone)


def test_a_no_texts_the_next_musician_who_can_say_yes(studio, roster):
    studio.email()
    assert "Thanks for letting us know" in studio.tap(roster["d1"], "no").html

    assert "drums" in studio.offer_to(roster["d2"])["body"]
    for key in ("d2", "b1", "k1"):
        studio.tap(roster[key], "yes")
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    assert Fill.objects.get(seat__instrument__slug="drums").musician == roster["d2"]


def test_silence_then_the_sweep_asks_the_next_and_a_late_yes_is_told_kindly(studio, roster, settings):
    settings.ESCALATE_AFTER_MINUTES = 0  # every booking is due at once: the sweep runs for real
    studio.email()
    studio.wait_texts(3, kind="offer")

    studio.sweep()

    studio.offer_to(roster["d2"])
    assert "You're in" in studio.tap(roster["d2"], "yes").html
    late = studio.tap(roster["d1"], "yes")
    assert "someone confirmed first" in late.html
    assert Offer.objects.get(musician=roster["d1"]).status == Offer.Status.LATE


def test_when_a_time_runs_out_of_players_it_moves_on_and_then_gives_up(studio, roster):
    answer = studio.email()
    studio.tap(roster["d1"], "no")
    studio.tap(roster["d2"], "no")  # nobody left on Dec 7: Dec 8 is offered to everyone

    assert "Sun Dec 8" in studio.offer_to(roster["d1"], nth=2)["body"]
    [dropped] = studio.wait_texts(1, to=roster["b1"].phone, kind="notice")
    assert "Sat Dec 7, 2:00-5:00 PM EST" in dropped["body"]
    studio.tap(roster["d1"], "no", nth=2)
    studio.tap(roster["d2"], "no", nth=2)

    booking = booking_made_from(answer)
    assert booking.status == Booking.Status.NEEDS_ATTENTION
    [alert] = studio.wait_texts(1, kind="alert")
    assert "Said no: Dana, Drew." in alert["body"]


def test_no_viable_time_texts_the_manager_why(studio, roster):
    answer = studio.email(ORDER.replace("bass guitar, keys", "cello"), message_id="<cello@x>")

    [alert] = studio.wait_texts(1, kind="alert")
    assert "Cello: nobody on the roster plays it." in alert["body"]
    assert booking_made_from(answer).status == Booking.Status.NEEDS_ATTENTION
    assert not studio.texts(kind="offer")


def test_of_a_hundred_simultaneous_yeses_for_one_seat_exactly_one_wins(live_server, celery_worker, settings):
    """Every press is stored at once; the real worker decides them in press order: one wins."""
    settings.PUBLIC_BASE_URL = live_server.url
    drummers = [MusicianFactory(plays=["drums"]) for _ in range(100)]
    booking = make_booking(seats=["drums"], windows=[(local(2030, 12, 7, 14), local(2030, 12, 7, 17))])
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    seat = booking.seats.get()
    asked = set(Offer.objects.values_list("musician_id", flat=True))
    picks = [(seat, drummer) for drummer in drummers if drummer.pk not in asked]
    offers_send(booking=booking, time=booking.current_time, picks=picks, now=booking.created_at)
    urls = [f"{live_server.url}/o/{m.token}/yes" for m in Offer.objects.all()]
    phones = [Phone() for _ in urls]
    pages = [phone.open(url) for phone, url in zip(phones, urls, strict=True)]  # every page open, button showing
    tokens = [phone.form_token(page) for phone, page in zip(phones, pages, strict=True)]
    assert None not in tokens

    with ThreadPoolExecutor(max_workers=50) as pool:  # then everyone presses YES at once
        answers = list(pool.map(lambda n: phones[n].press(urls[n], tokens[n], within=60), range(len(urls))))

    assert [page.status for page in answers] == [200] * len(urls)
    assert not [page for page in answers if page.refreshes_in is not None]  # every press decided
    pressed = Offer.objects.values_list("pressed_at", "press_outcome").order_by("pressed_at", "pk")
    assert pressed[0][1] == "accepted"  # the first press by its time is the one that won
    assert sum("You're in" in page.html for page in answers) == 1
    assert sum("someone confirmed first" in page.html for page in answers) == len(urls) - 1
    assert Fill.objects.count() == 1
    assert Offer.objects.filter(status=Offer.Status.ACCEPTED).count() == 1
    assert Offer.objects.filter(status=Offer.Status.LATE).count() == len(urls) - 1
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
