"""PostgreSQL restarted under load: requests during the outage fail cleanly, nothing is
half-written, and the app recovers by itself."""

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import OperationalError, connection

from bookings.models import Booking, InboundEmail
from workflow.relay import relay_stranded_work
from workflow.tests.phone import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

ORDER = "Client name: Jane Doe\nInstruments: drums\nSession length: 3 hours\nTimes: December 7, 2030, 2-5pm ET\n"


def post(url: str, n: int) -> int:
    payload = {"subject": f"Order {n}", "from": "a@b.example", "body_plain": ORDER, "message_id": f"<load-{n}@x>"}
    request = urllib.request.Request(  # noqa: S310 (the local test server)
        url + "/workflow/email",
        data=json.dumps(payload).encode(),
        headers={"Authorization": "Bearer test-zapier-token", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _database_answers() -> bool:
    try:
        connection.ensure_connection()
    except OperationalError:
        connection.close()
        return False
    return True


def test_postgres_restarted_under_load(live_server, celery_worker, settings):
    settings.RELAY_AFTER_SECONDS = 0
    answers: list[int] = []
    stop = threading.Event()

    def load() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            answers.append(post(live_server.url, n))

    sender = threading.Thread(target=load)
    sender.start()
    time.sleep(0.5)
    subprocess.run([os.environ["TEST_PG_RESTART"]], check=True)  # noqa: S603 (make test's own script)
    time.sleep(1.5)
    stop.set()
    sender.join(timeout=60)
    connection.close()  # the test's own connection died with the server
    wait_for(_database_answers, timeout=30, what="PostgreSQL to accept connections again")

    seen = Counter(answers)
    assert set(seen) <= {201, 500, 503}, seen  # clean failures only: no 4xx for good input
    assert answers[-1] == 201  # recovered by itself
    relay_stranded_work()  # anything stored before the outage and not read, or read and not booked, yet
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {InboundEmail.Status.PARSED}
    emails = InboundEmail.objects.count()
    wait_for(lambda: Booking.objects.count() == emails, timeout=60, what="the worker to make every booking")
    assert seen[201] <= Booking.objects.count() == emails  # one booking per email kept
    for booking in Booking.objects.all():  # nothing half-written: every booking whole
        assert booking.seats.count() == 1 and booking.requested_windows.count() == 1
