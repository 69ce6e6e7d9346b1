"""The send task: one text, once, with retries for passing errors."""

from celery import shared_task

from .services import Sent, message_send


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    result = message_send(message_id=message_id, attempt=self.request.retries)
    if result.outcome is Sent.RETRY:
        # The service counts the tries and gives up itself, so Celery's own limit is off.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value
