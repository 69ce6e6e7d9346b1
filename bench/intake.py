"""Intake: `POST /workflow/email` under gunicorn at rising concurrency, against `/bench/trivial`.

Every POST is a different order email (its own Message-ID), so each makes a booking
(planning is queued to Redis; no worker runs here, so only the webhook is timed).
Targets: intake throughput >= 50% of the trivial view's (compared at each
concurrency, judged at the trivial view's peak); p99 < 100 ms at the concurrency
where the trivial view first reaches 80% of its peak.
"""

import json
import secrets

from django.utils import timezone

from .common import Row, ms
from .load import run_load
from .server import gunicorn

CONCURRENCY = [1, 2, 4, 8, 16]
SECONDS = 3.0


def email_request(number: int, done: int):
    from bookings.samples import sample_order_email

    email = sample_order_email(now=timezone.now(), time_zone="America/New_York")
    email["message_id"] = f"<bench-{number}-{done}-{secrets.token_hex(6)}@bench.example>"
    headers = {"Content-Type": "application/json", "Authorization": "Bearer bench-zapier-token"}
    return "POST", "/workflow/email", json.dumps(email).encode(), headers


def trivial_request(number: int, done: int):
    return "GET", "/bench/trivial", None, {}


def rows_for(name: str, trivial: dict, measured: dict) -> list[Row]:
    """Throughput at each concurrency, the 50% target at the trivial view's peak, and the p99 target."""
    peak_c = max(trivial, key=lambda c: trivial[c].throughput)
    peak = trivial[peak_c].throughput
    knee = min(c for c in trivial if trivial[c].throughput >= 0.8 * peak)
    rows = [
        Row(
            f"{name}: throughput at concurrency {c} (p99 {ms(measured[c].p99)}, errors {measured[c].errors})",
            f"{measured[c].throughput:.0f}/s",
            f"{trivial[c].throughput:.0f}/s trivial",
            f"{measured[c].throughput / trivial[c].throughput:.0%}",
        )
        for c in trivial
    ]
    best = max(m.throughput for m in measured.values())
    rows.append(
        Row(
            f"{name}: best throughput vs the trivial view's peak (c={peak_c})",
            f"{best:.0f}/s",
            f"{peak:.0f}/s",
            f"{best / peak:.0%}",
            ">= 50%",
            best / peak >= 0.5,
        )
    )
    rows.append(
        Row(
            f"{name}: p99 at c={knee} (trivial view at 80% of peak there)",
            ms(measured[knee].p99),
            ms(trivial[knee].p99) + " trivial",
            f"{measured[knee].p99 / trivial[knee].p99:.1f}x",
            "< 100 ms",
            measured[knee].p99 < 0.1 and sum(m.errors for m in measured.values()) == 0,
        )
    )
    return rows


def run() -> list[Row]:
    trivial, intake = {}, {}
    with gunicorn() as base:
        for c in CONCURRENCY:
            trivial[c] = run_load(base, trivial_request, concurrency=c, seconds=SECONDS)
            intake[c] = run_load(base, email_request, concurrency=c, seconds=SECONDS, ok=lambda s: s == 201)
    return rows_for("intake POST /workflow/email", trivial, intake)
