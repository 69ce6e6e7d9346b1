"""What the manager does by hand from the dashboard. Each action checks the state it
starts from, raises ActionRefused with a plain reason when it cannot apply, and leaves
a line in the booking's history naming who did it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from messaging.models import Message
from messaging.services import message_queue
from musicians.models import Musician
from scheduling.intervals import Interval

from .cancellation import booking_cancel
from .confirmation import booking_calendars_sync_on_commit, seat_fill
from .escalation import booking_escalate
from .history import booking_log
from .intake import IntakeOutcome, inbound_email_reparse_order
from .models import Booking, BookingEvent, BookingText, CandidateTime, Fill, InboundEmail, Offer, Seat
from .offers import offers_void, seat_taken_courtesy
from .planning import holds_elsewhere


class ActionRefused(Exception):
    """The action does not apply to the booking as it is now; the message says why."""


def manager_cancel(*, booking_id: int, actor: str, now: dt.datetime | None = None, email_client: bool = False) -> None:
    if not booking_cancel(booking_id=booking_id, actor=actor, now=now, email_client=email_client):
        raise ActionRefused("This booking is already cancelled.")


def manager_escalate_now(*, booking_id: int, actor: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    booking = Booking.objects.get(pk=booking_id)
    if booking.status != Booking.Status.OFFERING:
        raise ActionRefused(f"Only a booking still offering can move on; this one is {booking.get_status_display()}.")
    booking_escalate(booking_id=booking_id, force=True, now=now)
    booking_log(booking, BookingEvent.Kind.ESCALATED, "Escalated now, by hand.", actor=actor, at=now)


def manager_pause(*, booking_id: int, actor: str, paused: bool, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.status != Booking.Status.OFFERING:
            # Only the sweep reads the flag, and it moves only offering bookings: on any
            # other the pause would be a line in the history that changes nothing.
            verb = "paused" if paused else "resumed"
            raise ActionRefused(
                f"Only a booking still offering can be {verb}; this one is {booking.get_status_display()}."
            )
        if booking.escalation_paused == paused:
            raise ActionRefused("Escalation is already paused." if paused else "Escalation is not paused.")
        Booking.objects.filter(pk=booking.pk).update(escalation_paused=paused)
        kind = BookingEvent.Kind.PAUSED if paused else BookingEvent.Kind.RESUMED
        summary = "The sweep leaves it alone." if paused else "The sweep picks it up again."
        booking_log(booking, kind, summary, actor=actor, at=now)


def manager_assign(
    *, booking_id: int, seat_id: int, musician_id: int, actor: str, now: dt.datetime | None = None
) -> None:
    """Put a musician in a seat at the current time (the manager spoke to them).

    Their own open offer for the seat, if they have one, counts as their YES.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        seat = Seat.objects.select_related("instrument").filter(pk=seat_id, booking=booking).first()
        if seat is None:
            raise ActionRefused("That seat is not one of this booking's.")
        musician = Musician.objects.select_for_update().filter(pk=musician_id).first()
        if musician is None:
            raise ActionRefused("That musician is not on the roster.")
        time = _assignable_time(booking, seat, musician)
        if holds_elsewhere(booking=booking, span=Interval(time.starts_at, time.ends_at)).get(musician.pk):
            raise ActionRefused(f"{musician.name} is booked elsewhere at that time.")
        asked = Offer.objects.filter(seat=seat, candidate_time=time, status=Offer.Status.OPEN)
        # Taken out of the flow by hand: whoever else was being asked for the seat hears at once.
        offers_void(offers=asked.exclude(musician=musician), courtesy=seat_taken_courtesy)
        offer = asked.filter(musician=musician).first()
        booking_log(booking, BookingEvent.Kind.ASSIGNED, f"{musician.name} put on {seat} by hand.", actor=actor, at=now)
        seat_fill(booking=booking, seat=seat, time=time, musician=musician, offer=offer, now=now)


def _assignable_time(booking: Booking, seat: Seat, musician: Musician) -> CandidateTime:
    time = booking.current_time
    if booking.status != Booking.Status.OFFERING or time is None:
        raise ActionRefused("Seats can be assigned only while the booking is offering a time.")
    if Fill.objects.filter(seat=seat, candidate_time=time).exists():
        raise ActionRefused(f"{seat} is already filled at this time.")
    if Fill.objects.filter(candidate_time=time, musician=musician).exists():
        raise ActionRefused(f"{musician.name} already holds a seat at this time.")
    if not musician.instruments.filter(pk=seat.instrument_id).exists():
        raise ActionRefused(f"{musician.name} does not play {seat.instrument.name.lower()}.")
    return time


def manager_resend(*, booking_id: int, message_id: int, actor: str, now: dt.datetime | None = None) -> Message:
    """Send a failed text of this booking again, as a new text (the failed one stays as it was, for the record)."""
    now = now or timezone.now()
    texts = BookingText.objects.select_related("booking", "message__musician")
    link = texts.filter(booking_id=booking_id, message_id=message_id).first()
    if link is None:
        raise ActionRefused("That text is not one of this booking's.")
    failed, booking = link.message, link.booking
    if failed.status != Message.Status.FAILED:
        raise ActionRefused("Only a failed text can be sent again.")
    if failed.purpose == Message.Purpose.OFFER:
        raise ActionRefused(
            "A failed offer has already moved on to the next musician; assign the seat by hand instead."
        )
    if failed.musician and failed.musician.opted_out_at:
        raise ActionRefused(f"{failed.musician.name} opted out (STOP): they cannot be texted.")
    with transaction.atomic():
        again = message_queue(
            purpose=failed.purpose, to_phone=failed.to_phone, body=failed.body, musician=failed.musician
        )
        BookingText.objects.create(booking=booking, message=again, texted_at=again.created_at)
        booking_log(booking, BookingEvent.Kind.RESENT, f"Resent: {failed.body[:80]}", actor=actor, at=now)
    return again


def manager_calendars_write_again(*, booking_id: int, actor: str, now: dt.datetime | None = None) -> None:
    """Try a confirmed booking's failed calendar write again (after fixing the key or the sharing)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        if booking.status != Booking.Status.CONFIRMED:
            raise ActionRefused("Only a confirmed booking has calendars to write.")
        if booking.calendar_sync != Booking.CalendarSync.FAILED:
            raise ActionRefused(f"Its calendars are {booking.get_calendar_sync_display().lower()}, not failed.")
        Booking.objects.filter(pk=booking.pk).update(calendar_sync_attempts=0, calendar_error="")
        booking_calendars_sync_on_commit(booking=booking, now=now)
        booking_log(booking, BookingEvent.Kind.CALENDARS, "Calendars written again, by hand.", actor=actor, at=now)


def manager_reparse(*, inbound_email_id: int, actor: str, now: dt.datetime | None = None) -> IntakeOutcome:
    """Read a stored email again (after fixing the roster or the instrument aliases)."""
    now = now or timezone.now()
    email = InboundEmail.objects.filter(pk=inbound_email_id).first()
    if email is None:
        raise ActionRefused(f"There is no email #{inbound_email_id}.")
    if email.status != InboundEmail.Status.UNPARSEABLE:
        raise ActionRefused("Only an email that could not be read can be read again.")
    outcome = inbound_email_reparse_order(inbound_email=email)
    if outcome.booking is not None:
        booking_log(
            outcome.booking,
            BookingEvent.Kind.REPARSED,
            f"Made from email #{email.pk}, read again.",
            actor=actor,
            at=now,
        )
    return outcome
