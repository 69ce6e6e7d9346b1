"""The Zapier webhook: POST /workflow/email.

Thin on purpose: authenticate, size-check, hand to intake (which reads the email and
stores it with its reading in one insert, before anything acts on it), answer. The
answer codes are for Zapier: 201 a new order (stored and read; a worker makes its
booking and starts planning it a moment later), 200 a replay of one, 422 an email we
could not read (stored, the manager told), 400 not an email at all, 401 a bad token,
413 too big. Only a 5xx makes Zapier retry, and a retry is safe.

A 201 cannot name the booking (it is not made yet): its `url` is the email's page on
the board, which opens the booking once it is there (bookings.email_page).
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.intake import IntakeOutcome, inbound_email_receive
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
    outcome = inbound_email_receive(
        body=request.body, content_type=request.META.get("CONTENT_TYPE", ""), headers=dict(request.headers)
    )
    return _answer(outcome)


def _answer(outcome: IntakeOutcome) -> JsonResponse:
    email = outcome.inbound_email
    if outcome.malformed:
        return JsonResponse({"errors": outcome.errors, "inbound_email": email.pk}, status=400)
    if not outcome.is_order:
        return JsonResponse({"errors": outcome.errors, "inbound_email": email.pk}, status=422)
    body: dict[str, object] = {
        "inbound_email": email.pk,
        "status": email.status,  # parsed: read as an order (or, on a replay, failed: its booking could not be made)
        "url": absolute_url(reverse("dashboard-email", args=[email.pk])),  # opens the booking once made
        "replay": outcome.replay,
    }
    if outcome.booking is not None:  # a replay of an email whose booking is made
        body["booking"] = outcome.booking.pk
    return JsonResponse(body, status=200 if outcome.replay else 201)
