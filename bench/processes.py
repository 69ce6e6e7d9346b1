"""Start a benchmark's own server process, wait until it is ready, stop it afterwards."""

import os
import subprocess  # nosec B404: our own gunicorn and celery, fixed arguments
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Processes several benchmarks share (started on first use: each start costs seconds);
# bench/run.py closes it at the end.
SHARED = ExitStack()


@contextmanager
def running(
    command: list[str], *, name: str, ready: Callable[[], bool], env: dict[str, str], timeout: float, stop_within: float
) -> Iterator[subprocess.Popen]:
    """Yield the process once `ready()` says so; terminate it (by its pid) and wait for it afterwards.

    `ready` may raise OSError (nothing listening yet): that counts as not ready.
    """
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # nosec B603  # noqa: S603
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited at start")
            try:
                if ready():
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} was not ready within {timeout:.0f} s")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=stop_within)
