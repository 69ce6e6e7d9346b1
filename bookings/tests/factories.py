"""Bookings for tests, built the way intake builds them (windows and seats, not yet planned)."""

import datetime as dt
from zoneinfo import ZoneInfo

from bookings.models import Booking, BookingText, RequestedWindow, Seat
from messaging.models import Message
from musicians.models import Instrument
from scheduling.models import Studio
from scheduling.tests.factories import StudioFactory

NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)  # "now" in engine tests: a Saturday noon UTC


def local(year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = NEW_YORK) -> dt.datetime:
    """An aware instant from a wall-clock time in a zone (New York unless told)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


SAT_2PM = (local(2026, 12, 5, 14), local(2026, 12, 5, 17))  # two weeks ahead, inside business hours
SUN_2PM = (local(2026, 12, 6, 14), local(2026, 12, 6, 17))


def make_booking(
    *,
    seats: list[str],
    windows: list[tuple[dt.datetime, dt.datetime]],
    session_minutes: int | None = 180,
    studio: Studio | None = None,
    song_title: str = "Fly Me to the Moon",
) -> Booking:
    """A booking needing one seat per slug in `seats` (repeat a slug for two of them)."""
    booking = Booking.objects.create(
        studio=studio or StudioFactory(),
        client_name="Jane Doe",
        song_title=song_title,
        time_zone="America/New_York",
        session_minutes=session_minutes,
        mp3_url="https://example.com/guide.mp3",
        notes="Swing feel.",
    )
    for start, end in windows:
        RequestedWindow.objects.create(booking=booking, starts_at=start, ends_at=end)
    numbers: dict[str, int] = {}
    for slug in seats:
        numbers[slug] = numbers.get(slug, 0) + 1
        Seat.objects.create(booking=booking, instrument=Instrument.objects.get(slug=slug), number=numbers[slug])
    return booking


def text_about(booking: Booking, **fields) -> Message:
    """A text about the booking, stored as the engine stores one (Message + BookingText), not sent."""
    message = Message.objects.create(**fields)
    BookingText.objects.create(booking=booking, message=message, texted_at=message.created_at)
    return message


def confirmations_follow_up(now: dt.datetime | None = None) -> int:
    """Run what the worker runs once a confirming answer commits, for every booking still
    waiting for it (texts to the band and the manager, other offers voided, last-booked
    dates, the client's email, calendars pending); how many ran.

    A test without a worker calls this where the worker would have run the task
    (`bookings.tasks.send_booking_confirmation`): on_commit never fires in a test's transaction.
    """
    from bookings.confirmation import booking_confirmation_send

    waiting = Booking.objects.filter(status=Booking.Status.CONFIRMED, confirmation_sent_at=None).order_by("pk")
    return sum(booking_confirmation_send(booking_id=pk, now=now) for pk in list(waiting.values_list("pk", flat=True)))
