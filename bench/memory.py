"""Memory: a real worker's resident memory after sending 10,000 texts, against after 1,000.

One worker (`-c 2`, its two pool processes summed) on the real Redis sends queued texts through the file SMS
backend (the in-memory one keeps every text, by design). Its pool processes' VmRSS is
read once the first 1,000 are sent, and again after 9,000 more. Target: within 10%.
"""

import time

from .common import QUICK, Row
from .worker import children_rss_kib, texting_worker

FIRST, THEN = (20, 100) if QUICK else (1_000, 9_000)
TIMEOUT = 600


def send_texts(count: int, offset: int) -> None:
    """Queue `count` texts and wait until the worker has sent them all."""
    from core.queueing import queue_now
    from messaging.models import Message

    texts = Message.objects.bulk_create(
        Message(purpose=Message.Purpose.NOTICE, to_phone=f"+1554{offset + n:07d}", body="Bench memory text")
        for n in range(count)
    )
    for text in texts:
        queue_now("messaging.tasks.send_message", text.pk)
    ids = [t.pk for t in texts]
    waiting = Message.objects.filter(pk__gte=min(ids), pk__lte=max(ids), status=Message.Status.QUEUED)
    deadline = time.monotonic() + TIMEOUT
    while waiting.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{waiting.count()} texts still queued after {TIMEOUT} s")
        time.sleep(0.25)


def run() -> list[Row]:
    worker = texting_worker().process
    send_texts(FIRST, 0)
    after_first = children_rss_kib(worker.pid)
    start = time.perf_counter()
    send_texts(THEN, FIRST)
    seconds = time.perf_counter() - start
    after_all = children_rss_kib(worker.pid)
    growth = after_all / after_first - 1
    return [
        Row(
            f"memory: worker RSS after {FIRST + THEN:,} texts vs after {FIRST:,} ({THEN / seconds:.0f} texts/s)",
            f"{after_all / 1024:.1f} MiB",
            f"{after_first / 1024:.1f} MiB",
            f"{growth:+.1%}",
            "within 10%",
            abs(growth) <= 0.10,
        )
    ]
