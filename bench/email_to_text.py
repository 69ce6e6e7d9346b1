"""Email to first text: webhook in (gunicorn), a real Celery worker on the real Redis, file backend out.

For each of ~20 order emails, one after another: the time from sending the POST to
the first new line in SMS_FILE_PATH. The floor is the webhook's own answer time.
Our code's share is estimated from the worker's log: the median run time of
`book_inbound_email` (the booking made from the stored reading, then planned: one task)
and of `send_message` ("succeeded in …"), plus the webhook's time;
the rest (broker hand-off, worker pick-up, polling) is outside our code.
Target: median under 150 ms. And where `start_booking` spends its time: `booking_start`
run in-process under cProfile on the same roster, split by the services it calls.
"""

import cProfile
import io
import pstats
import re
import statistics
import time
from pathlib import Path

from .common import AWAKE, QUICK, Row, ms
from .intake import email_request
from .load import send
from .server import shared_gunicorn
from .worker import tasks_queued_aside, texting_worker

EMAILS = 3 if QUICK else 20
WAIT_SECONDS = 15.0
SUCCEEDED = re.compile(r"Task (\S+)\[[^\]]+\] succeeded in ([0-9.]+)s")


def roster_for_sample() -> None:
    """A few musicians for each instrument of the sample order (drums, bass, keys), with no quiet
    hours: this row times the machine, and from 10 p.m. to 8 a.m. a musician's offer text is held
    until their morning (the bench would measure the hour it ran at, not the code)."""
    from musicians.models import Instrument, Musician

    for slug in ("drums", "electric-bass", "keyboard"):
        instrument = Instrument.objects.get(slug=slug)
        for n in range(5):
            musician, _ = Musician.objects.update_or_create(
                phone=f"+1558{instrument.pk:03d}{n:04d}", defaults={"name": f"Sample {slug} {n}", **AWAKE}
            )
            musician.instruments.add(instrument)


def first_line_after(path: Path, size: int) -> bool:
    return path.exists() and path.stat().st_size > size


def run() -> list[Row]:
    roster_for_sample()
    # The profiled bookings' tasks go to a queue no worker reads: the worker the answers benchmark
    # started would otherwise plan them at the same time (the profile would be of waiting for the lock).
    with tasks_queued_aside():
        profile = start_booking_profile()
    worker = texting_worker()  # on an emptied broker: the first line in the file is this email's text
    sms_file = worker.sms_file
    totals, webhook, missing = [], [], 0
    base = shared_gunicorn()
    for n in range(EMAILS):
        size = sms_file.stat().st_size if sms_file.exists() else 0
        start = time.perf_counter()
        status, body, _ = send(base, email_request(99, n))
        webhook.append(time.perf_counter() - start)
        if status != 201:
            raise RuntimeError(f"webhook answered {status}: {body[:200]!r}")
        while not first_line_after(sms_file, size) and time.perf_counter() - start < WAIT_SECONDS:
            time.sleep(0.005)
        if first_line_after(sms_file, size):
            totals.append(time.perf_counter() - start)
        else:
            missing += 1
        time.sleep(0.3)  # let the rest of the group go out before the next email
    runs: dict[str, list[float]] = {}
    for task, seconds in SUCCEEDED.findall(worker.log.read_text() if worker.log.exists() else ""):
        runs.setdefault(task.rsplit(".", 1)[-1], []).append(float(seconds))
    median = statistics.median(totals) if totals else float("inf")
    # The first texts go out in one send_messages task: all of it is counted as ours (an
    # overstatement: the first text leaves at its start), so "outside" is if anything low.
    sending = runs.get("send_messages") or runs.get("send_message") or [0.0]
    booking = runs.get("book_inbound_email") or runs.get("start_booking") or [0.0]
    ours = statistics.median(webhook) + statistics.median(booking) + statistics.median(sending)
    outside = max(median - ours, 0.0)
    tasks = ", ".join(f"{t} {ms(statistics.median(v))}" for t, v in sorted(runs.items()))
    return [
        Row(f"email to first text: where booking_start goes (cProfile, {PROFILED} bookings)", profile),
        Row(
            f"email to first text, median of {len(totals)} (missing {missing})",
            ms(median),
            f"{ms(statistics.median(webhook))} (webhook answer)",
            f"{median / statistics.median(webhook):.1f}x",
            "< 150 ms",
            median < 0.150 and missing == 0,
        ),
        Row(
            f"email to first text: outside our code (worker medians: {tasks})",
            ms(outside),
            ms(median),
            "-",
            f"{outside / median:.0%} of the median",
            None,
        ),
    ]


PROFILED = 2 if QUICK else 5
# What booking_start calls, by the cumulative time cProfile gives each (they nest: plan > roster).
PARTS = {
    "lock": ("bookings/models.py", "locked"),
    "plan": ("bookings/engine.py", "_plan_candidate_times"),
    "roster": ("bookings/planning.py", "booking_roster"),
    "first offers": ("bookings/offers.py", "offers_send"),
    "texts stored": ("messaging/services.py", "messages_queue"),
    "texts queued to Redis": ("core/queueing.py", "publish"),
}


def start_booking_profile() -> str:
    """booking_start on fresh bookings from the sample email, profiled: each part's share."""
    from bookings.engine import booking_start
    from bookings.intake import inbound_email_book, inbound_email_receive

    def booking(n: int) -> int:
        _, _, body, headers = email_request(77, n)
        email = inbound_email_receive(body=body or b"", content_type="application/json", headers=headers).inbound_email
        made = inbound_email_book(inbound_email_id=email.pk)  # the worker's first step, before it plans
        if made is None:
            raise RuntimeError("the sample email made no booking")
        return made

    ids = [booking(n) for n in range(PROFILED + 1)]
    booking_start(booking_id=ids[0])  # warm
    profile = cProfile.Profile()
    profile.enable()
    for booking_id in ids[1:]:
        booking_start(booking_id=booking_id)
    profile.disable()
    stats = pstats.Stats(profile, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    total = _cumulative(stats, "bookings/engine.py", "booking_start")
    shares = [f"{name} {_cumulative(stats, *where) / total:.0%}" for name, where in PARTS.items()]
    return f"{ms(total / PROFILED)} profiled a booking: " + ", ".join(shares)


def _cumulative(stats: dict, path: str, function: str) -> float:
    return sum(v[3] for (file, _, name), v in stats.items() if file.endswith(path) and name == function)
