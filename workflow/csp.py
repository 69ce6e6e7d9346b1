"""Content-Security-Policy for every page (Django 5.2 has none built in).

Scripts run only from our own origin or carry this response's nonce (the board's one
inline polling script takes it from the `csp_nonce` context variable), so a song title
or a note that slipped HTML past escaping still cannot run a script.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY.replace("{nonce}", nonce)
        )
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Context processor: `<script nonce="{{ csp_nonce }}">`."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
