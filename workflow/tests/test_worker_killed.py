"""A Celery worker killed (SIGKILL) in the middle of sending: the text still goes out, once."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from messaging.models import Message
from messaging.services import message_queue
from workflow.celery import app
from workflow.relay import relay_stranded_work
from workflow.tests.phone import sms_lines, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture
def own_broker(monkeypatch):
    """A Redis database of this test's own, so no other worker in the test run takes the task."""
    url = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/5"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    app._pool, app.amqp._producer_pool = None, None
    yield url
    monkeypatch.undo()
    app._pool, app.amqp._producer_pool = None, None


def start_worker(broker: str, sms_file: Path, slow_seconds: float) -> subprocess.Popen:
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": "3",  # the killed worker's task comes back after 3 s
        "SEND_CLAIM_LEASE_SECONDS": "2",
        "SMS_BACKEND": "workflow.tests.slow_backend.SlowFileBackend",
        "SMS_FILE_PATH": str(sms_file),
        "SLOW_SEND_SECONDS": str(slow_seconds),
    }
    command = [CELERY, "-A", "workflow", "worker", "--pool=solo", "--without-heartbeat", "--loglevel=WARNING"]
    return subprocess.Popen(  # noqa: S603 (our own celery binary, our own arguments)
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def test_a_text_whose_worker_was_killed_mid_send_goes_out_once_after_restart(own_broker, tmp_path, settings):
    settings.SEND_CLAIM_LEASE_SECONDS, settings.RELAY_AFTER_SECONDS = 2, 0  # the relay's side, in this process
    sms_file = tmp_path / "sms.jsonl"
    first = start_worker(own_broker, sms_file, slow_seconds=60)
    second = None
    try:
        with transaction.atomic():
            message = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Exactly once")
        wait_for(lambda: Path(f"{sms_file}.started").exists(), timeout=30, what="the first worker to start sending")
        kill(first)  # SIGKILL, mid-send: nothing written, the task unacknowledged
        assert sms_lines(sms_file) == []

        second = start_worker(own_broker, sms_file, slow_seconds=0)
        # Whichever comes first brings it back: the broker redelivering the unacknowledged
        # task, or the relay (Beat, every minute) once the dead worker's claim has lapsed.
        wait_for(lambda: sms_lines(sms_file) or (relay_stranded_work() and False), timeout=30, what="the text")

        [line] = sms_lines(sms_file)
        assert line["body"] == "Exactly once"
        wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT, what="the Message to say so")
    finally:
        kill(first)
        if second is not None:
            kill(second)
