"""Several texts stored by one commit: one publish for them all, each still sent once."""

import datetime as dt

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from core.queueing import queue_now
from core.tests.broker import publishes_counted
from messaging.backends import SmsError, memory
from messaging.models import Message
from messaging.services import Draft, message_groups_queue, messages_queue
from messaging.tasks import send_messages
from musicians.tests.factories import MusicianFactory

pytestmark = pytest.mark.django_db

PHONES = ["+12125550101", "+12125550102", "+12125550103", "+12125550104"]


def offers(count: int = 4) -> list[Draft]:
    return [Draft(Message.Purpose.OFFER, phone, f"Offer {n}") for n, phone in enumerate(PHONES[:count], 1)]


def test_a_commit_storing_four_texts_queues_them_in_one_broker_round_trip(
    monkeypatch, django_capture_on_commit_callbacks
):
    queue_now("messaging.tasks.send_message", 0)  # the pool's connection open, the queue declared
    commit = django_capture_on_commit_callbacks(execute=True)
    with publishes_counted(monkeypatch) as published, commit, transaction.atomic():
        messages_queue(offers())

    assert (published.round_trips, published.lpushes) == (1, 1)


def test_groups_of_texts_are_stored_in_one_insert_and_sent_by_a_task_each_in_one_round_trip(
    monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries, outbox
):
    later = timezone.now() + dt.timedelta(hours=8)
    held = Draft(Message.Purpose.OFFER, PHONES[3], "Offer 4", send_after=later)
    queue_now("messaging.tasks.send_message", 0)
    commit = django_capture_on_commit_callbacks(execute=True)
    with publishes_counted(monkeypatch) as published, commit, transaction.atomic(), django_assert_num_queries(1):
        groups = message_groups_queue([offers(2), offers(3)[2:], [held], []])

    assert [[text.body for text in group] for group in groups] == [["Offer 1", "Offer 2"], ["Offer 3"], ["Offer 4"], []]
    assert (published.round_trips, published.lpushes) == (1, 2)  # one send_messages, one send_message; held waits


def test_it_sends_each_text_of_the_commit_once_however_often_the_task_runs(outbox):
    texts = messages_queue(offers())
    ids = [text.pk for text in texts]

    assert send_messages.apply(args=[ids]).get() == ["sent"] * 4
    assert send_messages.apply(args=[ids]).get() == ["skipped"] * 4  # a redelivery: each row claimed already

    assert [text.body for text in outbox] == ["Offer 1", "Offer 2", "Offer 3", "Offer 4"]
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}


def test_an_opted_out_musician_is_skipped_and_the_others_still_get_theirs(outbox):
    gone = MusicianFactory.create(phone=PHONES[1], opted_out_at=timezone.now())
    drafts = offers(3)
    drafts[1] = Draft(Message.Purpose.OFFER, gone.phone, "Offer 2", gone)
    texts = messages_queue(drafts)

    assert send_messages.apply(args=[[t.pk for t in texts]]).get() == ["sent", "failed", "sent"]
    assert [text.body for text in outbox] == ["Offer 1", "Offer 3"]


def test_a_text_that_must_be_tried_again_gets_a_send_of_its_own_and_the_rest_go_on(outbox, monkeypatch, settings):
    settings.RETRY_BASE_SECONDS = 0.05  # a worker of the session that takes the retry runs it soon
    memory.failures.append(SmsError("HTTP 503", permanent=False))
    texts = messages_queue(offers(3))
    queue_now("messaging.tasks.send_message", 0)
    with publishes_counted(monkeypatch) as published:
        outcomes = send_messages.apply(args=[[t.pk for t in texts]]).get()

    assert outcomes == ["retry", "sent", "sent"]
    assert [text.body for text in outbox] == ["Offer 2", "Offer 3"]
    first = Message.objects.get(pk=texts[0].pk)
    assert (first.status, first.attempts, first.next_try_at is not None) == (Message.Status.QUEUED, 1, True)
    assert (published.lpushes, published.round_trips) == (1, 1)  # its own send_message, for the first alone


def test_in_eager_mode_the_texts_are_sent_in_place_at_the_commit(
    outbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages_queue(offers())

    assert [text.body for text in outbox] == ["Offer 1", "Offer 2", "Offer 3", "Offer 4"]


@pytest.mark.worker
def test_the_worker_sends_every_text_of_the_commit(celery_worker, outbox):
    from core.testing import wait_for

    messages_queue(offers())  # committed (transactional db): the worker takes the one task from Redis

    wait_for(lambda: len(outbox) == 4, what="four texts from one task")
    assert sorted(text.to for text in outbox) == PHONES
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
