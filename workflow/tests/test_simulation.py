"""The simulator (workflow.simulation): a small run on the test PostgreSQL database.

The run drives the real engine, so these tests also watch that it drives it only
through its doors: every row the engine owns is written by engine code.
"""

import datetime as dt
import importlib
import random
import statistics
import sys
import types
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bookings.models import Booking, Fill, InboundEmail, Offer
from messaging.backends import OutgoingText
from messaging.models import InboundText, Message
from workflow.management.commands.simulate import Command
from workflow.simulation.phones import Phones
from workflow.simulation.policies import policy_apply, policy_names
from workflow.simulation.reply_model import ReplyModel
from workflow.simulation.report import gini, quantile, report_rows, results_markdown
from workflow.simulation.run import policy_simulate
from workflow.simulation.world import world_build

ROOT = Path(__file__).resolve().parents[2]
PROJECT = f"{ROOT}/"
SIMULATOR = ROOT / "workflow" / "simulation"
ENGINE_TABLES = ("bookings_", "messaging_", "scheduling_calendarevent")
KNOWN_END_STATES = {Booking.Status.CONFIRMED, Booking.Status.NEEDS_ATTENTION, Booking.Status.CANCELLED}
MODEL = ReplyModel()


def small_world(seed: int = 7):
    return world_build(seed=seed, orders=6, days=2, model=MODEL)


def reseed_database() -> None:
    """Empty every table and put back the instruments a migration seeded."""
    call_command("flush", interactive=False, verbosity=0)
    importlib.import_module("musicians.migrations.0002_seed_instruments").seed(apps, None)


class EngineRowWrites:
    """Records, for every INSERT/UPDATE/DELETE on a table the engine owns, which project file issued it."""

    def __init__(self) -> None:
        self.writers: dict[str, set[str]] = {}

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().split(None, 1)[0].upper()
        if statement in {"INSERT", "UPDATE", "DELETE"} and any(f'"{t}' in sql for t in ENGINE_TABLES):
            self.writers.setdefault(self._issuer(), set()).add(statement)
        return execute(sql, params, many, context)

    @staticmethod
    def _issuer() -> str:
        """The innermost frame in the project's own code (not Django's, Celery's or this test's)."""
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.startswith(PROJECT) and "/.venv/" not in name and name != __file__:
                return name[len(PROJECT) :]
            frame = frame.f_back
        return "outside the project"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_instruments")
def test_it_runs_every_order_to_a_known_end_through_the_engine_only():
    writes = EngineRowWrites()

    with connection.execute_wrapper(writes):
        report = policy_simulate(world=small_world(), policy="seed", model=MODEL)

    assert report.orders == 6
    assert set(report.statuses()) <= KNOWN_END_STATES, report.statuses()
    assert not Booking.objects.filter(status=Booking.Status.OFFERING).exists()
    assert InboundEmail.objects.filter(status=InboundEmail.Status.PARSED).count() == 6
    assert Offer.objects.exists() and Fill.objects.exists() and InboundText.objects.exists()
    simulator_writes = {path for path in writes.writers if (ROOT / path).is_relative_to(SIMULATOR)}
    assert not simulator_writes, {p: writes.writers[p] for p in simulator_writes}
    assert {"bookings/offers.py", "bookings/answers.py", "messaging/services.py"} <= set(writes.writers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_instruments")
def test_the_same_seed_gives_the_same_table():
    first = policy_simulate(world=small_world(), policy="seed", model=MODEL)
    reseed_database()
    second = policy_simulate(world=small_world(), policy="seed", model=MODEL)

    assert results_markdown([first], seed=7, days=2) == results_markdown([second], seed=7, days=2)
    assert first == second


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_instruments")
def test_the_report_has_every_figure_the_issue_asks_for():
    report = policy_simulate(world=small_world(), policy="seed", model=MODEL)

    rows = dict(report_rows(report))
    for what in [
        "all orders: fill rate (confirmed >= lead time before the session)",
        "all orders: time to fill, median",
        "all orders: time to fill, 90th percentile",
        "sessions < 48 h away: fill rate (confirmed >= lead time before the session)",
        "texts per order: offer",
        "texts per order: notice",
        "texts per order: reminder",
        "texts to musicians in their quiet hours (per order)",
        "offers delivered in quiet hours (per order)",
        "late YESes (seat already gone) / all YESes",
        "Dane's alerts per order",
        "fairness: mean Gini of confirmed seats per musician, per instrument",
    ]:
        assert what in rows, what
    assert sum(report.texts.values()) == Message.objects.count()
    assert report.texts["offer"] == Offer.objects.count()


def test_the_world_is_the_same_for_a_seed_and_another_for_another_seed():
    assert world_build(seed=3, orders=20, days=5, model=MODEL) == world_build(seed=3, orders=20, days=5, model=MODEL)
    assert world_build(seed=3, orders=20, days=5, model=MODEL) != world_build(seed=4, orders=20, days=5, model=MODEL)


def test_the_roster_is_about_forty_musicians_over_eight_instruments_of_the_catalog():
    from musicians.seed_data import INSTRUMENTS

    world = world_build(seed=1, orders=1, days=1, model=MODEL)
    per_instrument = [
        sum(m.instrument == slug for m in world.musicians) for slug in {m.instrument for m in world.musicians}
    ]

    assert len(per_instrument) == 8 and all(3 <= n <= 8 for n in per_instrument)
    assert {m.instrument for m in world.musicians} <= set(INSTRUMENTS.values())
    assert len({m.name for m in world.musicians}) == len(world.musicians)


def test_orders_want_one_to_five_seats_from_one_day_to_three_weeks_ahead_at_any_hour():
    world = world_build(seed=1, orders=200, days=30, model=MODEL)

    assert {o.seats for o in world.orders} == {1, 2, 3, 4, 5}
    leads = [o.first_session_at - o.arrives_at for o in world.orders]
    assert min(leads) > dt.timedelta(hours=20) and max(leads) < dt.timedelta(days=22)
    new_york_hours = {o.arrives_at.astimezone(ZoneInfo("America/New_York")).hour for o in world.orders}
    assert {0, 1, 2, 3, 4, 5} & new_york_hours and {19, 20, 21, 22} <= new_york_hours  # nights and evenings


def test_the_reply_model_leaves_a_third_of_offers_unanswered_with_a_median_of_half_an_hour():
    rng = random.Random(1)
    reactions = []
    for _ in range(400):
        behaviour = MODEL.musician(rng, zone="America/Chicago")
        reactions += [MODEL.reaction(rng, behaviour) for _ in range(10)]

    silent = sum(not r.answers for r in reactions) / len(reactions)
    assert 0.30 <= silent <= 0.40
    assert 20 <= statistics.median(r.delay / dt.timedelta(minutes=1) for r in reactions) <= 40
    lifted = sum(r.answers or r.answers_after_reminder for r in reactions) / len(reactions)
    assert 0.10 <= lifted - (1 - silent) <= 0.20  # one reminder: about 15 points more replies


def test_a_text_that_arrives_at_night_is_read_on_waking():
    behaviour = MODEL.musician(random.Random(2), zone="America/Los_Angeles")
    evening = dt.datetime(2027, 3, 3, 3, tzinfo=dt.UTC)  # 19:00 the day before in LA: awake
    small_hours = dt.datetime(2027, 3, 3, 11, tzinfo=dt.UTC)  # 03:00 in LA

    assert behaviour.answers_at(evening, dt.timedelta(minutes=5)) == evening + dt.timedelta(minutes=5)
    answered = behaviour.answers_at(small_hours, dt.timedelta(minutes=5))
    assert not behaviour.asleep(answered) and answered.astimezone(ZoneInfo(behaviour.zone)).hour in (6, 7, 8)


def test_gini_and_quantiles_count_what_never_happened():
    assert gini([2, 2, 2]) == 0
    assert gini([0, 0, 6]) == pytest.approx(2 / 3)
    assert quantile([1.0, 2.0, float("inf")], 0.5) == 2.0
    assert quantile([1.0, float("inf"), float("inf")], 0.5) == float("inf")


@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_a_policy_the_engine_does_not_know():
    with pytest.raises(CommandError, match="Unknown policy"):
        call_command("simulate", policy="no-such-policy", bookings=1, days=1, no_progress=True)


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_the_table_and_the_pictures_from_its_own_throwaway_database(tmp_path):
    emails_before = InboundEmail.objects.count()

    call_command("simulate", policy="seed", bookings=2, days=1, seed=5, out=str(tmp_path), no_progress=True)

    table = (tmp_path / "results.md").read_text()
    assert "| orders | 2 |" in table and "`seed`" in table
    assert (tmp_path / "simulation-time-to-fill.png").stat().st_size > 0
    assert (tmp_path / "simulation-texts.png").stat().st_size > 0
    assert InboundEmail.objects.count() == emails_before  # the test database was never touched


def test_without_bookings_policy_the_only_policy_is_the_seed(monkeypatch):
    monkeypatch.setitem(sys.modules, "bookings.policy", None)  # importing it raises ImportError

    assert policy_names() == ("seed",)
    policy_apply(studio=object(), name="seed")  # needs no setting
    with pytest.raises(ValueError, match="Unknown fill policy"):
        policy_apply(studio=object(), name="waves")
    assert Command()._policies("") == ["seed"]


def test_with_bookings_policy_every_name_it_offers_is_run_and_set_through_it(monkeypatch):
    chosen = []
    engine_policy = types.ModuleType("bookings.policy")
    engine_policy.POLICY_NAMES = ("seed", "waves")
    engine_policy.fill_policy_set = lambda *, studio, name: chosen.append((studio, name))
    monkeypatch.setitem(sys.modules, "bookings.policy", engine_policy)

    assert Command()._policies("") == ["seed", "waves"]
    assert Command()._policies("waves") == ["waves"]
    policy_apply(studio="the studio", name="waves")
    assert chosen == [("the studio", "waves")]


def offer_text(token: str, song: str) -> str:
    return (
        f'Custom Tracks Studio: can you play drums on "{song}", Sat Mar 6, 2:00-5:00 PM EST? '
        f"YES https://studio.example/o/{token}/yes NO https://studio.example/o/{token}/no"
    )


def test_a_phone_reads_its_offers_from_the_outbox_and_a_reminder_prompts_some_silent_ones(outbox):
    world = world_build(seed=2, orders=1, days=1, model=MODEL)
    scheduled = []
    phones = Phones(world=world, model=MODEL, schedule=lambda at, answer: scheduled.append(at))
    musicians = world.musicians[:40]
    song = world.orders[0].song
    now = dt.datetime(2027, 3, 1, 17, tzinfo=dt.UTC)
    for n, musician in enumerate(musicians):
        outbox.append(OutgoingText(n, musician.phone, offer_text(f"token{n}", song), "offer"))
    phones.deliver(now)
    answered = len(scheduled)
    silent = sum(len(p.silent) for p in phones.phones.values())
    for n, musician in enumerate(musicians):
        outbox.append(
            OutgoingText(100 + n, musician.phone, f"Reminder: https://studio.example/o/token{n}/yes", "reminder")
        )
    phones.deliver(now)

    assert answered + silent == len(musicians) and 0 < silent < answered
    assert 0 < len(scheduled) - answered < silent  # some, not all, of the silent ones answer after the reminder
    assert all(at >= now for at in scheduled)
    assert "offer texts the phones could not read" not in phones.tally
