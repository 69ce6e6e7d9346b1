"""The whole intake path on real parts: HTTP in, Redis, a real Celery worker, a text out."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookings.models import Booking, InboundEmail, Offer
from messaging.models import Message
from musicians.tests.factories import MusicianFactory

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
def test_the_webhook_answers_201_and_the_worker_makes_one_booking_and_its_first_offers(
    live_server, celery_worker, outbox
):
    drew, kim = MusicianFactory(name="Drew", plays=["drums"]), MusicianFactory(name="Kim", plays=["keyboard"])
    payload = {"subject": "Order", "from": "a@b.example", "body_plain": ORDER, "message_id": "<one@x>"}

    status, body = post(live_server, payload)

    assert status == 201
    email = InboundEmail.objects.get(pk=body["inbound_email"])
    wait_for(lambda: len(outbox) == 2)  # the first offers texted: the booking made and planned
    booking = Booking.objects.get()
    assert booking.inbound_email == email and booking.planned_at is not None
    offers = Offer.objects.filter(booking=booking)
    assert sorted(o.musician.name for o in offers) == ["Drew", "Kim"]
    assert {text.to for text in outbox} == {drew.phone, kim.phone}


@pytest.mark.worker
def test_twenty_identical_webhooks_at_once_make_one_booking(live_server, celery_worker):
    payload = {"subject": "Order", "from": "a@b.example", "body_plain": ORDER, "message_id": "<same@x>"}

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: post(live_server, payload), range(20)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201]
    assert len({body["inbound_email"] for _, body in answers}) == 1  # every copy answered as the first
    wait_for(lambda: Booking.objects.filter(planned_at__isnull=False).exists())
    assert Booking.objects.count() == 1
    assert {body.get("booking", Booking.objects.get().pk) for _, body in answers} == {Booking.objects.get().pk}
    assert InboundEmail.objects.count() == 20
    assert InboundEmail.objects.filter(status=InboundEmail.Status.DUPLICATE).count() == 19
