"""POST /workflow/email: every answer Zapier can get, and what each one stores."""

import json
from urllib.parse import urlencode

import pytest
import time_machine

from bookings.models import Booking, InboundEmail
from bookings.tests.parsing_support import CANONICAL
from messaging.models import Message

URL = "/workflow/email"
AUTH = {"HTTP_AUTHORIZATION": "Bearer test-zapier-token"}
NOW = "2026-11-21 12:00:00+00:00"

ORDER = CANONICAL  # the order email the README documents


def email(**fields: str) -> dict[str, str]:
    return {
        "subject": "New order",
        "from": "Orders <orders@custom-tracks.example>",
        "body_plain": ORDER,
        "message_id": "<order-1@custom-tracks.example>",
    } | fields


def post_json(client, payload: object, **headers: str):
    return client.post(URL, json.dumps(payload), content_type="application/json", **(AUTH | headers))


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now", "studio")]


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def studio():
    """Made by the first email ever (which tells every process's cache so); made here, the commits
    of the emails under test queue only their own work."""
    from scheduling.services import studio_get_or_create_default

    return studio_get_or_create_default()


def test_it_answers_a_json_email_at_once_and_the_worker_makes_its_booking(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = post_json(client, email())

    assert response.status_code == 201
    stored = InboundEmail.objects.get()
    assert response.json() == {
        "inbound_email": stored.pk,
        "status": "parsed",
        "url": f"https://studio.example/admin/board/emails/{stored.pk}/",
        "replay": False,
    }
    assert not Booking.objects.exists()  # not yet: the commit queued its task
    [run_as_the_worker] = queued
    run_as_the_worker()  # eager: the task runs here, as the worker would run it

    booking = Booking.objects.get()
    assert booking.planned_at is not None  # made and planned in the one task
    assert booking.client_name == "Jane Doe"
    assert booking.song_title == "Fly Me to the Moon"
    assert booking.session_minutes == 180
    assert sorted(str(seat) for seat in booking.seats.all()) == [
        "Drums",
        "Electric bass",
        "Keyboard",
        "Violin",
        "Violin 2",
    ]
    assert booking.requested_windows.count() == 2
    assert booking.inbound_email is not None
    assert booking.inbound_email.status == InboundEmail.Status.PARSED


def test_it_stores_the_body_byte_for_byte_without_the_token(client):
    raw = json.dumps(email()).encode()
    client.post(URL, raw, content_type="application/json", **AUTH)

    stored = InboundEmail.objects.get()
    assert bytes(stored.body) == raw
    assert "Authorization" not in stored.headers
    assert stored.subject == "New order"


def test_it_accepts_the_token_in_x_workflow_token(client):
    response = client.post(
        URL, json.dumps(email()), content_type="application/json", HTTP_X_WORKFLOW_TOKEN="test-zapier-token"
    )
    assert response.status_code == 201


def test_it_accepts_form_fields_with_zapier_flattened_names(client):
    fields = email()
    del fields["from"]
    form = fields | {"from__email": "orders@custom-tracks.example", "from__name": "Orders"}
    response = client.post(URL, urlencode(form), content_type="application/x-www-form-urlencoded", **AUTH)

    assert response.status_code == 201
    assert InboundEmail.objects.get().sender == "orders@custom-tracks.example"


def test_it_accepts_a_raw_rfc822_email(client):
    raw = (
        "From: Orders <orders@custom-tracks.example>\r\n"
        "Subject: New order\r\n"
        "Message-ID: <raw-1@custom-tracks.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + ORDER.replace("\n", "\r\n")
    ).encode()
    response = client.post(URL, raw, content_type="message/rfc822", **AUTH)

    assert response.status_code == 201
    assert InboundEmail.objects.get().message_id.strip("<>") == "raw-1@custom-tracks.example"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": "test-zapier-token"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_it_refuses_a_bad_token_and_stores_nothing(client, headers):
    response = client.post(URL, json.dumps(email()), content_type="application/json", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not InboundEmail.objects.exists()


def test_it_refuses_everyone_when_no_token_is_configured(client, settings):
    settings.ZAPIER_TOKEN = ""
    response = client.post(URL, json.dumps(email()), content_type="application/json", HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 401


def test_it_answers_405_to_get(client):
    assert client.get(URL, **AUTH).status_code == 405


def test_it_answers_413_to_a_body_over_a_megabyte(client):
    huge = email(body_plain="x" * (1024 * 1024 + 1))
    response = post_json(client, huge)

    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"\x00\xff\xfe not anything", "application/octet-stream"), (b"[1, 2", "application/json")],
    ids=["bytes", "broken-json"],
)
def test_it_answers_400_to_a_body_that_is_not_an_email_but_stores_it(client, body, content_type):
    response = client.post(URL, body, content_type=content_type, **AUTH)

    assert response.status_code == 400
    stored = InboundEmail.objects.get()
    assert response.json() == {"errors": stored.errors, "inbound_email": stored.pk}
    assert stored.status == InboundEmail.Status.MALFORMED
    assert bytes(stored.body) == body
    assert not Booking.objects.exists()


def test_a_replayed_email_gets_the_same_booking_and_no_new_texts(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_json(client, email())
    with django_capture_on_commit_callbacks() as callbacks:
        again = post_json(client, email())

    assert again.status_code == 200
    assert again.json() == {
        "inbound_email": first.json()["inbound_email"],  # the first copy, which made the booking
        "status": "parsed",
        "url": first.json()["url"],
        "replay": True,
        "booking": Booking.objects.get().pk,
    }
    assert Booking.objects.count() == 1
    assert callbacks == []  # nothing queued: no engine start, no text
    replay = InboundEmail.objects.get(status=InboundEmail.Status.DUPLICATE)
    assert replay.duplicate_of_id == first.json()["inbound_email"]


def test_a_replay_before_the_worker_made_the_booking_is_answered_without_one(client):
    first = post_json(client, email())
    again = post_json(client, email())

    assert again.status_code == 200
    assert again.json() == first.json() | {"replay": True}  # no booking yet, the same page to open


def test_without_a_message_id_the_same_sender_subject_and_body_is_a_replay(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_json(client, email(message_id=""))
        again = post_json(client, email(message_id=""))
        other = post_json(client, email(message_id="", subject="Another order"))

    assert again.status_code == 200
    assert other.status_code == 201
    assert Booking.objects.count() == 2


def test_an_unreadable_order_is_stored_answered_422_and_the_manager_texted_once(
    client, django_capture_on_commit_callbacks
):
    bad = email(body_plain="Hi! Can we book some musicians next week? Thanks")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_json(client, bad)

    assert response.status_code == 422
    stored = InboundEmail.objects.get()
    assert response.json() == {"errors": stored.errors, "inbound_email": stored.pk}
    assert any("No instruments found" in error for error in stored.errors)
    assert stored.status == InboundEmail.Status.UNPARSEABLE
    alert = Message.objects.get()
    assert alert.purpose == Message.Purpose.ALERT
    assert alert.to_phone == "+12125550199"
    assert f"/admin/board/orders/new?email={stored.pk}" in alert.body
    assert len(callbacks) == 1  # the alert's send task

    replay = post_json(client, bad)
    assert replay.status_code == 422
    assert replay.json()["errors"] == stored.errors
    assert Message.objects.count() == 1


def test_an_unknown_instrument_is_named_with_the_known_ones(client):
    response = post_json(client, email(body_plain=ORDER.replace("keys", "banjo")))

    assert response.status_code == 422
    [error] = [e for e in response.json()["errors"] if "banjo" in e]
    assert "drums" in error.lower() and "violin" in error.lower()


def test_it_queues_the_booking_after_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        post_json(client, email())

    assert len(callbacks) == 1
