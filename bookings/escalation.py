"""The sweep: open bookings whose next step is due move on, on the studio's fill policy.

Beat only picks the due booking ids (one query: `next_step_at` has passed) and queues one
task each; the task locks its booking and checks again that it is due, so two sweeps, two
Beat processes or a retried task never send a text twice: the first run acts, which moves
`next_step_at` on for the others.

A step, for the booking's current time: texts held for quiet hours whose hours are over go
out; silent musicians whose nudge is due are nudged once; each unfilled seat whose wave has
waited long enough is offered to its next wave; a seat with nobody left moves the booking
to its next time.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_now
from messaging.models import Message

from .engine import booking_move_on
from .history import booking_log
from .models import Booking, BookingEvent, Offer, Seat
from .offers import offer_steps, offers_send, offers_text_now, seats_next_waves
from .texting import booking_texts_send
from .texts import nudge_text


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
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.status != Booking.Status.OFFERING or not (force or _is_due(booking, now)):
            return False
        _step(booking, now, force=force)
        return True


def _is_due(booking: Booking, now: dt.datetime) -> bool:
    return not booking.escalation_paused and booking.next_step_at is not None and booking.next_step_at <= now


def _step(booking: Booking, now: dt.datetime, *, force: bool) -> None:
    time = booking.current_time
    if time is None or time.starts_at <= now:
        booking_move_on(booking=booking, now=now)
        return
    here = list(Offer.objects.filter(booking=booking, candidate_time=time).select_related(
        "musician", "seat__instrument", "candidate_time"
    ))  # fmt: skip
    offers = [offer for offer in here if offer.status == Offer.Status.OPEN]
    offers_text_now(booking=booking, offers=[o for o in offers if _due(o.sends_at, now) and o.message_id is None])
    # A nudge is due halfway through a wave's wait; once the wait is over the seat moves on instead.
    due = [
        o for o in offers if _due(o.nudge_at, now) and o.message_id and not o.nudged_at and not _due(o.expires_at, now)
    ]
    _nudge(booking, due, now)
    unfilled = list(
        Seat.objects.filter(booking=booking).exclude(fills__candidate_time=time).select_related("instrument")
    )
    waiting = {o.seat_id for o in offers if o.expires_at and o.expires_at > now}
    moving = unfilled if force else [seat for seat in unfilled if seat.pk not in waiting]
    pending = [when for offer in offers for when in offer_steps(offer) if when > now]
    if not moving:
        _next_step_set(booking, pending, now)
        return
    waves = seats_next_waves(booking=booking, seats=moving, time=time, now=now, offers_here=here)
    if any(not wave.musicians for wave in waves.values()):
        booking_move_on(booking=booking, now=now)  # nobody left for a seat at this time
        return
    picks = [(seat, musician) for seat in moving for musician in waves[seat.pk].musicians]
    left = {seat_id: wave.left for seat_id, wave in waves.items()}
    offers_send(booking=booking, time=time, picks=picks, now=now, left=left, pending=pending)
    asked = ", ".join(f"{musician.name} for {seat}" for seat, musician in picks)
    booking_log(booking, BookingEvent.Kind.ESCALATED, f"Asked {asked}.", at=now)


def _due(moment: dt.datetime | None, now: dt.datetime) -> bool:
    return moment is not None and moment <= now


def _nudge(booking: Booking, offers: list[Offer], now: dt.datetime) -> None:
    """One nudge to each silent musician, with the same links (it counts as a text)."""
    if not offers:
        return
    texts = [(offer.musician, Message.Purpose.REMINDER, _nudge_body(booking, offer)) for offer in offers]
    booking_texts_send(booking=booking, texts=texts)
    Offer.objects.filter(pk__in=[offer.pk for offer in offers]).update(nudged_at=now)
    for offer in offers:
        offer.nudged_at = now


def _nudge_body(booking: Booking, offer: Offer) -> str:
    time = offer.candidate_time
    return nudge_text(
        studio_name=booking.studio.name, instrument=offer.seat.instrument.name, song=booking.song_title,
        start=time.starts_at, end=time.ends_at, zone=offer.musician.time_zone, token=offer.token,
    )  # fmt: skip


def _next_step_set(booking: Booking, ahead: list[dt.datetime], now: dt.datetime) -> None:
    """When the sweep should look again: the soonest release, nudge or wave end still ahead."""
    # Nothing ahead only if every seat is held but not confirmed: look again next sweep, not at once.
    booking.next_step_at = min(ahead, default=now + dt.timedelta(minutes=settings.ESCALATION_INTERVAL_MINUTES))
    Booking.objects.filter(pk=booking.pk).update(next_step_at=booking.next_step_at)


def sweep_due_offers(*, now: dt.datetime | None = None) -> list[int]:
    """Queue one escalation task per due booking. Returns the ids queued."""
    due = bookings_due(now=now or timezone.now())
    return [booking_id for booking_id in due if queue_now("bookings.tasks.escalate_booking", booking_id)]
