"""Booking.objects.locked on real PostgreSQL: what a caller gets after waiting for the lock.

The lock's query also reads the booking's current time (a join). PostgreSQL re-reads only
the locked row when the wait ends, so if the holder moved the booking to another time,
the joined time could be the old one, or the row could vanish from the result.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking, CandidateTime
from bookings.tests.factories import SAT_2PM, SUN_2PM, make_booking

pytestmark = pytest.mark.django_db(transaction=True)


def candidate(booking: Booking, window, rank: int) -> CandidateTime:
    return CandidateTime.objects.create(
        booking=booking, starts_at=window[0], ends_at=window[1], rank=rank, in_business_hours=True, viable=True
    )


@pytest.mark.usefixtures("seeded_instruments")
@pytest.mark.parametrize("how", ["locked", "locked_for_offer"])
def test_after_waiting_for_the_lock_the_booking_and_its_time_are_the_ones_committed(how):
    booking = make_booking(seats=["drums"], windows=[SAT_2PM, SUN_2PM])
    first, second = candidate(booking, SAT_2PM, 1), candidate(booking, SUN_2PM, 2)
    Booking.objects.filter(pk=booking.pk).update(current_time=first)
    if how == "locked_for_offer":
        from bookings.models import Offer
        from musicians.tests.factories import MusicianFactory

        offer = Offer.objects.create(
            booking=booking, seat=booking.seats.get(), candidate_time=first, musician=MusicianFactory(plays=["drums"]),
            token="lock-test-token", created_at=timezone.now(),
        )  # fmt: skip
    holding, seen, errors = threading.Event(), {}, []

    def holder() -> None:
        try:
            with transaction.atomic():
                Booking.objects.locked(booking.pk)
                Booking.objects.filter(pk=booking.pk).update(current_time=second)
                holding.set()
                threading.Event().wait(0.5)  # the other caller is now waiting for the lock
        finally:
            connection.close()

    def waiter() -> None:
        holding.wait(5)
        try:
            with transaction.atomic():
                got = (
                    Booking.objects.locked(booking.pk)
                    if how == "locked"
                    else Booking.objects.locked_for_offer(pk=offer.pk)
                )
                seen["time"] = (got.current_time_id, got.current_time.pk if got.current_time else None)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert seen["time"] == (second.pk, second.pk)
