"""Delivery receipts through the signed webhook, as Vonage posts them."""

import pytest

from messaging.models import Message
from messaging.services import message_queue, message_send
from messaging.tests.vonage_support import receipt, use_vonage_signatures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("client_ref", ["²", "99999999999999999999"])
def test_it_answers_204_and_changes_nothing_for_a_client_ref_that_is_not_ours(client, settings, outbox, client_ref):
    use_vonage_signatures(settings)
    text = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Hello")
    message_send(message_id=text.pk)
    before = list(Message.objects.values())

    response = receipt(client, message_id="0A00000000UNKNOWN", client_ref=client_ref, status="delivered")

    assert response.status_code == 204
    assert list(Message.objects.values()) == before


def test_a_receipt_naming_a_text_never_handed_to_vonage_changes_nothing(client, settings):
    use_vonage_signatures(settings)
    text = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Not yet")  # not claimed yet

    response = receipt(client, message_id="0A00000000UNKNOWN", client_ref=str(text.pk), status="delivered")

    assert response.status_code == 204
    text.refresh_from_db()
    assert (text.status, text.provider_id) == (Message.Status.QUEUED, "")
