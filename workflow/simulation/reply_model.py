"""How simulated musicians answer texts: every parameter of their behaviour, in one place.

The defaults come from published figures on how people answer text messages:
the median reply comes 20-40 minutes after the text (here 30 while awake), 30-40%
of texts are never answered within a day (here a mean responsiveness of 0.65, so
about 35% of offers go unanswered), one reminder raises the reply rate by about 15
points, and nobody reads texts while asleep. The chance of a YES and the share of
answers given by link rather than by reply text are our assumptions, not figures.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ReplyModel:
    """The reply model's parameters; change them here and nowhere else.

    - responsiveness: each musician's chance to answer an offer at all is drawn from a
      Beta distribution with this mean and concentration (a + b); 0.65 leaves about 35%
      of offers unanswered, inside the published 30-40%.
    - reply delay: lognormal after the text is read. Each musician's own median is
      drawn around `median_reply_minutes` (log-spread `musician_speed_sigma`); each
      answer varies around the musician's median (log-spread `reply_sigma`).
    - sleep: `sleeps_at`-`wakes_at` on the musician's own clock, each end moved by up
      to `sleep_jitter_minutes` per musician. A text that arrives asleep is read on
      waking; an answer due while asleep waits until waking.
    - yes: each musician's chance to say YES when they answer (Beta, mean `yes_mean`).
    - reminder: a text with purpose "reminder" prompts an answer that would otherwise
      not come, so that the reply rate rises by `reminder_lift` (15 points): for a
      musician answering with chance p, a silent offer answers after a reminder with
      chance lift / (1 - p).
    - channel: `link_share` of answers tap the YES/NO link, the rest reply by text.
    - drop-out: `drop_out_chance` of musicians who took a seat would later drop out.
      Kept in the model, not acted on: the engine has no drop-out entry point yet.
    """

    responsiveness_mean: float = 0.65
    responsiveness_concentration: float = 8.0
    median_reply_minutes: float = 30.0
    musician_speed_sigma: float = 0.5
    reply_sigma: float = 1.0
    sleeps_at: dt.time = dt.time(23)
    wakes_at: dt.time = dt.time(7)
    sleep_jitter_minutes: int = 60
    yes_mean: float = 0.7
    yes_concentration: float = 8.0
    reminder_lift: float = 0.15
    link_share: float = 0.7
    drop_out_chance: float = 0.02

    def musician(self, rng: random.Random, *, zone: str) -> "Behaviour":
        """One musician's lasting traits, drawn once per musician."""
        return Behaviour(
            zone=zone,
            responsiveness=_beta(rng, self.responsiveness_mean, self.responsiveness_concentration),
            median_minutes=self.median_reply_minutes * math.exp(rng.gauss(0, self.musician_speed_sigma)),
            yes_chance=_beta(rng, self.yes_mean, self.yes_concentration),
            sleeps_at=_jitter(rng, self.sleeps_at, self.sleep_jitter_minutes),
            wakes_at=_jitter(rng, self.wakes_at, self.sleep_jitter_minutes),
            drops_out=rng.random() < self.drop_out_chance,
        )

    def reaction(self, rng: random.Random, behaviour: "Behaviour") -> "Reaction":
        """What one musician does about one offer: drawn in a fixed order, so every
        policy sees the same reaction to the same (musician, order, n-th offer)."""
        answers = rng.random() < behaviour.responsiveness
        delay = self._delay(rng, behaviour)
        says_yes = rng.random() < behaviour.yes_chance
        lift = min(1.0, self.reminder_lift / max(1e-9, 1 - behaviour.responsiveness))
        after_reminder = rng.random() < lift
        reminder_delay = self._delay(rng, behaviour)
        by_link = rng.random() < self.link_share
        return Reaction(answers, delay, says_yes, after_reminder, reminder_delay, by_link)

    def _delay(self, rng: random.Random, behaviour: "Behaviour") -> dt.timedelta:
        return dt.timedelta(minutes=behaviour.median_minutes * math.exp(rng.gauss(0, self.reply_sigma)))


@dataclass(frozen=True)
class Behaviour:
    """One musician's traits (see ReplyModel)."""

    zone: str
    responsiveness: float
    median_minutes: float
    yes_chance: float
    sleeps_at: dt.time
    wakes_at: dt.time
    drops_out: bool

    def asleep(self, moment: dt.datetime) -> bool:
        clock = moment.astimezone(ZoneInfo(self.zone)).time()
        if self.sleeps_at <= self.wakes_at:
            return self.sleeps_at <= clock < self.wakes_at
        return clock >= self.sleeps_at or clock < self.wakes_at

    def awake_from(self, moment: dt.datetime) -> dt.datetime:
        """The first moment at or after `moment` when the musician is awake."""
        if not self.asleep(moment):
            return moment
        zone = ZoneInfo(self.zone)
        local = moment.astimezone(zone)
        waking = dt.datetime.combine(local.date(), self.wakes_at, tzinfo=zone)
        if waking <= local:
            waking += dt.timedelta(days=1)
        return waking.astimezone(dt.UTC)

    def answers_at(self, received: dt.datetime, delay: dt.timedelta) -> dt.datetime:
        """Read on waking (if it came at night), answered `delay` later, or on waking again."""
        return self.awake_from(self.awake_from(received) + delay)


@dataclass(frozen=True)
class Reaction:
    answers: bool  # answers the offer unprompted
    delay: dt.timedelta  # from reading to answering
    says_yes: bool
    answers_after_reminder: bool  # a silent offer is answered once a reminder comes
    reminder_delay: dt.timedelta
    by_link: bool  # taps the link (else replies by text)


def stream(*key: object) -> random.Random:
    """A random stream of its own for each thing drawn (a musician, an order, one offer), named by
    `key`: the same seed gives the same draws, and a policy that sends more offers cannot shift
    the draws of anything else. (Simulation, not secrecy.)"""
    return random.Random(":".join(map(str, key)))  # noqa: S311  # nosec B311


def _beta(rng: random.Random, mean: float, concentration: float) -> float:
    return rng.betavariate(mean * concentration, (1 - mean) * concentration)


def _jitter(rng: random.Random, at: dt.time, minutes: int) -> dt.time:
    shift = dt.timedelta(minutes=rng.randint(-minutes, minutes))
    moved = dt.datetime.combine(dt.date(2000, 1, 2), at, tzinfo=dt.UTC) + shift
    return moved.time().replace(second=0, microsecond=0)
