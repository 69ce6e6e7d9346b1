"""Start and stop a real Celery worker on the bench's Redis, and read its resident memory."""

import os
import subprocess  # nosec B404: the Popen type only
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from .processes import running


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


def children_rss_kib(pid: int) -> int:
    """Resident memory of the worker's pool processes (the ones that run tasks), in KiB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(_rss_kib(int(child)) for child in children)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
