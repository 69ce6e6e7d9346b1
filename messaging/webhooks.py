"""Vonage's webhooks: delivery receipts and inbound texts.

Both are signed by Vonage with the account's signature secret; anything
unsigned or badly signed is refused (403) before it is stored. They answer
fast and always 2xx for a well-signed call, even for a message id we do not
know: a non-2xx makes Vonage retry the same call for a day.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .receipts import receipt_record
from .replies import inbound_text_receive
from .vonage_signature import vonage_request_params, vonage_signature_valid


def _signed_params(request: HttpRequest) -> dict[str, str] | None:
    params = vonage_request_params(request)
    return params if vonage_signature_valid(params) else None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def vonage_status(request: HttpRequest) -> HttpResponse:
    params = _signed_params(request)
    if params is None:
        return HttpResponse("Bad or missing signature.", status=403, content_type="text/plain")
    receipt_record(
        provider_id=params.get("messageId", ""),
        client_ref=params.get("client-ref", ""),
        status=params.get("status", ""),
        error_code=params.get("err-code", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def vonage_inbound(request: HttpRequest) -> HttpResponse:
    params = _signed_params(request)
    if params is None:
        return HttpResponse("Bad or missing signature.", status=403, content_type="text/plain")
    if params.get("messageId") and params.get("msisdn"):
        inbound_text_receive(
            provider_id=params["messageId"],
            from_phone=params["msisdn"],
            text=params.get("text", ""),
            params=params,
        )
    return HttpResponse(status=204)
