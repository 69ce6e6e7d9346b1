"""The musician admin takes phones as people type them and says whose clock each time is on."""

import datetime as dt

import pytest
from django.urls import reverse

from musicians.models import Musician
from musicians.tests.factories import MusicianFactory, instrument

pytestmark = pytest.mark.django_db


def musician_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Rosa Corazón",
        "phone": "(212) 555-0101",
        "email": "",
        "instruments": str(instrument("drums").pk),
        "time_zone": "America/Chicago",
        "calendar_id": "",
        "is_active": "on",
        "weekly_availability-TOTAL_FORMS": "0",
        "weekly_availability-INITIAL_FORMS": "0",
        "blackouts-TOTAL_FORMS": "0",
        "blackouts-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_phone_typed_as_people_write_it_is_stored_in_e164(admin_client):
    response = admin_client.post(reverse("admin:musicians_musician_add"), musician_form())

    assert response.status_code == 302, response.content.decode()
    assert Musician.objects.get().phone == "+12125550101"


@pytest.mark.parametrize("typed", ["212-555-0101", "212.555.0101", "+1 212 555 0101", "1 (212) 555-0101"])
def test_every_format_the_roster_import_takes_is_taken(admin_client, typed):
    admin_client.post(reverse("admin:musicians_musician_add"), musician_form(phone=typed))

    assert Musician.objects.get().phone == "+12125550101"


def test_a_number_that_is_not_one_is_refused_with_a_reason(admin_client):
    response = admin_client.post(reverse("admin:musicians_musician_add"), musician_form(phone="555-01"))

    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    assert not Musician.objects.exists()


def test_the_same_phone_typed_differently_is_still_the_same_musician(admin_client):
    MusicianFactory(phone="+12125550101")

    response = admin_client.post(reverse("admin:musicians_musician_add"), musician_form())

    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_musicians_times_are_shown_and_taken_on_their_own_clock(admin_client):
    rosa = MusicianFactory(time_zone="America/Chicago", last_booked_at=dt.datetime(2026, 3, 8, 6, tzinfo=dt.UTC))
    url = reverse("admin:musicians_musician_change", args=[rosa.pk])

    page = admin_client.get(url).content.decode()

    assert 'name="last_booked_at_0" value="2026-03-08"' in page and 'name="last_booked_at_1" value="00:00:00"' in page
    assert "On this musician's own clock, America/Chicago." in page
    assert "Weekly hours on their own clock (the time zone above), whatever the date." in page
    assert "Dates on their own clock, inclusive." in page
