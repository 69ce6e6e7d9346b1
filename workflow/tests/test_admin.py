"""Every model has an admin the manager can open, search and filter."""

import json

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from bookings.models import InboundEmail
from musicians.tests.factories import MusicianFactory

pytestmark = pytest.mark.django_db

ORDER = (
    "Client name: Jane Doe\nSong: Fly\nInstruments: drums, 2 violins\nSession length: 3 hours\n"
    "Available times:\n- Saturday, December 5, 2026, 2-5pm\n"
)


@pytest.fixture
def some_of_everything(client, eager_tasks, django_capture_on_commit_callbacks):
    MusicianFactory(plays=["drums"])
    # The booking task each commit queues runs in place, as the worker would run it.
    with time_machine.travel("2026-11-21 12:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        for body in (ORDER, "not an order"):
            client.post(
                "/workflow/email",
                json.dumps({"subject": "Order", "from": "a@b.example", "body_plain": body}),
                content_type="application/json",
                HTTP_AUTHORIZATION="Bearer test-zapier-token",
            )
    client.post("/workflow/email", b"\xff", content_type="text/weird", HTTP_AUTHORIZATION="Bearer test-zapier-token")


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_page_opens_with_search_and_its_objects(admin_client, some_of_everything, model):
    page = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = admin_client.get(reverse(f"{page}_changelist"), {"q": "a"})
    assert changelist.status_code == 200

    for obj in model.objects.all()[:3]:
        change = admin_client.get(reverse(f"{page}_change", args=[obj.pk]))
        assert change.status_code == 200, obj


def test_inbound_emails_are_read_only_and_never_deleted(admin_client, some_of_everything):
    email = InboundEmail.objects.first()
    assert email is not None
    page = admin_client.get(reverse("admin:bookings_inboundemail_change", args=[email.pk]))
    assert b"raw body" in page.content.lower()
    delete = admin_client.post(reverse("admin:bookings_inboundemail_delete", args=[email.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert InboundEmail.objects.filter(pk=email.pk).exists()


def test_a_bookings_status_and_seats_cannot_be_changed_in_the_admin(admin_client, some_of_everything):
    from bookings.models import Booking

    booking = Booking.objects.filter(status=Booking.Status.OFFERING).first() or Booking.objects.first()
    url = reverse("admin:bookings_booking_change", args=[booking.pk])
    page = admin_client.get(url).content.decode()
    form = {"client_name": "Renamed", "client_email": "", "song_title": "", "mp3_url": "", "video_url": "",
            "other_links": "[]", "notes": "", "status": "cancelled", "escalation_paused": "on"}  # fmt: skip
    for prefix in ("seats", "requested_windows", "candidate_times", "offers"):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = admin_client.post(url, form)

    assert 'name="status"' not in page and "seats-0-instrument" not in page
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Booking.objects.get(pk=booking.pk)
    assert (after.client_name, after.status, after.escalation_paused) == ("Renamed", booking.status, False)


def test_the_admins_cancel_action_goes_through_the_managers_service_and_names_the_user(
    admin_client, some_of_everything
):
    from bookings.models import Booking

    booking = Booking.objects.exclude(status=Booking.Status.CANCELLED).first()

    admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "cancel_bookings", "_selected_action": [booking.pk]},
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.events.filter(kind="cancelled", actor="admin").exists()
