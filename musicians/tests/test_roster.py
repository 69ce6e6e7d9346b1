"""python manage.py import_musicians FILE.csv"""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from musicians.models import Musician
from musicians.tests.factories import MusicianFactory

pytestmark = pytest.mark.django_db

HEADER = "name,phone,email,instruments,time_zone,last_booked,calendar_id\n"


def run_import(tmp_path, text: str) -> tuple[str, str]:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_musicians", str(path), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_musicians_with_every_column(tmp_path):
    out, err = run_import(
        tmp_path,
        HEADER + "Ana Ruiz,(212) 555-0142,ana@example.com,drums;keys,America/Chicago,2026-03-31,ana@group.calendar\n",
    )

    ana = Musician.objects.get()
    assert (ana.name, ana.phone, ana.email, ana.calendar_id) == (
        "Ana Ruiz",
        "+12125550142",
        "ana@example.com",
        "ana@group.calendar",
    )
    assert sorted(ana.instruments.values_list("slug", flat=True)) == ["drums", "keyboard"]
    assert ana.last_booked_at == dt.datetime(2026, 3, 31, tzinfo=ZoneInfo("America/Chicago"))
    assert "1 created, 0 updated, 0 skipped" in out
    assert err == ""


def test_the_optional_columns_may_be_empty_or_absent(tmp_path, settings):
    run_import(tmp_path, "name,phone,instruments\nBo,2125550143,violin\n")

    bo = Musician.objects.get()
    assert bo.time_zone == settings.STUDIO_TIME_ZONE
    assert bo.last_booked_at is None


def test_it_reports_bad_rows_by_line_and_imports_the_good_ones(tmp_path):
    out, err = run_import(
        tmp_path,
        HEADER
        + "Good One,2125550144,,drums,,,\n"
        + "No Phone,not a phone,,drums,,,\n"
        + "Bad Zone,2125550145,,drums,Mars/Olympus,,\n"
        + "Bad Date,2125550146,,drums,,31/03/2026,\n"
        + "Bad Instrument,2125550147,,banjo,,,\n"
        + ",2125550148,,drums,,,\n"
        + "Good Two,2125550149,,fiddle,,,\n",
    )

    assert sorted(Musician.objects.values_list("name", flat=True)) == ["Good One", "Good Two"]
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    assert "'not a phone' is not a phone number" in lines[0]
    assert "Mars/Olympus" in lines[1]
    assert "2026-03-31" in lines[2]
    assert "banjo" in lines[3] and "Drums" in lines[3]
    assert "name is empty" in lines[4]
    assert "2 created, 0 updated, 5 skipped" in out


def test_reimporting_updates_by_phone_and_keeps_what_empty_cells_leave(tmp_path):
    MusicianFactory(
        name="Old Name", phone="+12125550150", email="keep@example.com", calendar_id="cal-1", plays=["drums"]
    )

    out, _ = run_import(tmp_path, HEADER + "New Name,212-555-0150,,cello,,,\n")

    musician = Musician.objects.get()
    assert musician.name == "New Name"
    assert (musician.email, musician.calendar_id) == ("keep@example.com", "cal-1")
    assert list(musician.instruments.values_list("slug", flat=True)) == ["cello"]
    assert "0 created, 1 updated" in out


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path):
    with pytest.raises(CommandError, match=r"Missing column.*phone"):
        run_import(tmp_path, "name,instruments\nAna,drums\n")
    assert not Musician.objects.exists()


def test_it_shows_a_progress_bar(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "".join(f"M{i},21255502{i:02d},,drums,,,\n" for i in range(20)))
    err = StringIO()
    call_command("import_musicians", str(path), stdout=StringIO(), stderr=err)

    assert Musician.objects.count() == 20
    assert "20/20" in err.getvalue()
