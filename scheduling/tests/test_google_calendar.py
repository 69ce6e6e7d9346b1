"""The Google Calendar backend against the Calendar API's own answers.

googleapiclient builds, sends and reads every request for real; only the wire is
replaced: `GoogleHttp` answers with Calendar API bodies (scheduling/tests/google/) and
keeps what the client sent.
"""

import datetime as dt
import json
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import httplib2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from google.auth.exceptions import RefreshError, TransportError
from hypothesis import given
from hypothesis import strategies as st

from scheduling.calendars.base import CalendarError, SessionEvent
from scheduling.calendars.google import GoogleCalendar, google_event_id, service_account_credentials
from scheduling.intervals import Interval
from scheduling.tests.google_http import (
    NO_CONTENT,
    Sent,
    free_busy,
    google_answering,
    google_says,
)

NEW_YORK = ZoneInfo("America/New_York")
DREW, SAM, GONE = "drew@example.com", "sam@example.com", "gone@example.com"
STUDIO = "studio@example.com"


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


SPAN = Interval(utc(5, 14), utc(6, 2))
EVENT = SessionEvent(
    uid="workflow-booking-7-studio",
    calendar_id=STUDIO,
    interval=Interval(utc(5, 19), utc(5, 22)),
    summary="Test Studio: Fly Me to the Moon",
    description="Drums: Drew\nBass: Sam",
    location="1 Studio Way, Brooklyn",
    attendees=(DREW, SAM),
)
EVENT_ID = google_event_id(EVENT.uid)
EVENTS_PATH = f"/calendar/v3/calendars/{STUDIO}/events"


def asked_for(sent: Sent) -> list[str]:
    return [item["id"] for item in sent.body["items"]]


# busy()


def test_it_asks_for_the_span_in_utc():
    calendar, http = google_answering(free_busy([DREW, SAM]))
    span = Interval(dt.datetime(2026, 12, 5, 9, tzinfo=NEW_YORK), dt.datetime(2026, 12, 5, 21, tzinfo=NEW_YORK))

    calendar.busy([DREW, SAM], span)

    [sent] = http.sent
    assert (sent.method, sent.path) == ("POST", "/calendar/v3/freeBusy")
    assert sent.body == {
        "timeMin": "2026-12-05T14:00:00Z",
        "timeMax": "2026-12-06T02:00:00Z",
        "items": [{"id": DREW}, {"id": SAM}],
    }


def test_it_reads_each_calendars_busy_times():
    calendar, _ = google_answering(google_says("freebusy.json"))

    busy = calendar.busy([DREW, SAM, GONE], SPAN)

    assert busy[DREW] == [Interval(utc(5, 15), utc(5, 16, 30)), Interval(utc(5, 20), utc(5, 21))]
    assert busy[SAM] == []


def test_it_marks_only_the_calendar_google_could_not_read_as_unknown():
    calendar, _ = google_answering(google_says("freebusy.json"))

    busy = calendar.busy([DREW, SAM, GONE], SPAN)

    assert busy[GONE] is None
    assert busy[DREW] is not None
    assert busy[SAM] is not None


def test_it_asks_at_most_50_calendars_per_query():
    band = [f"musician{n}@example.com" for n in range(120)]
    calendar, http = google_answering(free_busy(band[:50]), free_busy(band[50:100]), free_busy(band[100:]))

    busy = calendar.busy(band, SPAN)

    assert [len(asked_for(sent)) for sent in http.sent] == [50, 50, 20]
    assert [calendar_id for sent in http.sent for calendar_id in asked_for(sent)] == band
    assert busy == {calendar_id: [] for calendar_id in band}


def test_it_answers_unknown_for_a_batch_whose_query_failed(caplog):
    band = [f"musician{n}@example.com" for n in range(60)]
    calendar, _ = google_answering(google_says("error-500-backend.json"), free_busy(band[50:]))

    busy = calendar.busy(band, SPAN)

    assert busy == dict.fromkeys(band[:50]) | {calendar_id: [] for calendar_id in band[50:]}
    assert "Google free/busy failed for 50 calendars" in caplog.text


@pytest.mark.parametrize(
    "failure",
    [
        httplib2.ServerNotFoundError("Unable to find the server at www.googleapis.com"),
        TimeoutError("timed out"),
        TransportError("Connection reset by peer"),
        RefreshError("invalid_grant: Invalid JWT Signature."),
    ],
    ids=["no-dns", "timeout", "auth-transport", "revoked-key"],
)
def test_it_answers_unknown_when_google_cannot_answer(failure):
    calendar, _ = google_answering(failure)

    assert calendar.busy([DREW, SAM], SPAN) == {DREW: None, SAM: None}


def test_it_answers_a_repeated_question_from_its_cache():
    calendar, http = google_answering(google_says("freebusy.json"))

    first = calendar.busy([DREW], SPAN)
    again = calendar.busy([DREW], SPAN)

    assert len(http.sent) == 1
    assert again == first


def test_it_asks_only_for_the_calendars_it_has_no_answer_for():
    calendar, http = google_answering(free_busy([DREW]), free_busy([SAM]))

    calendar.busy([DREW], SPAN)
    busy = calendar.busy([DREW, SAM], SPAN)

    assert asked_for(http.sent[1]) == [SAM]
    assert busy == {DREW: [], SAM: []}


def test_it_asks_again_for_another_span():
    calendar, http = google_answering(free_busy([DREW]), free_busy([DREW]))

    calendar.busy([DREW], SPAN)
    calendar.busy([DREW], Interval(SPAN.start, SPAN.end + dt.timedelta(hours=1)))

    assert len(http.sent) == 2


def test_it_asks_again_once_the_answer_is_older_than_the_cache_allows(settings):
    calendar, http = google_answering(free_busy([DREW]), free_busy([DREW]))
    calendar.busy([DREW], SPAN)

    # Time is monotonic here (time_machine cannot move it): shrink the allowed age instead.
    settings.GOOGLE_FREEBUSY_CACHE_SECONDS = 0
    calendar.busy([DREW], SPAN)

    assert len(http.sent) == 2


def test_it_asks_again_for_a_calendar_it_could_not_read_once_a_brief_wait_is_over(monkeypatch):
    calendar, http = google_answering(google_says("freebusy.json"), google_says("freebusy.json"))
    calendar.busy([DREW, GONE], SPAN)

    # Time is monotonic here: shrink the wait for "unknown" instead (answers are kept a minute).
    monkeypatch.setattr("scheduling.calendars.google.UNKNOWN_CACHE_SECONDS", 0)
    busy = calendar.busy([DREW, GONE], SPAN)

    assert asked_for(http.sent[1]) == [GONE]
    assert busy[GONE] is None


def test_it_keeps_its_cache_safe_from_callers():
    calendar, _ = google_answering(google_says("freebusy.json"))

    calendar.busy([DREW], SPAN)[DREW].clear()

    assert len(calendar.busy([DREW], SPAN)[DREW]) == 2


# write_event()


def test_it_writes_the_session_under_its_derived_id_and_invites_the_band():
    calendar, http = google_answering(google_says("event.json"))

    calendar.write_event(EVENT)

    [sent] = http.sent
    assert (sent.method, sent.path) == ("POST", EVENTS_PATH)
    assert sent.query["sendUpdates"] == "all"
    assert sent.body == {
        "id": EVENT_ID,
        "status": "confirmed",
        "summary": "Test Studio: Fly Me to the Moon",
        "description": "Drums: Drew\nBass: Sam",
        "location": "1 Studio Way, Brooklyn",
        "start": {"dateTime": "2026-12-05T19:00:00Z"},
        "end": {"dateTime": "2026-12-05T22:00:00Z"},
        "attendees": [{"email": DREW}, {"email": SAM}],
        "reminders": {"useDefault": True},
    }


def test_it_sends_no_invitations_for_a_session_without_attendees():
    calendar, http = google_answering(google_says("event.json"))

    calendar.write_event(replace(EVENT, attendees=()))

    [sent] = http.sent
    assert sent.query["sendUpdates"] == "none"
    assert "attendees" not in sent.body


@given(st.text())
def test_it_derives_a_valid_google_event_id_from_any_uid(uid):
    event_id = google_event_id(uid)

    assert re.fullmatch(r"[a-v0-9]{5,1024}", event_id)
    assert google_event_id(uid) == event_id


@given(st.text(), st.text())
def test_it_derives_different_ids_for_different_sessions(uid, other):
    assert (google_event_id(uid) == google_event_id(other)) == (uid == other)


def test_it_keeps_event_ids_from_one_release_to_the_next():
    # Events already on calendars carry this id: a new derivation would orphan them.
    assert google_event_id("workflow-booking-7-studio") == "r99lecu9ii6ikj4bsaadvnggd4rjpra7s29stnfevqul2r82pp10"


def test_it_overwrites_the_event_when_its_id_already_exists():
    calendar, http = google_answering(google_says("error-409-duplicate.json"), google_says("event.json"))

    calendar.write_event(EVENT)

    insert, update = http.sent
    assert (insert.method, insert.path) == ("POST", EVENTS_PATH)
    assert (update.method, update.path) == ("PUT", f"{EVENTS_PATH}/{EVENT_ID}")
    assert update.body == insert.body
    assert update.body["status"] == "confirmed"
    assert update.query["sendUpdates"] == "all"


def test_it_writes_without_invitations_when_google_forbids_a_service_account_to_invite(caplog):
    calendar, http = google_answering(google_says("error-403-cannot-invite.json"), google_says("event.json"))

    calendar.write_event(EVENT)

    refused, written = http.sent
    assert "attendees" in refused.body
    assert "attendees" not in written.body
    assert written.body["id"] == EVENT_ID
    assert written.query["sendUpdates"] == "none"
    assert "Google refused invitations on studio@example.com" in caplog.text


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("error-401-auth.json", "Invalid Credentials"),
        ("error-403-no-access.json", "You need to have writer access to this calendar."),
        ("error-404-not-found.json", "Not Found"),
    ],
)
def test_it_reports_a_refusal_as_permanent(fixture, message):
    calendar, _ = google_answering(google_says(fixture))

    with pytest.raises(CalendarError) as raised:
        calendar.write_event(EVENT)

    assert raised.value.permanent
    assert STUDIO in raised.value.reason
    assert message in raised.value.reason


@pytest.mark.parametrize(
    "fixture",
    ["error-429-rate-limit.json", "error-403-rate-limit.json", "error-500-backend.json", "error-503-backend.json"],
)
def test_it_reports_a_passing_failure_as_transient(fixture):
    calendar, _ = google_answering(google_says(fixture))

    with pytest.raises(CalendarError) as raised:
        calendar.write_event(EVENT)

    assert not raised.value.permanent
    assert STUDIO in raised.value.reason


@pytest.mark.parametrize(
    "failure",
    [
        httplib2.ServerNotFoundError("Unable to find the server at www.googleapis.com"),
        ConnectionResetError(104, "Connection reset by peer"),
        TransportError("Connection aborted."),
        RefreshError("Token endpoint is unavailable", retryable=True),
    ],
    ids=["no-dns", "reset", "auth-transport", "token-endpoint-down"],
)
def test_it_reports_an_unreachable_google_as_transient(failure):
    calendar, _ = google_answering(failure)

    with pytest.raises(CalendarError) as raised:
        calendar.write_event(EVENT)

    assert not raised.value.permanent


def test_it_reports_a_revoked_key_as_permanent():
    calendar, _ = google_answering(RefreshError("invalid_grant: Invalid JWT Signature."))

    with pytest.raises(CalendarError) as raised:
        calendar.write_event(EVENT)

    assert raised.value.permanent
    assert "invalid_grant" in raised.value.reason


# cancel_event()


def test_it_deletes_the_sessions_event_and_tells_the_attendees():
    calendar, http = google_answering(NO_CONTENT)

    calendar.cancel_event(uid=EVENT.uid, calendar_id=STUDIO)

    [sent] = http.sent
    assert (sent.method, sent.path) == ("DELETE", f"{EVENTS_PATH}/{EVENT_ID}")
    assert sent.query["sendUpdates"] == "all"


@pytest.mark.parametrize("fixture", ["error-404-not-found.json", "error-410-deleted.json"])
def test_it_takes_an_event_already_gone_as_cancelled(fixture):
    calendar, http = google_answering(google_says(fixture))

    calendar.cancel_event(uid=EVENT.uid, calendar_id=STUDIO)

    assert len(http.sent) == 1


@pytest.mark.parametrize(
    ("fixture", "permanent"),
    [("error-500-backend.json", False), ("error-503-backend.json", False), ("error-403-no-access.json", True)],
)
def test_it_reports_a_failed_cancel_like_a_failed_write(fixture, permanent):
    calendar, _ = google_answering(google_says(fixture))

    with pytest.raises(CalendarError) as raised:
        calendar.cancel_event(uid=EVENT.uid, calendar_id=STUDIO)

    assert raised.value.permanent is permanent


# Credentials


@pytest.fixture(scope="module")
def service_account_key() -> dict[str, str]:
    """A key shaped like the JSON the Cloud console downloads, with a fresh RSA key."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "type": "service_account",
        "project_id": "studio-workflow",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pem.decode(),
        "client_email": "workflow@studio-workflow.iam.gserviceaccount.com",
        "client_id": "104012345678901234567",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@pytest.fixture
def no_key(settings):
    settings.GOOGLE_SERVICE_ACCOUNT_FILE = ""
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = ""
    settings.GOOGLE_DELEGATED_USER = ""
    return settings


@pytest.mark.parametrize(
    "use",
    [
        lambda calendar: calendar.busy([DREW], SPAN),
        lambda calendar: calendar.write_event(EVENT),
        lambda calendar: calendar.cancel_event(uid=EVENT.uid, calendar_id=STUDIO),
    ],
    ids=["busy", "write_event", "cancel_event"],
)
def test_it_says_which_settings_it_needs_when_first_used(no_key, use):
    calendar = GoogleCalendar()  # constructing it needs nothing: the backend is made at startup

    with pytest.raises(ImproperlyConfigured, match=r"GOOGLE_SERVICE_ACCOUNT_FILE .* GOOGLE_SERVICE_ACCOUNT_JSON "):
        use(calendar)


def test_it_acts_as_the_delegated_user(no_key, service_account_key):
    no_key.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps(service_account_key)
    no_key.GOOGLE_DELEGATED_USER = "dane@studio.example"

    credentials = service_account_credentials()

    assert credentials._subject == "dane@studio.example"
    assert credentials.signer_email == "workflow@studio-workflow.iam.gserviceaccount.com"
    assert list(credentials.scopes) == ["https://www.googleapis.com/auth/calendar"]
    assert credentials.token is None  # no token fetched: nothing went over the network


def test_it_prefers_the_key_json_to_the_key_file(no_key, service_account_key, tmp_path):
    no_key.GOOGLE_SERVICE_ACCOUNT_FILE = str(tmp_path / "missing.json")
    no_key.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps(service_account_key)

    assert service_account_credentials().signer_email == service_account_key["client_email"]


def test_it_reads_the_key_file_as_the_service_account_itself(no_key, service_account_key, tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(service_account_key))
    no_key.GOOGLE_SERVICE_ACCOUNT_FILE = str(key_file)

    credentials = service_account_credentials()

    assert credentials.signer_email == service_account_key["client_email"]
    assert credentials._subject is None


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("GOOGLE_SERVICE_ACCOUNT_JSON", "{not json", "GOOGLE_SERVICE_ACCOUNT_JSON"),
        ("GOOGLE_SERVICE_ACCOUNT_JSON", '{"type": "service_account"}', "GOOGLE_SERVICE_ACCOUNT_JSON"),
        ("GOOGLE_SERVICE_ACCOUNT_FILE", "/nonexistent/key.json", "GOOGLE_SERVICE_ACCOUNT_FILE"),
    ],
    ids=["not-json", "not-a-key", "no-file"],
)
def test_it_names_the_setting_whose_key_it_cannot_use(no_key, setting, value, named):
    setattr(no_key, setting, value)

    with pytest.raises(ImproperlyConfigured, match=named):
        service_account_credentials()
