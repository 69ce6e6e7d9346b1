"""Vonage's signed webhooks: is this inbound text or delivery receipt really from Vonage?

With signed webhooks on, Vonage adds `timestamp` (Unix seconds), `nonce` and
`sig` to each call; `sig` is an HMAC, keyed with the account's signature
secret, of every other parameter. The HMAC itself is checked by the SDK's own
code (`vonage_http_client.Auth.check_signature`). The SDK never looks at the
timestamp, so on its own a captured call would verify forever: calls signed
more than five minutes from our clock are refused here.

Only HMAC methods exist in the SDK: the dashboard's default "MD5 hash" (a
plain, keyless MD5) cannot be checked, and must be switched to an HMAC one.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from vonage_http_client import Auth

SIGNATURE_METHODS = frozenset({"md5", "sha1", "sha256", "sha512"})  # HMAC-MD5, HMAC-SHA1, …
MAX_CLOCK_SKEW = timedelta(minutes=5)


def configured_signature_method() -> str | None:
    """VONAGE_SIGNATURE_METHOD as the SDK spells it, or None when it names no method the SDK has."""
    method = str(settings.VONAGE_SIGNATURE_METHOD or "sha256").strip().lower()
    return method if method in SIGNATURE_METHODS else None


def vonage_request_params(request: HttpRequest) -> dict[str, str]:
    """The parameters of a Vonage webhook call, as strings, however the account sends them.

    GET: the query string. POST: the form, or the JSON object for "POST-JSON".
    A body that is not a JSON object gives {} (which no signature matches).
    Django's own size limits still apply and end an oversized call with a 400.
    """
    if request.method == "GET":
        return _form_params(request.GET)
    if request.method != "POST":
        return {}
    if request.content_type == "application/json":
        return _json_params(request.body)
    return _form_params(request.POST)


def _form_params(query: QueryDict) -> dict[str, str]:
    return {key: str(value) for key, value in query.items()}  # the last value of a repeated key


def _json_params(body: bytes) -> dict[str, str]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than the parser goes
        return {}
    if not isinstance(payload, dict):
        return {}
    # Non-string values keep their JSON spelling ("true", "5"), the text Vonage would have signed.
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in payload.items()}


def vonage_signature_valid(params: Mapping[str, object]) -> bool:
    """True only for a call signed with VONAGE_SIGNATURE_SECRET within the last five minutes.

    Any malformed input is False, never an exception. `params` is not changed.
    """
    secret = settings.VONAGE_SIGNATURE_SECRET
    method = configured_signature_method()
    if not secret or method is None or not _all_text(params):
        return False
    if not params.get("sig") or not _signed_recently(params.get("timestamp")):
        return False
    # The SDK insists on an API key next to a signature secret, though checking a signature never uses it.
    auth = Auth(api_key=settings.VONAGE_API_KEY or "unused", signature_secret=secret, signature_method=method)
    try:
        return bool(auth.check_signature(dict(params)))  # a copy: the SDK pops `sig` from its argument
    except (TypeError, ValueError):  # a non-ASCII `sig`, text that cannot be UTF-8 encoded
        return False


def _all_text(params: object) -> bool:
    return isinstance(params, Mapping) and all(
        isinstance(key, str) and isinstance(value, str) for key, value in params.items()
    )


def _signed_recently(timestamp: object) -> bool:
    try:
        signed_at = datetime.fromtimestamp(int(str(timestamp)), tz=UTC)
    except (ValueError, OverflowError, OSError):  # not a whole number, or no date the platform can hold
        return False
    return abs(timezone.now() - signed_at) <= MAX_CLOCK_SKEW
