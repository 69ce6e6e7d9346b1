"""Roster import: musicians from a CSV, updated by phone number.

Columns: name,phone,email,instruments,time_zone,last_booked,calendar_id
(instruments separated by ";", last_booked as YYYY-MM-DD; email, time_zone,
last_booked and calendar_id may be empty). On a re-import an empty optional
cell leaves what the musician already has; instruments are replaced.
A bad row is reported with its line number and skipped; the rest still import.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.validators import normalize_phone, validate_time_zone

from .calendar_ids import reserved_calendar_ids, validate_musician_calendar_id
from .models import Instrument, Musician, studio_time_zone
from .selectors import instrument_catalog

REQUIRED_COLUMNS = ("name", "phone", "instruments")
OPTIONAL_COLUMNS = ("email", "time_zone", "last_booked", "calendar_id")


class RosterFileError(Exception):
    """The file as a whole cannot be read (no header, missing columns)."""


@dataclass(frozen=True)
class MusicianRow:
    name: str
    phone: str
    instrument_slugs: tuple[str, ...]
    email: str
    time_zone: str
    last_booked_at: dt.datetime | None
    calendar_id: str


@dataclass
class RosterImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def roster_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The CSV's rows with their line numbers, after checking the header."""
    reader = csv.DictReader(stream)
    header = [(column or "").strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        expected = ",".join(REQUIRED_COLUMNS[:2] + OPTIONAL_COLUMNS[:1] + REQUIRED_COLUMNS[2:] + OPTIONAL_COLUMNS[1:])
        raise RosterFileError(f"Missing column(s) {', '.join(missing)}. Expected a header like: {expected}")
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def roster_import(
    *, rows: Iterable[tuple[int, dict[str, str]]], on_row: Callable[[], None] = lambda: None
) -> RosterImportReport:
    report = RosterImportReport()
    catalog = instrument_catalog()
    slugs_to_ids = dict(Instrument.objects.values_list("slug", "pk"))
    studio_calendars = reserved_calendar_ids()
    for line, cells in rows:
        try:
            row = _read_row(cells, catalog, studio_calendars)
            created = _save_musician(row, slugs_to_ids)
        except ValidationError as exc:
            report.errors.append((line, "; ".join(exc.messages)))
        else:
            report.created += created
            report.updated += not created
        on_row()
    return report


def _read_row(cells: dict[str, str], catalog, studio_calendars: set[str]) -> MusicianRow:
    name = cells.get("name", "")
    if not name:
        raise ValidationError("the name is empty")
    time_zone = cells.get("time_zone", "")
    if time_zone:
        validate_time_zone(time_zone)
    email = cells.get("email", "")
    if email:
        validate_email(email)
    calendar_id = cells.get("calendar_id", "")[:255]
    validate_musician_calendar_id(calendar_id, reserved=studio_calendars)
    return MusicianRow(
        name=name[:120],
        phone=normalize_phone(cells.get("phone", "")),
        instrument_slugs=_instrument_slugs(cells.get("instruments", ""), catalog),
        email=email,
        time_zone=time_zone,
        last_booked_at=_last_booked(cells.get("last_booked", ""), time_zone or studio_time_zone()),
        calendar_id=calendar_id,
    )


def _instrument_slugs(cell: str, catalog) -> tuple[str, ...]:
    names = [name.strip() for name in cell.split(";") if name.strip()]
    if not names:
        raise ValidationError("no instruments")
    slugs = {name: catalog.lookup(name) for name in names}
    unknown = [name for name, slug in slugs.items() if slug is None]
    if unknown:
        known = ", ".join(catalog.known_names())
        raise ValidationError(f"unknown instrument(s) {', '.join(unknown)} (known: {known})")
    return tuple(dict.fromkeys(slug for slug in slugs.values() if slug))


def _last_booked(cell: str, time_zone: str) -> dt.datetime | None:
    if not cell:
        return None
    try:
        day = dt.date.fromisoformat(cell)
    except ValueError:
        raise ValidationError(f"last_booked {cell!r} is not a date like 2026-03-31") from None
    # Midnight on the musician's own clock: "days since last booking" counts their days.
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(time_zone))


@transaction.atomic
def _save_musician(row: MusicianRow, slugs_to_ids: dict[str, int]) -> bool:
    """Create or update the musician with this phone; True if created."""
    values: dict[str, object] = {"name": row.name}
    for name in ("email", "time_zone", "last_booked_at", "calendar_id"):
        if getattr(row, name):  # an empty optional cell keeps what is there
            values[name] = getattr(row, name)
    musician, created = Musician.objects.update_or_create(phone=row.phone, defaults=values)
    musician.instruments.set([slugs_to_ids[slug] for slug in row.instrument_slugs])
    return created
