"""`python manage.py simulate`: replay a stream of orders through the real engine, per fill policy.

Each policy runs on its own throwaway SQLite database (whatever DATABASE_URL says),
on the same orders and the same simulated musicians; results.md and the figures go
to --out. See docs/simulation.md.
"""

import logging
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow.simulation.database import ThrowawayDatabases
from workflow.simulation.figures import texts_figure, time_to_fill_figure
from workflow.simulation.policies import policy_names
from workflow.simulation.reply_model import ReplyModel
from workflow.simulation.report import PolicyReport, results_markdown
from workflow.simulation.run import policy_simulate
from workflow.simulation.world import world_build


class Command(BaseCommand):
    help = "Simulate orders through the real booking engine and compare fill policies (docs/simulation.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bookings", type=int, default=100, help="order emails to simulate (default 100)")
        parser.add_argument("--days", type=int, default=30, help="days over which they arrive (default 30)")
        parser.add_argument("--seed", type=int, default=1, help="the seed: same seed, same table (default 1)")
        parser.add_argument(
            "--policy", default="", help="fill policies, comma-separated (default: all the engine knows)"
        )
        parser.add_argument("--out", default=str(Path(settings.DATA_DIR) / "simulation"), help="output folder")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: object, **options: object) -> None:
        names = self._policies(str(options["policy"]))
        bookings, days, seed = int(str(options["bookings"])), int(str(options["days"])), int(str(options["seed"]))
        if bookings < 1 or days < 1:
            raise CommandError("--bookings and --days must be at least 1.")
        logging.getLogger("celery").setLevel(logging.WARNING)  # one line per eager task otherwise
        # A 500 is counted in the table; Django's own log line would print the offer's link (its token).
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
        model = ReplyModel()
        world = world_build(seed=seed, orders=bookings, days=days, model=model)
        started = time.monotonic()
        reports = self._run(world, names, model, progress=not options["no_progress"])
        elapsed = time.monotonic() - started
        out = Path(str(options["out"]))
        out.mkdir(parents=True, exist_ok=True)
        table = results_markdown(reports, seed=seed, days=days, model=model)
        (out / "results.md").write_text(table)
        time_to_fill_figure(reports, out / "simulation-time-to-fill.png")
        texts_figure(reports, out / "simulation-texts.png")
        self.stdout.write(table)
        self.stdout.write(f"{len(names)} policy run(s) in {elapsed:.0f} s; results in {out}/")

    def _policies(self, option: str) -> list[str]:
        known = policy_names()
        names = [n.strip() for n in option.split(",") if n.strip()] or list(known)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CommandError(f"Unknown policy {', '.join(unknown)}; the engine knows: {', '.join(known)}.")
        return names

    def _run(self, world, names: list[str], model: ReplyModel, *, progress: bool) -> list[PolicyReport]:
        databases = ThrowawayDatabases()
        try:
            reports = []
            for name in names:
                with databases.fresh():
                    reports.append(policy_simulate(world=world, policy=name, model=model, progress=progress))
            return reports
        finally:
            databases.remove()
