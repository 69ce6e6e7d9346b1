"""Celery tasks: each takes an id, calls one service, and is safe to run twice."""

from celery import shared_task

from . import (
    calendar_sync,
    cancellation,
    confirmation,
    engine,
    escalation,
    intake,
    musician_tasks,  # noqa: F401 (its tasks load with these: Celery's autodiscovery finds `tasks` only)
    presses,
)


@shared_task(acks_late=True)
def book_inbound_email(inbound_email_id: int) -> None:
    """The webhook's order becomes its booking, and planning starts in the same run (no second hop
    before the first texts). Run again, it finds the booking made; planning happens once."""
    booking_id = intake.inbound_email_book(inbound_email_id=inbound_email_id)
    if booking_id is not None:
        engine.booking_start(booking_id=booking_id)


@shared_task(acks_late=True)
def start_booking(booking_id: int) -> None:
    engine.booking_start(booking_id=booking_id)


@shared_task(acks_late=True)
def send_booking_confirmation(booking_id: int) -> bool:
    """A confirmed booking's texts, voided offers, client email and calendars; once, however often delivered."""
    return confirmation.booking_confirmation_send(booking_id=booking_id)


@shared_task(acks_late=True)
def decide_offer_presses(offer_token: str) -> int:
    """The buttons pressed for the offer's booking, decided in press order; a redelivery finds none left."""
    return presses.offer_presses_decide(token=offer_token)


@shared_task(acks_late=True)
def escalate_booking(booking_id: int) -> None:
    escalation.booking_escalate(booking_id=booking_id)


@shared_task(acks_late=True)
def escalate_bookings(booking_ids: list[int]) -> int:
    """A batch of due bookings from the sweep, stepped each under its own lock; how many moved."""
    return len(escalation.bookings_escalate(booking_ids=booking_ids))


@shared_task
def sweep_due_offers() -> int:
    """Beat's job: queue the due bookings in batches of escalation tasks, nothing more."""
    return len(escalation.sweep_due_offers())


@shared_task(bind=True, acks_late=True, max_retries=None)
def sync_booking_calendars(self, booking_id: int) -> None:
    retry_in = calendar_sync.booking_calendar_sync(booking_id=booking_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(bind=True, acks_late=True, max_retries=None)
def clear_booking_calendars(self, booking_id: int) -> None:
    retry_in = cancellation.booking_calendars_clear(booking_id=booking_id, attempt=self.request.retries)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
