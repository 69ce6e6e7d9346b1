"""A musician's answer to an offer: YES fills the seat if it is free, NO moves it on.

Every answer locks the booking row first (`Booking.objects.locked`), so answers
to one booking are taken one at a time: of any number of simultaneous YESes for
a seat exactly one wins, and the (seat, time) unique constraint on Fill backs
that up.

A button pressed on the offer's page is stored first and decided here by a worker
(bookings.presses); whichever answer takes a booking's lock first decides that
booking's presses made before it, so the first answer by the time it was given wins,
by text or by button.
"""

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.timefmt import format_session
from messaging.models import Message
from musicians.models import Musician
from scheduling.intervals import Interval

from .confirmation import seat_fill
from .engine import booking_move_on
from .models import Booking, CandidateTime, Fill, Offer
from .offers import offer_standing, offers_send, seats_next_waves
from .planning import holds_elsewhere
from .policy import policy_for
from .texting import booking_text_send, manager_alert
from .texts import answer_reply_text, manager_help_text

logger = logging.getLogger(__name__)


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"


class Outcome(enum.StrEnum):
    """What an answer did (not a state: the offer's state is Offer.Status)."""

    ACCEPTED = "accepted"  # the seat is theirs
    DECLINED = "declined"
    LATE = "late"  # someone else said yes first
    ALREADY = "already"  # this offer was answered before; nothing changed
    ENDED = "ended"  # the offer was withdrawn or the booking moved on
    CONFLICT = "conflict"  # they are booked elsewhere at that time
    STANDBY = "standby"  # someone else said yes first; they are first in line if it reopens


# An answer to an offer no longer open changes nothing and says why.
SETTLED = {
    Offer.Status.ACCEPTED: Outcome.ALREADY,
    Offer.Status.DECLINED: Outcome.ALREADY,
    Offer.Status.LATE: Outcome.LATE,
    Offer.Status.VOIDED: Outcome.ENDED,
    Offer.Status.UNDELIVERABLE: Outcome.ENDED,
    Offer.Status.STANDBY: Outcome.ALREADY,
}


@dataclass(frozen=True)
class AnswerResult:
    outcome: Outcome
    offer: Offer


def _locked(**offer_key: object) -> tuple[Booking, Offer]:
    """The offer (by pk=… or token=…) and its booking, the booking row locked: answers to one
    booking queue here.

    Call inside a transaction. The offer is read after the lock, so it reflects
    every answer that went before.
    """
    booking = Booking.objects.locked_for_offer(**offer_key)
    offer = Offer.objects.select_related("seat__instrument", "candidate_time", "musician").get(**offer_key)
    offer.booking = booking
    return booking, offer


def offer_answer(*, offer_id: int, answer: Answer, now: dt.datetime | None = None) -> AnswerResult:
    return _answer({"pk": offer_id}, answer, now or timezone.now())


def _answer(offer_key: dict[str, object], answer: Answer, now: dt.datetime) -> AnswerResult:
    with transaction.atomic():
        booking, offer = _locked(**offer_key)
        try:
            decided = presses_decide(booking=booking, until=now, now=now)  # buttons pressed before this answer go first
        except PressFailed:  # counted on its row and retried by the relay; it does not hold this answer up
            decided = 1
        if decided:
            booking, offer = _locked(**offer_key)
        return AnswerResult(_decide(booking, offer, answer, at=now, now=now), offer)


def _decide(booking: Booking, offer: Offer, answer: Answer, *, at: dt.datetime, now: dt.datetime) -> Outcome:
    """What the answer given `at` does, the booking locked: the offer is judged as it stood then and
    answered then; whatever it sets moving (the next musician's offer) starts `now`."""
    standing = offer_standing(offer, now=at)
    if standing == Offer.Status.LATE and answer == Answer.YES:
        return _late_yes(booking, offer, at)
    if standing != Offer.Status.OPEN:
        return SETTLED[Offer.Status(standing)]
    if answer == Answer.NO:
        return _decline(booking, offer, at, now)
    return _accept(booking, offer, at, now)


def presses_decide(*, booking: Booking, until: dt.datetime | None, now: dt.datetime) -> int:
    """Decide the booking's buttons pressed (pressed_at) and not yet decided, in press order, the
    booking locked by the caller; how many were tried. `until`: only those pressed by then.

    Each is decided as of its press (`_decide` with at=pressed_at) in its own savepoint. One that
    raises is rolled back alone and counted on its row (`press_failures`; at WORK_MAX_FAILURES the
    manager is texted and it is set aside), and the presses after it wait for its retry (the relay's),
    so the order holds. An empty answer costs one query (a partial index holds only pending presses).
    """
    pending = list(
        Offer.objects.filter(booking=booking, pressed_at__isnull=False, press_outcome="")
        .filter(press_failures__lt=settings.WORK_MAX_FAILURES)
        .filter(**({"pressed_at__lte": until} if until is not None else {}))
        .select_related("seat__instrument", "candidate_time", "musician")
        .order_by("pressed_at", "pk")
    )
    for number, offer in enumerate(pending):
        if number:  # the press before may have moved the booking on, confirmed it or voided this offer
            booking, offer = _locked(pk=offer.pk)
        offer.booking = booking
        try:
            with transaction.atomic():
                _press_decide(booking, offer, now)
        except Exception as error:
            _press_failed(booking, offer, error)
            raise PressFailed(offer.pk, error) from error
    return len(pending)


class PressFailed(Exception):
    """A press's decision raised (it is rolled back and counted); the presses before it stand."""

    def __init__(self, offer_id: int, error: Exception) -> None:
        super().__init__(f"deciding the press of offer {offer_id} raised {type(error).__name__}")
        self.offer_id, self.error = offer_id, error


def _press_decide(booking: Booking, offer: Offer, now: dt.datetime) -> None:
    at = offer.pressed_at or now
    outcome = _decide(booking, offer, Answer(offer.pressed_answer), at=at, now=now)
    Offer.objects.filter(pk=offer.pk).update(press_outcome=outcome, press_decided_at=now)
    offer.press_outcome, offer.press_decided_at = outcome, now
    if (now - at).total_seconds() >= settings.PRESS_SLOW_SECONDS:  # its page gave up waiting and promised a text
        time = offer.candidate_time
        session = format_session(time.starts_at, time.ends_at, offer.musician.time_zone)
        what = f"{offer.seat.instrument.name.lower()}, {session}"
        body = answer_reply_text(studio_name=booking.studio.name, outcome=outcome.value, what=what)
        booking_text_send(booking=booking, musician=offer.musician, purpose=Message.Purpose.REPLY, body=body)


def _press_failed(booking: Booking, offer: Offer, error: BaseException) -> None:
    """Count a decision that raised (its savepoint rolled back); the last one tells the manager, once."""
    described = f"{type(error).__name__}: {error}"[:500]
    failures = offer.press_failures + 1
    Offer.objects.filter(pk=offer.pk).update(press_failures=failures, press_error=described)
    offer.press_failures, offer.press_error = failures, described
    if failures == settings.WORK_MAX_FAILURES:
        reason = (
            f"{offer.musician.name} pressed {offer.pressed_answer.upper()} for {offer.seat} but it could not be"
            f" decided ({failures} tries): {described}. Please answer for them."
        )
        manager_alert(studio=booking.studio, body=manager_help_text(booking=booking, reason=reason), booking=booking)
    logger.error("Deciding the press of offer %s failed (%s so far): %s", offer.pk, failures, error)


def _late_yes(booking: Booking, offer: Offer, now: dt.datetime) -> Outcome:
    """A YES after the seat was taken: recorded as late, or as standby on a policy with standby."""
    if offer.status in (Offer.Status.LATE, Offer.Status.STANDBY):
        return SETTLED[Offer.Status(offer.status)] if offer.status == Offer.Status.STANDBY else Outcome.LATE
    if policy_for(booking.studio).standby:
        _settle(offer, Offer.Status.STANDBY, now)
        return Outcome.STANDBY
    _settle(offer, Offer.Status.LATE, now)
    return Outcome.LATE


def _settle(offer: Offer, status: str, now: dt.datetime) -> None:
    Offer.objects.filter(pk=offer.pk).update(status=status, answered_at=now)
    offer.status, offer.answered_at = status, now


def _accept(booking: Booking, offer: Offer, at: dt.datetime, now: dt.datetime) -> Outcome:
    seat, time, musician = offer.seat, offer.candidate_time, offer.musician
    holders = _seat_holders(booking, time)
    if holders[seat.pk] is not None:
        return _late_yes(booking, offer, at)
    # Two bookings at overlapping times may both want this musician: their row is the referee.
    Musician.objects.select_for_update().get(pk=musician.pk)
    holding_here = musician.pk in holders.values()  # another seat of this booking
    if holding_here or holds_elsewhere(booking=booking, span=Interval(time.starts_at, time.ends_at)).get(musician.pk):
        _settle(offer, Offer.Status.DECLINED, at)
        seat_move_on(booking=booking, offer=offer, now=now)
        return Outcome.CONFLICT
    last_seat = all(holder is not None for seat_id, holder in holders.items() if seat_id != seat.pk)
    seat_fill(booking=booking, seat=seat, time=time, musician=musician, offer=offer, now=at, last_seat=last_seat)
    return Outcome.ACCEPTED


def _seat_holders(booking: Booking, time: CandidateTime) -> dict[int, int | None]:
    """Who holds each of the booking's seats at `time` (None: free), in one query.

    Under the booking lock this is settled: every Fill of a booking is made holding it.
    """
    holder = Fill.objects.filter(seat=OuterRef("pk"), candidate_time=time).values("musician_id")[:1]
    return dict(booking.seats.annotate(holder=Subquery(holder)).values_list("pk", "holder"))


def _decline(booking: Booking, offer: Offer, at: dt.datetime, now: dt.datetime) -> Outcome:
    _settle(offer, Offer.Status.DECLINED, at)
    if settings.ADVANCE_ON_DECLINE:
        seat_move_on(booking=booking, offer=offer, now=now)
    return Outcome.DECLINED


def seat_move_on(*, booking: Booking, offer: Offer, now: dt.datetime) -> None:
    """Offer the seat to the next musician at this time, or move the booking on.

    Only for the booking's current time, and only when nobody else is still being
    asked for the seat there.
    """
    seat, time = offer.seat, offer.candidate_time
    if booking.status != Booking.Status.OFFERING or booking.current_time_id != time.pk:
        return
    if Fill.objects.filter(seat=seat, candidate_time=time).exists():
        return
    if Offer.objects.filter(seat=seat, candidate_time=time, status=Offer.Status.OPEN).exists():
        return  # someone else is still being asked for this seat
    wave = seats_next_waves(booking=booking, seats=[seat], time=time, now=now)[seat.pk]
    if not wave.musicians:
        booking_move_on(booking=booking, now=now)
    else:
        picks = [(seat, musician) for musician in wave.musicians]
        offers_send(booking=booking, time=time, picks=picks, now=now, left={seat.pk: wave.left})


def offer_undeliverable(*, offer_id: int, now: dt.datetime) -> None:
    """The offer's text never arrived: it counts as a NO, and its seat moves on now, not in an hour."""
    with transaction.atomic():
        booking, offer = _locked(pk=offer_id)
        if offer.status != Offer.Status.OPEN:
            return
        _settle(offer, Offer.Status.UNDELIVERABLE, now)
        seat_move_on(booking=booking, offer=offer, now=now)


def musician_offers_decline(*, musician_id: int, now: dt.datetime) -> int:
    """Decline every open offer a musician holds (they opted out); each seat moves on."""
    offer_ids = Offer.objects.filter(musician_id=musician_id, status=Offer.Status.OPEN).values_list("pk", flat=True)
    declined = 0
    for offer_id in list(offer_ids):
        with transaction.atomic():
            booking, offer = _locked(pk=offer_id)
            if offer.status != Offer.Status.OPEN:
                continue
            _settle(offer, Offer.Status.DECLINED, now)
            declined += 1
            seat_move_on(booking=booking, offer=offer, now=now)
    return declined
