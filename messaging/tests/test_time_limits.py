"""A send cut short by the task's soft time limit lets go of its text and counts the try."""

import pytest
from django.utils import timezone

from messaging.models import Message
from messaging.services import message_queue
from messaging.tasks import send_message

pytestmark = pytest.mark.django_db


def test_a_send_cut_short_by_the_soft_limit_releases_its_claim_and_counts_the_try(settings, clock):
    settings.SMS_BACKEND = "messaging.tests.backends.CutShortBackend"
    text = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Slow")

    # Run as Celery would (apply: the real task, its request and its retry, here in place).
    # Its retry runs at once in place too, and does nothing: the row says the next try is not due.
    result = send_message.apply(args=[text.pk])

    assert result.get() == "skipped"
    text.refresh_from_db()
    assert (text.status, text.send_started_at, text.attempts) == (Message.Status.QUEUED, None, 1)
    assert "CELERY_TASK_SOFT_TIME_LIMIT" in text.error
    assert text.next_try_at is not None
    assert 12 <= (text.next_try_at - timezone.now()).total_seconds() <= 18  # the first backoff
