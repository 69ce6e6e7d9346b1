"""A booked musician drops out (by text, on their page, or Dane takes them off the line-up).

The seat reopens at the same time and the rest of the band stays booked. The booking
goes back to `offering` at the same current time, with the other fills kept and
`reopened_at` set, so the answers and the sweep work unchanged; when the seat is
filled again the confirmation's follow-up sees `reopened_at` and only tells the newcomer, the
band (who plays now) and Dane (bookings.lineup). Standby first: a musician on standby
for the seat at that time already said YES, so they are booked at once (if still free)
and texted; otherwise the next musicians in the order are offered the seat. Nobody
left before the lead time: the booking needs attention, with the reason (the sweep's
move-on sees `reopened_at` and gives up rather than dropping a booked time).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_after_commit
from messaging.services import retry_delay
from musicians.models import Musician
from scheduling.calendars import CalendarError, get_calendar_backend
from scheduling.calendars.ids import musician_calendar_id
from scheduling.intervals import Interval
from scheduling.plan import SeatNeed

from .confirmation import seat_fill
from .engine import booking_needs_attention
from .history import booking_log
from .models import Booking, BookingEvent, CandidateTime, Fill, Offer, Seat
from .musician_texts import manager_dropout_text
from .offers import offers_send, seats_next_waves
from .planning import booking_roster
from .policy import last_moment_to_book
from .texting import manager_alert
from .texts import board_link


class DropOutError(Exception):
    """The musician holds no seat that can still be dropped (not booked, or the session started)."""


@dataclass(frozen=True)
class DropOut:
    booking: Booking
    seat: Seat
    musician: Musician
    time: CandidateTime
    standby: Musician | None = None  # booked at once from standby
    asked: list[Musician] = field(default_factory=list)  # offered the seat next
    needs_attention: bool = False


def fill_drop_out(
    *, booking_id: int, musician_id: int, actor: str = "musician", now: dt.datetime | None = None
) -> DropOut:
    """Take the musician off the booking's line-up and reopen their seat.

    `actor`: "musician" (they said so), or the manager's username (Dane removed them).
    Raises DropOutError if they hold no seat at the booking's time or the session has begun.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.locked(booking_id)
        time = booking.current_time
        live = booking.status in (Booking.Status.CONFIRMED, Booking.Status.OFFERING)
        if not live or time is None or time.starts_at <= now:
            raise DropOutError("This session can no longer be changed.")
        fill = Fill.objects.select_related("seat__instrument", "musician").filter(
            candidate_time=time, musician_id=musician_id
        ).first()  # fmt: skip
        if fill is None:
            raise DropOutError("They are not on this session's line-up.")
        seat, musician = fill.seat, fill.musician
        _seat_reopen(booking, fill, now)
        who = "dropped out" if actor == "musician" else f"was taken off the line-up by {actor}"
        booking_log(booking, BookingEvent.Kind.DROPPED_OUT, f"{musician.name} {who} ({seat}).", at=now, actor=actor)
        _cancel_their_event_on_commit(booking, seat, musician)
        result = _refill(booking, seat, musician, time, now)
        if result.standby is None:
            _tell_manager(booking, result)
        return result


def _seat_reopen(booking: Booking, fill: Fill, now: dt.datetime) -> None:
    was_booked = booking.status == Booking.Status.CONFIRMED or booking.reopened_at is not None
    reopened_at = booking.reopened_at or (now if was_booked else None)
    if fill.offer_id is not None:  # counts as their NO: the sweep never asks them for this seat again
        Offer.objects.filter(pk=fill.offer_id).update(status=Offer.Status.DECLINED, answered_at=now)
    fill.delete()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.OFFERING, reopened_at=reopened_at)
    booking.status, booking.reopened_at = Booking.Status.OFFERING, reopened_at


def _refill(booking: Booking, seat: Seat, musician: Musician, time: CandidateTime, now: dt.datetime) -> DropOut:
    standby = _standby_book(booking, seat, time, now)
    if standby is not None:
        return DropOut(booking, seat, musician, time, standby=standby)
    if last_moment_to_book(time) > now:
        wave = seats_next_waves(booking=booking, seats=[seat], time=time, now=now)[seat.pk]
        if wave.musicians:
            picks = [(seat, m) for m in wave.musicians]
            offers_send(booking=booking, time=time, picks=picks, now=now, left={seat.pk: wave.left})
            return DropOut(booking, seat, musician, time, asked=wave.musicians)
    reason = f"{musician.name} dropped out of {seat} and nobody is left to ask before the session's lead time."
    booking_needs_attention(booking=booking, reason=reason, now=now)
    return DropOut(booking, seat, musician, time, needs_attention=True)


def _standby_book(booking: Booking, seat: Seat, time: CandidateTime, now: dt.datetime) -> Musician | None:
    """Book the first musician on standby for the seat who is still free; None if nobody is."""
    standbys = list(
        Offer.objects.filter(seat=seat, candidate_time=time, status=Offer.Status.STANDBY)
        .select_related("musician")
        .order_by("answered_at", "pk")
    )
    if not standbys:
        return None
    session = Interval(time.starts_at, time.ends_at)
    roster = booking_roster(booking=booking, seats=[SeatNeed(seat.pk, seat.instrument_id)], span=session, now=now)
    free = set(roster.candidates_at(session)[seat.pk])
    holding = set(Fill.objects.filter(candidate_time=time).values_list("musician_id", flat=True))
    for offer in standbys:
        musician = offer.musician
        if musician.pk in free and musician.pk not in holding and musician.can_be_texted:
            Musician.objects.select_for_update().get(pk=musician.pk)
            seat_fill(booking=booking, seat=seat, time=time, musician=musician, offer=offer, now=now)
            return musician
    return None


def _tell_manager(booking: Booking, result: DropOut) -> None:
    """Once, at the drop (a standby booked at once is told in the line-up-whole text instead)."""
    if result.needs_attention:
        return  # booking_needs_attention texted the manager with the reason
    asked = ", ".join(m.name for m in result.asked)
    body = manager_dropout_text(
        booking_pk=booking.pk, client=booking.client_name, song=booking.song_title, who=result.musician.name,
        seat=str(result.seat), next_step=f"Asking {asked}; the rest of the band stays booked.",
        link=board_link(booking),
    )  # fmt: skip
    manager_alert(studio=booking.studio, body=body, booking=booking)


def _cancel_their_event_on_commit(booking: Booking, seat: Seat, musician: Musician) -> None:
    queue_after_commit("bookings.musician_tasks.cancel_seat_event", booking.pk, seat.pk, musician.pk)


def seat_event_cancel(*, booking_id: int, seat_id: int, musician_id: int, attempt: int = 0) -> float | None:
    """Take the seat's event off the dropped musician's calendar; seconds to the next try, or None.

    Events have stable ids per seat (bookings.calendar_sync), so the newcomer's event
    has the same id on their own calendar; the studio's event is rewritten when the
    line-up is whole again.
    """
    musician = Musician.objects.get(pk=musician_id)
    calendar_id = musician_calendar_id(musician_id=musician.pk, calendar_id=musician.calendar_id)
    if not calendar_id:
        return None
    try:
        get_calendar_backend().cancel_event(
            uid=f"workflow-booking-{booking_id}-seat-{seat_id}", calendar_id=calendar_id
        )
    except CalendarError as error:
        if not error.permanent and attempt < settings.CALENDAR_SYNC_MAX_RETRIES:
            return retry_delay(attempt)
        Booking.objects.filter(pk=booking_id).update(
            calendar_error=f"Removing {musician.name}'s event failed: {error.reason}"
        )
    return None
