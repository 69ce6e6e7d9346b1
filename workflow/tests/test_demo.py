import pytest
from django.core.management import call_command

from musicians.models import Instrument, Musician
from scheduling.models import Studio

pytestmark = pytest.mark.django_db


def test_the_instrument_list_is_seeded_with_aliases():
    names = set(Instrument.objects.values_list("name", flat=True))
    assert {"Acoustic guitar", "Drums", "Electric bass", "Keyboard", "Live piano", "Violin", "Organ"} <= names
    assert Instrument.objects.get(aliases__alias="keys").slug == "keyboard"


def test_seed_demo_gives_every_instrument_three_musicians_and_is_idempotent():
    call_command("seed_demo")
    call_command("seed_demo")

    assert Musician.objects.count() == 3 * Instrument.objects.count()
    for instrument in Instrument.objects.all():
        assert instrument.musicians.count() == 3
    assert all(phone.startswith("+121255501") for phone in Musician.objects.values_list("phone", flat=True))
    assert Studio.objects.count() == 1
