"""The Vonage backend with the real SDK, stopped only at HTTP by `responses`."""

import base64
from urllib.parse import parse_qsl

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from vonage_http_client import Auth

from messaging.backends.base import OutgoingText, SmsError
from messaging.backends.vonage import VonageBackend

SMS_URL = "https://rest.nexmo.com/sms/json"
TEXT = OutgoingText(
    message_id=42,
    to="+15705550123",
    body="Drums for Sat 14:00? YES: https://studio.example/o/abc/yes?x=1&y=2",
    kind="offer",
)


@pytest.fixture
def vonage_settings(settings):
    settings.VONAGE_API_KEY = "studio-key"
    settings.VONAGE_API_SECRET = "studio-secret"
    settings.VONAGE_FROM = "+12125550100"
    settings.VONAGE_SIGNATURE_SECRET = ""
    settings.VONAGE_SIGNATURE_METHOD = "sha256"
    settings.VONAGE_REST_HOST = ""
    settings.PUBLIC_BASE_URL = "https://studio.example"
    return settings


@pytest.fixture
def vonage_api():
    """Vonage's HTTP edge; any request to a URL not registered here fails the send."""
    with responses.RequestsMock() as api:
        yield api


def accepted(*message_ids: str) -> dict:
    parts = [{"to": "15705550123", "message-id": mid, "status": "0"} for mid in message_ids]
    return {"message-count": str(len(parts)), "messages": parts}


def refused(status: str, error_text: str) -> dict:
    return {"message-count": "1", "messages": [{"status": status, "error-text": error_text}]}


def sent_fields(api: responses.RequestsMock) -> dict[str, str]:
    body = api.calls[0].request.body
    assert isinstance(body, str)
    return dict(parse_qsl(body))


def send_error(text: OutgoingText = TEXT) -> SmsError:
    with pytest.raises(SmsError) as caught:
        VonageBackend().send(text)
    return caught.value


def test_it_returns_vonages_message_id(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    assert VonageBackend().send(TEXT) == "0A0000001234ABCD"


def test_it_returns_the_first_parts_id_for_a_long_text(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A00000000000001", "0A00000000000002"))

    assert VonageBackend().send(TEXT) == "0A00000000000001"


def test_it_sends_the_text_with_a_receipt_callback_and_our_id(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    VonageBackend().send(TEXT)

    assert sent_fields(vonage_api) == {
        "to": "15705550123",
        "from": "12125550100",
        "text": TEXT.body,
        "client-ref": "42",
        "callback": "https://studio.example/messaging/vonage/status",
        "status-report-req": "True",
    }


def test_it_authenticates_with_key_and_secret_without_a_signature_secret(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    VonageBackend().send(TEXT)

    expected = base64.b64encode(b"studio-key:studio-secret").decode()
    assert vonage_api.calls[0].request.headers["Authorization"] == f"Basic {expected}"


@pytest.mark.parametrize("method", ["md5", "sha1", "sha256", "sha512"])
def test_it_signs_the_text_when_a_signature_secret_is_set(vonage_settings, vonage_api, method):
    vonage_settings.VONAGE_SIGNATURE_SECRET = "studio-signature-secret"
    vonage_settings.VONAGE_SIGNATURE_METHOD = method
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    VonageBackend().send(TEXT)

    fields = sent_fields(vonage_api)
    assert fields["api_key"] == "studio-key"
    assert "api_secret" not in fields
    assert "Authorization" not in vonage_api.calls[0].request.headers
    # What Vonage does on arrival: sign exactly the fields it received, and compare.
    checker = Auth(api_key="studio-key", signature_secret="studio-signature-secret", signature_method=method)
    assert checker.check_signature(fields)


def test_it_leaves_out_the_callback_without_a_public_base_url(vonage_settings, vonage_api):
    vonage_settings.PUBLIC_BASE_URL = ""
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    VonageBackend().send(TEXT)

    assert "callback" not in sent_fields(vonage_api)


@pytest.mark.parametrize(
    "blank", [["VONAGE_API_KEY"], ["VONAGE_API_SECRET", "VONAGE_FROM"], ["VONAGE_API_KEY", "VONAGE_FROM"]]
)
def test_it_refuses_to_send_without_its_settings(vonage_settings, vonage_api, blank):
    for name in blank:
        setattr(vonage_settings, name, "")

    error = send_error()

    assert error.permanent
    assert error.reason == f"Vonage is not set up: {', '.join(blank)} missing."
    assert len(vonage_api.calls) == 0


def test_it_refuses_a_signature_method_the_sdk_does_not_have(vonage_settings, vonage_api):
    vonage_settings.VONAGE_SIGNATURE_SECRET = "studio-signature-secret"
    vonage_settings.VONAGE_SIGNATURE_METHOD = "md5hash"

    error = send_error()

    assert error.permanent
    assert "VONAGE_SIGNATURE_METHOD" in error.reason


def test_it_refuses_a_callback_longer_than_vonage_takes(vonage_settings, vonage_api):
    vonage_settings.PUBLIC_BASE_URL = "https://" + "studio" * 15 + ".example"

    error = send_error()

    assert error.permanent
    assert "callback" in error.reason


def test_it_retries_when_vonage_rate_limits_and_keeps_its_wait(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, status=429, json={"title": "Too Many Requests"}, headers={"Retry-After": "7"})

    error = send_error()

    assert not error.permanent
    assert error.retry_after == 7.0
    assert "HTTP 429" in error.reason


def test_it_reads_a_retry_after_given_as_a_date(vonage_settings, vonage_api, time_machine):
    time_machine.move_to("2025-03-01 15:00:00+00:00", tick=False)
    vonage_api.post(SMS_URL, status=429, headers={"Retry-After": "Sat, 01 Mar 2025 15:01:30 GMT"})

    assert send_error().retry_after == 90.0


def test_it_has_no_wait_when_vonage_gives_none(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, status=429)

    error = send_error()

    assert not error.permanent
    assert error.retry_after is None


@pytest.mark.parametrize(
    ("status", "error_text"),
    [("1", "Throughput Rate Exceeded"), ("5", "Internal Error"), ("10", "Too Many Existing Binds")],
)
def test_it_retries_what_vonage_refused_for_now(vonage_settings, vonage_api, status, error_text):
    vonage_api.post(SMS_URL, json=refused(status, error_text))

    error = send_error()

    assert not error.permanent
    assert f"(Vonage status {status}: {error_text})" in error.reason


@pytest.mark.parametrize("http_status", [500, 502, 503, 504])
def test_it_retries_when_vonage_has_a_server_error(vonage_settings, vonage_api, http_status):
    vonage_api.post(SMS_URL, status=http_status, body="upstream trouble")

    error = send_error()

    assert not error.permanent
    assert f"HTTP {http_status}: upstream trouble" in error.reason


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("connection refused"),
        requests.ConnectionError(MaxRetryError(None, "/sms/json", NewConnectionError(None, "Connection refused"))),
        requests.ConnectTimeout("connect timed out"),
    ],
)
def test_it_retries_when_vonage_cannot_be_reached(vonage_settings, vonage_api, failure):
    vonage_api.post(SMS_URL, body=failure)

    error = send_error()

    assert not error.permanent
    assert not error.maybe_sent  # never reached Vonage: safe to send again
    assert error.reason == f"Could not reach Vonage: {failure}"


@pytest.mark.parametrize(
    "failure",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer"))),
    ],
)
def test_it_says_a_text_may_have_gone_out_when_vonages_answer_is_lost(vonage_settings, vonage_api, failure):
    vonage_api.post(SMS_URL, body=failure)

    error = send_error()

    assert not error.permanent
    assert error.maybe_sent
    assert error.reason.startswith("Vonage's answer was lost")
    assert "may have gone out" in error.reason


def test_it_gives_up_on_an_invalid_number_and_says_why(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=refused("3", "Invalid to address"))

    error = send_error()

    assert error.permanent
    assert error.reason == (
        "Vonage refused the text: Vonage rejected a parameter, most often the phone number "
        "(Vonage status 3: Invalid to address)."
    )


def test_it_gives_up_on_bad_credentials(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=refused("4", "Bad Credentials"))

    error = send_error()

    assert error.permanent
    assert "VONAGE_API_KEY" in error.reason
    assert "(Vonage status 4: Bad Credentials)" in error.reason


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("2", "missing"),
        ("6", "route"),
        ("7", "barred"),
        ("8", "suspended"),
        ("9", "out of credit"),
        ("15", "VONAGE_FROM"),
        ("29", "allowed list"),
    ],
)
def test_it_gives_up_on_what_a_retry_cannot_mend(vonage_settings, vonage_api, status, words):
    vonage_api.post(SMS_URL, json=refused(status, "as Vonage puts it"))

    error = send_error()

    assert error.permanent
    assert words in error.reason
    assert f"(Vonage status {status}: as Vonage puts it)" in error.reason


def test_it_gives_up_on_an_unknown_status_and_says_it_is_unknown(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=refused("99", "Something New"))

    error = send_error()

    assert error.permanent
    assert "does not know" in error.reason
    assert "(Vonage status 99: Something New)" in error.reason


def test_it_classes_a_partly_sent_text_by_the_part_that_failed(vonage_settings, vonage_api):
    parts = accepted("0A00000000000001")["messages"] + [{"status": "1", "error-text": "Throttled"}]
    vonage_api.post(SMS_URL, json={"message-count": "2", "messages": parts})

    error = send_error()

    assert not error.permanent
    assert "(part 2 of 2, Vonage status 1: Throttled)" in error.reason


@pytest.mark.parametrize("http_status", [401, 403])
def test_it_gives_up_when_vonage_rejects_the_credentials(vonage_settings, vonage_api, http_status):
    vonage_api.post(SMS_URL, status=http_status, json={"title": "Unauthorized"})

    error = send_error()

    assert error.permanent
    assert f"HTTP {http_status}" in error.reason
    assert "VONAGE_API_KEY" in error.reason


def test_it_does_not_retry_an_answer_it_cannot_read(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, body="<html>gateway says hi</html>")

    error = send_error()

    assert error.permanent
    assert "may have gone out" in error.reason


def test_it_sends_to_the_rest_host_setting(vonage_settings, vonage_api):
    vonage_settings.VONAGE_REST_HOST = "rest.example.test"
    vonage_api.post("https://rest.example.test/sms/json", json=accepted("0A0000001234ABCD"))

    assert VonageBackend().send(TEXT) == "0A0000001234ABCD"


def test_it_follows_a_changed_setting_without_a_restart(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A00000000000001"))
    vonage_api.post("https://rest.example.test/sms/json", json=accepted("0A00000000000002"))
    backend = VonageBackend()
    backend.send(TEXT)

    vonage_settings.VONAGE_REST_HOST = "rest.example.test"

    assert backend.send(TEXT) == "0A00000000000002"


def test_it_gives_up_waiting_for_vonage_after_ten_seconds(vonage_settings, vonage_api):
    vonage_api.post(SMS_URL, json=accepted("0A0000001234ABCD"))

    VonageBackend().send(TEXT)

    assert vonage_api.calls[0].request.req_kwargs["timeout"] == 10
