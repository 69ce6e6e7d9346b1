"""Start and stop gunicorn on bench.wsgi, on a free port of 127.0.0.1."""

import os
import socket
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .processes import ROOT, SHARED, running

WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 4))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(**env: str) -> Iterator[str]:
    """Yield the base URL of a running gunicorn; stop it (by its pid) afterwards."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.wsgi:application",
        "--chdir",
        str(ROOT),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(WORKERS),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    base = f"http://127.0.0.1:{port}"
    with running(command, name="gunicorn", ready=lambda: _answers(base), env=env, timeout=30, stop_within=30):
        yield base


def _answers(base: str) -> bool:
    with urllib.request.urlopen(base + "/bench/trivial", timeout=2):  # nosec B310: 127.0.0.1  # noqa: S310
        pass
    for _ in range(WORKERS * 2):  # let every worker load the app before timing starts
        urllib.request.urlopen(base + "/healthz", timeout=10).close()  # nosec B310  # noqa: S310
    return True


_shared: list[str] = []


def shared_gunicorn() -> str:
    """The base URL of the one gunicorn the HTTP benchmarks share, started on first use."""
    if not _shared:
        _shared.append(SHARED.enter_context(gunicorn()))
    return _shared[0]
