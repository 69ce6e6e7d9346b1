"""Sending a text: once, through the configured backend, never to an opted-out musician."""

import json

import pytest
from django.db import transaction
from django.utils import timezone

from messaging.backends import SmsError, memory
from messaging.gsm7 import is_gsm7, to_gsm7
from messaging.models import Message
from messaging.services import message_queue, message_send
from musicians.models import Musician
from musicians.tests.factories import MusicianFactory

pytestmark = pytest.mark.django_db


def queue_alert(body: str = "Hello Dane") -> Message:
    return message_queue(kind=Message.Kind.ALERT, to_phone="+12125550199", body=body)


def test_it_sends_a_queued_text_once_however_often_the_task_runs(outbox):
    message = queue_alert()

    assert message_send(message_id=message.pk) is True
    assert message_send(message_id=message.pk) is False

    assert [text.body for text in outbox] == ["Hello Dane"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == f"memory-{message.pk}"
    assert message.sent_at is not None


def test_it_never_texts_a_musician_who_opted_out(outbox):
    musician: Musician = MusicianFactory.create(opted_out_at=timezone.now())
    message = message_queue(kind=Message.Kind.NOTICE, to_phone=musician.phone, body="hi", musician=musician)

    assert message_send(message_id=message.pk) is False

    assert outbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "opted out" in message.error


def test_a_backend_error_marks_the_text_failed_with_the_reason(outbox, monkeypatch):
    def refuse(self, text):
        raise SmsError("Invalid number", permanent=True)

    monkeypatch.setattr(memory.MemoryBackend, "send", refuse)
    message = queue_alert()

    message_send(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.error) == (Message.Status.FAILED, "Invalid number")


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
