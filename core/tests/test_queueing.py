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
