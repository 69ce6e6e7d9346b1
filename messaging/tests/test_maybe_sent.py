"""Sent, answer lost: a text whose send timed out reading Vonage's answer waits for its receipt.

The Vonage SDK is real and stopped only at HTTP (`responses`); receipts come through
the signed webhook, as Vonage posts them.
"""

import datetime as dt

import pytest
import requests
import responses
from django.utils import timezone

from messaging.models import Message
from messaging.services import Sent, message_queue, message_send
from messaging.tests.test_vonage_backend import SMS_URL, accepted
from messaging.tests.vonage_support import receipt, use_vonage_signatures

pytestmark = pytest.mark.django_db
WAIT = dt.timedelta(minutes=15)


@pytest.fixture
def vonage(settings):
    settings.SMS_BACKEND = "vonage"
    settings.VONAGE_API_SECRET = "studio-secret"
    settings.VONAGE_FROM = "+12125550100"
    settings.VONAGE_REST_HOST = ""
    settings.SMS_RECEIPT_WAIT_SECONDS = int(WAIT.total_seconds())
    use_vonage_signatures(settings)
    with responses.RequestsMock() as api:
        yield api


def queue_offer() -> Message:
    return message_queue(purpose=Message.Purpose.OFFER, to_phone="+15705550123", body="Drums Sat 14:00?")


def answer_lost(api: responses.RequestsMock) -> None:
    api.post(SMS_URL, body=requests.ReadTimeout("HTTPSConnectionPool: Read timed out. (read timeout=10)"))


def test_a_text_whose_answer_was_lost_waits_for_its_receipt_before_another_try(vonage, clock):
    answer_lost(vonage)
    text = queue_offer()

    result = message_send(message_id=text.pk)

    assert (result.outcome, result.retry_in) == (Sent.RETRY, WAIT.total_seconds())
    text.refresh_from_db()
    assert text.status == Message.Status.QUEUED  # maybe sent: queued, with the moment its answer was lost
    assert (text.outcome_unknown_at, text.next_try_at, text.attempts) == (timezone.now(), timezone.now() + WAIT, 1)
    clock.shift(WAIT - dt.timedelta(seconds=1))
    assert message_send(message_id=text.pk).outcome is Sent.SKIPPED
    assert len(vonage.calls) == 1


def test_a_receipt_in_the_wait_marks_it_delivered_and_it_is_never_tried_again(vonage, clock, client):
    answer_lost(vonage)
    text = queue_offer()
    message_send(message_id=text.pk)

    clock.shift(dt.timedelta(minutes=2))
    response = receipt(client, message_id="0A0000001234ABCD", client_ref=str(text.pk), status="delivered")

    assert response.status_code == 204
    text.refresh_from_db()
    assert (text.status, text.provider_id, text.next_try_at) == (Message.Status.DELIVERED, "0A0000001234ABCD", None)
    assert text.sent_at == text.delivered_at == timezone.now()
    clock.shift(WAIT)
    assert message_send(message_id=text.pk).outcome is Sent.SKIPPED
    assert len(vonage.calls) == 1


def test_an_accepted_receipt_in_the_wait_marks_it_sent(vonage, clock, client):
    answer_lost(vonage)
    text = queue_offer()
    message_send(message_id=text.pk)

    receipt(client, message_id="0A0000001234ABCD", client_ref=str(text.pk), status="accepted")

    assert Message.objects.get(pk=text.pk).status == Message.Status.SENT
    clock.shift(WAIT)
    assert message_send(message_id=text.pk).outcome is Sent.SKIPPED
    assert len(vonage.calls) == 1


def test_with_no_receipt_in_the_wait_it_is_tried_again(vonage, clock):
    answer_lost(vonage)
    vonage.post(SMS_URL, json=accepted("0A0000009999ABCD"))
    text = queue_offer()
    message_send(message_id=text.pk)

    clock.shift(WAIT)

    assert message_send(message_id=text.pk).outcome is Sent.SENT
    text.refresh_from_db()
    assert (text.status, text.provider_id, text.attempts) == (Message.Status.SENT, "0A0000009999ABCD", 1)
    assert len(vonage.calls) == 2


def test_a_receipt_that_beats_vonages_answer_is_kept_and_the_text_not_tried_again(vonage, clock, client):
    text = queue_offer()

    def receipt_then_timeout(request):
        # The carrier's receipt reaches the studio while our send still waits for Vonage's answer.
        assert (
            receipt(client, message_id="0A0000001234ABCD", client_ref=str(text.pk), status="delivered").status_code
            == 204
        )
        raise requests.ReadTimeout("Read timed out. (read timeout=10)")

    vonage.add_callback(responses.POST, SMS_URL, callback=receipt_then_timeout)

    assert message_send(message_id=text.pk).outcome is Sent.SKIPPED  # nothing left to do: it went out

    text.refresh_from_db()
    assert (text.status, text.provider_id, text.outcome_unknown_at) == (
        Message.Status.DELIVERED,
        "0A0000001234ABCD",
        None,
    )
    clock.shift(WAIT)
    assert message_send(message_id=text.pk).outcome is Sent.SKIPPED
    assert len(vonage.calls) == 1


def test_a_last_try_whose_answer_was_lost_gives_up_after_the_wait_without_another_call(vonage, clock, settings):
    settings.SMS_MAX_RETRIES = 0
    answer_lost(vonage)
    text = queue_offer()

    assert message_send(message_id=text.pk).outcome is Sent.RETRY  # waits for a receipt even so
    clock.shift(WAIT)
    assert message_send(message_id=text.pk).outcome is Sent.FAILED

    text.refresh_from_db()
    assert text.status == Message.Status.FAILED
    assert text.error.startswith("Gave up after 1 tries: Vonage's answer was lost")
    assert len(vonage.calls) == 1


def test_a_text_that_never_reached_vonage_is_retried_after_its_backoff(vonage, clock):
    vonage.post(SMS_URL, body=requests.ConnectTimeout("connect timed out"))
    text = queue_offer()

    result = message_send(message_id=text.pk)

    assert result.outcome is Sent.RETRY
    assert 12 <= result.retry_in <= 18
    assert Message.objects.get(pk=text.pk).outcome_unknown_at is None
