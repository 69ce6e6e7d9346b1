"""Offers: the texts that ask one musician to take one seat at one time."""

import datetime as dt
import secrets

from django.db.models import Q
from django.utils import timezone

from messaging.models import Message
from messaging.services import message_queue
from messaging.texts import offer_text
from musicians.models import Musician
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed

from .models import Booking, CandidateTime, Fill, Seat
from .planning import booking_roster

OPEN = [Message.Status.QUEUED, Message.Status.SENT, Message.Status.DELIVERED]


def offer_state(offer: Message, *, now: dt.datetime | None = None) -> str:
    """What the musician's page says: open, accepted, declined, late (the seat went to
    someone else) or ended (withdrawn: the booking moved on, was cancelled, or the time passed)."""
    answered: dict[str, str] = {
        Message.Status.ACCEPTED: "accepted",
        Message.Status.DECLINED: "declined",
        Message.Status.LATE: "late",
    }
    if offer.status in answered:
        return answered[offer.status]
    booking, seat, time, _ = offer.offer_parts()
    still_open = (
        offer.status in OPEN
        and booking.status == Booking.Status.OFFERING
        and booking.current_time_id == time.pk
        and time.starts_at > (now or timezone.now())
    )
    if still_open:
        return "open"
    return "late" if Fill.objects.filter(seat=seat, candidate_time=time).exists() else "ended"


def new_offer_token() -> str:
    # 96 random bits: unguessable, and short enough that an offer stays in two SMS segments.
    return secrets.token_urlsafe(12)


def offer_send(*, booking: Booking, seat: Seat, time: CandidateTime, musician: Musician, now: dt.datetime) -> Message:
    """Text one musician an offer for one seat at one time. Caller holds the booking lock."""
    [offer] = offers_send(booking=booking, time=time, picks=[(seat, musician)], now=now)
    return offer


def offers_send(
    *, booking: Booking, time: CandidateTime, picks: list[tuple[Seat, Musician]], now: dt.datetime
) -> list[Message]:
    """Text each (seat, musician) its offer, then start the sweep's wait once for them all."""
    offers = [_offer_queue(booking, seat, time, musician) for seat, musician in picks]
    if offers:
        Booking.objects.filter(pk=booking.pk).update(last_offer_at=now)
        booking.last_offer_at = now
    return offers


def _offer_queue(booking: Booking, seat: Seat, time: CandidateTime, musician: Musician) -> Message:
    token = new_offer_token()
    body = offer_text(
        studio_name=booking.studio.name,
        instrument=seat.instrument.name,
        song=booking.song_title,
        start=time.starts_at,
        end=time.ends_at,
        zone=musician.time_zone,
        token=token,
    )
    return message_queue(
        kind=Message.Kind.OFFER,
        to_phone=musician.phone,
        body=body,
        musician=musician,
        booking=booking,
        seat=seat,
        candidate_time=time,
        option=time.rank,
        token=token,
    )


def group_send(*, booking: Booking, time: CandidateTime, lineup: dict[int, int], now: dt.datetime) -> list[Message]:
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
    asked = Message.objects.filter(kind=Message.Kind.OFFER, seat=seat, candidate_time=time).values_list(
        "musician_id", flat=True
    )
    other_offers = (
        Message.objects.filter(kind=Message.Kind.OFFER, booking=booking, candidate_time=time, status__in=OPEN)
        .filter(~Q(seat=seat))
        .values_list("musician_id", flat=True)
    )
    holding = Fill.objects.filter(candidate_time=time).values_list("musician_id", flat=True)
    return set(asked) | set(other_offers) | set(holding)


def offers_void(*, offers, courtesy) -> None:
    """End open offers, each with a short courtesy text built by `courtesy(offer)`."""
    for offer in offers.select_related("musician", "seat__instrument", "candidate_time"):
        updated = Message.objects.filter(pk=offer.pk, status__in=OPEN).update(status=Message.Status.VOIDED)
        if updated and offer.musician.can_be_texted:
            message_queue(
                kind=Message.Kind.NOTICE,
                to_phone=offer.musician.phone,
                body=courtesy(offer),
                musician=offer.musician,
                booking_id=offer.booking_id,
            )
