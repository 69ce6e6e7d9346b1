"""A web process pays its first-use costs at start (workflow/warmup.py), with nothing to reach yet."""

import os
import socket
import subprocess  # nosec B404: our own interpreter, fixed arguments
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Without the warm-up the tasks modules are imported by the first task queued, so this is False.
PROBE = "import workflow.wsgi; from workflow.celery import app; print('bookings.tasks.start_booking' in app.tasks)"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_loads_the_task_registry_at_start_even_with_no_database_or_broker():
    nowhere = closed_port()
    env = os.environ | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{nowhere}/nowhere",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{nowhere}/0",
        "REDIS_URL": f"redis://127.0.0.1:{nowhere}/0",
        "DJANGO_SETTINGS_MODULE": "workflow.settings",
    }
    started = subprocess.run(  # nosec B603  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "True"
