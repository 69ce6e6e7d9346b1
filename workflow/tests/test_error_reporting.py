"""Error reporting: with a DSN, a crash in a view reaches the Sentry server; without, nothing loads."""

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.urls import path
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from workflow.error_reporting import error_reporting_start


class SentryStandIn(BaseHTTPRequestHandler):
    """Stands in for Sentry's ingest: keeps every envelope posted to it."""

    envelopes: list[str] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_stand_in() -> Iterator[str]:
    SentryStandIn.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public-key@127.0.0.1:{server.server_address[1]}/42"
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)  # every later test runs without Sentry
    server.shutdown()
    thread.join()


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the sweep fell over at 14:00")


urlpatterns = [path("broken", broken_view)]


@pytest.mark.django_db
def test_it_sends_a_crash_in_a_view_to_the_dsn(client, settings, sentry_stand_in):
    settings.SENTRY_DSN = sentry_stand_in
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    assert error_reporting_start()
    response = client.get("/broken")
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    events = [json.loads(line) for envelope in SentryStandIn.envelopes for line in envelope.splitlines()[2::2]]
    [crash] = [event for event in events if "exception" in event]
    assert crash["exception"]["values"][-1]["type"] == "RuntimeError"
    assert crash["exception"]["values"][-1]["value"] == "the sweep fell over at 14:00"
    assert crash["transaction"] == "/broken"


@pytest.mark.django_db
def test_with_a_dsn_tasks_are_reported_and_beats_schedule_is_monitored(settings, sentry_stand_in):
    settings.SENTRY_DSN = sentry_stand_in

    error_reporting_start()

    celery = sentry_sdk.get_client().get_integration(CeleryIntegration)
    assert celery is not None and celery.monitor_beat_tasks
    assert sentry_sdk.get_client().get_integration(DjangoIntegration) is not None


def test_without_a_dsn_sentry_is_neither_started_nor_imported():
    env = os.environ | {"SENTRY_DSN": ""}
    script = "import django, sys; django.setup(); print('sentry_sdk' in sys.modules)"

    out = subprocess.run(  # noqa: S603 (our own interpreter, our own script)
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=60
    )

    assert out.stdout.strip() == "False"


def test_without_a_dsn_it_does_not_start(settings):
    settings.SENTRY_DSN = ""

    assert not error_reporting_start()
    assert not sentry_sdk.is_initialized()
