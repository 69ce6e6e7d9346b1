"""Fixtures shared by every app's tests.

`make test` starts a throwaway PostgreSQL and Redis and points DATABASE_URL and
CELERY_BROKER_URL at them, so these fixtures use the real services.
"""

import importlib
import time
from collections.abc import Iterator

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.apps import apps
from django.conf import settings
from django.core.servers.basehttp import WSGIServer

from messaging.backends import memory
from workflow.celery import app as celery_app

# The live server's listen backlog: Django's development server keeps 10 waiting connections, so
# 50 phones pressing YES at once had the rest reset by the kernel (a flaky "Connection reset by
# peer"). gunicorn, which serves the app in production, keeps 2048; the tests' server keeps 256.
WSGIServer.request_queue_size = 256


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.SMS_BACKEND = "memory"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.ZAPIER_TOKEN = "test-zapier-token"
    settings.MANAGER_PHONE = "+12125550199"
    settings.PUBLIC_BASE_URL = "https://studio.example"
    # The tests written for the seed's engine keep it; the paced policy's own tests choose it.
    settings.FILL_POLICY = "seed"
    # No collectstatic before tests: serve static files without the manifest.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture(autouse=True)
def _reference_data_read_afresh():
    """Each test starts from an emptied or rolled-back database, which sends no signal: what this
    process kept of the catalog and the studio (core.stamped) is forgotten, as a new process would."""
    from core.stamped import stamped_caches_forget

    stamped_caches_forget()
    yield
    stamped_caches_forget()


@pytest.fixture
def eager_tasks(monkeypatch):
    """Tasks run in place when they are queued, as the worker would run them (and their errors raise);
    with django_capture_on_commit_callbacks(execute=True), what a commit queues runs."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture
def clock():
    """Time stands still at NOW (bookings.tests.factories) until the test moves it."""
    from bookings.tests.factories import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def outbox() -> Iterator[list]:
    """Texts sent through the memory backend during the test."""
    memory.outbox.clear()
    memory.failures.clear()
    yield memory.outbox
    memory.outbox.clear()
    memory.failures.clear()


_worker_running = False


@pytest.fixture(scope="session")
def _celery_worker_thread(django_db_setup, django_db_blocker):
    """One real Celery worker for the session, consuming from the real broker."""
    global _worker_running
    _worker_running = True
    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ) as worker,
    ):
        yield worker


@pytest.fixture
def seeded_instruments(transactional_db):
    """Transactional tests empty every table when they end, the instruments a migration
    seeded too; put them back with the migration's own code."""
    migration = importlib.import_module("musicians.migrations.0002_seed_instruments")
    migration.seed(apps, None)


@pytest.fixture
def celery_worker(_celery_worker_thread, seeded_instruments):
    """A real worker; the test's data is committed (transactional_db) so the worker sees it."""
    return _celery_worker_thread


@pytest.fixture(autouse=True)
def _worker_idle_before_the_tables_are_emptied(request):
    """Once the session's worker runs, any test that queues a task (a live server's webhook,
    the relay) leaves it work; let it finish before the database fixture empties the tables
    under it. Requesting pytest-django's db helper first makes this teardown run before its
    flush; a test that uses no database is left without one."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("_django_db_helper")
    yield
    if uses_db and _worker_running:
        _wait_until_idle()


def _wait_until_idle(timeout: float = 15.0) -> None:
    """Let the worker finish what the test started before the tables are emptied under it.

    The worker runs in this process, so its own bookkeeping says what it holds.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while worker_state.active_requests or worker_state.reserved_requests or broker.llen("celery"):
        if time.monotonic() > deadline:
            return  # a stuck task is the next test's problem to show, not this teardown's
        time.sleep(0.05)
