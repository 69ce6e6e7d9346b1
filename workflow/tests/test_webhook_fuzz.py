"""Whatever arrives at the webhook, the answer is never a 500 and the email is kept."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking, InboundEmail

AUTH = {"HTTP_AUTHORIZATION": "Bearer test-zapier-token"}
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "message/rfc822",
        "text/plain",
        "text/html; charset=latin-1",
        "application/json; charset=utf-16",
        "multipart/form-data; boundary=x",
        "",
        "application/octet-stream",
    ]
)
FIELD = st.one_of(st.text(), st.integers(), st.none(), st.lists(st.text(), max_size=3))
EMAILS = st.fixed_dictionaries(
    {},
    optional={
        "subject": FIELD,
        "from": FIELD,
        "from__email": FIELD,
        "body_plain": FIELD,
        "body_html": FIELD,
        "message_id": FIELD,
    },
)
ANSWERS = {200, 201, 400, 413, 422}

pytestmark = pytest.mark.django_db
fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(body=st.binary(max_size=4000), content_type=CONTENT_TYPES)
def test_random_bytes_get_a_clear_answer_and_are_stored(client, body, content_type):
    before, bookings = InboundEmail.objects.count(), Booking.objects.count()
    orders = InboundEmail.objects.filter(parse_result__isnull=False).count()
    # generic(), unlike post(), sends the bytes as they are whatever the charset says.
    response = client.generic("POST", "/workflow/email", body, content_type=content_type, **AUTH)

    assert response.status_code in ANSWERS
    assert InboundEmail.objects.count() == before + 1
    assert Booking.objects.count() == bookings  # the worker makes a 201's booking
    read_as_an_order = InboundEmail.objects.filter(parse_result__isnull=False).count()
    assert read_as_an_order == orders + (response.status_code == 201)  # nothing else stored


@fuzz
@given(email=EMAILS)
def test_random_json_emails_get_a_clear_answer(client, email):
    response = client.post("/workflow/email", json.dumps(email), content_type="application/json", **AUTH)

    assert response.status_code in ANSWERS
    assert "url" in response.json() if response.status_code in (200, 201) else "errors" in response.json()


def test_a_nul_character_anywhere_is_stored_without_a_database_error(client):
    email = {"subject": "a\x00b", "from": "x\x00@y.example", "body_plain": "Instruments: drums\x00\n"}
    response = client.post("/workflow/email", json.dumps(email), content_type="application/json", **AUTH)

    assert response.status_code == 422
    assert InboundEmail.objects.get().subject == "ab"
