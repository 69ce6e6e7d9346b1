"""The one URL the benchmark server adds (see bench/wsgi.py)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial", trivial)]
