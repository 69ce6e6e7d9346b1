"""Dane's calendar admin reads and shows times on the studio's clock, not UTC."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduling.models import CalendarEvent, Studio
from scheduling.tests.factories import StudioFactory

pytestmark = pytest.mark.django_db


def block(admin_client, *, day: str, starts: str, ends: str):
    return admin_client.post(
        reverse("admin:scheduling_calendarevent_add"),
        {
            "uid": "dane-block-1",
            "calendar_id": "studio-1",
            "starts_at_0": day,
            "starts_at_1": starts,
            "ends_at_0": day,
            "ends_at_1": ends,
            "summary": "Piano tuning",
            "status": "confirmed",
        },
    )


def test_a_block_added_at_2pm_on_a_dst_day_is_2pm_on_the_studios_clock(admin_client):
    StudioFactory(time_zone="America/New_York")

    response = block(admin_client, day="2026-03-08", starts="14:00", ends="16:00")  # clocks went forward at 2 AM

    assert response.status_code == 302, response.content.decode()
    event = CalendarEvent.objects.get(uid="dane-block-1")
    assert event.starts_at == dt.datetime(2026, 3, 8, 18, tzinfo=dt.UTC)  # 2 PM EDT
    assert event.ends_at == dt.datetime(2026, 3, 8, 20, tzinfo=dt.UTC)


def test_it_follows_the_studio_rows_zone(admin_client):
    StudioFactory(time_zone="America/Los_Angeles")

    block(admin_client, day="2026-11-01", starts="14:00", ends="16:00")  # PST again that morning

    assert CalendarEvent.objects.get().starts_at == dt.datetime(2026, 11, 1, 22, tzinfo=dt.UTC)


def test_the_change_form_shows_the_stored_time_on_the_studios_clock_and_says_so(admin_client):
    StudioFactory(time_zone="America/New_York")
    event = CalendarEvent.objects.create(
        uid="x",
        calendar_id="studio-1",
        summary="Block",
        starts_at=dt.datetime(2026, 3, 8, 18, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 8, 20, tzinfo=dt.UTC),
    )

    page = admin_client.get(reverse("admin:scheduling_calendarevent_change", args=[event.pk])).content.decode()

    assert 'name="starts_at_1" value="14:00:00"' in page
    assert "On the studio's clock, America/New_York." in page


def test_the_list_shows_times_on_the_studios_clock(admin_client):
    StudioFactory(time_zone="America/New_York")
    CalendarEvent.objects.create(
        uid="x",
        calendar_id="studio-1",
        summary="Block",
        starts_at=dt.datetime(2026, 3, 8, 18, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 3, 8, 20, tzinfo=dt.UTC),
    )

    page = admin_client.get(reverse("admin:scheduling_calendarevent_changelist")).content.decode()

    assert "2 p.m." in page and "6 p.m." not in page


def test_a_time_the_clock_skips_is_refused_with_a_reason(admin_client):
    StudioFactory(time_zone="America/New_York")

    response = block(admin_client, day="2026-03-08", starts="02:30", ends="04:00")  # 2:00 -> 3:00 that night

    assert response.status_code == 200
    assert "couldn’t be interpreted in time zone America/New_York" in response.content.decode()
    assert not CalendarEvent.objects.exists()


def test_the_managers_phone_is_taken_as_typed_and_stored_in_e164(admin_client):
    response = admin_client.post(
        reverse("admin:scheduling_studio_add"),
        {
            "name": "Blue Room",
            "time_zone": "America/New_York",
            "opens_at": "10:00",
            "closes_at": "18:00",
            "manager_name": "Dane",
            "manager_phone": "(212) 555-0199",
        },
    )

    assert response.status_code == 302, response.content.decode()
    assert Studio.objects.get().manager_phone == "+12125550199"
