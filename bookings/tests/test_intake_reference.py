"""What intake reads every email with (the studio's zone, the catalog) is kept per web process,
and a change made anywhere is seen by the next email in every process.

A second Python process stands in for another web worker: it reads and keeps the catalog,
the manager changes it in the admin (this process), and the other process's next read
sees the change. Once through Redis (production), once through the folder cache a laptop
uses (the embedded default: no Redis).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from musicians.models import Instrument
from scheduling.services import studio_get_or_create_default

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # committed: the other process reads them

READER = """
import sys, django
django.setup()
from bookings.intake import reference_cache
for line in sys.stdin:
    reference = reference_cache.get()
    print(reference.roster.catalog.lookup(line.strip()) or "-", reference.time_zone, flush=True)
"""


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"  # the test database


@pytest.fixture(params=["redis", "folder"])
def another_process(request, seeded_instruments, settings, tmp_path):
    """Ask it a word: it answers the slug its kept catalog reads it as, and the studio's zone."""
    env = os.environ | {"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "workflow.settings"}
    if request.param == "folder":  # the laptop's shared cache, as `make run` has it
        env |= {"CELERY_BROKER_URL": "filesystem://", "DATA_DIR": str(tmp_path)}
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    studio_get_or_create_default()
    reader = subprocess.Popen(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", READER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )

    def ask(word: str) -> str:
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write(word + "\n")
        reader.stdin.flush()
        return reader.stdout.readline().strip()

    yield ask
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=30)


def test_an_alias_dane_adds_in_the_admin_is_read_by_every_process_at_once(another_process, admin_client):
    assert another_process("traps") == "- America/New_York"  # read and kept there
    assert another_process("traps") == "- America/New_York"  # still kept: nothing changed

    drums = Instrument.objects.get(slug="drums")
    add = reverse("admin:musicians_instrumentalias_add")
    added = admin_client.post(add, {"instrument": drums.pk, "alias": "traps"})

    assert added.status_code == 302
    assert another_process("traps") == "drums America/New_York"


def test_a_new_instrument_and_the_studios_zone_are_read_by_every_process_at_once(another_process):
    assert another_process("theremin") == "- America/New_York"

    Instrument.objects.create(name="Theremin", slug="theremin")
    studio = studio_get_or_create_default()
    studio.time_zone = "America/Chicago"
    studio.save()

    assert another_process("theremin") == "theremin America/Chicago"
