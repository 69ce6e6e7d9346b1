"""The page after a YES press in a real browser: the press is in at once, and the page follows the
worker's decision by itself (a meta refresh: no script, allowed by the CSP)."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from bookings.engine import booking_start
from bookings.models import Booking, Offer
from bookings.tests.factories import local, make_booking
from musicians.tests.factories import MusicianFactory
from workflow.tests.test_dashboard_browser import PHONE, browser, shot  # noqa: F401 (the browser fixture)

pytestmark = [pytest.mark.worker, pytest.mark.browser]


def test_a_pressed_yes_says_it_is_in_then_the_page_shows_what_the_worker_decided(
    browser,  # noqa: F811
    live_server,
    celery_worker,
    settings,
):
    settings.PUBLIC_BASE_URL = live_server.url
    MusicianFactory(name="Ana", plays=["drums"], time_zone="America/Los_Angeles")
    booking = make_booking(seats=["drums"], windows=[(local(2030, 12, 7, 14), local(2030, 12, 7, 17))])
    booking_start(booking_id=booking.pk)
    offer = Offer.objects.get(booking=booking)
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/o/{offer.token}/yes")

    with transaction.atomic():
        Booking.objects.select_for_update().get(pk=booking.pk)  # the worker's decision waits for this lock
        page.get_by_role("button", name="Yes, I'll play").click()
        expect(page.locator("h1")).to_contain_text("Your YES is in. Thanks, Ana!")
        expect(page.locator(".status")).to_contain_text(re.compile(r"counts from \d+:\d\d:\d\d [AP]M P[SD]T"))
        expect(page.locator(".status")).to_contain_text("checking the seat is still free")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "phone-pressed")
        assert Offer.objects.get(pk=offer.pk).press_outcome == ""  # stored, still waiting for the worker

    expect(page.locator("h1")).to_contain_text("You're in. Thanks, Ana!", timeout=10_000)  # no tap: it reloaded
    expect(page.locator(".status")).to_contain_text("The whole band is confirmed")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0  # decided: it stops reloading
    shot(page, "phone-press-decided")
    page.close()
