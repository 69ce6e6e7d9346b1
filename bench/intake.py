"""Intake: `POST /workflow/email` under gunicorn at concurrency 4, against its write floor.

Every POST is a different order email (its own Message-ID), so each is read, stored with
its reading and its dedupe key in one insert as a new order, and its booking task queued
to Redis: what the webhook does before it answers 201. The booking itself is made by the worker from the stored reading
(no worker runs here; `email_to_text` times the whole path through one).
The floor is `/bench/intake-floor` on the same server: the same body stored in one
insert, nothing else. Floor and webhook take turns (four slices each), so a burst of a
neighbour's load on this shared machine weighs on both alike. Target: intake throughput
>= a third of the floor's at c=4, with the contract kept (every valid email 201, an email
with no order in it 422).
The trivial view (no database) is reported beside them for scale.
"""

import json
import secrets

from django.utils import timezone

from .common import QUICK, Row, ms
from .load import run_alternating, run_load, send
from .server import shared_gunicorn

CONCURRENCY = 4
SECONDS = 1.0 if QUICK else 4.0  # each, in SLICES turns of the floor and the webhook
SLICES = 4
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer bench-zapier-token"}


def email_request(number: int, done: int):
    from bookings.samples import sample_order_email

    email = sample_order_email(now=timezone.now(), time_zone="America/New_York")
    email["message_id"] = f"<bench-{number}-{done}-{secrets.token_hex(6)}@bench.example>"
    return "POST", "/workflow/email", json.dumps(email).encode(), HEADERS


def floor_request(number: int, done: int):
    _, _, body, headers = email_request(number, done)
    return "POST", "/bench/intake-floor", body, headers


def trivial_request(number: int, done: int):
    return "GET", "/bench/trivial", None, {}


def created(status: int) -> bool:
    return status == 201


def unparseable_status(base: str) -> int:
    body = {"message_id": f"<bench-bad-{secrets.token_hex(6)}@bench.example>", "subject": "hi", "body": "hello"}
    status, _, _ = send(base, ("POST", "/workflow/email", json.dumps(body).encode(), HEADERS))
    return status


def run() -> list[Row]:
    from .urls import floor_tables_create

    floor_tables_create()
    base = shared_gunicorn()
    trivial = run_load(base, trivial_request, concurrency=CONCURRENCY, seconds=SECONDS)
    floor, intake = run_alternating(
        base,
        [(floor_request, created), (email_request, created)],
        concurrency=CONCURRENCY,
        seconds=SECONDS,
        slices=SLICES,
    )
    bad = unparseable_status(base)
    share = intake.throughput / floor.throughput
    return [
        Row(
            f"intake POST /workflow/email at c={CONCURRENCY} (p99 {ms(intake.p99)}, non-201 {intake.errors}; "
            f"trivial view {trivial.throughput:.0f}/s)",
            f"{intake.throughput:.0f}/s",
            f"{floor.throughput:.0f}/s (raw body, one insert; p99 {ms(floor.p99)})",
            f"{share:.0%}",
            ">= 33%, every valid email 201",
            share >= 1 / 3 and intake.errors == 0 and floor.errors == 0,
        ),
        Row("intake: an email with no order in it", f"HTTP {bad}", "-", "-", "422", bad == 422),
    ]
