"""The sweep: open bookings whose next step is due move on, on the studio's fill policy.

Beat only picks the due booking ids (one query: `next_step_at` has passed) and queues
them in batches of SWEEP_BATCH. A batch task locks its bookings (in id order, so two
batches never deadlock), checks again that each is due, reads what all their steps need
in a fixed number of queries (their offers, seats and fills at the current time, one
roster for the batch, the musicians to ask), then steps each booking, and writes what
the steps decided together: all the batch's offer texts in one insert, its offers in one,
its bookings' next steps in one update, its history lines in one (a failing booking is
rolled back alone: see `bookings_escalate`). So two sweeps, two Beat processes or a
retried task never send a text twice: the first run acts, which moves `next_step_at` on
for the others; and a batch costs a fixed number of queries, whatever its size and the
roster (only a booking moving on to its next time adds its own).
`booking_escalate` (the manager's "escalate now") is a batch of one.

A booking with a YES/NO button pressed at its current time and not yet decided is not
stepped (bookings.presses: the worker decides it within moments); the next sweep steps it.

A step, for the booking's current time: texts held for quiet hours whose hours are over go
out; silent musicians whose nudge is due are nudged once; each unfilled seat whose wave has
waited long enough is offered to its next wave; a seat with nobody left moves the booking
to its next time.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import published_together, queue_now
from messaging.models import Message
from musicians.models import Musician
from scheduling.availability import load_players
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed, rank_players

from .engine import booking_move_on
from .history import booking_line, booking_lines_log
from .models import Booking, BookingEvent, CandidateTime, Fill, Offer, Seat
from .offers import OfferRound, offer_rounds_send, offer_steps, offers_text_now, seats_next_picks, waves_of
from .planning import BookingRoster, holds_elsewhere
from .texting import bookings_texts_send
from .texts import nudge_text

logger = logging.getLogger(__name__)

# Bookings per escalation task: big enough that a batch's reads are shared, small enough
# that its locks are held briefly (about 10 ms a booking) and two workers share the work.
SWEEP_BATCH = 50


def bookings_due(*, now: dt.datetime) -> list[int]:
    """Ids of bookings still offering whose next step is due."""
    return list(
        Booking.objects.filter(status=Booking.Status.OFFERING, escalation_paused=False, next_step_at__lte=now)
        .order_by("next_step_at", "pk")
        .values_list("pk", flat=True)
    )


def booking_escalate(*, booking_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Take one due booking's next step. `force` (the manager's "escalate now") moves every
    unfilled seat on whatever its wave's wait.

    True if it did anything; False if the booking was not (or no longer) due.
    """
    return bool(bookings_escalate(booking_ids=[booking_id], now=now, force=force))


def bookings_escalate(*, booking_ids: list[int], now: dt.datetime | None = None, force: bool = False) -> list[int]:
    """Take the next step of each due booking of a batch; the ids of those that moved.

    The batch is stepped in one transaction. If a step fails, that is rolled back whole
    (no text is queued) and the batch is stepped again with each booking in its own
    savepoint, so the broken one is rolled back alone and logged; it stays due, and the
    next sweep tries it again. A batch of one raises instead.
    """
    now = now or timezone.now()
    with published_together():  # the batch's texts reach the broker in one round trip
        try:
            return _batch_step(booking_ids, now, force=force, each_alone=False)
        except Exception:
            if len(booking_ids) == 1:
                raise
            logger.exception("A step of escalation batch %s failed; stepping each booking alone", booking_ids[:3])
            return _batch_step(booking_ids, now, force=force, each_alone=True)


def _batch_step(booking_ids: list[int], now: dt.datetime, *, force: bool, each_alone: bool) -> list[int]:
    with transaction.atomic():
        locked = Booking.objects.select_related("studio__fill_policy", "current_time").select_for_update(of=("self",))
        bookings = [
            booking
            for booking in locked.filter(pk__in=booking_ids).order_by("pk")
            if booking.status == Booking.Status.OFFERING and (force or _is_due(booking, now))
        ]
        steps = _steps_read(bookings, now, force=force)
        if each_alone:
            return [step.booking.pk for step in steps if _step_alone(step, now)]
        _writes_make(_Writes.joined([_step(step, now) for step in steps]), now)
        return [step.booking.pk for step in steps]


def _is_due(booking: Booking, now: dt.datetime) -> bool:
    return not booking.escalation_paused and booking.next_step_at is not None and booking.next_step_at <= now


@dataclass
class _Step:
    """What one booking's step needs, read for the whole batch at once."""

    booking: Booking
    here: list[Offer] = field(default_factory=list)  # every offer at its current time
    unfilled: list[Seat] = field(default_factory=list)  # its seats nobody holds at that time
    holding: set[int] = field(default_factory=set)  # who holds one of its seats at that time
    moving: list[Seat] = field(default_factory=list)  # the unfilled seats whose wave is over
    picks: dict[int, tuple[list[int], int]] = field(default_factory=dict)  # per moving seat: who next, left after
    musicians: dict[int, Musician] = field(default_factory=dict)

    @property
    def open_offers(self) -> list[Offer]:
        return [offer for offer in self.here if offer.status == Offer.Status.OPEN]


def _steps_read(bookings: list[Booking], now: dt.datetime, *, force: bool) -> list[_Step]:
    """The batch's offers, seats and fills at each current time, then its one roster and its musicians."""
    steps = [_Step(booking) for booking in bookings]
    live = {s.booking.current_time.pk: s for s in steps if s.booking.current_time and _still_ahead(s.booking, now)}
    offers = Offer.objects.filter(candidate_time_id__in=list(live)).select_related(
        "musician", "seat__instrument", "candidate_time"
    )
    for offer in offers:
        live[offer.candidate_time_id].here.append(offer)
    # A button pressed at its current time and not decided yet goes first (its worker is at it): the
    # booking is left as it is, still due, for the next sweep. Read with its offers: no query of its own.
    waiting = {s.booking.pk for s in live.values() if any(_press_waiting(offer) for offer in s.here)}
    if waiting:
        steps = [s for s in steps if s.booking.pk not in waiting]
        live = {time_id: s for time_id, s in live.items() if s.booking.pk not in waiting}
    filled: dict[int, set[int]] = defaultdict(set)
    for time_id, seat_id, musician_id in Fill.objects.filter(candidate_time_id__in=list(live)).values_list(
        "candidate_time_id", "seat_id", "musician_id"
    ):
        filled[time_id].add(seat_id)
        live[time_id].holding.add(musician_id)
    by_booking = {s.booking.pk: (time_id, s) for time_id, s in live.items()}
    for seat in Seat.objects.filter(booking_id__in=list(by_booking)).select_related("instrument").order_by("pk"):
        time_id, step = by_booking[seat.booking_id]
        if seat.pk not in filled[time_id]:
            step.unfilled.append(seat)
    for step in live.values():
        waiting = {o.seat_id for o in step.open_offers if o.expires_at and o.expires_at > now}
        step.moving = step.unfilled if force else [seat for seat in step.unfilled if seat.pk not in waiting]
    _picks_read([step for step in live.values() if step.moving], now)
    return steps


def _press_waiting(offer: Offer) -> bool:
    undecided = offer.pressed_at is not None and not offer.press_outcome
    return undecided and offer.press_failures < settings.WORK_MAX_FAILURES


def _still_ahead(booking: Booking, now: dt.datetime) -> bool:
    return booking.current_time is not None and booking.current_time.starts_at > now


def _picks_read(steps: list[_Step], now: dt.datetime) -> None:
    """Who each moving seat asks next: one roster for every seat of the batch, one read of their rows."""
    if not steps:
        return
    roster = _batch_roster(steps, now)
    for step in steps:
        step.picks = seats_next_picks(
            booking=step.booking, seats=step.moving, time=_time(step.booking), now=now, roster=roster,
            offers_here=step.here, holding=step.holding,
        )  # fmt: skip
    musicians = Musician.objects.in_bulk([m for step in steps for ids, _ in step.picks.values() for m in ids])
    for step in steps:
        step.musicians = musicians


def _batch_roster(steps: list[_Step], now: dt.datetime) -> BookingRoster:
    """The ranked musicians who could play any moving seat of the batch, over all its sessions."""
    needs = [SeatNeed(seat.pk, seat.instrument_id) for step in steps for seat in step.moving]
    times = [_time(step.booking) for step in steps]
    span = Interval(min(t.starts_at for t in times), max(t.ends_at for t in times))
    players = load_players(
        instrument_ids={n.instrument_id for n in needs}, span=span, holds=holds_elsewhere(booking=None, span=span)
    )
    return BookingRoster(needs, rank_players(players, now=now, order=settings.MUSICIAN_ORDER))


def _time(booking: Booking) -> CandidateTime:
    if booking.current_time is None:  # _steps_read gives picks only to bookings with a time ahead
        raise ValueError(f"booking {booking.pk} has no current time")
    return booking.current_time


def _step_alone(step: _Step, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            _writes_make(_step(step, now), now)
    except Exception:  # one broken booking must not hold back the rest of its batch
        logger.exception("Escalating booking %s failed; it stays due", step.booking.pk)
        return False
    return True


@dataclass(frozen=True)
class _Writes:
    """What steps leave to write: the batch writes all its bookings' in a fixed number of statements.

    Held texts released, nudges, new waves of offers, next looks and history lines wait for the
    batch's end; only a move to the next time (rare, and with reads of its own) writes at once.
    Every step's reads were made for the whole batch before any step, so no step depends on
    another's writes either way (holds elsewhere are fills, which no step here makes).
    """

    held: list[tuple[Booking, list[Offer]]] = field(default_factory=list)  # held offers whose texts go now
    nudges: list[tuple[Booking, list[Offer]]] = field(default_factory=list)  # silent musicians to nudge
    rounds: list[OfferRound] = field(default_factory=list)  # new offers, their texts and next steps
    looks: list[Booking] = field(default_factory=list)  # only a new next_step_at
    lines: list[BookingEvent] = field(default_factory=list)

    @classmethod
    def joined(cls, writes: list["_Writes"]) -> "_Writes":
        return cls(
            held=[h for w in writes for h in w.held],
            nudges=[n for w in writes for n in w.nudges],
            rounds=[r for w in writes for r in w.rounds],
            looks=[b for w in writes for b in w.looks],
            lines=[line for w in writes for line in w.lines],
        )


def _writes_make(writes: _Writes, now: dt.datetime) -> None:
    offers_text_now(held=writes.held)
    _nudge(writes.nudges, now)
    offer_rounds_send(rounds=writes.rounds, now=now)
    Booking.objects.bulk_update(writes.looks, ["next_step_at"])
    booking_lines_log(writes.lines)


def _step(step: _Step, now: dt.datetime) -> _Writes:
    booking = step.booking
    if not _still_ahead(booking, now):
        booking_move_on(booking=booking, now=now)
        return _Writes()
    time, offers = _time(booking), step.open_offers
    held = [o for o in offers if _due(o.sends_at, now) and o.message_id is None]
    # A nudge is due halfway through a wave's wait; once the wait is over the seat moves on instead.
    due = [
        o for o in offers if _due(o.nudge_at, now) and o.message_id and not o.nudged_at and not _due(o.expires_at, now)
    ]
    texts = _Writes(held=[(booking, held)] if held else [], nudges=[(booking, due)] if due else [])
    # Their moments are past, so what the booking waits for next is the same before and after they are written.
    pending = [when for offer in offers for when in offer_steps(offer) if when > now]
    if not step.moving:
        return _Writes.joined([texts, _Writes(looks=[_next_look(booking, pending, now)])])
    if any(not ids for ids, _ in step.picks.values()):
        _writes_make(texts, now)  # as before moving on: the move voids these offers, with a courtesy text
        booking_move_on(booking=booking, now=now)  # nobody left for a seat at this time
        return _Writes()
    waves = waves_of(step.picks, step.musicians)
    picks = [(seat, musician) for seat in step.moving for musician in waves[seat.pk].musicians]
    left = {seat_id: wave.left for seat_id, wave in waves.items()}
    asked = ", ".join(f"{musician.name} for {seat}" for seat, musician in picks)
    return _Writes.joined([texts, _Writes(
        rounds=[OfferRound(booking, time, picks, left, pending)],
        lines=[booking_line(booking, BookingEvent.Kind.ESCALATED, f"Asked {asked}.", at=now)],
    )])  # fmt: skip


def _due(moment: dt.datetime | None, now: dt.datetime) -> bool:
    return moment is not None and moment <= now


def _nudge(nudges: list[tuple[Booking, list[Offer]]], now: dt.datetime) -> None:
    """One nudge to each silent musician, with the same links (it counts as a text)."""
    nudged = [offer for _, offers in nudges for offer in offers]
    if not nudged:
        return
    reminder = Message.Purpose.REMINDER
    bookings_texts_send(
        texts=[
            (booking, [(o.musician, reminder, _nudge_body(booking, o)) for o in offers]) for booking, offers in nudges
        ]
    )
    Offer.objects.filter(pk__in=[offer.pk for offer in nudged]).update(nudged_at=now)
    for offer in nudged:
        offer.nudged_at = now


def _nudge_body(booking: Booking, offer: Offer) -> str:
    time = offer.candidate_time
    return nudge_text(
        studio_name=booking.studio.name, instrument=offer.seat.instrument.name, song=booking.song_title,
        start=time.starts_at, end=time.ends_at, zone=offer.musician.time_zone, token=offer.token,
    )  # fmt: skip


def _next_look(booking: Booking, ahead: list[dt.datetime], now: dt.datetime) -> Booking:
    """When the sweep should look again: the soonest release, nudge or wave end still ahead."""
    # Nothing ahead only if every seat is held but not confirmed: look again next sweep, not at once.
    booking.next_step_at = min(ahead, default=now + dt.timedelta(minutes=settings.ESCALATION_INTERVAL_MINUTES))
    return booking


def sweep_due_offers(*, now: dt.datetime | None = None, batch: int = SWEEP_BATCH) -> list[int]:
    """Queue the due bookings, `batch` ids to an escalation task. Returns the ids queued."""
    due = bookings_due(now=now or timezone.now())
    batches = [due[i : i + batch] for i in range(0, len(due), batch)]
    return [pk for ids in batches if queue_now("bookings.tasks.escalate_bookings", ids) for pk in ids]
