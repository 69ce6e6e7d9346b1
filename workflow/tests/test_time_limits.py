"""Every task has a time limit, set from the environment, and the send task lets go at the soft one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.testing import wait_for
from messaging.models import Message
from messaging.tasks import send_message
from workflow.celery import app

CELERY = str(Path(sys.executable).with_name("celery"))


def test_the_time_limit_settings_reach_the_celery_app():
    assert (settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT) == (240, 300)
    assert (app.conf.task_soft_time_limit, app.conf.task_time_limit) == (240, 300)


def test_the_time_limits_are_read_from_the_environment():
    env = os.environ | {"CELERY_TASK_SOFT_TIME_LIMIT": "50", "CELERY_TASK_TIME_LIMIT": "60"}
    show = "from workflow.celery import app; print(app.conf.task_soft_time_limit, app.conf.task_time_limit)"
    shown = subprocess.run(  # noqa: S603 (our own python, our own arguments)
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    assert shown.stdout.split()[-2:] == ["50", "60"]


@pytest.fixture
def own_broker(monkeypatch):
    """A Redis database of this test's own, so no other worker in the test run takes the task."""
    url = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/7"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    app._pool, app.amqp._producer_pool = None, None
    yield url
    monkeypatch.undo()
    app._pool, app.amqp._producer_pool = None, None


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_at_the_soft_limit_counts_the_try_and_lets_go_of_the_text(own_broker, tmp_path):
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": own_broker,
        "CELERY_TASK_SOFT_TIME_LIMIT": "2",
        "CELERY_TASK_TIME_LIMIT": "30",
        "RETRY_BASE_SECONDS": "600",  # no second try while the test looks
        "SMS_BACKEND": "workflow.tests.slow_backend.SlowFileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "SLOW_SEND_SECONDS": "20",  # far past the soft limit
    }
    # The prefork pool: time limits are enforced there (solo ignores them).
    command = [CELERY, "-A", "workflow", "worker", "--pool=prefork", "--concurrency=1", "--without-heartbeat",
               "--loglevel=WARNING"]  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603 (our own celery binary, our own arguments)
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        text = Message.objects.create(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Slow")
        # Celery writes the limits into each task's headers when it is queued, and the worker
        # goes by those: this process queues the text, so it says the worker's short limit.
        send_message.apply_async(args=[text.pk], soft_time_limit=2)

        wait_for(lambda: Message.objects.get(pk=text.pk).attempts == 1, timeout=40, what="the soft limit")

        text.refresh_from_db()
        assert (text.status, text.send_started_at) == (Message.Status.QUEUED, None)
        assert "CELERY_TASK_SOFT_TIME_LIMIT" in text.error
        assert text.next_try_at is not None
        assert not (tmp_path / "sms.jsonl").exists()
    finally:
        os.killpg(worker.pid, 9)
        worker.wait(timeout=10)
