"""A musician's answer to an offer: YES fills the seat if it is free, NO moves it on.

Every answer locks the booking row first, so answers to one booking are taken
one at a time: of any number of simultaneous YESes for a seat exactly one
wins, and the (seat, time) unique constraint on Fill backs that up.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging.models import Message
from musicians.models import Musician
from scheduling.intervals import Interval

from .confirmation import booking_confirm
from .engine import booking_move_on
from .models import Booking, Fill
from .offers import OPEN, offer_send, offer_state, seat_next_musician
from .planning import holds_elsewhere


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"  # the seat is theirs
    DECLINED = "declined"
    LATE = "late"  # someone else said yes first
    ALREADY = "already"  # this offer was answered before; nothing changed
    ENDED = "ended"  # the offer was withdrawn or the booking moved on
    CONFLICT = "conflict"  # they are booked elsewhere at that time


SETTLED = {
    "accepted": Outcome.ALREADY,
    "declined": Outcome.ALREADY,
    "late": Outcome.LATE,
    "ended": Outcome.ENDED,
}


@dataclass(frozen=True)
class AnswerResult:
    outcome: Outcome
    offer: Message


def _locked(offer_id: int) -> tuple[Booking, Message]:
    """The offer and its booking, the booking row locked: answers to one booking queue here.

    Call inside a transaction. The offer is read after the lock, so it reflects
    every answer that went before.
    """
    booking_id = Message.objects.values_list("booking_id", flat=True).get(pk=offer_id)
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("studio", "current_time").get(pk=booking_id)
    )
    offer = Message.objects.select_related("seat__instrument", "candidate_time", "musician").get(pk=offer_id)
    offer.booking = booking
    return booking, offer


def offer_answer(*, offer_id: int, answer: Answer, now: dt.datetime | None = None) -> AnswerResult:
    now = now or timezone.now()
    with transaction.atomic():
        booking, offer = _locked(offer_id)
        state = offer_state(offer, now=now)
        if state == "late" and answer == Answer.YES and offer.status in (*OPEN, Message.Status.VOIDED):
            _settle(offer, Message.Status.LATE, now)  # a YES after the seat was taken: recorded as late
        if state != "open":
            return AnswerResult(SETTLED[state], offer)
        if answer == Answer.NO:
            return AnswerResult(_decline(booking, offer, now), offer)
        return AnswerResult(_accept(booking, offer, now), offer)


def _settle(offer: Message, status: str, now: dt.datetime) -> None:
    Message.objects.filter(pk=offer.pk).update(status=status, answered_at=now)
    offer.status, offer.answered_at = status, now


def _accept(booking: Booking, offer: Message, now: dt.datetime) -> Outcome:
    _, seat, time, musician = offer.offer_parts()
    if Fill.objects.filter(seat=seat, candidate_time=time).exists():
        _settle(offer, Message.Status.LATE, now)
        return Outcome.LATE
    # Two bookings at overlapping times may both want this musician: their row is the referee.
    Musician.objects.select_for_update().get(pk=musician.pk)
    if holds_elsewhere(booking=booking, span=Interval(time.starts_at, time.ends_at)).get(musician.pk):
        _settle(offer, Message.Status.DECLINED, now)
        _seat_move_on(booking, offer, now)
        return Outcome.CONFLICT
    Fill.objects.create(seat=seat, candidate_time=time, musician=musician, offer=offer)
    _settle(offer, Message.Status.ACCEPTED, now)
    if not booking.seats.exclude(fills__candidate_time=time).exists():
        booking_confirm(booking=booking, time=time, now=now)
    return Outcome.ACCEPTED


def _decline(booking: Booking, offer: Message, now: dt.datetime) -> Outcome:
    _settle(offer, Message.Status.DECLINED, now)
    if settings.ADVANCE_ON_DECLINE:
        _seat_move_on(booking, offer, now)
    return Outcome.DECLINED


def _seat_move_on(booking: Booking, offer: Message, now: dt.datetime) -> None:
    """Offer the seat to the next musician at this time, or move the booking on."""
    _, seat, time, _ = offer.offer_parts()
    if Fill.objects.filter(seat=seat, candidate_time=time).exists():
        return
    if Message.objects.filter(seat=seat, candidate_time=time, status__in=OPEN).exists():
        return  # someone else is still being asked for this seat
    musician = seat_next_musician(booking=booking, seat=seat, time=time, now=now)
    if musician is None:
        booking_move_on(booking=booking, now=now)
    else:
        offer_send(booking=booking, seat=seat, time=time, musician=musician, now=now)


def _is_current(booking: Booking, offer: Message) -> bool:
    return booking.status == Booking.Status.OFFERING and booking.current_time_id == offer.candidate_time_id


def offer_text_failed(*, offer_id: int, now: dt.datetime | None = None) -> None:
    """An offer whose text never arrived counts as a NO: its seat moves on now, not in an hour."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, offer = _locked(offer_id)
        if _is_current(booking, offer):
            _seat_move_on(booking, offer, now)


def musician_offers_decline(*, musician_id: int, now: dt.datetime | None = None) -> int:
    """Decline every open offer a musician holds (they opted out); each seat moves on."""
    now = now or timezone.now()
    offer_ids = Message.objects.filter(kind=Message.Kind.OFFER, musician_id=musician_id, status__in=OPEN)
    declined = 0
    for offer_id in list(offer_ids.values_list("pk", flat=True)):
        with transaction.atomic():
            booking, offer = _locked(offer_id)
            if offer.status not in OPEN:
                continue
            _settle(offer, Message.Status.DECLINED, now)
            declined += 1
            if _is_current(booking, offer):
                _seat_move_on(booking, offer, now)
    return declined
