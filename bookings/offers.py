"""Offers: one seat at one time asked of one musician, and the text that carries it."""

import datetime as dt
import itertools
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from messaging.models import Message
from messaging.services import Draft, message_groups_queue
from musicians.models import Musician
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed

from .models import Booking, CandidateTime, Fill, Offer, Seat
from .planning import BookingRoster, booking_roster
from .policy import last_moment_to_book, offer_timing, policy_for
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


@dataclass(frozen=True)
class OfferRound:
    """One booking's new offers at one time: (seat, musician) picks, on the studio's fill policy.

    `left`: per seat id, how many musicians are still to ask after these (for the wait);
    `pending`: the moments the booking's other open offers still need the sweep.
    """

    booking: Booking
    time: CandidateTime
    picks: list[tuple[Seat, Musician]]
    left: dict[int, int] = field(default_factory=dict)
    pending: Sequence[dt.datetime] = ()


def offers_send(
    *,
    booking: Booking,
    time: CandidateTime,
    picks: list[tuple[Seat, Musician]],
    now: dt.datetime,
    left: dict[int, int] | None = None,
    pending: Sequence[dt.datetime] = (),
) -> list[Offer]:
    """Offer each (seat, musician) its seat at `time` (one `OfferRound`: see `offer_rounds_send`)."""
    if not picks:
        return []
    [offers] = offer_rounds_send(rounds=[OfferRound(booking, time, picks, left or {}, pending)], now=now)
    return offers


def offer_rounds_send(*, rounds: list[OfferRound], now: dt.datetime) -> list[list[Offer]]:
    """Send the rounds of many bookings (each with at least one pick): per round its offers, in
    three writes however many (their texts, their offers, the bookings' next steps). Caller
    holds the bookings' locks.

    A text that would land in the musician's quiet hours is held (the sweep sends it when
    they end); the others go out now, each booking's on its own send task.
    """
    made = [_round_offers(r, now) for r in rounds]
    _rounds_texts_attach(
        [(r.booking, [o for o in offers if o.sends_at is None]) for r, offers in zip(rounds, made, strict=True)]
    )
    Offer.objects.bulk_create([offer for offers in made for offer in offers])  # sets each offer's pk
    for r, offers in zip(rounds, made, strict=True):
        r.booking.last_offer_at, r.booking.next_step_at = now, _next_step_after(r, offers, now)
    Booking.objects.bulk_update([r.booking for r in rounds], ["last_offer_at", "next_step_at"])
    return made


def _round_offers(round_: OfferRound, now: dt.datetime) -> list[Offer]:
    booking, time = round_.booking, round_.time
    policy = policy_for(booking.studio)
    time_left = last_moment_to_book(time) - now
    offers = []
    for seat, musician in round_.picks:
        wait = policy.wait(time_left=time_left, left=round_.left.get(seat.pk, 0))
        timing = offer_timing(policy=policy, musician=musician, time=time, wait=wait, now=now)
        offers.append(
            Offer(booking=booking, seat=seat, candidate_time=time, musician=musician, token=new_offer_token(),
                  created_at=now, sends_at=timing.sends_at, expires_at=timing.expires_at, nudge_at=timing.nudge_at)
        )  # fmt: skip
    return offers


def _next_step_after(round_: OfferRound, offers: list[Offer], now: dt.datetime) -> dt.datetime:
    """The soonest moment the sweep has work with the booking once these offers are out."""
    booking = round_.booking
    upcoming = [when for offer in offers for when in offer_steps(offer)]
    upcoming += [when for when in round_.pending if when > now]
    if not round_.pending and booking.next_step_at is not None and booking.next_step_at > now:
        upcoming.append(booking.next_step_at)
    return min(upcoming)


def offer_steps(offer: Offer) -> list[dt.datetime]:
    """The moments the sweep has work with an open offer: its text's release, its nudge, its end."""
    steps = [offer.expires_at] if offer.expires_at else []
    if offer.message_id is None and offer.sends_at is not None:
        steps.append(offer.sends_at)
    if offer.nudge_at is not None and offer.nudged_at is None:
        steps.append(offer.nudge_at)
    return steps


def offers_text_now(*, held: list[tuple[Booking, list[Offer]]]) -> None:
    """Send the texts of held offers whose musician's quiet hours are over, per booking its
    offers: one insert and one update however many bookings."""
    _rounds_texts_attach(held)
    Offer.objects.bulk_update([offer for _, offers in held for offer in offers], ["message"])


def _rounds_texts_attach(rounds: list[tuple[Booking, list[Offer]]]) -> None:
    """Store each offer's text and link it to the offer: one insert, one send task per booking."""
    groups = [
        [Draft(Message.Purpose.OFFER, o.musician.phone, _offer_body(booking, o.seat, o.candidate_time, o.musician,
               o.token), o.musician) for o in offers]
        for booking, offers in rounds
    ]  # fmt: skip
    for (_, offers), messages in zip(rounds, message_groups_queue(groups), strict=True):
        for offer, message in zip(offers, messages, strict=True):
            offer.message = message


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


def group_send(*, booking: Booking, time: CandidateTime, lineup: dict[int, int], now: dt.datetime,
               roster: BookingRoster | None = None) -> list[Offer]:  # fmt: skip
    """The first offers at a time: per seat the musician the plan picked, and on a policy with
    waves the next ones in the order, each musician on one seat only."""
    seats = Seat.objects.select_related("instrument").in_bulk(list(lineup))
    wanted = list(seats.values())
    waves = seats_next_waves(booking=booking, seats=wanted, time=time, now=now, first=lineup, roster=roster)
    picks = [(seat, musician) for seat in wanted for musician in waves[seat.pk].musicians]
    return offers_send(booking=booking, time=time, picks=picks, now=now, left=_left(waves))


@dataclass(frozen=True)
class Wave:
    musicians: list[Musician]
    left: int  # free musicians still to ask after these


def _left(waves: dict[int, Wave]) -> dict[int, int]:
    return {seat_id: wave.left for seat_id, wave in waves.items()}


def seats_next_waves(
    *,
    booking: Booking,
    seats: list[Seat],
    time: CandidateTime,
    now: dt.datetime,
    first: dict[int, int] | None = None,
    roster: BookingRoster | None = None,
    offers_here: list[Offer] | None = None,
) -> dict[int, Wave]:
    """Per seat, the next musicians to ask at this time, best first, as many as the policy's wave
    (`seats_next_picks`, with the musicians' rows read in one query)."""
    picks = seats_next_picks(
        booking=booking, seats=seats, time=time, now=now, first=first, roster=roster, offers_here=offers_here
    )
    return waves_of(picks, Musician.objects.in_bulk([m for ids, _ in picks.values() for m in ids]))


def waves_of(picks: dict[int, tuple[list[int], int]], musicians: dict[int, Musician]) -> dict[int, Wave]:
    return {seat_id: Wave([musicians[m] for m in ids], left) for seat_id, (ids, left) in picks.items()}


def seats_next_picks(
    *,
    booking: Booking,
    seats: list[Seat],
    time: CandidateTime,
    now: dt.datetime,
    first: dict[int, int] | None = None,
    roster: BookingRoster | None = None,
    offers_here: list[Offer] | None = None,
    holding: set[int] | None = None,
) -> dict[int, tuple[list[int], int]]:
    """Per seat id, the ids of the next musicians to ask at this time and how many are left after them.

    One roster read for all the seats. Skips anyone already asked for the seat at this
    time, holding a seat, being asked for another seat, or picked for another seat in
    this same round. `first` (the plan's line-up for a time just made current) puts each
    seat's pick at the head of its wave. `offers_here`: every offer of the booking at this
    time, and `holding`: who holds a seat of it at this time, if the caller has them already
    (the sweep reads them for a whole batch of bookings at once).
    """
    policy = policy_for(booking.studio)
    session = Interval(time.starts_at, time.ends_at)
    if roster is None:
        needs = [SeatNeed(seat.pk, seat.instrument_id) for seat in seats]
        roster = booking_roster(booking=booking, seats=needs, span=session, now=now)
    candidates = roster.candidates_at(session)
    if first is None:
        here = (
            offers_here if offers_here is not None else list(Offer.objects.filter(booking=booking, candidate_time=time))
        )
        taken, asked = _busy_here(time=time, offers_here=here, holding=holding), _asked_here(here)
    else:  # the first wave at a time the booking never offered: nobody is asked or holding there yet
        taken, asked = set(first.values()), {}
    time_left = last_moment_to_book(time) - now
    chosen: dict[int, list[int]] = {}
    for seat in seats:
        free = [m for m in candidates[seat.pk] if m not in taken and m not in asked.get(seat.pk, ())]
        head = [first[seat.pk]] if first and seat.pk in first else []
        size = policy.wave(time_left=time_left, left=len(free) + len(head))
        chosen[seat.pk] = (head + free)[:size]
        taken |= set(chosen[seat.pk])
    return {
        seat.pk: (
            chosen[seat.pk],
            _free_after(candidates[seat.pk], taken, asked.get(seat.pk, set())) if policy.waves else 0,
        )
        for seat in seats
    }


COUNT_LEFT_UP_TO = 100  # enough to share the time left between waves; checks no more of a big roster


def _free_after(candidates: Sequence[int], taken: set[int], asked: set[int]) -> int:
    free = (m for m in candidates if m not in taken and m not in asked)
    return sum(1 for _ in itertools.islice(free, COUNT_LEFT_UP_TO))


def _asked_here(offers_here: list[Offer]) -> dict[int, set[int]]:
    """Per seat id, who has been asked for it at this time (whatever they answered)."""
    asked: dict[int, set[int]] = {}
    for offer in offers_here:
        asked.setdefault(offer.seat_id, set()).add(offer.musician_id)
    return asked


def _busy_here(*, time: CandidateTime, offers_here: list[Offer], holding: set[int] | None) -> set[int]:
    """Holding a seat at this time, or being asked for one (a musician gets one seat per booking)."""
    if holding is None:
        holding = set(Fill.objects.filter(candidate_time=time).values_list("musician_id", flat=True))
    return holding | {offer.musician_id for offer in offers_here if offer.status == Offer.Status.OPEN}


def open_offers(booking: Booking) -> QuerySet[Offer]:
    return Offer.objects.filter(booking=booking, status=Offer.Status.OPEN)


def offers_void(*, offers: QuerySet[Offer], courtesy: Callable[[Offer], str]) -> int:
    """End open offers, each with a short courtesy text built by `courtesy(offer)`. Returns how many."""
    voided = 0
    for offer in offers.select_related("booking__studio", "musician", "seat__instrument", "candidate_time"):
        if not Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(status=Offer.Status.VOIDED):
            continue
        voided += 1
        if offer.message_id is not None and offer.musician.can_be_texted:  # a held offer was never seen
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
