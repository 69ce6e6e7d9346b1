from celery import shared_task

from .engine import booking_start


@shared_task(acks_late=True)
def start_booking(booking_id: int) -> None:
    booking_start(booking_id=booking_id)
