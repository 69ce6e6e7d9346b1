"""The floor views the benchmark server adds beside the app (see bench/wsgi.py).

- `/bench/trivial`: a JSON answer that touches no database (the HTTP floor).
- `/bench/write-floor?row=N`: the YES press's floor: open a transaction, lock one row, update it.
- `/bench/intake-floor`: intake's floor: store the raw body in one insert.

Their tables are the bench's own (`floor_tables_create`), so no app model or migration changes.
"""

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

FLOOR_ROWS = 10_000


def floor_tables_create() -> None:
    """The two tables the floors write to, FLOOR_ROWS lockable rows in the first (idempotent)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_floor_row (id integer PRIMARY KEY, pressed_at timestamptz)")
        cursor.execute(
            "INSERT INTO bench_floor_row (id) SELECT generate_series(1, %s) ON CONFLICT DO NOTHING", [FLOOR_ROWS]
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor_body (id bigserial PRIMARY KEY, received_at timestamptz, body text)"
        )


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
def write_floor(request: HttpRequest) -> JsonResponse:
    row = int(request.GET.get("row", "1")) % FLOOR_ROWS + 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM bench_floor_row WHERE id = %s FOR UPDATE", [row])
        cursor.execute("UPDATE bench_floor_row SET pressed_at = now() WHERE id = %s", [row])
    return JsonResponse({"ok": True})


@csrf_exempt
def intake_floor(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor_body (received_at, body) VALUES (now(), %s)",
            [request.body.decode("utf-8", "replace")],
        )
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/write-floor", write_floor),
    path("bench/intake-floor", intake_floor),
]
