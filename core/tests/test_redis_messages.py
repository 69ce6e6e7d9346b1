"""A task message written by core.redis_messages is the one kombu's Redis transport writes.

Both go to the real Redis (a queue no worker reads, core.tests.broker.tasks_sent_apart) and
are compared as they lie there, field for field, but the ids each publish draws afresh. The
worker end-to-end tests (workflow/tests) show a worker taking and running them.
"""

import json
from types import SimpleNamespace

import pytest
import redis
from celery import current_app
from django.conf import settings

from core import redis_messages
from core.queueing import _registered, queue_now

from .broker import publishes_counted, tasks_sent_apart

FRESH = {("headers", "id"), ("headers", "root_id"), ("properties", "correlation_id"), ("properties", "delivery_tag")}


def as_stored(queue: str) -> list[dict]:
    """The messages in `queue`, oldest first, with the ids drawn for each publish set aside."""
    messages = [
        json.loads(raw) for raw in reversed(redis.Redis.from_url(settings.CELERY_BROKER_URL).lrange(queue, 0, -1))
    ]
    for message in messages:
        assert message["headers"]["id"] == message["headers"]["root_id"] == message["properties"]["correlation_id"]
        for part, name in FRESH:
            message[part][name] = "<fresh>"
    return messages


@pytest.mark.parametrize("name", ["bookings.tasks.book_inbound_email", "messaging.tasks.send_messages"])
def test_it_writes_the_message_kombu_writes_for_the_same_call(name):
    task = _registered(name)
    broker = redis_messages.redis_broker(current_app)
    assert broker is not None and redis_messages.usable(task)  # the plain case: this test's broker and tasks
    with tasks_sent_apart() as sent:
        with current_app.producer_or_acquire() as producer:
            task.apply_async(([7, 8],), producer=producer)  # Celery and kombu's own publish
        written = redis_messages.task_message(current_app, broker, task, ([7, 8],))
        assert written is not None
        queue = written[0]
        redis_messages.push(broker, [written])

        assert queue == current_app.conf.task_default_queue  # routed as Celery routes it
        kombus, ours = as_stored(queue)
        assert sent() == [(name, ([7, 8],))] * 2

    assert ours == kombus


def test_a_task_a_publish_signal_listens_for_goes_through_celery():
    """Beat's relay task has an after_task_publish listener (workflow.heartbeats): only Celery fires it."""
    relay = _registered("workflow.tasks.relay_stranded_work")
    assert not redis_messages.usable(relay)
    assert redis_messages.usable(_registered("bookings.tasks.start_booking"))


def test_a_task_with_an_expiry_of_its_own_goes_through_celery(monkeypatch):
    task = _registered("bookings.tasks.start_booking")
    monkeypatch.setattr(task, "expires", 60)
    monkeypatch.setattr(task, "_exec_options", None)  # Celery keeps the task's options once read
    assert not redis_messages.usable(task)
    with tasks_sent_apart() as sent:
        assert queue_now("bookings.tasks.start_booking", 3)
        assert sent() == [("bookings.tasks.start_booking", (3,))]
        [message] = as_stored(current_app.conf.task_default_queue)
    assert message["headers"]["expires"] is not None  # written by Celery's own publish


@pytest.mark.parametrize(
    ("url", "transport_options"),
    [
        ("redis://127.0.0.1:1/0", {"global_keyprefix": "studio:"}),  # kombu prefixes every key
        ("rediss://127.0.0.1:1/0", {}),  # TLS, with whatever broker_use_ssl says: kombu's connection
        ("filesystem://", {}),  # the laptop's broker
    ],
)
def test_a_broker_other_than_plain_redis_is_left_to_kombu(url, transport_options):
    assert redis_messages.redis_broker(AppLike(url, transport_options)) is None  # type: ignore[arg-type]
    assert redis_messages.redis_broker(AppLike("redis://127.0.0.1:1/0", {})) is not None  # type: ignore[arg-type]


class AppLike:
    """This app's settings, but the broker's."""

    def __init__(self, url: str, transport_options: dict) -> None:
        names = ["task_protocol", "task_serializer", "task_compression", "task_send_sent_event", "task_routes"]
        names += ["broker_connection_timeout", "task_default_priority", "task_inherit_parent_priority"]
        names += ["task_default_delivery_mode", "task_repr_maxlevels"]
        self.conf = SimpleNamespace(**{name: current_app.conf[name] for name in names})
        self.conf.broker_url, self.conf.broker_transport_options = url, transport_options


def test_the_webhook_and_press_tasks_take_this_path_and_a_batch_is_one_round_trip(monkeypatch):
    """What `publish` does for them: written here (kombu's path would also be one round trip, so
    the answer of `publish_plain` is what says which path took them)."""
    tasks = [(_registered("bookings.tasks.book_inbound_email"), (n,)) for n in range(3)]
    tasks += [(_registered("bookings.tasks.decide_offer_presses"), ("token",))]
    queue_now("messaging.tasks.send_message", 0)  # the client's connection open
    with tasks_sent_apart() as sent:
        with publishes_counted(monkeypatch) as published:
            assert redis_messages.publish_plain(current_app, tasks) is True
        assert sent() == [(task.name, args) for task, args in tasks]
    assert (published.lpushes, published.round_trips) == (4, 1)


def test_a_batch_with_one_task_that_is_not_plain_is_left_whole_to_kombu():
    relay = _registered("workflow.tasks.relay_stranded_work")
    with tasks_sent_apart() as sent:
        assert (
            redis_messages.publish_plain(
                current_app, [(_registered("bookings.tasks.start_booking"), (1,)), (relay, ())]
            )
            is False
        )
        assert sent() == []  # nothing written here: the caller publishes all of them through kombu


def test_with_redis_away_the_publish_says_so_and_raises_nothing(monkeypatch):
    from core.queueing import publish

    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # Celery reads it first; nothing listens there
    assert redis_messages.redis_broker(current_app).url == "redis://127.0.0.1:1/0"  # type: ignore[union-attr]
    assert publish([("messaging.tasks.send_message", (1,))]) is False
