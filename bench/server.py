"""Start and stop gunicorn on bench.wsgi, on a free port of 127.0.0.1."""

import os
import socket
import subprocess  # nosec B404: our own gunicorn, fixed arguments
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 4))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(**env: str):
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
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)  # nosec B603  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            with urllib.request.urlopen(base + "/bench/trivial", timeout=2):  # nosec B310: 127.0.0.1  # noqa: S310
                pass
            for _ in range(WORKERS * 2):  # let every worker load the app before timing starts
                urllib.request.urlopen(base + "/healthz", timeout=10).close()  # nosec B310  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")
