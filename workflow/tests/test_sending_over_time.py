"""Texts over virtual hours, with the relay passing every minute and a worker that keeps Celery's times.

A provider outage costs each text its own retries, however often the relay passes;
a held text goes out by the first relay pass after its time, not before.
"""

import datetime as dt
import itertools
from urllib.parse import parse_qsl

import pytest
import responses

from messaging import listeners
from messaging.backends import SmsError, memory
from messaging.models import Message
from messaging.services import message_queue
from musicians.tests.factories import MusicianFactory
from workflow.celery import app
from workflow.relay import relay_stranded_work
from workflow.tests.virtual_worker import VirtualWorker

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_broker(monkeypatch, settings):
    """A Redis database of this test's own, so the session's worker (if any) takes nothing from it."""
    monkeypatch.setenv("CELERY_BROKER_URL", settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/6")
    app._pool, app.amqp._producer_pool = None, None
    yield
    monkeypatch.undo()
    app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def worker(own_broker):
    worker = VirtualWorker(app)
    worker.purge()
    yield worker
    worker.purge()
    worker.close()


@pytest.fixture
def provider_down(outbox):
    """Every send fails with a passing error (Vonage answering 503), for as long as the test runs."""
    memory.tried.clear()
    memory.outage = SmsError("Vonage could not take the text just now (HTTP 503).", permanent=False)
    yield memory.tried
    memory.outage = None
    memory.tried.clear()


@pytest.fixture
def failures_heard():
    heard: list[tuple[int, bool]] = []

    def listener(message: Message, gave_up: bool, now: dt.datetime) -> None:
        heard.append((message.pk, gave_up))

    listeners.registry.failures.append(listener)
    yield heard
    listeners.registry.failures.remove(listener)


def run_for(worker: VirtualWorker, clock, minutes: int) -> None:
    """Virtual minutes, second by second: Beat's relay every minute, the worker running what is due."""
    for second in range(minutes * 60):
        if second % 60 == 0:
            relay_stranded_work()
        worker.run_due()
        clock.shift(dt.timedelta(seconds=1))


def queue_notice_to_drew(django_capture_on_commit_callbacks) -> Message:
    drew = MusicianFactory.create(name="Drew")
    with django_capture_on_commit_callbacks(execute=True):  # queued on commit, as in production
        return message_queue(purpose=Message.Purpose.NOTICE, to_phone=drew.phone, body="Session moved", musician=drew)


def assert_given_up_once_and_the_manager_told(text: Message, failures_heard, settings) -> None:
    text.refresh_from_db()
    assert text.status == Message.Status.FAILED
    assert text.attempts == settings.SMS_MAX_RETRIES + 1
    assert failures_heard == [(text.pk, True)]
    [alert] = Message.objects.filter(purpose=Message.Purpose.ALERT)
    assert alert.to_phone == "+12125550199"
    assert "a text to Drew (notice) failed" in alert.body


def test_it_makes_max_retries_plus_one_calls_in_a_half_hour_outage_with_the_relay_passing(
    worker, provider_down, failures_heard, clock, settings, django_capture_on_commit_callbacks
):
    text = queue_notice_to_drew(django_capture_on_commit_callbacks)

    run_for(worker, clock, minutes=30)

    calls = [tried for tried in provider_down if tried.message_id == text.pk]
    print(f"provider calls for the text: {len(calls)}; tasks run: {len(worker.ran)}")
    assert len(calls) == settings.SMS_MAX_RETRIES + 1
    assert_given_up_once_and_the_manager_told(text, failures_heard, settings)


def test_with_vonage_answering_503_and_retry_after_each_try_waits_as_vonage_asked(
    worker, failures_heard, clock, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "vonage"
    settings.VONAGE_API_KEY, settings.VONAGE_API_SECRET, settings.VONAGE_FROM = "key", "secret", "+12125550100"
    settings.VONAGE_SIGNATURE_SECRET, settings.VONAGE_REST_HOST = "", ""
    tries: dict[str, list[dt.datetime]] = {}

    def down(request):
        client_ref = dict(parse_qsl(request.body))["client-ref"]
        tries.setdefault(client_ref, []).append(dt.datetime.now(dt.UTC))
        return 503, {"Retry-After": "90"}, "Service Unavailable"

    text = queue_notice_to_drew(django_capture_on_commit_callbacks)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as vonage:
        vonage.add_callback(responses.POST, "https://rest.nexmo.com/sms/json", callback=down)
        run_for(worker, clock, minutes=30)

    calls = tries[str(text.pk)]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(calls)]
    print(f"Vonage calls for the text: {len(calls)}, seconds apart: {gaps}")
    assert len(calls) == settings.SMS_MAX_RETRIES + 1
    assert min(gaps) >= 90
    assert_given_up_once_and_the_manager_told(text, failures_heard, settings)


def test_a_text_held_until_eight_goes_out_by_the_first_relay_pass_after_eight_and_not_before(
    worker, outbox, clock, django_capture_on_commit_callbacks
):
    eight = dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=0)
    clock.move_to(eight - dt.timedelta(minutes=30))  # queued at 07:30, held until 08:00
    with django_capture_on_commit_callbacks(execute=True):
        held = message_queue(
            purpose=Message.Purpose.REMINDER, to_phone="+15705550123", body="Session at 10", send_after=eight
        )
    sent_at = None
    while sent_at is None and dt.datetime.now(dt.UTC) < eight + dt.timedelta(minutes=5):
        if dt.datetime.now(dt.UTC).second == 0:
            relay_stranded_work()
        worker.run_due()
        if outbox:
            sent_at = dt.datetime.now(dt.UTC)
        clock.shift(dt.timedelta(seconds=1))

    assert sent_at is not None, "not sent within five minutes of its hold"
    print(f"held until {eight:%H:%M}, sent at {sent_at:%H:%M:%S}")
    assert [text.body for text in outbox] == ["Session at 10"]
    assert eight <= sent_at <= eight + dt.timedelta(minutes=1)
    assert Message.objects.get(pk=held.pk).status == Message.Status.SENT
