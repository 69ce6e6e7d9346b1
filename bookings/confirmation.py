"""Filling seats and confirming a booking: every seat filled at one time.

Confirming is two steps. Under the booking lock, in the answer's own transaction,
the last Fill marks the booking confirmed at its time (so every later answer, sweep
and page sees it booked at once) and queues the follow-up. The follow-up
(`booking_confirmation_send`, run by a worker) texts the band and the manager,
voids the other open offers with a courtesy text, and writes last-booked dates,
the client's email and the calendars. A YES press therefore costs a few writes,
not the whole confirmation.

The follow-up is claimed by `Booking.confirmation_sent_at`, set in the transaction
that stores its texts, so a redelivered or relayed task does nothing the second
time. A follow-up that raises is rolled back and counted on the booking
(`confirmation_failures`); the relay queues it again after RELAY_AFTER_SECONDS
until WORK_MAX_FAILURES, then the manager is texted once.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_after_commit
from messaging.models import Message
from musicians.models import Musician

from .client_emails import client_email_queue
from .history import booking_log
from .lineup import lineup_restored
from .models import Booking, BookingEvent, CandidateTime, ClientEmail, Fill, Offer, Seat
from .musician_links import musician_page_link
from .offers import offers_void, open_offers, seat_taken_courtesy
from .policy import policy_for
from .texting import fills_text, manager_alert
from .texts import confirmation_text, manager_confirmation_text, manager_help_text

logger = logging.getLogger(__name__)
CONFIRMATION_TASK = "bookings.tasks.send_booking_confirmation"


def seat_fill(
    *,
    booking: Booking,
    seat: Seat,
    time: CandidateTime,
    musician: Musician,
    offer: Offer | None,
    now: dt.datetime,
    last_seat: bool | None = None,
) -> Fill:
    """Put the musician in the seat at `time` (their YES, or the manager's hand), and
    confirm the booking if that was the last seat.

    On a policy with waves the rest of the seat's wave hears at once (a YES then
    puts them on standby); on the seed policy their offers stay open and a YES is
    recorded as late. When the booking is confirmed the follow-up voids every open
    offer, the wave's too. Caller holds the booking lock and has checked the seat is
    free; the unique constraints on Fill back that up. `last_seat`: whether every
    other seat is filled at `time`, if the caller knows it already (None: asked here).
    """
    fill = Fill.objects.create(seat=seat, candidate_time=time, musician=musician, offer=offer)
    if offer is not None:
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACCEPTED, answered_at=now)
        offer.status, offer.answered_at = Offer.Status.ACCEPTED, now
    if last_seat is None:
        last_seat = not booking.seats.exclude(fills__candidate_time=time).exists()
    if last_seat:
        booking_confirm(booking=booking, time=time, now=now)
    elif policy_for(booking.studio).waves:
        others = open_offers(booking).filter(seat=seat, candidate_time=time).exclude(musician=musician)
        offers_void(offers=others, courtesy=seat_taken_courtesy)
    return fill


def booking_confirm(*, booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    """Book it at `time` and queue the follow-up (texts, voided offers, client email, calendars).

    Runs inside the answer's transaction with the booking locked, so it happens once;
    the follow-up is queued only when that transaction commits (the history line is
    the follow-up's too, dated when the last seat was filled). A drop-out filled
    again keeps `reopened_at` until the follow-up, which then tells the band who
    plays now instead of confirming everyone again.
    """
    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.Status.CONFIRMED,
        current_time=time,
        confirmed_at=now,
        confirmation_sent_at=None,
        confirmation_failures=0,
        confirmation_error="",
    )
    booking.status, booking.current_time, booking.confirmed_at = Booking.Status.CONFIRMED, time, now
    booking.confirmation_sent_at, booking.confirmation_failures, booking.confirmation_error = None, 0, ""
    queue_after_commit(CONFIRMATION_TASK, booking.pk)


def booking_confirmation_send(*, booking_id: int, now: dt.datetime | None = None) -> bool:
    """The confirmation's follow-up; True if it ran, False if it was done already or is moot.

    Safe to run twice: the first run claims the booking. A run that raises is rolled
    back, counted on the booking and raised again (the task's log sees it).
    """
    now = now or timezone.now()
    try:
        return _send(booking_id, now)
    except Exception as error:
        booking_confirmation_failed(booking_id=booking_id, error=error, now=now)
        raise


def _send(booking_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        time = booking.current_time
        if booking.status != Booking.Status.CONFIRMED or booking.confirmation_sent_at is not None or time is None:
            return False  # done already, or cancelled or reopened since: a later confirmation queues its own
        Booking.objects.filter(pk=booking.pk).update(confirmation_sent_at=now)
        if booking.reopened_at is not None:  # a dropped seat filled again: the band was told once already
            lineup_restored(booking=booking, time=time, now=now)
        else:
            _band_confirm(booking, time, now)
        # Once per booking (its row claims it): none again after a drop-out, but a drop-out that came
        # before the first follow-up ran still leaves the client told.
        client_email_queue(booking=booking, kind=ClientEmail.Kind.CONFIRMED, now=now)
        booking_calendars_sync_on_commit(booking=booking, now=now)
    return True


def _band_confirm(booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    at = booking.confirmed_at or now  # the history says when the last seat was filled, not when the texts went
    booking_log(booking, BookingEvent.Kind.CONFIRMED, f"Every seat filled for option {time.rank}.", at=at)
    fills = fills_text(
        booking=booking,
        time=time,
        purpose=Message.Purpose.CONFIRMATION,
        body=lambda fill: _with_page_link(
            fill.musician,
            confirmation_text(
                studio_name=booking.studio.name,
                instrument=str(fill.seat.instrument),
                song=booking.song_title,
                start=time.starts_at,
                end=time.ends_at,
                zone=fill.musician.time_zone,
                token=fill.offer.token if fill.offer else None,
            ),
        ),
    )
    lineup = [(str(fill.seat), fill.musician.name) for fill in fills]
    body = manager_confirmation_text(
        booking=booking, lineup=lineup, start=time.starts_at, end=time.ends_at, zone=booking.studio.time_zone
    )
    manager_alert(studio=booking.studio, body=body, booking=booking, purpose=Message.Purpose.CONFIRMATION)
    offers_void(offers=open_offers(booking), courtesy=seat_taken_courtesy)
    Musician.objects.filter(pk__in=[fill.musician_id for fill in fills]).update(last_booked_at=now)


def booking_confirmation_failed(*, booking_id: int, error: BaseException, now: dt.datetime) -> int:
    """Count a follow-up that raised (its own transaction was rolled back); the last one tells the manager."""
    described = f"{type(error).__name__}: {error}"[:500]
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        failures = booking.confirmation_failures + 1
        Booking.objects.filter(pk=booking.pk).update(confirmation_failures=failures, confirmation_error=described)
        if failures == settings.WORK_MAX_FAILURES and booking.confirmation_sent_at is None:
            reason = f"It is confirmed, but its confirmation texts failed {failures} times: {described}"
            body = manager_help_text(booking=booking, reason=reason)
            manager_alert(studio=booking.studio, body=body, booking=booking)
    logger.error("Confirmation of booking %s failed (%s so far): %s", booking_id, failures, error)
    return failures


def _with_page_link(musician: Musician, text: str) -> str:
    return f"{text} Your page: {musician_page_link(musician)}"


def booking_calendars_sync_on_commit(*, booking: Booking, now: dt.datetime) -> None:
    """Mark the booking's calendars pending and write them once this transaction commits."""

    Booking.objects.filter(pk=booking.pk).update(
        calendar_sync=Booking.CalendarSync.PENDING, calendar_sync_queued_at=now
    )
    queue_after_commit("bookings.tasks.sync_booking_calendars", booking.pk)
