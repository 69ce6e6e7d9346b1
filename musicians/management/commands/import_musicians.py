from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from musicians.roster import RosterFileError, roster_import, roster_rows


class Command(BaseCommand):
    help = (
        "Import musicians from a CSV with columns name,phone,email,instruments,time_zone,"
        "last_booked,calendar_id. Re-importing updates musicians by phone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: object, file: Path, no_progress: bool, **options: object) -> None:
        try:
            total = sum(1 for _ in file.open(encoding="utf-8-sig")) - 1
            with (
                file.open(encoding="utf-8-sig", newline="") as stream,
                tqdm(total=max(total, 0), unit="row", disable=no_progress, file=self.stderr._out) as bar,
            ):
                report = roster_import(rows=roster_rows(stream), on_row=lambda: bar.update())
        except (OSError, UnicodeDecodeError, RosterFileError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: skipped: {reason}")
        summary = f"{report.created} created, {report.updated} updated, {len(report.errors)} skipped"
        self.stdout.write(self.style.SUCCESS(summary) if not report.errors else self.style.WARNING(summary))
