"""Calendars after confirmation: written in the background, retried, never blocking the booking."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bookings.answers import Answer, offer_answer
from bookings.calendar_sync import booking_calendar_sync
from bookings.engine import booking_start
from bookings.models import Booking, Offer
from bookings.tests.factories import SAT_2PM, confirmations_follow_up, make_booking
from messaging.models import Message
from musicians.tests.factories import MusicianFactory
from scheduling import calendars
from scheduling.calendars.google import google_event_id
from scheduling.tests.factories import StudioFactory
from scheduling.tests.google_http import free_busy, google_answering, google_says

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
CREATED = google_says("event.json")


@pytest.fixture
def google(settings, monkeypatch):
    """Put a Google backend answering with `answers` in place; returns its recorded requests."""
    settings.CALENDAR_BACKEND = "google"

    def answering(*answers):
        backend, http = google_answering(*answers)
        monkeypatch.setitem(calendars.instances, "google", backend)
        return http

    return answering


@pytest.fixture
def confirmed(google) -> Booking:
    google()  # planning reads free/busy only for calendars that exist: none here
    studio = StudioFactory(calendar_id="studio@example.com")
    MusicianFactory(name="Drew", email="drew@example.com", calendar_id="drew@example.com", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=studio)
    google(free_busy(["studio@example.com"]), free_busy(["drew@example.com"]))
    booking_start(booking_id=booking.pk)
    offer_answer(offer_id=Offer.objects.get().pk, answer=Answer.YES)
    confirmations_follow_up()  # the worker's part: it marks the calendars pending
    booking.refresh_from_db()
    return booking


def test_confirmation_writes_the_musician_and_studio_events_with_the_band_invited(google, confirmed):
    http = google(CREATED, CREATED)

    assert booking_calendar_sync(booking_id=confirmed.pk) is None

    drew_event, studio_event = http.sent
    assert drew_event.path == "/calendar/v3/calendars/drew@example.com/events"
    assert drew_event.body["id"] == google_event_id(f"workflow-booking-{confirmed.pk}-seat-{confirmed.seats.get().pk}")
    assert studio_event.path == "/calendar/v3/calendars/studio@example.com/events"
    assert studio_event.body["attendees"] == [{"email": "drew@example.com"}]
    assert studio_event.query["sendUpdates"] == "all"
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED
    assert confirmed.calendar_sync == Booking.CalendarSync.SYNCED


def test_a_google_outage_is_retried_and_a_retry_rewrites_the_same_events(google, confirmed):
    google(google_says("error-503-backend.json"))

    retry_in = booking_calendar_sync(booking_id=confirmed.pk)

    assert retry_in is not None and 12 <= retry_in <= 18
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.calendar_sync) == (Booking.Status.CONFIRMED, Booking.CalendarSync.PENDING)
    assert "503" in confirmed.calendar_error or "unavailable" in confirmed.calendar_error.lower()

    http = google(google_says("error-409-duplicate.json"), CREATED, CREATED)  # the first insert had landed
    assert booking_calendar_sync(booking_id=confirmed.pk) is None
    assert [sent.method for sent in http.sent] == ["POST", "PUT", "POST"]
    confirmed.refresh_from_db()
    assert confirmed.calendar_sync == Booking.CalendarSync.SYNCED


def test_a_revoked_grant_fails_the_sync_once_and_tells_the_manager(google, confirmed):
    google(google_says("error-403-no-access.json"))

    assert booking_calendar_sync(booking_id=confirmed.pk) is None

    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED
    assert confirmed.calendar_sync == Booking.CalendarSync.FAILED
    [alert] = Message.objects.filter(purpose="alert")
    assert "It is confirmed, but its calendars failed" in alert.body
    assert booking_calendar_sync(booking_id=confirmed.pk) is None  # nothing asked, nothing texted again
    assert Message.objects.filter(purpose="alert").count() == 1


def test_after_the_last_retry_the_sync_fails_and_the_manager_is_told(google, confirmed, settings):
    settings.CALENDAR_SYNC_MAX_RETRIES = 1
    google(google_says("error-500-backend.json"), google_says("error-500-backend.json"))

    assert booking_calendar_sync(booking_id=confirmed.pk) is not None
    assert booking_calendar_sync(booking_id=confirmed.pk) is None

    confirmed.refresh_from_db()
    assert confirmed.calendar_sync == Booking.CalendarSync.FAILED
    assert confirmed.calendar_error.startswith("Gave up after 2 tries")
    assert confirmed.calendar_sync_attempts == 2  # counted on the row: a relayed task goes on counting
    assert Message.objects.filter(purpose="alert").count() == 1


def test_a_failed_sync_can_be_written_again_by_hand_from_the_admin(google, confirmed, admin_client):
    google(google_says("error-403-no-access.json"))
    booking_calendar_sync(booking_id=confirmed.pk)
    google(CREATED, CREATED)  # the calendar was shared again

    response = admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "write_calendars_again", "_selected_action": [confirmed.pk]},
    )

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert (confirmed.calendar_sync, confirmed.calendar_sync_attempts) == (Booking.CalendarSync.PENDING, 0)
    assert booking_calendar_sync(booking_id=confirmed.pk) is None  # what the queued task runs
    confirmed.refresh_from_db()
    assert confirmed.calendar_sync == Booking.CalendarSync.SYNCED
    assert confirmed.events.filter(kind="calendars", actor="admin").exists()


def test_python_manage_py_write_calendars_retries_every_failed_sync(google, confirmed):
    google(google_says("error-403-no-access.json"))
    booking_calendar_sync(booking_id=confirmed.pk)
    out = StringIO()

    call_command("write_calendars", "--failed", stdout=out)

    assert out.getvalue().strip() == f"Writing the calendars of 1 booking(s) again: {confirmed.pk}."
    confirmed.refresh_from_db()
    assert confirmed.calendar_sync == Booking.CalendarSync.PENDING
    again = StringIO()
    call_command("write_calendars", "--failed", stdout=again)
    assert again.getvalue().strip() == "No failed calendar syncs."


def test_a_musician_google_cannot_read_is_left_out_not_taken_as_free(google):
    google()
    MusicianFactory(name="Unknown", calendar_id="gone@example.com", plays=["drums"], last_booked_at=None)
    MusicianFactory(name="Known", calendar_id="drew@example.com", plays=["drums"])
    booking = make_booking(seats=["drums"], windows=[SAT_2PM], studio=StudioFactory(calendar_id="studio@example.com"))
    cannot_read = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
    musicians = free_busy(["drew@example.com"], gone_example_com=cannot_read)
    google(free_busy(["studio@example.com"]), musicians, musicians)  # an unknown calendar is asked again

    booking_start(booking_id=booking.pk)

    assert [m.musician.name for m in Offer.objects.all()] == ["Known"]
