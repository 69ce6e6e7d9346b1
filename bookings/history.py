"""The booking's history: one line per thing the engine or the manager did."""

import datetime as dt

from .models import Booking, BookingEvent


def booking_log(booking: Booking, kind: str, summary: str, *, at: dt.datetime, actor: str = "workflow") -> BookingEvent:
    return BookingEvent.objects.create(booking=booking, at=at, kind=kind, summary=summary[:500], actor=actor)
