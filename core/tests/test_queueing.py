"""Tasks are queued by name after the commit; every name the apps queue is a real task."""

import re
from contextlib import suppress
from pathlib import Path

import pytest
from celery import current_app
from django.db import transaction

from core.queueing import published_together, queue_after_commit, queue_all_after_commit, queue_now

from .broker import publishes_counted

ROOT = Path(__file__).resolve().parents[2]
QUEUED = re.compile(r"queue_(?:after_commit|each_after_commit|now)\(\s*\"([\w.]+)\"")


def names_queued_in_the_code() -> set[str]:
    names = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" not in path.parts and "tests" not in path.parts:
            names |= set(QUEUED.findall(path.read_text()))
    return names


def test_it_finds_every_task_the_apps_queue_by_name():
    names = names_queued_in_the_code()

    assert "messaging.tasks.send_message" in names and "bookings.tasks.start_booking" in names
    current_app.loader.import_default_modules()
    assert names <= set(current_app.tasks), names - set(current_app.tasks)


def test_a_name_that_is_no_task_fails_loudly():
    with pytest.raises(KeyError):
        queue_now("bookings.tasks.no_such_task", 1)


def test_many_threads_queueing_at_once_in_a_fresh_process_find_every_task():
    """The first queueing of a web process loads the apps' tasks modules once, under a lock:
    twelve simultaneous first webhooks used to find the registry half-filled (NotRegistered)."""
    import subprocess
    import sys

    script = """
import os, threading, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow.settings")
django.setup()
from core import queueing
found, barrier = [], threading.Barrier(12)
def first_queue():
    barrier.wait()
    found.append(queueing._registered("bookings.tasks.start_booking").name)
threads = [threading.Thread(target=first_queue) for _ in range(12)]
[t.start() for t in threads]
[t.join() for t in threads]
print(len(found))
"""
    result = subprocess.run(  # noqa: S603 (our own interpreter on our own script)
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "12", result.stderr[-2000:]


# Publishing together: one broker round trip for what one commit queues


@pytest.fixture
def warm_broker():
    """One publish first, so the pool's connection is open and the queue declared: what follows
    counts the publishes alone (kombu declares a queue once per connection)."""
    queue_now("messaging.tasks.send_message", 0)  # no such text: a worker that takes it skips it


@pytest.mark.django_db
def test_it_publishes_every_task_of_a_commit_inside_published_together_in_one_round_trip(
    warm_broker, monkeypatch, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks(execute=True)
    with publishes_counted(monkeypatch) as published, published_together(), commit, transaction.atomic():
        queue_after_commit("messaging.tasks.send_message", 0)
        queue_after_commit("bookings.tasks.start_booking", 0)
        queue_all_after_commit([("messaging.tasks.send_message", (0,))] * 3)

    assert published.lpushes == 5  # every task reached Redis
    assert published.round_trips == 1


@pytest.mark.django_db
def test_without_published_together_each_commit_callback_publishes_on_its_own(
    warm_broker, monkeypatch, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks(execute=True)
    with publishes_counted(monkeypatch) as published, commit, transaction.atomic():
        queue_after_commit("messaging.tasks.send_message", 0)
        queue_all_after_commit([("messaging.tasks.send_message", (0,))] * 3)

    assert (published.lpushes, published.round_trips) == (4, 2)


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_inside_published_together_publishes_nothing_of_its_own(warm_broker, monkeypatch):
    with publishes_counted(monkeypatch) as published, published_together(), transaction.atomic():
        queue_after_commit("messaging.tasks.send_message", 0)
        with suppress(RuntimeError), transaction.atomic():
            queue_after_commit("bookings.tasks.start_booking", 0)
            raise RuntimeError("this booking's step failed")

    assert (published.lpushes, published.round_trips) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_published_before_the_block_ends(warm_broker, monkeypatch):
    with publishes_counted(monkeypatch) as published, published_together():
        with transaction.atomic():
            queue_after_commit("messaging.tasks.send_message", 0)
        committed_but_held = published.round_trips

    assert committed_but_held == 0
    assert published.round_trips == 1
