from celery import shared_task

from .services import message_send


@shared_task(acks_late=True)
def send_message(message_id: int) -> bool:
    return message_send(message_id=message_id)
