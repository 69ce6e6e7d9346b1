"""Signed Vonage webhooks, signed here with the SDK's own signing code."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory
from vonage_http_client import Auth

from messaging.vonage_signature import vonage_request_params, vonage_signature_valid

SECRET = "studio-signature-secret"
NOW = datetime(2025, 3, 1, 15, 0, tzinfo=UTC)
METHODS = ["md5", "sha1", "sha256", "sha512"]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def signing(settings):
    settings.VONAGE_API_KEY = "studio-key"
    settings.VONAGE_SIGNATURE_SECRET = SECRET
    settings.VONAGE_SIGNATURE_METHOD = "sha256"
    return settings


def inbound_text(signed_at: datetime = NOW, **changes: str) -> dict[str, str]:
    """An inbound SMS as Vonage sends it, before signing."""
    params = {
        "msisdn": "15705550123",
        "to": "12125550100",
        "messageId": "0A0000000123ABCD1",
        "text": "YES & thanks = great",
        "type": "text",
        "keyword": "YES",
        "message-timestamp": "2025-03-01 15:00:00",
        "timestamp": str(int(signed_at.timestamp())),
        "nonce": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    }
    return params | changes


def signed(params: dict[str, str], method: str = "sha256", secret: str = SECRET) -> dict[str, str]:
    signer = Auth(api_key="studio-key", signature_secret=secret, signature_method=method)
    return params | {"sig": signer.sign_params(dict(params))}


@pytest.mark.parametrize("method", METHODS)
def test_it_accepts_a_call_signed_with_the_secret(signing, method):
    signing.VONAGE_SIGNATURE_METHOD = method

    assert vonage_signature_valid(signed(inbound_text(), method))


@pytest.mark.parametrize("method", METHODS)
def test_it_rejects_a_changed_value(signing, method):
    signing.VONAGE_SIGNATURE_METHOD = method
    params = signed(inbound_text(), method) | {"text": "NO"}

    assert not vonage_signature_valid(params)


def test_it_rejects_an_added_parameter(signing):
    assert not vonage_signature_valid(signed(inbound_text()) | {"keyword": "YES", "extra": "1"})


def test_it_rejects_another_secret(signing):
    assert not vonage_signature_valid(signed(inbound_text(), secret="someone-elses-secret"))


def test_it_rejects_another_method(signing):
    assert not vonage_signature_valid(signed(inbound_text(), "sha1"))


def test_it_takes_the_method_setting_in_capitals(signing):
    signing.VONAGE_SIGNATURE_METHOD = "SHA512"

    assert vonage_signature_valid(signed(inbound_text(), "sha512"))


def test_it_rejects_a_call_without_sig(signing):
    params = signed(inbound_text())
    del params["sig"]

    assert not vonage_signature_valid(params)


def test_it_rejects_everything_without_a_secret(signing):
    signing.VONAGE_SIGNATURE_SECRET = ""

    assert not vonage_signature_valid(signed(inbound_text()))


def test_it_rejects_everything_with_a_method_the_sdk_does_not_have(signing):
    signing.VONAGE_SIGNATURE_METHOD = "md5hash"

    assert not vonage_signature_valid(signed(inbound_text()))


def test_it_does_not_need_an_api_key(signing):
    signing.VONAGE_API_KEY = ""

    assert vonage_signature_valid(signed(inbound_text()))


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), timedelta(minutes=-5, seconds=-1)])
def test_it_rejects_a_call_signed_more_than_five_minutes_from_now(signing, age):
    assert not vonage_signature_valid(signed(inbound_text(signed_at=NOW - age)))


def test_it_accepts_a_call_signed_four_minutes_ago(signing):
    assert vonage_signature_valid(signed(inbound_text(signed_at=NOW - timedelta(minutes=4))))


def test_it_rejects_a_call_without_a_timestamp(signing):
    params = signed(inbound_text())
    del params["timestamp"]

    assert not vonage_signature_valid(params)


def test_it_leaves_the_params_as_they_were(signing):
    params = signed(inbound_text())
    before = dict(params)

    vonage_signature_valid(params)

    assert params == before


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        "sig=abc",
        {},
        {"sig": 12345, "timestamp": str(int(NOW.timestamp()))},
        {"sig": "é" * 64, "timestamp": str(int(NOW.timestamp()))},
        {"sig": "ab" * 32, "timestamp": "1e99"},
        {"sig": "ab" * 32, "timestamp": "9" * 5000},
        {"sig": "ab" * 32, "timestamp": str(10**20)},
        {"sig": "ab" * 32, "timestamp": "-" + str(10**15)},
        {"sig": "ab" * 32, "timestamp": str(int(NOW.timestamp())), "text": ["YES"]},
        {"sig": "ab" * 32, "timestamp": str(int(NOW.timestamp())), 7: "YES"},
        {"sig": "ab" * 32, "timestamp": str(int(NOW.timestamp())), "text": "\ud800"},
        {"sig": "ab" * 32, "timestamp": str(int(NOW.timestamp())), "text": "x" * 5_000_000},
        {"sig": "ab" * 32, "timestamp": str(int(NOW.timestamp())), **{f"k{i}": "v" for i in range(50_000)}},
    ],
)
def test_it_rejects_garbage_without_raising(signing, garbage):
    assert vonage_signature_valid(garbage) is False


def test_it_reads_a_signed_get_with_its_query_string(signing):
    params = signed(inbound_text())

    request = RequestFactory().get("/messaging/vonage/inbound", params)

    assert vonage_request_params(request) == params
    assert vonage_signature_valid(vonage_request_params(request))


def test_it_reads_a_signed_form_post(signing):
    params = signed(inbound_text())

    request = RequestFactory().post("/messaging/vonage/inbound", params)

    assert vonage_request_params(request) == params
    assert vonage_signature_valid(vonage_request_params(request))


def test_it_reads_a_signed_json_post(signing):
    params = signed(inbound_text())

    request = RequestFactory().post("/messaging/vonage/inbound", params, content_type="application/json")

    assert vonage_request_params(request) == params
    assert vonage_signature_valid(vonage_request_params(request))


def test_it_keeps_json_spelling_for_values_that_are_not_strings(signing):
    body = {"concat": True, "concat-part": 2, "data": None, "usage": {"price": "0.0057"}}

    request = RequestFactory().post("/messaging/vonage/inbound", body, content_type="application/json")

    assert vonage_request_params(request) == {
        "concat": "true",
        "concat-part": "2",
        "data": "null",
        "usage": '{"price": "0.0057"}',
    }


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b'["a", "list"]',
        b'"a string"',
        b"[" * 200_000,
        json.dumps([{}]).encode(),
    ],
)
def test_it_reads_a_json_body_that_is_no_object_as_no_params(signing, body):
    request = RequestFactory().post("/messaging/vonage/inbound", body, content_type="application/json")

    assert vonage_request_params(request) == {}


def test_it_reads_no_params_from_other_methods(signing):
    body = signed(inbound_text())
    request = RequestFactory().put("/messaging/vonage/inbound", body, content_type="application/json")

    assert vonage_request_params(request) == {}
