"""The booking's history: one line per thing the engine or the manager did."""

from django.utils import timezone

from .models import Booking, BookingEvent


def booking_log(booking: Booking, kind: str, summary: str, *, actor: str = "workflow") -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking, at=timezone.now(), kind=kind, summary=summary[:500], actor=actor
    )
