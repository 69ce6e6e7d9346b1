"""One simulated run: the world's orders through the real engine under one fill policy.

A virtual clock jumps from event to event (an order email arriving, Beat's tick every
15 minutes, a phone answering) and never sleeps. Each event runs with the clock
frozen at its moment (time_machine), so every `timezone.now()` in the engine reads
virtual time; services that take `now=` get it too. Celery runs eagerly: whatever
the engine queues (a text, planning, an escalation) runs in place once its
transaction commits, as a worker would run it moments later.
"""

import datetime as dt
import heapq
import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import time_machine
from celery import Task
from django.conf import settings
from django.test.utils import override_settings
from tqdm import tqdm

from bookings.intake import inbound_email_receive
from bookings.models import Booking
from messaging.backends import memory
from musicians.models import Instrument, Musician
from scheduling.models import Studio
from workflow.celery import app as celery_app

from .phones import Phones
from .policies import policy_apply
from .reply_model import ReplyModel
from .report import PolicyReport, policy_report
from .world import MANAGER_PHONE, STUDIO_ZONE, SimOrder, World

logger = logging.getLogger(__name__)

HORIZON = dt.timedelta(days=30)  # after the last order: every booking has ended long before


@dataclass(frozen=True)
class BeatEntry:
    name: str
    task: Task
    every_ticks: int  # in sweep ticks


def beat_entries(tick: dt.timedelta) -> list[BeatEntry]:
    """CELERY_BEAT_SCHEDULE's jobs, each at its interval; none more often than the sweep's tick."""
    celery_app.loader.import_default_modules()
    entries = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        every = schedule if isinstance(schedule, dt.timedelta) else dt.timedelta(seconds=float(schedule))
        entries.append(BeatEntry(name, celery_app.tasks[entry["task"]], max(1, round(every / tick))))
    return entries


@contextmanager
def simulated_environment() -> Iterator[None]:
    """Texts to the memory outbox, a local calendar, Celery eager, phones allowed in."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    overrides = override_settings(
        SMS_BACKEND="memory",
        CALENDAR_BACKEND="local",
        CELERY_TASK_ALWAYS_EAGER=True,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    )
    with overrides:
        celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
        memory.outbox.clear()
        memory.failures.clear()
        try:
            yield
        finally:
            celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved
            memory.outbox.clear()


class Simulation:
    def __init__(self, *, world: World, policy: str, model: ReplyModel, progress: bool = False) -> None:
        self.world, self.policy, self.model, self.progress = world, policy, model, progress
        self.tick = dt.timedelta(minutes=settings.ESCALATION_INTERVAL_MINUTES)
        self.events: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.order_of_events = itertools.count()
        self.orders_left = len(world.orders)
        self.phones = Phones(world=world, model=model, schedule=self.at)

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.events, (when, next(self.order_of_events), action))

    def run(self) -> None:
        """Run every event until nothing is left to happen (or the horizon)."""
        with simulated_environment():
            self._at_moment(self.world.start, self._set_up)
            for order in self.world.orders:
                self.at(order.arrives_at, partial(self._order_arrives, order))
            self._beat_from(self.world.start + self.tick, 0, beat_entries(self.tick))
            self._drain()

    def _drain(self) -> None:
        horizon = max(o.arrives_at for o in self.world.orders) + HORIZON if self.world.orders else self.world.start
        hours = int((horizon - self.world.start) / dt.timedelta(hours=1))
        with tqdm(total=hours, unit="h", desc=f"{self.policy}", disable=not self.progress, leave=False) as bar:
            while self.events:
                when, _, action = heapq.heappop(self.events)
                if when > horizon:
                    break
                self._at_moment(when, action)
                bar.update(int((when - self.world.start) / dt.timedelta(hours=1)) - bar.n)
            bar.update(bar.total - bar.n)

    def _at_moment(self, when: dt.datetime, action: Callable[[], None]) -> None:
        with time_machine.travel(when, tick=False):
            action()
            self.phones.deliver(when)

    def _set_up(self) -> None:
        """What the studio sets up by hand: itself, its roster, its fill policy."""
        studio = Studio.objects.create(
            name="Custom Tracks Studio", time_zone=STUDIO_ZONE, manager_name="Dane", manager_phone=MANAGER_PHONE
        )
        instruments = Instrument.objects.in_bulk([m.instrument for m in self.world.musicians], field_name="slug")
        quiet_hours = {f.name for f in Musician._meta.get_fields()} >= {"quiet_hours_start", "quiet_hours_end"}
        for sim in self.world.musicians:
            musician = Musician.objects.create(
                name=sim.name,
                phone=sim.phone,
                email=f"musician{sim.index + 1}@example.com",
                time_zone=sim.zone,
                last_booked_at=None
                if sim.last_booked_days_ago is None
                else self.world.start - dt.timedelta(days=sim.last_booked_days_ago),
                # The engine respects quiet hours once Musician has them: the musicians give their sleep hours.
                **({"quiet_hours_start": sim.behaviour.sleeps_at, "quiet_hours_end": sim.behaviour.wakes_at}
                   if quiet_hours else {}),
            )  # fmt: skip
            musician.instruments.add(instruments[sim.instrument])
        policy_apply(studio=studio, name=self.policy)

    def _order_arrives(self, order: SimOrder) -> None:
        """What the Zapier webhook does with an order email: read it and store it with its reading."""
        self.orders_left -= 1
        with self._engine_errors_counted("reading an order email"):
            inbound_email_receive(body=order.body(), content_type="application/json", headers={})

    @contextmanager
    def _engine_errors_counted(self, doing: str) -> Iterator[None]:
        """An exception in the engine fails that request or task in production, not the whole
        service: count it (the report shows it), log it, and let the run go on."""
        try:
            yield
        except Exception as error:
            self.phones.tally[f"ENGINE ERRORS {doing} ({type(error).__name__})"] += 1
            logger.warning("The engine failed %s: %r", doing, error)

    def _beat_from(self, when: dt.datetime, tick: int, entries: list[BeatEntry]) -> None:
        def beat() -> None:
            for entry in entries:
                if tick % entry.every_ticks == 0:
                    with self._engine_errors_counted(f"in Beat's {entry.name}"):
                        entry.task()
            if self.orders_left or self.events or Booking.objects.filter(status=Booking.Status.OFFERING).exists():
                self._beat_from(when + self.tick, tick + 1, entries)

        self.at(when, beat)


def policy_simulate(*, world: World, policy: str, model: ReplyModel, progress: bool = False) -> PolicyReport:
    """Run the world under one policy on the current (fresh) database and read its report."""
    simulation = Simulation(world=world, policy=policy, model=model, progress=progress)
    simulation.run()
    return policy_report(world=world, policy=policy, phone_tally=dict(simulation.phones.tally))
