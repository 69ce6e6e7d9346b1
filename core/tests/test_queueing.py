"""Tasks are queued by name after the commit; every name the apps queue is a real task."""

import re
from pathlib import Path

import pytest
from celery import current_app

from core.queueing import queue_now

ROOT = Path(__file__).resolve().parents[2]
QUEUED = re.compile(r"queue_(?:after_commit|now)\(\s*\"([\w.]+)\"")


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
