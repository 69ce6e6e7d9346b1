"""Fixtures shared by every app's tests.

`make test` starts a throwaway PostgreSQL and Redis and points DATABASE_URL and
CELERY_BROKER_URL at them, so these fixtures use the real services.
"""

import threading
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker

from messaging.backends import memory
from workflow.celery import app as celery_app


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.SMS_BACKEND = "memory"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.ZAPIER_TOKEN = "test-zapier-token"
    settings.MANAGER_PHONE = "+12125550199"
    settings.PUBLIC_BASE_URL = "https://studio.example"
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def outbox() -> Iterator[list]:
    """Texts sent through the memory backend during the test."""
    memory.outbox.clear()
    yield memory.outbox
    memory.outbox.clear()


@pytest.fixture(scope="session")
def _celery_worker_thread(django_db_setup, django_db_blocker):
    """One real Celery worker for the session, consuming from the real broker."""
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ) as worker,
    ):
        yield worker


@pytest.fixture
def celery_worker(_celery_worker_thread, transactional_db):
    """A real worker; the test must use committed data (transactional_db) for it to see."""
    assert threading.active_count() > 1
    return _celery_worker_thread
