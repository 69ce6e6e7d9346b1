"""Filling seats and confirming a booking: every seat filled at one time."""

import datetime as dt

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
from .texts import confirmation_text, manager_confirmation_text


def seat_fill(
    *, booking: Booking, seat: Seat, time: CandidateTime, musician: Musician, offer: Offer | None, now: dt.datetime
) -> Fill:
    """Put the musician in the seat at `time` (their YES, or the manager's hand), and
    confirm the booking if that was the last seat.

    On a policy with waves the rest of the seat's wave hears at once (a YES then
    puts them on standby); on the seed policy their offers stay open and a YES is
    recorded as late. Caller holds the booking lock and has checked the seat is
    free; the unique constraints on Fill back that up.
    """
    fill = Fill.objects.create(seat=seat, candidate_time=time, musician=musician, offer=offer)
    if offer is not None:
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACCEPTED, answered_at=now)
        offer.status, offer.answered_at = Offer.Status.ACCEPTED, now
    if policy_for(booking.studio).waves:
        others = open_offers(booking).filter(seat=seat, candidate_time=time).exclude(musician=musician)
        offers_void(offers=others, courtesy=seat_taken_courtesy)
    if not booking.seats.exclude(fills__candidate_time=time).exists():
        booking_confirm(booking=booking, time=time, now=now)
    return fill


def booking_confirm(*, booking: Booking, time: CandidateTime, now: dt.datetime) -> None:
    """Book it: a confirmation to each musician and the manager, other offers voided,
    and the calendars written in the background.

    Runs inside the answer's transaction with the booking locked, so it happens
    once. Calendars are not written here: a provider that is down or refuses
    must never block or undo a confirmation (see bookings.calendar_sync).
    """
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED, current_time=time)
    booking.status, booking.current_time = Booking.Status.CONFIRMED, time
    if booking.reopened_at is not None:  # a dropped seat filled again: the band was told once already
        lineup_restored(booking=booking, time=time, now=now)
        booking_calendars_sync_on_commit(booking=booking, now=now)
        return
    booking_log(booking, BookingEvent.Kind.CONFIRMED, f"Every seat filled for option {time.rank}.", at=now)
    booking_calendars_sync_on_commit(booking=booking, now=now)
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
    client_email_queue(booking=booking, kind=ClientEmail.Kind.CONFIRMED, now=now)


def _with_page_link(musician: Musician, text: str) -> str:
    return f"{text} Your page: {musician_page_link(musician)}"


def booking_calendars_sync_on_commit(*, booking: Booking, now: dt.datetime) -> None:
    """Mark the booking's calendars pending and write them once this transaction commits."""

    Booking.objects.filter(pk=booking.pk).update(
        calendar_sync=Booking.CalendarSync.PENDING, calendar_sync_queued_at=now
    )
    queue_after_commit("bookings.tasks.sync_booking_calendars", booking.pk)
