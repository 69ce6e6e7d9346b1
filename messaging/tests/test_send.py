"""Sending a text: once, through the configured backend, never to an opted-out musician."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from messaging.backends import SmsError, memory
from messaging.gsm7 import is_gsm7, to_gsm7
from messaging.models import Message
from messaging.services import Sent, message_queue, message_send, retry_delay
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory

pytestmark = pytest.mark.django_db


def queue_alert(body: str = "Hello Dane") -> Message:
    return message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body=body)


def test_it_sends_a_queued_text_once_however_often_the_task_runs(outbox):
    message = queue_alert()

    assert message_send(message_id=message.pk).outcome is Sent.SENT
    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED

    assert [text.body for text in outbox] == ["Hello Dane"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == f"memory-{message.pk}"
    assert message.sent_at is not None


def test_it_never_texts_a_musician_who_opted_out(outbox):
    musician: Musician = MusicianFactory.create(opted_out_at=timezone.now())
    message = message_queue(purpose=Message.Purpose.NOTICE, to_phone=musician.phone, body="hi", musician=musician)

    assert message_send(message_id=message.pk).outcome is Sent.FAILED

    assert outbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "opted out" in message.error


def test_a_permanent_error_fails_the_text_with_the_reason_and_no_retry(outbox):
    memory.failures.append(SmsError("Invalid number", permanent=True))
    message = queue_alert()

    assert message_send(message_id=message.pk).outcome is Sent.FAILED

    message.refresh_from_db()
    assert (message.status, message.error) == (Message.Status.FAILED, "Invalid number")
    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED
    assert outbox == []


def test_a_passing_error_is_retried_later_and_the_text_goes_out_once(outbox, clock):
    memory.failures.append(SmsError("Throttled", permanent=False))
    message = queue_alert()

    first = message_send(message_id=message.pk)

    assert first.outcome is Sent.RETRY
    assert 12 <= first.retry_in <= 18  # 15 s, with jitter
    message.refresh_from_db()
    assert (message.status, message.send_started_at, message.attempts) == (Message.Status.QUEUED, None, 1)
    assert message.next_try_at == timezone.now() + dt.timedelta(seconds=first.retry_in)
    clock.shift(dt.timedelta(seconds=first.retry_in))
    assert message_send(message_id=message.pk).outcome is Sent.SENT
    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED
    assert [text.body for text in outbox] == ["Hello Dane"]


def test_backoff_doubles_and_is_capped():
    assert [round(retry_delay(n) / (15 * 2**n), 1) in {0.8, 0.9, 1.0, 1.1, 1.2} for n in range(5)] == [True] * 5
    assert 480 <= retry_delay(12) <= 720


def test_after_the_last_retry_the_text_fails_and_the_manager_is_told_once(outbox, settings, clock):
    settings.SMS_MAX_RETRIES = 2
    musician = MusicianFactory.create(name="Drew")
    message = message_queue(purpose=Message.Purpose.NOTICE, to_phone=musician.phone, body="hi", musician=musician)
    memory.failures.extend(SmsError("Server error 503", permanent=False) for _ in range(3))

    outcomes = []
    for _ in range(3):
        outcomes.append(message_send(message_id=message.pk).outcome)
        clock.shift(dt.timedelta(minutes=5))  # past any backoff so far

    assert outcomes == [Sent.RETRY, Sent.RETRY, Sent.FAILED]
    message.refresh_from_db()
    assert message.error == "Gave up after 3 tries: Server error 503"
    assert message.attempts == 3
    [alert] = Message.objects.filter(purpose=Message.Purpose.ALERT)
    assert alert.to_phone == "+12125550199"
    assert "a text to Drew (notice) failed: Gave up after 3 tries" in alert.body
    assert message_send(message_id=message.pk).outcome is Sent.SKIPPED
    assert Message.objects.filter(purpose=Message.Purpose.ALERT).count() == 1


def test_the_manager_is_not_alerted_about_a_failed_alert_to_the_manager(outbox, settings):
    settings.SMS_MAX_RETRIES = 0
    memory.failures.append(SmsError("Server error 500", permanent=False))
    message = queue_alert()

    assert message_send(message_id=message.pk).outcome is Sent.FAILED
    assert Message.objects.filter(purpose=Message.Purpose.ALERT).count() == 1  # just the one that failed


def test_a_reply_to_a_stop_still_reaches_the_musician_who_opted_out(outbox):
    musician = MusicianFactory.create(opted_out_at=timezone.now())
    message = message_queue(purpose=Message.Purpose.REPLY, to_phone=musician.phone, body="Bye", musician=musician)

    assert message_send(message_id=message.pk).outcome is Sent.SENT


def test_the_file_backend_writes_one_json_line_per_text(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    first, second = queue_alert("one"), queue_alert("two")

    message_send(message_id=first.pk)
    message_send(message_id=second.pk)

    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["to"], line["body"], line["kind"]) for line in lines] == [
        ("+12125550199", "one", "alert"),
        ("+12125550199", "two", "alert"),
    ]
    assert all(line["sent_at"].endswith("+00:00") for line in lines)


def test_texts_are_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        queue_alert()
        assert callbacks == []
    assert len(callbacks) == 1


def test_an_unknown_backend_name_says_which_ones_exist(settings):
    from django.core.exceptions import ImproperlyConfigured

    from messaging.backends import get_sms_backend

    settings.SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="console, file, memory"):
        get_sms_backend()


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("“Fly” — it’s 2\u00a0PM…", '"Fly" - it\'s 2 PM...'),
        ("café señor", "café señor"),
        ("emoji 🎸", "emoji ?"),
    ],
)
def test_texts_are_kept_in_gsm7(text, plain):
    assert to_gsm7(text) == plain
    assert is_gsm7(to_gsm7(text))


@pytest.mark.worker
def test_the_worker_retries_a_passing_error_and_sends_the_text_once(celery_worker, outbox, settings):
    from core.testing import wait_for

    settings.RETRY_BASE_SECONDS = 0.05
    memory.failures.extend([SmsError("Throttled", permanent=False), SmsError("HTTP 503", permanent=False)])

    message = queue_alert("Retried")  # queued after commit: the worker takes it from Redis

    wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT, what="the third try")
    assert [text.body for text in outbox] == ["Retried"]
    assert Message.objects.get(pk=message.pk).attempts == 2
