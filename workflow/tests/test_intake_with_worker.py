"""The whole intake path on real parts: HTTP in, Redis, a real Celery worker, a text out."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookings.models import Booking, InboundEmail
from messaging.models import Message

ORDER = (
    "Client name: Jane Doe\nSong: Fly Me to the Moon\nInstruments: drums, keys\n"
    "Session length: 3 hours\nAvailable times:\n- December 5, 2030, 2-5pm ET\n"
)


def post(live_server, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (a local test server over http)
        live_server.url + "/workflow/email",
        data=json.dumps(payload).encode(),
        headers={"Authorization": "Bearer test-zapier-token", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local test server)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.1)


def sms_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.worker
def test_an_unreadable_email_reaches_the_manager_by_text_through_the_worker(live_server, celery_worker, settings):
    settings.SMS_BACKEND = "file"
    sms_file = Path(settings.SMS_FILE_PATH)

    status, body = post(live_server, {"subject": "Hello", "from": "a@b.example", "body_plain": "Hi there"})

    assert status == 422
    wait_for(lambda: len(sms_lines(sms_file)) == 1)
    [text] = sms_lines(sms_file)
    assert text["to"] == "+12125550199"
    assert text["kind"] == "alert"
    assert f"/admin/board/orders/new?email={body['inbound_email']}" in text["body"]
    wait_for(lambda: Message.objects.get().status == Message.Status.SENT)


@pytest.mark.worker
def test_twenty_identical_webhooks_at_once_make_one_booking(live_server, celery_worker):
    payload = {"subject": "Order", "from": "a@b.example", "body_plain": ORDER, "message_id": "<same@x>"}

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: post(live_server, payload), range(20)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201]
    assert len({body["booking"] for _, body in answers}) == 1
    assert Booking.objects.count() == 1
    assert InboundEmail.objects.count() == 20
    assert InboundEmail.objects.filter(status=InboundEmail.Status.DUPLICATE).count() == 19
