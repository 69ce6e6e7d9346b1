"""The demo roster `make run` loads: three musicians for every instrument.

Phones are in the 555-01xx block, which North American numbering keeps for
fiction, so a demo can never text a real person.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from musicians.models import Instrument, Musician
from scheduling.services import studio_get_or_create_default

FIRST_NAMES = [
    "Ava", "Ben", "Cleo", "Dev", "Esme", "Finn", "Gia", "Hugo", "Iris", "Jay", "Kai", "Lena",
    "Milo", "Nia", "Otis", "Pia", "Quinn", "Rae", "Sol", "Tess", "Uma", "Vic", "Wren", "Xavi",
    "Yara", "Zeke",
]  # fmt: skip
LAST_NAMES = ["Abbott", "Brooks", "Castillo", "Duarte", "Ellis", "Fischer", "Greer", "Hale"]
ZONES = ["America/New_York", "America/New_York", "America/Chicago", "America/Los_Angeles"]
PER_INSTRUMENT = 3
MAX_DEMO_MUSICIANS = 100  # 555-0100..0199 is the whole fictional block


def _demo_name(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[index // len(FIRST_NAMES) % len(LAST_NAMES)]}"


def _last_booked(index: int) -> dt.datetime | None:
    # A spread of recent, older and never-booked musicians, so the order shows.
    days = [3, 12, None, 40, 1, None, 7][index % 7]
    return None if days is None else timezone.now() - dt.timedelta(days=days)


@transaction.atomic
def demo_roster_load() -> int:
    """Create or refresh the demo musicians; returns how many there are. Idempotent."""
    studio_get_or_create_default()
    index = 0
    for instrument in Instrument.objects.order_by("name")[: MAX_DEMO_MUSICIANS // PER_INSTRUMENT]:
        for _ in range(PER_INSTRUMENT):
            musician, _created = Musician.objects.get_or_create(
                phone=f"+1212555{100 + index:04d}",
                defaults={
                    "name": _demo_name(index),
                    "time_zone": ZONES[index % len(ZONES)],
                    "last_booked_at": _last_booked(index),
                    # No quiet hours, so a demo at any hour shows its offers (set them in the admin).
                    "quiet_hours_start": dt.time(0),
                    "quiet_hours_end": dt.time(0),
                },
            )
            musician.instruments.add(instrument)
            index += 1
    return index
