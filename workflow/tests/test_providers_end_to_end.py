"""The engine's whole flow on the real provider SDKs, stopped only at their HTTP edge.

Vonage's SDK sends every text (`responses` plays Vonage's REST API), musicians
answer by text alone (inbound webhooks signed with the SDK's own code), and
Google's client reads free/busy and writes the events (HttpMockSequence plays
the Calendar API), all through a real Celery worker on Redis.
"""

import itertools
import json
import threading
from urllib.parse import parse_qsl

import pytest
import responses
from django.test import Client

from bookings.models import Booking, Offer
from messaging.tests.vonage_support import text_in, use_vonage_signatures
from musicians.tests.factories import MusicianFactory
from scheduling import calendars
from scheduling.tests.factories import StudioFactory
from scheduling.tests.google_http import free_busy, google_answering, google_says
from workflow.tests.intake_support import booking_made_from
from workflow.tests.phone import wait_for

pytestmark = [pytest.mark.worker]

ORDER = """Client name: Jane Doe
Song: Fly Me to the Moon
Instruments: drums, keys
Session length: 3 hours
Available times:
- December 7, 2030, 2-5pm ET
"""


class VonageApi:
    """Vonage's SMS endpoint: accepts every text and remembers it."""

    def __init__(self) -> None:
        self.texts: list[dict[str, str]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, request):
        fields = dict(parse_qsl(request.body))
        with self._lock:
            self.texts.append(fields)
            message_id = f"vonage-{next(self._ids)}"
        answer = {"message-count": "1", "messages": [{"to": fields["to"], "message-id": message_id, "status": "0"}]}
        return 200, {}, json.dumps(answer)

    def to(self, phone: str) -> list[str]:
        return [t["text"] for t in self.texts if t["to"] == phone.lstrip("+")]


@pytest.fixture
def vonage(settings):
    settings.SMS_BACKEND = "vonage"
    settings.VONAGE_API_KEY, settings.VONAGE_API_SECRET, settings.VONAGE_FROM = "key", "secret", "+12125550100"
    settings.SMS_RATE_PER_SECOND = 50
    use_vonage_signatures(settings)
    api = VonageApi()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, "https://rest.nexmo.com/sms/json", callback=api)
        yield api


@pytest.fixture
def google(settings, monkeypatch):
    settings.CALENDAR_BACKEND = "google"
    backend, http = google_answering(
        free_busy(["studio@example.com"]),  # the studio's calendar while planning
        free_busy(["drew@example.com"]),  # the one musician with a calendar
        google_says("event.json"),  # on confirmation: Drew's own calendar…
        google_says("event.json"),  # …and the studio's, the band invited
    )
    monkeypatch.setitem(calendars.instances, "google", backend)
    return http


def test_a_whole_booking_by_text_replies_alone(celery_worker, vonage, google):
    StudioFactory(calendar_id="studio@example.com")
    drew = MusicianFactory(name="Drew", plays=["drums"], email="drew@example.com", calendar_id="drew@example.com")
    kim = MusicianFactory(name="Kim", plays=["keyboard"], email="kim@example.com")
    kit = MusicianFactory(name="Kit", plays=["keyboard"])
    phone = Client()
    email = {"subject": "Order", "from": "orders@x.example", "body_plain": ORDER, "message_id": "<texts@x>"}
    answer = phone.post(
        "/workflow/email", json.dumps(email), content_type="application/json",
        HTTP_AUTHORIZATION="Bearer test-zapier-token",
    )  # fmt: skip
    assert answer.status_code == 201

    wait_for(lambda: vonage.to(drew.phone) and vonage.to(kim.phone), what="the offers through Vonage")
    assert "can you play drums" in vonage.to(drew.phone)[0]
    text_in(phone, from_phone=kim.phone, text="no")
    wait_for(lambda: vonage.to(kit.phone), what="the keys offer moving on to Kit")
    text_in(phone, from_phone=drew.phone, text="YES")
    text_in(phone, from_phone=kit.phone, text="Y")

    booking = booking_made_from(answer.json())
    assert booking.status == Booking.Status.CONFIRMED
    wait_for(lambda: any("you're booked!" in t for t in vonage.to(kit.phone)), what="Kit's confirmation")
    wait_for(lambda: any(t.startswith("Booked #") for t in vonage.to("+12125550199")), what="Dane's confirmation")
    wait_for(lambda: Booking.objects.get(pk=booking.pk).calendar_sync == "synced", what="the calendars")
    drew_event, studio_event = [sent for sent in google.sent if sent.method == "POST" and "events" in sent.path]
    assert drew_event.path == "/calendar/v3/calendars/drew@example.com/events"
    assert studio_event.body["attendees"] == [{"email": "drew@example.com"}]  # Kit has no email to invite
    assert Offer.objects.filter(status=Offer.Status.ACCEPTED).count() == 2
