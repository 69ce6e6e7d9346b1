"""The email's page on the board, where the webhook's answer sends the manager: it opens the
booking once the worker has made it, and until then says where the email is."""

import json

import pytest
import time_machine
from django.contrib.auth import get_user_model

from bookings.intake import inbound_email_book
from bookings.models import Booking, InboundEmail

pytestmark = pytest.mark.django_db
AUTH = {"HTTP_AUTHORIZATION": "Bearer test-zapier-token"}
ORDER = "Client name: Jane Doe\nInstruments: drums\nSession length: 3 hours\nTimes: December 7, 2030, 2-5pm ET\n"


def post(client, body_plain: str = ORDER, message_id: str = "<page@x>") -> dict:
    email = {"subject": "Order", "from": "a@b.example", "body_plain": body_plain, "message_id": message_id}
    with time_machine.travel("2026-11-21 12:00Z", tick=False):
        return client.post("/workflow/email", json.dumps(email), content_type="application/json", **AUTH).json()


def path_of(answer: dict) -> str:
    url = answer["url"]
    assert url.startswith("https://studio.example/")  # PUBLIC_BASE_URL: a link Dane can open
    return url.removeprefix("https://studio.example")


def test_before_the_booking_is_made_it_says_so_and_refreshes(client, admin_client):
    page = admin_client.get(path_of(post(client)))

    assert page.status_code == 200
    assert b"Being planned" in page.content
    assert b'http-equiv="refresh"' in page.content


def test_once_the_booking_is_made_it_opens_the_booking(client, admin_client):
    answer = post(client)
    booking_id = inbound_email_book(inbound_email_id=answer["inbound_email"])  # the worker's part

    page = admin_client.get(path_of(answer), follow=True)

    assert page.redirect_chain == [(f"/admin/board/{booking_id}/", 302)]
    assert page.status_code == 200 and b"Jane Doe" in page.content


def test_a_replay_leads_to_the_first_copys_booking(client, admin_client):
    post(client)
    again = post(client)
    booking_id = inbound_email_book(inbound_email_id=again["inbound_email"])
    copy = InboundEmail.objects.get(status=InboundEmail.Status.DUPLICATE)

    page = admin_client.get(f"/admin/board/emails/{copy.pk}/", follow=True)

    assert page.redirect_chain[-1] == (f"/admin/board/{booking_id}/", 302)


def test_an_email_whose_booking_failed_says_why_and_offers_the_order_form(client, admin_client, settings):
    answer = post(client)
    InboundEmail.objects.filter(pk=answer["inbound_email"]).update(
        status=InboundEmail.Status.FAILED, read_failures=3, read_error="TypeError: a bug"
    )

    page = admin_client.get(path_of(answer))

    assert b"TypeError: a bug" in page.content and b"http-equiv" not in page.content
    assert f"/admin/board/orders/new?email={answer['inbound_email']}".encode() in page.content
    assert not Booking.objects.exists()


def test_an_unreadable_email_shows_why_with_the_order_form(client, admin_client):
    email = {"subject": "Hi", "from": "a@b.example", "body_plain": "Hello there"}
    client.post("/workflow/email", json.dumps(email), content_type="application/json", **AUTH)
    stored = InboundEmail.objects.get()

    page = admin_client.get(f"/admin/board/emails/{stored.pk}/")

    assert b"could not be read" in page.content
    assert f"/admin/board/orders/new?email={stored.pk}".encode() in page.content


def test_it_needs_the_view_booking_permission(client):
    answer = post(client)
    client.force_login(get_user_model().objects.create_user("temp", is_staff=True))  # staff, no permissions

    assert client.get(path_of(answer)).status_code == 403


def test_an_unknown_email_is_404(admin_client):
    assert admin_client.get("/admin/board/emails/999/").status_code == 404
