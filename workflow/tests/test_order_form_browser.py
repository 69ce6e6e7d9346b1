"""An order email that cannot be read, completed by Dane in a real browser (Playwright
driving Debian's Chromium) from the link in his alert text, and booked."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, InboundEmail
from core.testing import wait_for
from musicians.tests.factories import MusicianFactory
from workflow.tests import test_dashboard_browser as board_browser
from workflow.tests.phone import sms_lines

pytestmark = [pytest.mark.worker, pytest.mark.browser]

browser = board_browser.browser  # one Chromium for the module, as the board's own browser tests
dane = board_browser.dane  # Dane, logged into the admin
MANAGER_PHONE = "+12125550199"
# Everything reads but the times, so the parser refuses it.
UNREADABLE = {
    "subject": "Order: Fly Me to the Moon",
    "from": "orders@x.example",
    "message_id": "<by-hand@x.example>",
    "body_plain": """Client name: Jane Doe
Client email: jane@example.com
Song: Fly Me to the Moon
Instruments: drums, keys
Session length: 3 hours
Available times: any weekend afternoon in December
Notes: Swing feel, about 120 bpm.
""",
}


def post_email(live_server, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        f"{live_server.url}/workflow/email",
        data=json.dumps(payload).encode(),
        headers={"Authorization": "Bearer test-zapier-token", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_dane_completes_an_unreadable_email_from_his_alert_and_the_offers_go_out(dane, live_server, settings):
    settings.SMS_BACKEND = "file"
    sms_file = Path(settings.SMS_FILE_PATH)
    drew = MusicianFactory(name="Drew", plays=["drums"])
    kim = MusicianFactory(name="Kim", plays=["keyboard"])

    status, answer = post_email(live_server, UNREADABLE)
    assert status == 422
    alert = wait_for(
        lambda: next((t for t in sms_lines(sms_file) if t["to"] == MANAGER_PHONE), None), what="Dane's alert"
    )
    link = re.search(r"https?://\S+/admin/board/orders/new\?email=\d+", alert["body"]).group(0)
    assert link.endswith(f"?email={answer['inbound_email']}")

    dane.goto(link)
    expect(dane.locator("#id_client_name")).to_have_value("Jane Doe")
    expect(dane.locator("#id_seat_drums")).to_have_value("1")
    expect(dane.locator("#id_seat_keyboard")).to_have_value("1")
    expect(dane.locator("#parse-errors")).to_contain_text("any weekend afternoon in December")
    expect(dane.locator("#times")).to_contain_text("America/New_York")
    dane.fill("#id_times-0-starts_at", "2030-12-07T14:00")
    dane.fill("#id_times-0-ends_at", "2030-12-07T17:00")
    board_browser.shot(dane, "order-form")
    dane.click("#start-booking")

    expect(dane.locator(".messagelist")).to_contain_text("Booking made")
    expect(dane.locator("#next-step")).to_contain_text("Waiting for answers", timeout=10_000)
    offers = wait_for(
        lambda: {t["to"] for t in sms_lines(sms_file) if t["kind"] == "offer"} >= {drew.phone, kim.phone},
        what="the offer texts",
    )
    assert offers
    board_browser.shot(dane, "order-form-booked")
    booking = Booking.objects.get()
    assert booking.inbound_email_id == answer["inbound_email"]
    assert InboundEmail.objects.get(pk=answer["inbound_email"]).status == InboundEmail.Status.PARSED
    assert booking.events.filter(summary=f"Made by hand from email #{answer['inbound_email']} by dane.").exists()

    status, replay = post_email(live_server, UNREADABLE)  # Zapier retries the same email

    assert status == 200
    assert replay["booking"] == booking.pk and replay["replay"] is True
