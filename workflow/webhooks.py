"""The Zapier webhook: POST /workflow/email.

Thin on purpose: authenticate, size-check, store, hand to intake, answer. The
answer codes are for Zapier: 201 a new booking, 200 a replay of one, 422 an
email we could not read (stored, the manager told), 400 not an email at all,
401 a bad token, 413 too big. Only a 5xx makes Zapier retry, and a retry is safe.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.intake import IntakeOutcome, inbound_email_process, inbound_email_store
from core.links import absolute_url


def _token(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("X-Workflow-Token", "").strip()


def _authenticated(request: HttpRequest) -> bool:
    expected = settings.ZAPIER_TOKEN
    return bool(expected) and constant_time_compare(_token(request), expected)


def _too_big(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    return declared > settings.INBOUND_EMAIL_MAX_BYTES


def _error(status: int, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"errors": [message], **extra}, status=status)


@csrf_exempt
@require_POST
def email_webhook(request: HttpRequest) -> JsonResponse:
    if not _authenticated(request):
        response = _error(401, "Missing or wrong token: send Authorization: Bearer <ZAPIER_TOKEN>.")
        response["WWW-Authenticate"] = "Bearer"
        return response
    if _too_big(request) or len(request.body) > settings.INBOUND_EMAIL_MAX_BYTES:
        return _error(413, f"The email is over {settings.INBOUND_EMAIL_MAX_BYTES // 1024} KB.")
    inbound = inbound_email_store(
        body=request.body, content_type=request.META.get("CONTENT_TYPE", ""), headers=dict(request.headers)
    )
    return _answer(inbound_email_process(inbound_email=inbound))


def _answer(outcome: IntakeOutcome) -> JsonResponse:
    email_id = outcome.inbound_email.pk
    if outcome.malformed:
        return JsonResponse({"errors": outcome.errors, "inbound_email": email_id}, status=400)
    if outcome.booking is None:
        return JsonResponse({"errors": outcome.errors, "inbound_email": email_id}, status=422)
    booking = outcome.booking
    body = {
        "booking": booking.pk,
        "status": booking.status,
        "url": absolute_url(reverse("dashboard-booking", args=[booking.pk])),  # Dane's live booking page
        "inbound_email": email_id,
        "replay": outcome.replay,
    }
    return JsonResponse(body, status=200 if outcome.replay else 201)
