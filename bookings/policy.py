"""The fill policy: how many musicians a seat is asked of at once, how long each wave waits,
and when texts may reach a musician.

Two policies, chosen per studio (bookings.FillPolicy, in the admin; FILL_POLICY for a studio
with no row yet). `seed` is the original sketch, kept as it was. `paced` is the default the
simulator picked (README, "Fill policy"):

- Waves: each seat is offered to `wave_size` musicians at once (`near_wave_size` when the
  session is under 48 hours away, everyone left under `short_notice_hours`); the first YES
  wins and the rest of the wave hear at once.
- Deadline-aware waits: a wave waits (time left before the last moment to book ÷ waves
  left), clamped between the shortest and the longest wait.
- One nudge to the silent, halfway through their wait.
- Quiet hours: an offer or nudge that would reach a musician inside their quiet hours (their
  own zone) is held until those end, and its wait starts then. Short-notice rule: when
  waiting for morning would leave less than the shortest wait before the last moment to
  book, the text goes out at once (the booking page says so).
- Standby: a YES after the seat was taken puts the musician on standby for that seat.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings

from musicians.models import Musician
from scheduling.models import Studio

from .models import CandidateTime, FillPolicy

POLICY_NAMES = tuple(FillPolicy.Name.values)
NEAR = dt.timedelta(hours=48)


@dataclass(frozen=True)
class Policy:
    name: str
    wave_size: int
    near_wave_size: int
    longest_wait: dt.timedelta
    shortest_wait: dt.timedelta
    nudge: bool
    standby: bool
    quiet_hours: bool
    short_notice: dt.timedelta

    @property
    def waves(self) -> bool:
        """Several asked at once: the rest of a wave hears as soon as one says YES."""
        return self.name != FillPolicy.Name.SEED

    def wave(self, *, time_left: dt.timedelta, left: int) -> int:
        """How many of the `left` musicians to ask at once now."""
        if time_left < self.short_notice:
            return max(left, 1)
        return self.near_wave_size if time_left < NEAR else self.wave_size

    def wait(self, *, time_left: dt.timedelta, left: int) -> dt.timedelta:
        """How long a wave waits before the seat moves on: the time left shared by the waves left."""
        if not self.waves:
            return self.longest_wait
        waves_left = max(1, math.ceil(left / self.wave(time_left=time_left, left=left)))
        return min(self.longest_wait, max(self.shortest_wait, time_left / (waves_left + 1)))


def policy_for(studio: Studio) -> Policy:
    """The studio's policy: its FillPolicy row if it has one (select_related it), else FILL_POLICY's."""
    try:
        row = studio.fill_policy
    except FillPolicy.DoesNotExist:
        row = FillPolicy(studio=studio, name=settings.FILL_POLICY)
    if row.name == FillPolicy.Name.SEED:
        wait = dt.timedelta(minutes=settings.ESCALATE_AFTER_MINUTES)
        return Policy(row.name, 1, 1, wait, wait, False, False, False, dt.timedelta(0))
    return Policy(
        name=row.name,
        wave_size=max(1, row.wave_size),
        near_wave_size=max(1, row.near_wave_size),
        longest_wait=dt.timedelta(minutes=row.longest_wait_minutes),
        shortest_wait=dt.timedelta(minutes=min(row.shortest_wait_minutes, row.longest_wait_minutes)),
        nudge=row.nudge,
        standby=row.standby,
        quiet_hours=row.quiet_hours,
        short_notice=dt.timedelta(hours=row.short_notice_hours),
    )


def fill_policy_set(*, studio: Studio, name: str) -> FillPolicy:
    """Make the studio use the named policy (the admin edits the row; the simulator calls this)."""
    if name not in POLICY_NAMES:
        raise ValueError(f"{name!r} is not a fill policy: one of {', '.join(POLICY_NAMES)}.")
    row, _ = FillPolicy.objects.update_or_create(studio=studio, defaults={"name": name})
    return row


def last_moment_to_book(time: CandidateTime) -> dt.datetime:
    """A session is booked no later than the lead time before it starts."""
    return time.starts_at - dt.timedelta(minutes=settings.MIN_LEAD_MINUTES)


@dataclass(frozen=True)
class Timing:
    """When one offer goes out, when its seat may move on, and when its nudge is due."""

    sends_at: dt.datetime | None  # None: at once
    expires_at: dt.datetime
    nudge_at: dt.datetime | None
    short_notice: bool = False  # quiet hours gave way


def offer_timing(
    *, policy: Policy, musician: Musician, time: CandidateTime, wait: dt.timedelta, now: dt.datetime
) -> Timing:
    held_until = musician.quiet_until(now) if policy.quiet_hours else None
    short_notice = held_until is not None and held_until + policy.shortest_wait > last_moment_to_book(time)
    if short_notice:
        held_until = None
    start = held_until or now
    nudge_at = start + wait / 2 if policy.nudge else None
    if nudge_at is not None and policy.quiet_hours and musician.quiet_until(nudge_at) and not short_notice:
        nudge_at = None  # a nudge would land in their quiet hours: the wave's end will do
    return Timing(held_until, start + wait, nudge_at, short_notice)
