import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from scheduling.models import Studio
from scheduling.services import studio_get_or_create_default
from scheduling.tests.factories import StudioFactory


@pytest.mark.django_db
def test_the_first_studio_comes_from_the_environment(settings):
    settings.STUDIO_NAME = "Blue Room"
    settings.STUDIO_TIME_ZONE = "America/Chicago"
    settings.STUDIO_OPENS_AT = "09:30"
    settings.MANAGER_PHONE = "(212) 555-0199"

    studio = studio_get_or_create_default()

    assert (studio.name, studio.time_zone, studio.opens_at) == (
        "Blue Room",
        "America/Chicago",
        dt.time(9, 30),
    )
    assert studio.manager_phone == "+12125550199"


@pytest.mark.django_db
def test_once_a_studio_exists_the_environment_no_longer_matters(settings):
    existing = StudioFactory(name="Edited In Admin")
    settings.STUDIO_NAME = "Something Else"

    assert studio_get_or_create_default() == existing
    assert Studio.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_first_webhooks_at_once_make_one_studio():
    def first_call(_: int) -> int:
        try:
            return studio_get_or_create_default().pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(first_call, range(16)))

    assert len(ids) == 1
    assert Studio.objects.count() == 1
