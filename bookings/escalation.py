"""The sweep: bookings whose last offer has waited long enough move on.

Beat only picks the due booking ids (one query) and queues one task each; the
task locks its booking and checks again that it is due, so two sweeps, two
Beat processes or a retried task never send a text twice: the first run sends
offers, which makes the booking not due for the others.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_now

from .engine import booking_move_on
from .history import booking_log
from .models import Booking, BookingEvent, Seat
from .offers import offers_send, seat_next_musician


def _wait() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ESCALATE_AFTER_MINUTES)


def bookings_due(*, now: dt.datetime) -> list[int]:
    """Ids of bookings still offering whose last offer is at least the wait old."""
    return list(
        Booking.objects.filter(
            status=Booking.Status.OFFERING, escalation_paused=False, last_offer_at__lte=now - _wait()
        )
        .order_by("last_offer_at", "pk")
        .values_list("pk", flat=True)
    )


def booking_escalate(*, booking_id: int, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Move one due booking on: the next musician per unfilled seat, or the next time.

    True if it did anything; False if the booking was not (or no longer) due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.status != Booking.Status.OFFERING or not (force or _is_due(booking, now)):
            return False
        _escalate(booking, now)
        return True


def _is_due(booking: Booking, now: dt.datetime) -> bool:
    return (
        booking.status == Booking.Status.OFFERING
        and not booking.escalation_paused
        and booking.last_offer_at is not None
        and booking.last_offer_at <= now - _wait()
    )


def _escalate(booking: Booking, now: dt.datetime) -> None:
    time = booking.current_time
    if time is None or time.starts_at <= now:
        booking_move_on(booking=booking, now=now)
        return
    unfilled = Seat.objects.filter(booking=booking).exclude(fills__candidate_time=time).select_related("instrument")
    nexts = {}
    for seat in unfilled:
        musician = seat_next_musician(booking=booking, seat=seat, time=time, now=now)
        if musician is None:
            booking_move_on(booking=booking, now=now)
            return
        nexts[seat] = musician
    offers_send(booking=booking, time=time, picks=list(nexts.items()), now=now)
    if nexts:
        asked = ", ".join(f"{musician.name} for {seat}" for seat, musician in nexts.items())
        booking_log(booking, BookingEvent.Kind.ESCALATED, f"Asked {asked}.", at=now)
    if not nexts:
        # Every seat is filled, yet not confirmed: cannot happen; keep the sweep from spinning on it.
        Booking.objects.filter(pk=booking.pk).update(last_offer_at=now)


def sweep_due_offers(*, now: dt.datetime | None = None) -> list[int]:
    """Queue one escalation task per due booking. Returns the ids queued."""

    due = bookings_due(now=now or timezone.now())
    return [booking_id for booking_id in due if queue_now("bookings.tasks.escalate_booking", booking_id)]
