"""The embedded default as `make run` starts it, for tests that need the real thing.

`Stack` migrates a fresh SQLite database in a temporary DATA_DIR and starts the real
Procfile with honcho (runserver, a prefork Celery worker on the folder broker, Beat), with
the settings `make run`'s .env gives and none of the PostgreSQL/Redis ones `make test`
exports. Every process it starts carries a marker in its environment, so a test can
find whatever is left after a Ctrl-C, however deep in the tree and in whatever session.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from workflow.tests.phone import wait_for

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ZAPIER_TOKEN = "embedded-zapier-token"
MARKER = "WORKFLOW_TEST_STACK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_environment(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of `make run` with its generated .env, on a fresh DATA_DIR."""
    drop = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "TEST_PG_RESTART", "CONN_MAX_AGE"}
    env = {name: value for name, value in os.environ.items() if name not in drop}
    return (
        env
        | {
            "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
            "DATA_DIR": str(data_dir),
            "DEBUG": "true",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ZAPIER_TOKEN": ZAPIER_TOKEN,
            "MANAGER_PHONE": "+12125550199",
            "SMS_BACKEND": "file",
            "SMS_FILE_PATH": str(data_dir / "sms.jsonl"),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "LOG_LEVEL": "WARNING",
            "PORT": str(port),
            MARKER: data_dir.name,
        }
        | extra
    )


def processes_marked(marker: str) -> list[int]:
    """Every live process whose environment carries MARKER=marker."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on port (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@dataclass
class Stack:
    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sms_file(self) -> Path:
        return self.data_dir / "sms.jsonl"

    def post_email(self, payload: dict) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 (our own server over http)
            f"{self.url}/workflow/email",
            data=json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {ZAPIER_TOKEN}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body)
            except ValueError:
                return error.code, {"body": body.decode(errors="replace")[:2000]}

    def manage(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout

    def interrupt(self, timeout: float = 30.0) -> list[int]:
        """Ctrl-C, as a terminal sends it; returns the marked processes still alive after."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=timeout)
        deadline = time.monotonic() + 10
        while (left := processes_marked(self.data_dir.name)) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left


@contextmanager
def embedded_stack(data_dir: Path, *processes: str, migrate: bool = True, **extra: str) -> Iterator[Stack]:
    """Migrate, load the demo roster and run `honcho start` on the Procfile (all of it, or
    the named processes); Ctrl-C it on the way out and kill whatever it left."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = embedded_environment(data_dir, port, **extra)
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]) if migrate else ():
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    log = (data_dir / "honcho.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (honcho from our virtualenv, our Procfile)
        [str(VENV_BIN / "honcho"), "start", "-e", "/dev/null", "-f", "Procfile", "-p", str(port), *processes],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    stack = Stack(data_dir=data_dir, port=port, env=env, process=process)
    try:
        wait_for(lambda: _answers(f"{stack.url}/healthz"), timeout=60, what="the web server")
        yield stack
    finally:
        left = stack.interrupt()
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False
