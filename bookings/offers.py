"""Offers: one seat at one time asked of one musician, and the text that carries it."""

import datetime as dt
import secrets
from collections.abc import Callable

from django.db.models import Q, QuerySet

from messaging.models import Message
from messaging.services import Draft, messages_queue
from musicians.models import Musician
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed

from .models import Booking, CandidateTime, Fill, Offer, Seat
from .planning import booking_roster
from .texting import booking_text_send
from .texts import cancelled_text, filled_courtesy_text, offer_text, time_dropped_text


def offer_standing(offer: Offer, *, now: dt.datetime) -> str:
    """Where the offer stands for the musician now: an Offer.Status value.

    An offer still marked open has ended if its booking moved on, was confirmed
    or cancelled, or its time has passed: it reads as LATE when someone else
    took the seat at that time, VOIDED otherwise. So does a voided one.
    """
    if offer.status not in (Offer.Status.OPEN, Offer.Status.VOIDED):
        return offer.status
    booking, time = offer.booking, offer.candidate_time
    live = (
        offer.status == Offer.Status.OPEN
        and booking.status == Booking.Status.OFFERING
        and booking.current_time_id == time.pk
        and time.starts_at > now
    )
    if live:
        return Offer.Status.OPEN
    taken = Fill.objects.filter(seat_id=offer.seat_id, candidate_time=time).exists()
    return Offer.Status.LATE if taken else Offer.Status.VOIDED


def new_offer_token() -> str:
    # 96 random bits: unguessable, and short enough that an offer stays in two SMS segments.
    return secrets.token_urlsafe(12)


def offers_send(
    *, booking: Booking, time: CandidateTime, picks: list[tuple[Seat, Musician]], now: dt.datetime
) -> list[Offer]:
    """Offer each (seat, musician) its seat at `time`, then start the sweep's wait once for them all.

    Caller holds the booking lock.
    """
    if not picks:
        return []
    tokens = [new_offer_token() for _ in picks]
    drafts = [
        Draft(Message.Purpose.OFFER, musician.phone, _offer_body(booking, seat, time, musician, token), musician)
        for (seat, musician), token in zip(picks, tokens, strict=True)
    ]
    messages = messages_queue(drafts)  # one insert for the texts, one for the offers, however many
    offers = Offer.objects.bulk_create(
        Offer(booking=booking, seat=seat, candidate_time=time, musician=musician, token=token, message=message,
              created_at=now)
        for (seat, musician), token, message in zip(picks, tokens, messages, strict=True)
    )  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(last_offer_at=now)
    booking.last_offer_at = now
    return offers


def _offer_body(booking: Booking, seat: Seat, time: CandidateTime, musician: Musician, token: str) -> str:
    return offer_text(
        studio_name=booking.studio.name,
        instrument=seat.instrument.name,
        song=booking.song_title,
        start=time.starts_at,
        end=time.ends_at,
        zone=musician.time_zone,
        token=token,
    )


def group_send(*, booking: Booking, time: CandidateTime, lineup: dict[int, int], now: dt.datetime) -> list[Offer]:
    """The first offers at a time: one per seat, to the musician the plan picked."""
    seats = Seat.objects.select_related("instrument").in_bulk(list(lineup))
    musicians = Musician.objects.in_bulk(list(lineup.values()))
    picks = [(seats[seat_id], musicians[musician_id]) for seat_id, musician_id in lineup.items()]
    return offers_send(booking=booking, time=time, picks=picks, now=now)


def seat_next_musician(*, booking: Booking, seat: Seat, time: CandidateTime, now: dt.datetime) -> Musician | None:
    """The best-ranked free musician for the seat at this time who has not been asked yet.

    Skips anyone already asked for this seat at this time, and anyone holding or
    being offered another seat of this booking at this time.
    """
    session = Interval(time.starts_at, time.ends_at)
    roster = booking_roster(booking=booking, seats=[SeatNeed(seat.pk, seat.instrument_id)], span=session, now=now)
    excluded = _asked_or_busy_here(booking=booking, seat=seat, time=time)
    for musician_id in roster.candidates_at(session)[seat.pk]:
        if musician_id not in excluded:
            return Musician.objects.get(pk=musician_id)
    return None


def _asked_or_busy_here(*, booking: Booking, seat: Seat, time: CandidateTime) -> set[int]:
    """Asked for this seat at this time already, or being asked for another seat of it."""
    asked_here = Q(seat=seat) | Q(status=Offer.Status.OPEN)
    asked = Offer.objects.filter(asked_here, booking=booking, candidate_time=time).values_list("musician_id", flat=True)
    holding = Fill.objects.filter(candidate_time=time).values_list("musician_id", flat=True)
    return set(asked) | set(holding)


def open_offers(booking: Booking) -> QuerySet[Offer]:
    return Offer.objects.filter(booking=booking, status=Offer.Status.OPEN)


def offers_void(*, offers: QuerySet[Offer], courtesy: Callable[[Offer], str]) -> int:
    """End open offers, each with a short courtesy text built by `courtesy(offer)`. Returns how many."""
    voided = 0
    for offer in offers.select_related("booking__studio", "musician", "seat__instrument", "candidate_time"):
        if not Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(status=Offer.Status.VOIDED):
            continue
        voided += 1
        if offer.musician.can_be_texted:
            booking_text_send(
                booking=offer.booking, musician=offer.musician, purpose=Message.Purpose.NOTICE, body=courtesy(offer)
            )
    return voided


# The courtesy texts an ended offer gets, by why it ended.


def seat_taken_courtesy(offer: Offer) -> str:
    time = offer.candidate_time
    return filled_courtesy_text(
        studio_name=offer.booking.studio.name,
        instrument=offer.seat.instrument.name,
        start=time.starts_at,
        end=time.ends_at,
        zone=offer.musician.time_zone,
    )


def time_dropped_courtesy(offer: Offer) -> str:
    time = offer.candidate_time
    return time_dropped_text(
        studio_name=offer.booking.studio.name, start=time.starts_at, end=time.ends_at, zone=offer.musician.time_zone
    )


def cancelled_courtesy(offer: Offer) -> str:
    time = offer.candidate_time
    return cancelled_text(
        studio_name=offer.booking.studio.name, start=time.starts_at, end=time.ends_at, zone=offer.musician.time_zone
    )
