"""Sending: a burst of 1,000 texts through `message_send` with SMS_BACKEND=vonage, against the stand-in.

Eight threads send queued texts as fast as the shared Redis throttle lets them,
SMS_RATE_PER_SECOND=50. The stand-in counts arrivals and answers 429 above 50 in
any second. Targets: sustained >= 90% of the limit, never above it, zero 429s.
"""

import os
import threading
from pathlib import Path

from django.db import connection
from django.test import override_settings

from .common import QUICK, Row
from .vonage_standin import start

TEXTS = 150 if QUICK else 1_000
RATE = 50
THREADS = 8


def queued_texts(count: int) -> list[int]:
    from messaging.models import Message

    texts = Message.objects.bulk_create(
        Message(purpose=Message.Purpose.NOTICE, to_phone=f"+1559{n:07d}", body="Bench text") for n in range(count)
    )
    return [t.pk for t in texts]


def burst(ids: list[int]) -> dict[str, int]:
    from messaging.services import message_send

    pool, lock = iter(ids), threading.Lock()
    outcomes: dict[str, int] = {}

    def sender() -> None:
        try:
            while True:
                with lock:
                    message_id = next(pool, None)
                if message_id is None:
                    return
                outcome = message_send(message_id=message_id).outcome.value
                with lock:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def busiest_second(arrivals: list[float]) -> int:
    best, first = 0, 0
    for last, at in enumerate(arrivals):
        while arrivals[first] <= at - 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def run() -> list[Row]:
    folder = Path(os.environ.get("BENCH_TMP", "/tmp"))  # noqa: S108
    server, cert = start(RATE, folder)
    os.environ["REQUESTS_CA_BUNDLE"] = str(cert)  # requests trusts the stand-in's certificate
    ids = queued_texts(TEXTS)
    vonage = {
        "SMS_BACKEND": "vonage",
        "VONAGE_API_KEY": "bench",
        "VONAGE_API_SECRET": "bench-secret",
        "VONAGE_FROM": "+12125550100",
        "VONAGE_REST_HOST": f"127.0.0.1:{server.port}",
        "VONAGE_SIGNATURE_SECRET": "",
        "SMS_RATE_PER_SECOND": float(RATE),
        "SMS_MAX_RETRIES": 0,
    }
    with override_settings(**vonage):
        outcomes = burst(ids)
    server.stop()
    arrivals = sorted(server.arrivals)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else float("inf")
    sustained = (len(arrivals) - 1) / span
    peak = busiest_second(arrivals)
    return [
        Row(
            f"sending: {TEXTS:,} texts, {THREADS} threads, limit {RATE}/s (outcomes {outcomes})",
            f"{sustained:.1f}/s sustained",
            f"{RATE}/s limit",
            f"{sustained / RATE:.0%}",
            ">= 90%",
            sustained >= 0.9 * RATE and outcomes.get("sent") == TEXTS,
        ),
        Row(
            "sending: busiest second / throttled (429) answers",
            f"{peak} / {server.throttled}",
            f"{RATE}/s limit",
            f"{peak / RATE:.0%}",
            f"<= {RATE}, 0 429s",
            peak <= RATE and server.throttled == 0,
        ),
    ]
