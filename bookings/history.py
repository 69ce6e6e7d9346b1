"""The booking's history: one line per thing the engine or the manager did."""

import datetime as dt

from .models import Booking, BookingEvent


def booking_log(booking: Booking, kind: str, summary: str, *, at: dt.datetime, actor: str = "workflow") -> BookingEvent:
    [line] = booking_lines_log([booking_line(booking, kind, summary, at=at, actor=actor)])
    return line


def booking_line(
    booking: Booking, kind: str, summary: str, *, at: dt.datetime, actor: str = "workflow"
) -> BookingEvent:
    """A history line not yet written: `booking_lines_log` writes many in one insert."""
    return BookingEvent(booking=booking, at=at, kind=kind, summary=summary[:500], actor=actor)


def booking_lines_log(lines: list[BookingEvent]) -> list[BookingEvent]:
    return BookingEvent.objects.bulk_create(lines)
