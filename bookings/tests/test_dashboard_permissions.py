"""Dane's admin tells the truth: pages and actions check the model permissions, refuse
what is missing with a 404 or a plain message (never a 500), and refuse a pause that
cannot apply."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from bookings.answers import Answer, offer_answer
from bookings.engine import booking_start
from bookings.models import Booking, InboundEmail, Offer
from bookings.tests.factories import SAT_2PM, make_booking, text_about
from messaging.models import Message
from musicians.tests.factories import MusicianFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def band():
    return {
        "drew": MusicianFactory(name="Drew", plays=["drums"]),
        "kim": MusicianFactory(name="Kim", plays=["keyboard"]),
    }


def started() -> Booking:
    booking = make_booking(seats=["drums", "keyboard"], windows=[SAT_2PM])
    booking_start(booking_id=booking.pk)
    booking.refresh_from_db()
    return booking


def confirmed() -> Booking:
    booking = started()
    for offer in Offer.objects.filter(booking=booking):
        offer_answer(offer_id=offer.pk, answer=Answer.YES)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def staff_client(*codenames: str) -> Client:
    """A logged-in staff user holding exactly these bookings permissions."""
    user = get_user_model().objects.create_user(f"staff-{len(codenames)}", password="pw-for-tests", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="bookings", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_it_refuses_the_board_and_a_booking_page_to_staff_without_view_booking(band):
    booking = started()
    client = staff_client()

    assert client.get(reverse("dashboard-board")).status_code == 403
    assert client.get(reverse("dashboard-board"), {"fragment": 1}).status_code == 403
    assert client.get(reverse("dashboard-booking", args=[booking.pk])).status_code == 403


def test_it_shows_the_board_to_staff_with_view_booking(band):
    booking = started()
    client = staff_client("view_booking")

    board = client.get(reverse("dashboard-board"))
    assert board.status_code == 200
    assert reverse("dashboard-order-new") not in board.content.decode()  # no add_booking: no button
    assert client.get(reverse("dashboard-booking", args=[booking.pk])).status_code == 200


def test_it_refuses_to_let_a_staff_user_without_change_booking_cancel_a_confirmed_booking(band):
    booking = confirmed()

    for client in (staff_client(), staff_client("view_booking")):
        assert client.post(reverse("dashboard-action", args=[booking.pk, "cancel"])).status_code == 403

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_it_lets_a_staff_user_with_change_booking_act(band):
    booking = started()
    client = staff_client("view_booking", "change_booking")

    response = client.post(reverse("dashboard-action", args=[booking.pk, "pause"]))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.escalation_paused


def test_it_refuses_reading_an_email_again_without_change_booking():
    email = InboundEmail.objects.create(body=b"{}", status=InboundEmail.Status.UNPARSEABLE)

    assert staff_client("view_booking").post(reverse("dashboard-reparse", args=[email.pk])).status_code == 403


def test_it_refuses_the_order_form_without_add_booking():
    client = staff_client("view_booking", "change_booking")

    assert client.get(reverse("dashboard-order-new")).status_code == 403
    assert client.post(reverse("dashboard-order-new"), {}).status_code == 403


def test_it_lets_a_superuser_through_everything(admin_client, band):
    booking = started()

    assert admin_client.get(reverse("dashboard-board")).status_code == 200
    assert admin_client.get(reverse("dashboard-booking", args=[booking.pk])).status_code == 200
    assert admin_client.get(reverse("dashboard-order-new")).status_code == 200
    assert admin_client.post(reverse("dashboard-action", args=[booking.pk, "cancel"])).status_code == 302


@pytest.mark.parametrize("action", ["cancel", "escalate", "pause", "resume", "assign", "resend", "nonsense"])
def test_it_answers_404_for_an_action_on_a_missing_booking(admin_client, action):
    response = admin_client.post(reverse("dashboard-action", args=[999999, action]), {"seat": 1, "musician": 1})

    assert response.status_code == 404


def test_it_refuses_assigning_a_seat_that_does_not_exist(admin_client, band):
    booking = started()

    page = admin_client.post(
        reverse("dashboard-action", args=[booking.pk, "assign"]),
        {"seat": 999999, "musician": band["drew"].pk},
        follow=True,
    )

    assert page.status_code == 200
    assert "That seat is not one of this booking&#x27;s." in page.content.decode()


def test_it_refuses_assigning_a_musician_who_does_not_exist(admin_client, band):
    booking = started()
    drums = booking.seats.get(instrument__slug="drums")

    page = admin_client.post(
        reverse("dashboard-action", args=[booking.pk, "assign"]), {"seat": drums.pk, "musician": 999999}, follow=True
    )

    assert page.status_code == 200
    assert "That musician is not on the roster." in page.content.decode()


def test_it_refuses_resending_a_text_of_another_booking(admin_client, band):
    booking, other = started(), started()
    failed = text_about(other, purpose="notice", to_phone=band["kim"].phone, body="hi", status="failed", error="503")

    page = admin_client.post(
        reverse("dashboard-action", args=[booking.pk, "resend"]), {"message": failed.pk}, follow=True
    )

    assert page.status_code == 200
    assert "That text is not one of this booking&#x27;s." in page.content.decode()
    assert not Message.objects.filter(body="hi", status="queued").exists()
    assert not other.events.filter(kind="resent").exists()


def test_it_answers_404_for_reading_a_missing_email_again(admin_client):
    assert admin_client.post(reverse("dashboard-reparse", args=[999999])).status_code == 404


def test_it_refuses_to_pause_a_booking_that_is_not_offering(admin_client, band):
    booking = confirmed()

    page = admin_client.post(reverse("dashboard-action", args=[booking.pk, "pause"]), follow=True).content.decode()

    assert "Only a booking still offering can be paused; this one is Confirmed." in page
    booking.refresh_from_db()
    assert not booking.escalation_paused
    assert not booking.events.filter(kind="paused").exists()


def test_it_refuses_reading_again_an_email_that_was_read(admin_client, band):
    payload = {"subject": "Hi", "from": "a@b.example", "body_plain": "hello"}
    admin_client.post("/workflow/email", json.dumps(payload), content_type="application/json",
                      HTTP_AUTHORIZATION="Bearer test-zapier-token")  # fmt: skip
    email = InboundEmail.objects.get()
    InboundEmail.objects.filter(pk=email.pk).update(status=InboundEmail.Status.PARSED)

    page = admin_client.post(reverse("dashboard-reparse", args=[email.pk]), follow=True)

    assert page.status_code == 200
    assert "Only an email that could not be read can be read again." in page.content.decode()


def sidebar(page: str) -> str:
    start = page.index('<nav class="sticky" id="nav-sidebar"')
    return page[start : page.index("</nav>", start) + len("</nav>")]


def test_the_sidebar_lists_what_the_user_may_see_and_follows_a_new_permission(band):
    booking = started()
    client = staff_client("view_booking")
    page = reverse("dashboard-booking", args=[booking.pk])
    emails = reverse("admin:bookings_inboundemail_changelist")

    before = sidebar(client.get(page).content.decode())
    user = get_user_model().objects.get(username="staff-1")
    user.user_permissions.add(Permission.objects.get(codename="view_inboundemail"))
    after = sidebar(client.get(page).content.decode())

    assert reverse("admin:bookings_booking_changelist") in before and emails not in before
    assert emails in after and reverse("admin:musicians_musician_changelist") not in after
    assert emails in client.get(reverse("admin:index")).content.decode()  # the admin's own pages alike
