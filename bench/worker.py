"""Start and stop a real Celery worker on the bench's Redis, and read its resident memory."""

import os
import subprocess  # nosec B404: the Popen type only
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from .processes import SHARED, running


@contextmanager
def tasks_queued_aside() -> Iterator[None]:
    """What this process publishes inside goes to a Redis queue no worker reads, dropped at the end."""
    from celery import current_app

    queue = f"bench-aside-{os.getpid()}"
    default = current_app.conf.task_default_queue
    current_app.conf.task_default_queue = queue
    try:
        yield
    finally:
        current_app.conf.task_default_queue = default
        redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).delete(queue)


def broker_flush() -> None:
    """Drop the tasks earlier benchmarks left in Redis (no worker ran for them)."""
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()


@contextmanager
def celery_worker(
    *, processes: int, log: Path, queues: str = "celery", app: str = "workflow", **env: str
) -> Iterator[subprocess.Popen]:
    """Yield the worker's Popen once it is ready to take tasks; stop it (by its pid) afterwards."""
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        app,
        "worker",
        "-c",
        str(processes),
        "-Q",
        queues,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--logfile",
        str(log),
    ]
    log.unlink(missing_ok=True)

    def ready() -> bool:
        return log.exists() and "ready." in log.read_text(errors="replace")

    with running(command, name="the celery worker", ready=ready, env=env, timeout=60, stop_within=60) as process:
        yield process


@dataclass(frozen=True)
class TextingWorker:
    process: subprocess.Popen
    sms_file: Path  # the file backend's texts, a JSON line each
    log: Path


_texting: list[TextingWorker] = []


def texting_worker() -> TextingWorker:
    """The app's worker (2 processes, file SMS backend, no rate limit) that email-to-first-text
    and the memory benchmark share; started on first use, on an emptied broker (what earlier
    benchmarks queued with no worker running is dropped, not run)."""
    if not _texting:
        tmp = Path(os.environ.get("BENCH_TMP", "/tmp"))  # noqa: S108
        sms_file, log = tmp / "sms.jsonl", tmp / "worker.log"
        env = {"SMS_BACKEND": "file", "SMS_FILE_PATH": str(sms_file), "SMS_RATE_PER_SECOND": "100000"}
        broker_flush()  # earlier benchmarks leave thousands of tasks in Redis (no worker ran them)
        process = SHARED.enter_context(celery_worker(processes=2, log=log, LOG_LEVEL="INFO", **env))
        _texting.append(TextingWorker(process, sms_file, log))
    return _texting[0]


def children_rss_kib(pid: int) -> int:
    """Resident memory of the worker's pool processes (the ones that run tasks), in KiB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(_rss_kib(int(child)) for child in children)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
