"""The webhook answers before its booking is made: tests that need the booking wait for the worker."""

from bookings.models import Booking
from workflow.tests.phone import wait_for


def booking_made_from(answer: dict) -> Booking:
    """The booking the worker made from the email a 201 (or a replay's 200) answered for."""
    return wait_for(
        lambda: Booking.objects.filter(inbound_email_id=answer["inbound_email"]).first(),
        what="the worker to make the booking",
    )
