from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .health import health_report
from .templatetags.studio_health import background_parts_banner


def home(request: HttpRequest) -> HttpResponse:
    return redirect("admin:index")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, for a load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness, honestly: database, broker, a worker that answers, a relay that ran lately.

    503 when any fails, so a monitor pages someone before texts quietly stop going out.
    """
    checks = health_report()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)


def board_banner(request: HttpRequest) -> HttpResponse:
    """The board's banner alone: the board fetches it while it stays open (admin only)."""
    return render(request, "workflow/_background_parts_banner.html", background_parts_banner())
