"""The send task: one text, once, with retries for passing errors."""

from celery import shared_task

from .models import Message
from .services import Sent, message_send


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    result = message_send(message_id=message_id, attempt=self.request.retries)
    if result.outcome is Sent.RETRY:
        # The service counts the tries and gives up itself, so Celery's own limit is off.
        raise self.retry(countdown=result.retry_in)
    if result.outcome is Sent.FAILED and result.message and result.message.kind == Message.Kind.OFFER:
        from bookings.answers import offer_text_failed  # bookings builds on messaging, not the reverse

        offer_text_failed(offer_id=message_id)
    return result.outcome.value
