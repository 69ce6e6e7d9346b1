"""The booking page's live refresh asks the calendar provider once, not on every poll.

Google's end is the HTTP stand-in (scheduling/tests/google_http.py): the real client runs,
and a request nobody expected fails the test.
"""

import datetime as dt

import pytest

from bookings.engine import booking_start
from bookings.selectors import booking_view
from bookings.tests.factories import SAT_2PM, make_booking
from musicians.tests.factories import MusicianFactory
from scheduling import calendars
from scheduling.calendars.base import SessionEvent
from scheduling.intervals import Interval
from scheduling.tests.google_http import free_busy, google_answering, google_says

pytestmark = [pytest.mark.django_db]

DREW, GONE = "drew@example.com", "gone@example.com"
NOT_FOUND = {"errors": [{"domain": "global", "reason": "notFound"}]}


@pytest.fixture
def booking(clock):
    MusicianFactory(name="Drew", plays=["drums"], calendar_id=DREW)
    MusicianFactory(name="Gone", plays=["drums"], calendar_id=GONE)
    booking = make_booking(seats=["drums"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)  # planned on the local calendar; the polls ask Google
    return booking


def polling_google(settings, monkeypatch, *answers):
    settings.CALENDAR_BACKEND = "google"
    calendar, http = google_answering(*answers)
    monkeypatch.setitem(calendars.instances, "google", calendar)
    return calendar, http


def poll(booking) -> None:
    booking_view(booking_id=booking.pk, now=dt.datetime.now(dt.UTC))


def test_it_asks_google_nothing_on_a_second_poll(booking, settings, monkeypatch):
    _, http = polling_google(settings, monkeypatch, free_busy([DREW], gone_example_com=NOT_FOUND))

    poll(booking)
    poll(booking)  # Google could not say for Gone: that is kept briefly too

    assert len(http.sent) == 1


def test_it_asks_again_once_we_wrote_an_event_on_that_calendar(booking, settings, monkeypatch):
    calendar, http = polling_google(
        settings, monkeypatch, free_busy([DREW], gone_example_com=NOT_FOUND), google_says("event.json"),
        free_busy([DREW]),
    )  # fmt: skip
    poll(booking)
    time = booking.candidate_times.order_by("rank").first()
    session = Interval(time.starts_at, time.ends_at)

    calendar.write_event(SessionEvent(uid="workflow-booking-x", calendar_id=DREW, interval=session, summary="Gig"))
    poll(booking)

    assert [item["id"] for item in http.sent[2].body["items"]] == [DREW]
