"""Celery tasks for the musicians' and the client's side; each takes ids, calls one service,
and is safe to run twice. Loaded by bookings.tasks (autodiscovery finds only `tasks` modules)."""

from celery import shared_task

from . import client_emails, dropouts, reminders


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_client_email(self, email_id: int) -> None:
    retry_in = client_emails.client_email_send(email_id=email_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(bind=True, acks_late=True, max_retries=None)
def cancel_seat_event(self, booking_id: int, seat_id: int, musician_id: int) -> None:
    retry_in = dropouts.seat_event_cancel(
        booking_id=booking_id, seat_id=seat_id, musician_id=musician_id, attempt=self.request.retries
    )
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task
def send_session_reminders() -> int:
    """Beat's job: the reminders now due (each claimed by its row)."""
    return reminders.session_reminders_send()


@shared_task
def send_morning_summary() -> int:
    """Beat's job: Dane's text on a day with sessions, once that day."""
    return reminders.morning_summaries_send()


@shared_task
def relay_client_emails() -> int:
    """Beat's job: queue the client emails that were committed but never queued, or lost their retry."""
    return client_emails.client_emails_relay()
