"""A musician's answer to an offer: YES fills the seat if it is free, NO moves it on.

Every answer locks the booking row first (`Booking.objects.locked`), so answers
to one booking are taken one at a time: of any number of simultaneous YESes for
a seat exactly one wins, and the (seat, time) unique constraint on Fill backs
that up.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from musicians.models import Musician
from scheduling.intervals import Interval

from .confirmation import seat_fill
from .engine import booking_move_on
from .models import Booking, CandidateTime, Fill, Offer
from .offers import offer_standing, offers_send, seats_next_waves
from .planning import holds_elsewhere
from .policy import policy_for


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


def offer_answer_by_token(*, token: str, answer: Answer, now: dt.datetime | None = None) -> AnswerResult | None:
    """The answer pressed on the offer's page, the offer found by its link's token under the lock
    (a query fewer than looking it up first); None if no offer has that token."""
    try:
        return _answer({"token": token}, answer, now or timezone.now())
    except Booking.DoesNotExist:  # raised by the lock's lookup, before anything changed
        return None


def _answer(offer_key: dict[str, object], answer: Answer, now: dt.datetime) -> AnswerResult:
    with transaction.atomic():
        booking, offer = _locked(**offer_key)
        standing = offer_standing(offer, now=now)
        if standing == Offer.Status.LATE and answer == Answer.YES:
            return AnswerResult(_late_yes(booking, offer, now), offer)
        if standing != Offer.Status.OPEN:
            return AnswerResult(SETTLED[Offer.Status(standing)], offer)
        if answer == Answer.NO:
            return AnswerResult(_decline(booking, offer, now), offer)
        return AnswerResult(_accept(booking, offer, now), offer)


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


def _accept(booking: Booking, offer: Offer, now: dt.datetime) -> Outcome:
    seat, time, musician = offer.seat, offer.candidate_time, offer.musician
    holders = _seat_holders(booking, time)
    if holders[seat.pk] is not None:
        return _late_yes(booking, offer, now)
    # Two bookings at overlapping times may both want this musician: their row is the referee.
    Musician.objects.select_for_update().get(pk=musician.pk)
    holding_here = musician.pk in holders.values()  # another seat of this booking
    if holding_here or holds_elsewhere(booking=booking, span=Interval(time.starts_at, time.ends_at)).get(musician.pk):
        _settle(offer, Offer.Status.DECLINED, now)
        seat_move_on(booking=booking, offer=offer, now=now)
        return Outcome.CONFLICT
    last_seat = all(holder is not None for seat_id, holder in holders.items() if seat_id != seat.pk)
    seat_fill(booking=booking, seat=seat, time=time, musician=musician, offer=offer, now=now, last_seat=last_seat)
    return Outcome.ACCEPTED


def _seat_holders(booking: Booking, time: CandidateTime) -> dict[int, int | None]:
    """Who holds each of the booking's seats at `time` (None: free), in one query.

    Under the booking lock this is settled: every Fill of a booking is made holding it.
    """
    holder = Fill.objects.filter(seat=OuterRef("pk"), candidate_time=time).values("musician_id")[:1]
    return dict(booking.seats.annotate(holder=Subquery(holder)).values_list("pk", "holder"))


def _decline(booking: Booking, offer: Offer, now: dt.datetime) -> Outcome:
    _settle(offer, Offer.Status.DECLINED, now)
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
