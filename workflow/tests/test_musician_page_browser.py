"""The musician's own page on a phone (Playwright driving Debian's Chromium at 390 px).

Screenshots land in test-artifacts/ for a person to look at.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from bookings.answers import Answer, Outcome, offer_answer
from bookings.models import Booking, Fill, Offer
from bookings.musician_links import musician_page_link
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory
from workflow.tests.intake_support import booking_made_from
from workflow.tests.phone import wait_for
from workflow.tests.test_dashboard_browser import PHONE, browser, dane, post_order, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.worker, pytest.mark.browser]
NO_QUIET_HOURS = {"quiet_hours_start": dt.time(0), "quiet_hours_end": dt.time(0)}


def offered(booking_id: int, name: str) -> Offer:
    return wait_for(lambda: Offer.objects.filter(booking_id=booking_id, musician__name=name).first(), what=name)


def test_a_blackout_set_on_the_page_leaves_them_out_of_the_next_plan(browser, live_server, celery_worker, settings):  # noqa: F811
    settings.PUBLIC_BASE_URL = live_server.url
    drew = MusicianFactory(name="Drew", plays=["drums"], last_booked_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    MusicianFactory(name="Dana", plays=["drums"], last_booked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    MusicianFactory(name="Kim", plays=["keyboard"])
    phone = browser.new_page(viewport=PHONE)

    phone.goto(musician_page_link(drew))
    expect(phone.locator("h1")).to_contain_text("Hi Drew")
    phone.fill("input[name=starts_on]", "2030-12-07")
    phone.fill("input[name=ends_on]", "2030-12-08")
    phone.get_by_role("button", name="Add days off").click()
    expect(phone.get_by_role("status")).to_contain_text("Added your days off")
    expect(phone.locator("body")).to_contain_text("Sat Dec 7 - Sun Dec 8")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(phone, "phone-musician-page")

    booking_id = booking_made_from(post_order(live_server, "<blackout@x>")).pk

    assert offered(booking_id, "Dana").seat.instrument.slug == "drums"  # Drew was first in the order
    assert not Offer.objects.filter(booking_id=booking_id, musician=drew).exists()
    phone.close()


def test_a_drop_out_on_the_page_books_the_standby_and_danes_page_updates_live(browser, dane, live_server, settings):  # noqa: F811
    settings.FILL_POLICY = "paced"
    drew = MusicianFactory(name="Drew", plays=["drums"], last_booked_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                           **NO_QUIET_HOURS)  # fmt: skip
    MusicianFactory(name="Dana", plays=["drums"], last_booked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    **NO_QUIET_HOURS)  # fmt: skip
    MusicianFactory(name="Kim", plays=["keyboard"], **NO_QUIET_HOURS)
    booking_id = booking_made_from(post_order(live_server, "<drop@x>")).pk
    for name in ("Drew", "Kim"):
        offer_answer(offer_id=offered(booking_id, name).pk, answer=Answer.YES)
    assert offer_answer(offer_id=offered(booking_id, "Dana").pk, answer=Answer.YES).outcome == Outcome.STANDBY
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CONFIRMED
    dane.goto(f"{live_server.url}/admin/board/{booking_id}/")
    expect(dane.locator("#live")).to_contain_text("Drums: Drew")

    phone = browser.new_page(viewport=PHONE)
    phone.goto(musician_page_link(Musician.objects.get(pk=drew.pk)))
    expect(phone.locator(f'section[data-booking="{booking_id}"]')).to_contain_text("With Keyboard - Kim")
    phone.get_by_role("link", name="Details").click()
    phone.get_by_role("link", name="I can't make it").click()
    shot(phone, "phone-drop-out-confirm")
    assert Fill.objects.filter(musician=drew).exists()  # the confirmation step changes nothing
    phone.get_by_role("button", name="Yes, take me off this session").click()
    expect(phone.locator("h1")).to_contain_text("Thanks for telling us")

    expect(dane.locator("#live")).to_contain_text("Drums: Dana", timeout=10_000)  # no reload: the board polls
    expect(dane.locator(".seat-filled").filter(has_text="Dana")).to_have_count(1)
    shot(dane, "booking-after-drop-out")
    phone.close()
