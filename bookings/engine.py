"""The booking engine's entry point, queued by intake once a booking is committed.

Planning (candidate times, who can play, the offer order) and the offers
themselves arrive with the booking engine; until then a new booking waits in
`offering` with its seats and requested windows, visible in the admin.
"""

import logging

from .models import Booking

logger = logging.getLogger(__name__)


def booking_start(*, booking_id: int) -> None:
    booking = Booking.objects.get(pk=booking_id)
    logger.info("Booking %s is ready for planning (%s seats).", booking, booking.seats.count())
