"""Held texts: stored now, not sent before `send_after`, queued by the relay once it has passed."""

import datetime as dt

import pytest
from django.utils import timezone

from messaging.backends import memory
from messaging.models import Message
from messaging.services import Draft, Sent, message_queue, message_send, messages_queue

pytestmark = pytest.mark.django_db


def test_it_stores_the_hold_and_queues_nothing_before_it(outbox, clock, django_capture_on_commit_callbacks):
    eight = timezone.now() + dt.timedelta(hours=20)
    with django_capture_on_commit_callbacks() as queued:
        held = message_queue(purpose=Message.Purpose.REMINDER, to_phone="+15705550123", body="hi", send_after=eight)

    assert held.send_after == eight
    assert Message.objects.get(pk=held.pk).send_after == eight
    assert queued == []  # the relay queues it once eight has passed


def test_a_run_before_the_hold_ends_does_nothing(outbox, clock):
    memory.tried.clear()
    eight = timezone.now() + dt.timedelta(hours=1)
    held = message_queue(purpose=Message.Purpose.REMINDER, to_phone="+15705550123", body="hi", send_after=eight)

    assert message_send(message_id=held.pk).outcome is Sent.SKIPPED

    held.refresh_from_db()
    assert (held.status, held.send_started_at, held.attempts) == (Message.Status.QUEUED, None, 0)  # no claim
    assert memory.tried == []  # no provider call
    clock.move_to(eight)
    assert message_send(message_id=held.pk).outcome is Sent.SENT
    assert [text.body for text in outbox] == ["hi"]


def test_a_hold_already_over_is_queued_on_commit(clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        message_queue(purpose=Message.Purpose.REMINDER, to_phone="+15705550123", body="hi", send_after=timezone.now())
    assert len(queued) == 1


def test_texts_held_or_not_are_stored_with_one_insert(clock, django_assert_num_queries):
    eight = timezone.now() + dt.timedelta(hours=20)
    drafts = [Draft(Message.Purpose.OFFER, f"+1570555{n:04d}", "Drums?", send_after=eight if n % 2 else None)
              for n in range(50)]  # fmt: skip

    with django_assert_num_queries(1):
        messages = messages_queue(drafts)

    assert sum(1 for message in messages if message.send_after == eight) == 25
    assert Message.objects.filter(send_after=eight).count() == 25
