"""The embedded default (SQLite) under simultaneous writes: nothing fails with "database is locked".

Two musicians pressing YES at the same moment on the laptop setup got a 500: SQLite's
default (DEFERRED) transaction reads first and fails at once, without waiting, when its
read turns into a write while another connection writes. settings.py opens SQLite
transactions IMMEDIATE, with WAL and a 20 s timeout. These tests run the real settings on
a temporary SQLite file, in separate processes as the web server and the worker are.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bookings.samples import sample_order_email
from workflow.tests.embedded import ROOT, embedded_environment, embedded_stack, free_port
from workflow.tests.phone import Phone, links, sms_lines, wait_for

# Each thread is a musician pressing YES on every seat: read whether the seat is taken,
# take it if not, in one transaction; the read-then-write is what DEFERRED cannot wait on.
CLAIMS = """
import sys, threading, django
django.setup()
from django.db import connection, transaction

process, threads, seats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if process == "setup":
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE seat_claim (seat INTEGER UNIQUE, musician TEXT)")
    sys.exit()
start = threading.Barrier(threads)
errors = []

def musician(name):
    start.wait()
    for seat in range(seats):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM seat_claim WHERE seat = %s", [seat])
                if cursor.fetchone()[0] == 0:
                    cursor.execute("INSERT INTO seat_claim VALUES (%s, %s)", [seat, name])
        except Exception as error:
            errors.append(repr(error))
    connection.close()

workers = [threading.Thread(target=musician, args=(f"{process}-{n}",)) for n in range(threads)]
for worker in workers: worker.start()
for worker in workers: worker.join()
print(len(errors), errors[:3])
"""


def test_simultaneous_read_then_write_transactions_all_wait_their_turn(tmp_path):
    env = embedded_environment(tmp_path, free_port())

    def run(*args: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our interpreter, our script)
            [sys.executable, "-c", CLAIMS, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )

    assert run("setup", "0", "0").wait(timeout=60) == 0
    web, worker = run("web", "12", "25"), run("worker", "12", "25")  # two processes, 24 connections
    outputs = [process.communicate(timeout=120)[0].strip() for process in (web, worker)]

    assert outputs == ["0 []", "0 []"]
    claims = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
            "'SELECT count(*), count(DISTINCT seat) FROM seat_claim').fetchone())",
            str(tmp_path / "db.sqlite3"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert claims == "(25, 25)"  # one musician per seat


def test_simultaneous_order_emails_and_yes_presses_over_http(tmp_path):
    """The whole laptop setup (runserver, a worker, Beat) on SQLite: orders posted at once,
    the worker planning them meanwhile, then every offer's YES pressed at once."""
    orders = 24
    with embedded_stack(tmp_path / "stack") as stack:
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(stack.post_email, [sample_order_email_now() for _ in range(orders)]))

        assert [status for status, _ in answers] == [201] * orders, answers
        assert len({body["inbound_email"] for _, body in answers}) == orders
        count = "from bookings.models import Booking; print(Booking.objects.count())"
        wait_for(  # the worker makes each booking from its stored reading
            lambda: stack.manage("shell", "--no-imports", "-c", count).strip() == str(orders),
            timeout=90,
            what="the worker to make every booking",
        )

        offers = wait_for(lambda: offer_texts(stack.sms_file, at_least=orders * 3), timeout=90, what="the offer texts")
        yes_links = [links(text["body"])["yes"] for text in offers]
        with ThreadPoolExecutor(max_workers=12) as pool:
            pages = list(pool.map(lambda url: Phone().tap(url), yes_links))

        assert [page.status for page in pages if page.status >= 500] == []
        assert {page.status for page in pages} == {200}
        assert [page.url for page in pages if page.refreshes_in is not None] == []  # the worker decided each press
        assert stack.interrupt() == []  # Ctrl-C: nothing left behind


def sample_order_email_now() -> dict[str, str]:
    from django.utils import timezone

    return sample_order_email(now=timezone.now(), time_zone="America/New_York")


def offer_texts(sms_file: Path, at_least: int) -> list[dict]:
    texts = [text for text in sms_lines(sms_file) if text["kind"] == "offer"]
    return texts if len(texts) >= at_least else []
