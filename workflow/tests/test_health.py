"""Health: the database, the broker, a worker that answers and a relay that ran, honestly."""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from workflow.celery import app as celery_app
from workflow.heartbeats import BEAT, RELAY, WORKER, heartbeat_record, heartbeats_forget, heartbeats_stale
from workflow.tasks import relay_stranded_work
from workflow.tests.phone import wait_for

CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture(autouse=True)
def _no_heartbeats_yet():
    heartbeats_forget(names=[WORKER, BEAT, RELAY])
    yield
    heartbeats_forget(names=[WORKER, BEAT, RELAY])


def seen(name: str) -> bool:
    return name not in heartbeats_stale(names=[name])


def last_seen(name: str):
    return heartbeats_stale(names=[name], now=timezone.now() + dt.timedelta(days=1))[name]


def production_shape(settings) -> None:
    """As docker-compose runs it: HTTPS redirect on, only the public host allowed."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["bookings.example.com"]
    settings.PUBLIC_BASE_URL = "https://bookings.example.com"


def run_health(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("health", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_it_says_unhealthy_when_the_relay_never_ran(client):
    response = client.get("/health")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["broker"]["ok"]
    assert not checks["relay"]["ok"]
    assert "never" in checks["relay"]["detail"]


@pytest.mark.django_db
def test_it_says_so_quickly_when_the_broker_is_down(client, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens here once the socket closes
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed}/0")  # Celery reads it before its config
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    try:
        started = time.monotonic()
        response = client.get("/health")
        took = time.monotonic() - started
    finally:
        monkeypatch.undo()
        celery_app._pool, celery_app.amqp._producer_pool = None, None

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["database"]["ok"], checks["broker"]["ok"], checks["worker"]["ok"]) == (True, False, False)
    assert checks["worker"]["detail"] == "not asked: the broker is down"
    assert took < 10


@pytest.mark.django_db
def test_it_says_unhealthy_when_the_relay_last_ran_too_long_ago(client, settings):
    settings.HEALTH_STALE_MINUTES = 5
    heartbeat_record(name=RELAY, at=timezone.now() - dt.timedelta(minutes=6))

    checks = client.get("/health").json()["checks"]

    assert not checks["relay"]["ok"]


@pytest.mark.worker
def test_it_is_healthy_with_a_worker_that_answers_and_a_relay_that_ran(client, celery_worker):
    relay_stranded_work.delay()
    wait_for(lambda: seen(RELAY), what="the relay's heartbeat")

    response = client.get("/health")

    assert response.status_code == 200, response.json()
    assert {name: check["ok"] for name, check in response.json()["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
        "relay": True,
    }


@pytest.mark.django_db
def test_it_answers_on_loopback_in_the_production_shape_without_the_https_redirect(client, settings):
    production_shape(settings)
    heartbeat_record(name=RELAY)

    response = client.get("/health", HTTP_HOST="bookings.example.com")
    liveness = client.get("/healthz", HTTP_HOST="bookings.example.com")

    assert response.status_code in (200, 503)  # an answer, not a redirect to https
    assert json.loads(response.content)["checks"]["relay"]["ok"]
    assert liveness.status_code == 200
    assert client.get("/admin/login/", HTTP_HOST="bookings.example.com").status_code == 301


@pytest.mark.django_db
def test_the_healthz_liveness_check_still_answers_ok(client):
    assert client.get("/healthz").json() == {"ok": True}


# The management command the docker-compose healthchecks run


@pytest.mark.worker
def test_the_web_check_passes_against_a_real_server_in_the_production_shape(live_server, settings, celery_worker):
    production_shape(settings)
    heartbeat_record(name=RELAY)
    port = live_server.url.rsplit(":", 1)[1]

    code, out = run_health("--web", "--port", port)

    assert code == 0, out


@pytest.mark.worker
def test_the_worker_check_passes_when_its_worker_answers_a_ping(celery_worker):
    code, out = run_health("--worker", "--node", celery_worker.hostname)

    assert code == 0, out


@pytest.mark.worker
def test_the_worker_check_fails_when_no_such_worker_answers(celery_worker, settings):
    settings.HEALTH_PING_TIMEOUT_SECONDS = 0.3

    code, out = run_health("--worker", "--node", "celery@nobody-here")

    assert code == 1
    assert "no answer" in out


@pytest.mark.django_db
def test_the_beat_check_passes_only_when_beat_sent_the_relay_lately(settings):
    settings.HEALTH_STALE_MINUTES = 5
    never = run_health("--beat")
    heartbeat_record(name=BEAT)
    lately = run_health("--beat")

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        stale = run_health("--beat")

    assert [never[0], lately[0], stale[0]] == [1, 0, 1]


# Heartbeats


@pytest.mark.django_db
def test_sending_the_relay_records_that_beat_was_seen():
    relay_stranded_work.apply_async(queue="health-test-nobody-consumes")

    assert seen(BEAT)
    assert not seen(RELAY)


def test_a_running_worker_records_that_it_was_seen_every_few_seconds():
    worker = start_worker_process(heartbeat_seconds=0.5)
    try:
        wait_for(lambda: seen(WORKER), timeout=60, what="the worker's heartbeat")
        first = last_seen(WORKER)
        wait_for(lambda: last_seen(WORKER) > first, what="the next heartbeat")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


def start_worker_process(*, heartbeat_seconds: float) -> subprocess.Popen:
    """A real worker, as `celery -A workflow worker` runs it, on a queue of its own."""
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "WORKER_HEARTBEAT_SECONDS": str(heartbeat_seconds),
    }
    command = [CELERY, "-A", "workflow", "worker", "--pool=solo", "-Q", "health-test-idle", "--loglevel=WARNING"]
    return subprocess.Popen(  # noqa: S603 (our own celery binary, our own arguments)
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


# Dane's board


@pytest.mark.django_db
def test_the_board_warns_when_the_worker_or_beat_has_not_been_seen(admin_client, settings):
    settings.HEALTH_STALE_MINUTES = 5
    heartbeat_record(name=WORKER, at=timezone.now() - dt.timedelta(minutes=6))

    page = admin_client.get("/admin/board/").content.decode()

    assert 'id="background-parts-banner"' in page
    assert "The worker (it sends the texts) has not been seen for 6\xa0minutes" in page
    assert "Beat (it runs the sweep and the relay) has not been seen at all" in page


@pytest.mark.django_db
def test_the_board_shows_no_banner_when_both_were_seen_lately(admin_client):
    heartbeat_record(name=WORKER)
    heartbeat_record(name=BEAT)

    page = admin_client.get("/admin/board/").content.decode()

    assert "background-parts-banner" not in page


def test_the_compose_healthchecks_of_web_worker_and_beat_run_the_health_command():
    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())

    tests = {name: compose["services"][name]["healthcheck"]["test"] for name in ("web", "worker", "beat")}

    assert tests == {
        "web": ["CMD", "python", "manage.py", "health", "--web"],
        "worker": ["CMD", "python", "manage.py", "health", "--worker"],
        "beat": ["CMD", "python", "manage.py", "health", "--beat"],
    }


@pytest.mark.django_db
def test_the_banner_alone_is_for_the_admin_only(client, admin_client):
    assert client.get("/admin/board/banner").status_code == 302  # to the login page
    assert "background-parts-banner" in admin_client.get("/admin/board/banner").content.decode()
