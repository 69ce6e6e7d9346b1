"""Dane sees in the admin when a text's next try is due, how many were made, and whether it may have gone out."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.backends import SmsError, memory
from messaging.models import Message
from messaging.services import message_queue, message_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def maybe_sent(outbox, clock) -> Message:
    memory.failures.append(SmsError("Vonage's answer was lost", permanent=False, maybe_sent=True))
    text = message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Once?")
    message_send(message_id=text.pk)
    text.refresh_from_db()
    return text


def test_the_list_shows_tries_next_try_and_maybe_sent_and_filters_on_it(admin_client, maybe_sent):
    message_queue(purpose=Message.Purpose.ALERT, to_phone="+12125550199", body="Plain")
    url = reverse("admin:messaging_message_changelist")

    page = admin_client.get(url).content.decode()
    only_maybe = admin_client.get(url, {"maybe_sent": "yes"}).context["cl"].result_list

    for heading in ("maybe sent", "Attempts", "Next try at"):
        assert heading.lower() in page.lower()
    assert list(only_maybe) == [maybe_sent]


def test_the_change_page_shows_them_read_only(admin_client, maybe_sent):
    page = admin_client.get(reverse("admin:messaging_message_change", args=[maybe_sent.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    for label in ("Next try at", "Attempts", "Outcome unknown at", "Send after", "maybe sent"):
        assert label.lower() in html.lower()
    assert 'name="next_try_at' not in html and 'name="attempts' not in html  # shown, not editable
    assert maybe_sent.next_try_at == timezone.now() + dt.timedelta(minutes=15)
