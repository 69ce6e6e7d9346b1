"""Feed links: each musician's can be revoked, and none ever shows the studio's calendar."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from musicians.models import Musician
from musicians.tests.factories import MusicianFactory, instrument
from scheduling.admin import musician_calendar_feed_url, studio_calendar_feed_url
from scheduling.models import CalendarEvent
from scheduling.tests.factories import StudioFactory

pytestmark = pytest.mark.django_db


def event_on(calendar_id: str, summary: str) -> CalendarEvent:
    return CalendarEvent.objects.create(
        uid=f"{calendar_id}-{summary}",
        calendar_id=calendar_id,
        summary=summary,
        starts_at=dt.datetime(2026, 12, 5, 19, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 5, 22, tzinfo=dt.UTC),
    )


def path_of(url: str) -> str:
    return url.removeprefix("https://studio.example")


def test_a_musicians_feed_shows_their_sessions(client):
    rosa = MusicianFactory(name="Rosa")
    event_on(f"musician-{rosa.pk}", "Rosa's session")

    response = client.get(path_of(musician_calendar_feed_url(rosa)))

    assert response.status_code == 200
    assert "SUMMARY:Rosa's session" in response.content.decode()


def test_revoking_a_feed_from_the_admin_kills_the_old_link_and_issues_a_new_one(admin_client, client):
    rosa = MusicianFactory(name="Rosa")
    event_on(f"musician-{rosa.pk}", "Rosa's session")
    old_link = path_of(musician_calendar_feed_url(rosa))

    response = admin_client.post(
        reverse("admin:musicians_musician_changelist"),
        {"action": "revoke_calendar_feed_links", "_selected_action": [rosa.pk]},
    )

    assert response.status_code == 302
    rosa.refresh_from_db()
    new_link = path_of(musician_calendar_feed_url(rosa))
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
    page = admin_client.get(reverse("admin:musicians_musician_change", args=[rosa.pk])).content.decode()
    assert new_link in page


def test_revoking_one_musicians_feed_leaves_the_others(admin_client, client):
    rosa, sam = MusicianFactory(name="Rosa"), MusicianFactory(name="Sam")
    sams_link = path_of(musician_calendar_feed_url(sam))

    admin_client.post(
        reverse("admin:musicians_musician_changelist"),
        {"action": "revoke_calendar_feed_links", "_selected_action": [rosa.pk]},
    )

    assert client.get(sams_link).status_code == 200


def test_a_musician_whose_calendar_id_is_the_studios_never_gets_the_studios_calendar(client):
    studio = StudioFactory()
    event_on(f"studio-{studio.pk}", "Private client session")
    rosa = MusicianFactory(name="Rosa")
    Musician.objects.filter(pk=rosa.pk).update(calendar_id=f"studio-{studio.pk}")  # as an old import left it
    rosa.refresh_from_db()

    response = client.get(path_of(musician_calendar_feed_url(rosa)))

    assert response.status_code == 404
    assert "Private client session" not in response.content.decode()


def test_the_studios_own_feed_still_shows_the_studios_calendar(client):
    studio = StudioFactory()
    event_on(f"studio-{studio.pk}", "Private client session")

    response = client.get(path_of(studio_calendar_feed_url(studio)))

    assert "SUMMARY:Private client session" in response.content.decode()


def test_the_roster_import_refuses_the_studios_calendar_id_and_imports_the_rest(tmp_path):
    studio = StudioFactory(calendar_id="studio@group.calendar.google.com")
    path = tmp_path / "roster.csv"
    path.write_text(
        "name,phone,instruments,calendar_id\n"
        "Rosa,(212) 555-0101,drums,studio@group.calendar.google.com\n"
        "Sam,(212) 555-0102,drums,sam@group.calendar.google.com\n",
        encoding="utf-8",
    )
    err = StringIO()

    call_command("import_musicians", str(path), "--no-progress", stdout=StringIO(), stderr=err)

    assert list(Musician.objects.values_list("name", flat=True)) == ["Sam"]
    assert f"line 2: skipped: calendar id {studio.calendar_id!r} is the studio's calendar" in err.getvalue()


def test_the_admin_refuses_the_studios_calendar_id_with_a_clear_error(admin_client):
    studio = StudioFactory()

    response = admin_client.post(
        reverse("admin:musicians_musician_add"),
        {
            "name": "Rosa",
            "phone": "+12125550101",
            "instruments": str(instrument("drums").pk),
            "time_zone": "America/New_York",
            "calendar_id": f"studio-{studio.pk}",
            "is_active": "on",
            "weekly_availability-TOTAL_FORMS": "0",
            "weekly_availability-INITIAL_FORMS": "0",
            "blackouts-TOTAL_FORMS": "0",
            "blackouts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert f"calendar id &#x27;studio-{studio.pk}&#x27; is the studio&#x27;s calendar" in response.content.decode()
    assert not Musician.objects.exists()
