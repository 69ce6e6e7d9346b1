"""Vonage's side of the webhooks for tests: calls signed with the SDK's own signing code."""

import itertools

from django.test import Client
from django.utils import timezone
from vonage_http_client import Auth

SECRET = "studio-signature-secret"
_ids = itertools.count(1)


def use_vonage_signatures(settings) -> None:
    settings.VONAGE_API_KEY = "studio-key"
    settings.VONAGE_SIGNATURE_SECRET = SECRET
    settings.VONAGE_SIGNATURE_METHOD = "sha256"


def signed(params: dict[str, str]) -> dict[str, str]:
    params = params | {"timestamp": str(int(timezone.now().timestamp()))}
    signer = Auth(api_key="studio-key", signature_secret=SECRET, signature_method="sha256")
    return params | {"sig": signer.sign_params(dict(params))}


def text_in(client: Client, *, from_phone: str, text: str, message_id: str | None = None):
    """A musician's text arriving at the studio's number, as Vonage posts it."""
    params = {
        "msisdn": from_phone.lstrip("+"),
        "to": "12125550100",
        "messageId": message_id or f"0A00000{next(_ids):09d}",
        "text": text,
        "type": "text",
    }
    return client.post("/messaging/vonage/inbound", signed(params))


def receipt(client: Client, *, message_id: str, client_ref: str, status: str, err_code: str = "0"):
    params = {"messageId": message_id, "client-ref": client_ref, "status": status, "err-code": err_code, "msisdn": "1"}
    return client.get("/messaging/vonage/status", signed(params))
