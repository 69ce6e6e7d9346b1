"""The dashboard and the musician pages in a real browser (Playwright driving Debian's Chromium).

Screenshots land in test-artifacts/ for a person to look at.
"""

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bookings.models import Booking, Offer
from musicians.tests.factories import MusicianFactory
from workflow.tests.intake_support import booking_made_from

pytestmark = [pytest.mark.worker, pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
ORDER = """Client name: Jane Doe
Song: Fly Me to the Moon
Instruments: drums, keys
Session length: 3 hours
Available times:
- December 7, 2030, 2-5pm ET
- December 8, 2030, 2-5pm ET
Notes: Swing feel, about 120 bpm.
"""


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # calls are still plain sync code, so Django's async guard is told to stand down here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def dane(browser: Browser, live_server, celery_worker, settings) -> Page:
    """Dane, logged into the admin in a desktop-sized window."""
    settings.PUBLIC_BASE_URL = live_server.url
    get_user_model().objects.create_superuser("dane", "dane@studio.example", "a-long-test-password")
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, timezone_id="Asia/Tokyo")  # not the studio's
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "dane")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Workflow")
    yield page
    page.close()


def post_order(live_server, message_id: str = "<browser@x>") -> dict:
    payload = {"subject": "Order", "from": "orders@x.example", "body_plain": ORDER, "message_id": message_id}
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        f"{live_server.url}/workflow/email",
        data=json.dumps(payload).encode(),
        headers={"Authorization": "Bearer test-zapier-token", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def offer_link(booking_id: int, musician_name: str, answer: str) -> str:
    from workflow.tests.phone import wait_for

    offer = wait_for(
        lambda: (
            Offer.objects.filter(booking_id=booking_id, musician__name=musician_name).select_related("message").first()
        ),
        what=f"the offer to {musician_name}",
    )
    return re.search(rf"(\S+/o/{offer.token}/{answer})", offer.message.body).group(1)


def test_dane_runs_a_booking_from_the_board(browser, dane, live_server):
    MusicianFactory(name="Drew", plays=["drums"])
    MusicianFactory(name="Kim", plays=["keyboard"])
    dane.goto(f"{live_server.url}/admin/board/")
    expect(dane.locator("#board")).to_contain_text("No bookings yet")

    booking_id = booking_made_from(post_order(live_server)).pk  # arrives while the board is open

    row = dane.locator(f'tr[data-booking="{booking_id}"]')
    expect(row).to_contain_text("Jane Doe", timeout=10_000)  # no reload: the board polls
    expect(row.locator(".seats")).to_have_text("0 / 2")
    shot(dane, "board")

    row.get_by_role("link", name="Jane Doe").click()
    expect(dane.locator("#next-step")).to_contain_text("Waiting for answers")
    expect(dane.locator("#live")).to_contain_text("Drew", timeout=10_000)

    musician = browser.new_page(viewport=PHONE)
    musician.goto(offer_link(booking_id, "Drew", "yes"))
    expect(musician.locator("h1")).to_contain_text("can you play?")
    shot(musician, "phone-offer")
    musician.get_by_role("button", name="Yes, I'll play").click()
    expect(musician.locator("h1")).to_contain_text("You're in")
    shot(musician, "phone-answered")

    expect(dane.locator(".seat-filled")).to_have_text("Drew", timeout=10_000)  # the seat fills live
    # One clock on the page: the live refresh's too is the studio's, labelled, whatever the browser's zone.
    expect(dane.locator("#live-status")).to_have_text(
        re.compile(r"Live: updated \d+:\d\d:\d\d [AP]M E[SD]T \(studio clock\)")
    )
    shot(dane, "booking")

    asked: list[str] = []

    def answer_the_dialog(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    dane.once("dialog", answer_the_dialog)
    dane.click("#action-cancel")
    expect(dane.locator("#booking-status")).to_have_text("Cancelled")
    expect(dane.locator(".messagelist")).to_contain_text("Booking cancelled")
    assert asked == ["Cancel this booking and tell everyone?"]  # the page asked first (the CSP allows our script)
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CANCELLED

    musician.goto(offer_link(booking_id, "Drew", "yes"))  # Drew opens the link again after the cancellation
    expect(musician.locator(".status")).to_contain_text("This session was cancelled")
    shot(musician, "phone-ended")
    musician.close()


def test_the_link_in_the_webhooks_answer_opens_the_booking(dane, live_server):
    MusicianFactory(name="Drew", plays=["drums"])
    MusicianFactory(name="Kim", plays=["keyboard"])

    answer = post_order(live_server, "<link@x>")
    dane.goto(answer["url"])  # at once: being planned (refreshing), or already the booking

    expect(dane.locator("#next-step")).to_contain_text("Waiting for answers", timeout=10_000)
    assert dane.url == f"{live_server.url}/admin/board/{booking_made_from(answer).pk}/"


def test_the_musician_pages_fit_a_phone(browser, live_server, celery_worker, settings):
    from bookings.escalation import booking_escalate

    settings.PUBLIC_BASE_URL = live_server.url
    for name, slug in [("Ana", "drums"), ("Bo", "drums"), ("Kim", "keyboard"), ("Kit", "keyboard")]:
        MusicianFactory(name=name, plays=[slug])
    booking_id = booking_made_from(post_order(live_server, "<phones@x>")).pk
    ana_yes = offer_link(booking_id, "Ana", "yes")
    booking_escalate(booking_id=booking_id, force=True)  # Bo is asked for the drums too
    bo_yes = offer_link(booking_id, "Bo", "yes")
    page = browser.new_page(viewport=PHONE)

    def fits(name: str, heading: str) -> None:
        expect(page.locator("h1")).to_contain_text(heading)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} scrolls sideways ({width}px)"
        shot(page, name)

    page.goto(ana_yes[:-3] + "no")
    fits("phone-offer-no", "can you play?")
    page.goto(ana_yes)
    page.get_by_role("button", name="Yes, I'll play").click()
    fits("phone-answered", "You're in")
    page.goto(bo_yes)
    page.get_by_role("button", name="Yes, I'll play").click()
    fits("phone-late", "someone confirmed first")
    page.goto(f"{live_server.url}/o/not-a-token/yes")
    fits("phone-not-found", "We can't find this link")
    page.close()


def test_the_boards_banner_follows_the_worker_and_beat_while_the_board_stays_open(dane, live_server):
    from workflow.heartbeats import BEAT, RELAY, WORKER, heartbeat_record, heartbeats_forget

    heartbeats_forget(names=[WORKER, BEAT, RELAY])
    dane.goto(f"{live_server.url}/admin/board/")
    banner = dane.locator("#background-parts-banner")
    expect(banner).to_contain_text("Beat (it runs the sweep and the relay) has not been seen")

    heartbeat_record(name=WORKER)
    heartbeat_record(name=BEAT)
    expect(banner).to_have_count(0, timeout=15_000)

    heartbeats_forget(names=[BEAT])
    expect(banner).to_contain_text("Beat (it runs the sweep and the relay) has not been seen", timeout=15_000)
    shot(dane, "board-banner")
    heartbeats_forget(names=[WORKER, BEAT, RELAY])


def test_show_all_on_a_long_history_survives_the_live_refresh(dane, live_server):
    from bookings.tests.factories import text_about

    kim = MusicianFactory(name="Kim", plays=["keyboard"])
    MusicianFactory(name="Drew", plays=["drums"])
    booking = booking_made_from(post_order(live_server, "<long@x>"))
    for _ in range(55):
        text_about(booking, purpose="notice", to_phone=kim.phone, body="hi", musician=kim)
    texts = dane.locator("#texts tbody tr")
    dane.goto(f"{live_server.url}/admin/board/{booking.pk}/")
    expect(texts).to_have_count(50)
    expect(dane.locator("#texts-shown")).to_contain_text("The latest 50 of 57 texts")

    dane.locator("#texts-shown").get_by_role("link", name="show all").click()
    expect(texts).to_have_count(57)
    expect(dane.locator("#texts-shown")).to_contain_text("All 57 texts")
    text_about(booking, purpose="notice", to_phone=kim.phone, body="hi", musician=kim)
    expect(texts).to_have_count(58, timeout=10_000)  # the live refresh asks for the whole history too
    shot(dane, "booking-whole-history")

    dane.locator("#texts-shown").get_by_role("link", name="show the latest only").click()
    expect(texts).to_have_count(50)
    expect(dane.locator("#texts-shown")).to_contain_text("The latest 50 of 58 texts")
