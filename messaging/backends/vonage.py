"""Texts through Vonage's SMS API, with the official SDK (`vonage` 4).

Settings are read at each send, so a changed setting takes effect without a
restart. The SDK client is built on first use and kept per thread: the SDK's
HttpClient keeps its headers and the last response on itself, so one client
shared between threads could mix two sends up.

How a failure is classed (the send task retries only what is not permanent):

| Vonage says | permanent? |
| --- | --- |
| HTTP 429, 408, 5xx; no connection; a connect timeout | no (429 may carry a Retry-After) |
| a read timeout, or the line dropped before the answer | no, but maybe sent: retried only if no receipt comes |
| HTTP 401, 403, other 4xx | yes |
| SMS API status 1 throttled, 5 internal error, 10 too many binds | no |
| SMS API status 2, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15, 22, 23, 29, 32, 33 | yes |
| any other SMS API status | yes, and the reason says it was not recognised |
| a 2xx answer that cannot be read; any other failed call | yes: the text may have gone out |
"""

import math
import threading
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple

import pydantic
import requests
import vonage
import vonage_sms
from django.conf import settings
from django.utils import timezone
from urllib3.exceptions import ProtocolError
from vonage_http_client.errors import HttpRequestError

from messaging.vonage_signature import SIGNATURE_METHODS, configured_signature_method

from .base import OutgoingText, SmsBackend, SmsError

REQUIRED_SETTINGS = ("VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_FROM")
RECEIPT_PATH = "/messaging/vonage/status"
TIMEOUT_SECONDS = 10


class Meaning(NamedTuple):
    words: str
    permanent: bool


# The SMS API answers HTTP 200 with a status per part (developer.vonage.com/api-errors/sms).
SMS_API_STATUSES = {
    "1": Meaning("Vonage is throttling the account: texts are going out faster than its limit", False),
    "2": Meaning("Vonage says a required parameter is missing", True),
    "3": Meaning("Vonage rejected a parameter, most often the phone number", True),
    "4": Meaning("Vonage rejected the credentials: check VONAGE_API_KEY and VONAGE_API_SECRET", True),
    "5": Meaning("Vonage had an internal error", False),
    "6": Meaning("Vonage could not route the text, for example an unknown number prefix", True),
    "7": Meaning("the number is barred from receiving texts", True),
    "8": Meaning("the Vonage account is suspended", True),
    "9": Meaning("the Vonage account is out of credit", True),
    "10": Meaning("too many connections to Vonage at once", False),
    "11": Meaning("the Vonage account is not enabled for the SMS API over HTTP", True),
    "12": Meaning("the text is too long", True),
    "14": Meaning("Vonage rejected the signature: check the VONAGE_SIGNATURE_* settings", True),
    "15": Meaning("Vonage will not send from VONAGE_FROM (invalid sender address)", True),
    "22": Meaning("Vonage rejected the network code", True),
    "23": Meaning("Vonage rejected the delivery receipt URL: check PUBLIC_BASE_URL", True),
    "29": Meaning("the number is not on the account's allowed list (trial accounts text only those)", True),
    "32": Meaning("Vonage refuses a request with both a signature and an API secret", True),
    "33": Meaning("the number has been deactivated", True),
}


class VonageSmsError(SmsError):
    """An SmsError that may say how long Vonage asked us to wait (`retry_after`, seconds)."""

    def __init__(
        self, reason: str, *, permanent: bool, retry_after: float | None = None, maybe_sent: bool = False
    ) -> None:
        super().__init__(reason, permanent=permanent, maybe_sent=maybe_sent)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    api_key: str
    api_secret: str
    sender: str
    signature_secret: str
    signature_method: str
    rest_host: str
    receipt_url: str | None


class SmsMessageWithoutBlanks(vonage_sms.SmsMessage):
    """The SDK's SmsMessage, minus the options left unset.

    When it signs a request, the SDK signs every field, the unset ones as
    "None", but `requests` leaves unset fields out of the form it sends, so
    Vonage's signature would never match (status 14). Without them in the
    dump, what is signed is exactly what is sent, signed or not.
    """

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().model_dump(**{**kwargs, "exclude_none": True})


class VonageBackend(SmsBackend):
    rate_limited = True  # Vonage refuses texts beyond the account's throughput (status 1)

    def __init__(self) -> None:
        self._local = threading.local()

    def send(self, text: OutgoingText) -> str:
        """Send one text; return Vonage's id for its first part.

        A long text goes out as several parts, each with its own id and its
        own delivery receipt; every receipt carries `client-ref`, our
        Message id, which ties all of them back to the text.
        """
        account = _account_from_settings()
        message = _sms_message(text, account)
        client = self._client(account)
        try:
            response = client.sms.send(message)
        except vonage_sms.SmsError as error:
            raise _refusal(client.http_client.last_response, error) from error
        except HttpRequestError as error:
            raise _http_failure(error.response) from error
        except requests.ReadTimeout as error:
            raise _answer_lost(error) from error
        except requests.ConnectionError as error:
            raise (_answer_lost(error) if _after_the_request(error) else _unreached(error)) from error
        except requests.Timeout as error:
            raise _unreached(error) from error
        except requests.RequestException as error:
            raise _call_failure(error) from error
        except (KeyError, TypeError, ValueError) as error:
            raise _unreadable_answer(error) from error
        return _first_message_id(response)

    def _client(self, account: Account) -> vonage.Vonage:
        """This thread's client for these settings, built again when a setting changed."""
        cached = getattr(self._local, "client", None)
        if cached is None or cached[0] != account:
            cached = self._local.client = (account, _new_client(account))
        return cached[1]


def _account_from_settings() -> Account:
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]
    if missing:
        raise VonageSmsError(f"Vonage is not set up: {', '.join(missing)} missing.", permanent=True)
    signature_secret = settings.VONAGE_SIGNATURE_SECRET
    method = configured_signature_method()
    if signature_secret and method is None:
        known = ", ".join(sorted(SIGNATURE_METHODS))
        raise VonageSmsError(f"VONAGE_SIGNATURE_METHOD must be one of {known}.", permanent=True)
    base_url = settings.PUBLIC_BASE_URL
    return Account(
        api_key=settings.VONAGE_API_KEY,
        api_secret=settings.VONAGE_API_SECRET,
        sender=settings.VONAGE_FROM.removeprefix("+"),  # Vonage wants the number's digits only
        signature_secret=signature_secret,
        signature_method=method or "sha256",
        rest_host=settings.VONAGE_REST_HOST.strip().removeprefix("https://").rstrip("/"),
        # Without a base URL, receipts go to the URL set in the Vonage dashboard.
        receipt_url=base_url + RECEIPT_PATH if base_url else None,
    )


def _sms_message(text: OutgoingText, account: Account) -> SmsMessageWithoutBlanks:
    try:
        return SmsMessageWithoutBlanks(
            to=text.to.removeprefix("+"),
            from_=account.sender,
            text=text.body,
            client_ref=str(text.message_id),  # ties receipts and support tickets to our Message
            callback=account.receipt_url,
            status_report_req=True,
        )
    except pydantic.ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise VonageSmsError(f"Vonage would refuse this text: {problems}.", permanent=True) from error


def _new_client(account: Account) -> vonage.Vonage:
    """A client for these settings; no network until the first send.

    With a signature secret the SDK signs each send with it instead of
    sending the API secret (Vonage refuses both at once); without, it sends
    the key and secret as HTTP basic auth.
    """
    auth = vonage.Auth(
        api_key=account.api_key,
        api_secret=account.api_secret,
        signature_secret=account.signature_secret or None,
        signature_method=account.signature_method,
    )
    # One connection is all a thread's client needs; a pool of one also stops the SDK from
    # silently posting the same text again (up to pool size times) when Vonage drops the line.
    options: dict[str, Any] = {"timeout": TIMEOUT_SECONDS, "pool_connections": 1, "pool_maxsize": 1}
    if account.rest_host:
        options["rest_host"] = account.rest_host
    return vonage.Vonage(auth, vonage.HttpClientOptions(**options))


def _refusal(response: requests.Response | None, error: Exception) -> VonageSmsError:
    """The SMS API's status for the first part it refused.

    Read from the response the SDK keeps (`HttpClient.last_response`, ours
    alone since clients are per thread), not from the SDK's error text: that
    text has no status at all when only some parts of a long text failed.
    """
    parts = _parts(response)
    failed = next(((n, part) for n, part in enumerate(parts, 1) if str(part.get("status")) != "0"), None)
    if failed is None:
        return VonageSmsError(f"Vonage refused the text, status unreadable ({error}).", permanent=True)
    number, part = failed
    status, vonage_words = str(part.get("status")), part.get("error-text", "")
    which = f"part {number} of {len(parts)}, " if len(parts) > 1 else ""
    detail = f"({which}Vonage status {status}: {vonage_words})"
    meaning = SMS_API_STATUSES.get(status)
    if meaning is None:
        reason = f"Vonage refused the text with a status this app does not know, not retried {detail}."
        return VonageSmsError(reason, permanent=True)
    return VonageSmsError(
        f"Vonage refused the text: {meaning.words} {detail}.",
        permanent=meaning.permanent,
        retry_after=_retry_after(response) if response is not None else None,
    )


def _parts(response: requests.Response | None) -> list[dict[str, Any]]:
    try:
        parts = response.json()["messages"] if response is not None else []
    except (ValueError, KeyError, TypeError):
        return []
    return [part for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def _http_failure(response: requests.Response) -> VonageSmsError:
    code = response.status_code
    detail = f"(HTTP {code}: {response.text[:200]})"
    if code in (401, 403):
        words = "check VONAGE_API_KEY, VONAGE_API_SECRET and the signature settings"
        return VonageSmsError(f"Vonage rejected the credentials: {words} {detail}.", permanent=True)
    if code in (408, 429) or code >= 500:
        return VonageSmsError(
            f"Vonage could not take the text just now {detail}.",
            permanent=False,
            retry_after=_retry_after(response),
        )
    return VonageSmsError(f"Vonage refused the request {detail}.", permanent=True)


def _retry_after(response: requests.Response) -> float | None:
    """Seconds from a Retry-After header, which may be a number or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _seconds_until(http_date: str) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max((when - timezone.now()).total_seconds(), 0.0)


def _after_the_request(error: requests.ConnectionError) -> bool:
    """Whether the line failed after the request may have reached Vonage.

    `requests` wraps a failure to connect (refused, no route, DNS) in urllib3's
    MaxRetryError: nothing was sent. A bare socket or protocol error ("Connection
    aborted", the far end hanging up) comes while the request is written or its
    answer read, so Vonage may have the text.
    """
    cause = error.args[0] if error.args else None
    return not isinstance(error, requests.ConnectTimeout) and isinstance(cause, ProtocolError | OSError)


def _unreached(error: requests.RequestException) -> VonageSmsError:
    return VonageSmsError(f"Could not reach Vonage: {error}", permanent=False)


def _answer_lost(error: requests.RequestException) -> VonageSmsError:
    """Vonage may have taken the text: its SMS API has no idempotency key, so a retry could send it twice."""
    reason = f"Vonage's answer was lost ({error}): the text may have gone out, so it waits for a receipt."
    return VonageSmsError(reason, permanent=False, maybe_sent=True)


def _call_failure(error: requests.RequestException) -> VonageSmsError:
    reason = f"The call to Vonage failed ({error}); not retried, as the text may have gone out. "
    return VonageSmsError(reason + "Check VONAGE_REST_HOST.", permanent=True)


def _unreadable_answer(error: Exception) -> VonageSmsError:
    reason = f"Vonage's answer could not be read; not retried, as the text may have gone out: {error!r}"
    return VonageSmsError(reason, permanent=True)


def _first_message_id(response: vonage_sms.SmsResponse) -> str:
    message_id = response.messages[0].message_id if response.messages else None
    if not message_id:
        raise _unreadable_answer(ValueError("no message-id in the answer"))
    return str(message_id)
