"""`make run`'s web process, started from the real Procfile: it listens on loopback only,
its DEBUG page shows no secret to a stranger, and Ctrl-C leaves no process behind."""

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from workflow.error_reports import SecretsFilter
from workflow.tests.embedded import (
    MARKER,
    ROOT,
    VENV_BIN,
    embedded_environment,
    embedded_stack,
    free_port,
    listening_addresses,
    processes_marked,
)
from workflow.tests.phone import wait_for
from workflow.tests.test_error_reports import SECRET_ENVIRONMENT, secrets_in

LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as /proc/net/tcp spells them


def secret_environment() -> dict[str, str]:
    """The test secrets, with DATABASE_URL pointing for real at make test's PostgreSQL (it
    trusts local connections, so the password in the URL is shown but never checked)."""
    secrets = {name: value for name, value in SECRET_ENVIRONMENT.items() if not name.startswith("HTTP_")}
    database = urlsplit(os.environ.get("DATABASE_URL", ""))
    if database.scheme.startswith("postgres"):
        secrets["DATABASE_URL"] = (
            f"postgres://{database.username}:db-pass-1a@{database.hostname}:{database.port}/postgres"
        )
    else:
        del secrets["DATABASE_URL"]  # the SQLite default: no password to leak
    return secrets


def get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own server over http)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_web_process_listens_on_loopback_and_its_debug_page_hides_every_secret(tmp_path):
    with embedded_stack(tmp_path / "stack", "web", migrate=False, **secret_environment()) as stack:
        addresses = listening_addresses(stack.port)
        status, page = get(
            f"{stack.url}/",
            Host="attacker.example",
            Authorization="Bearer header-token-0j",
            Cookie="sessionid=cookie-secret-1k",
        )

        assert addresses and addresses <= LOOPBACK, addresses
        assert status == 400
        assert "DisallowedHost" in page and "CELERY_BROKER_URL" in page  # the technical page with settings and META
        assert secrets_in(page) == []
        assert "cookie-secret-1k" not in page
        assert SecretsFilter.cleansed_substitute in page
        assert stack.interrupt() == []  # Ctrl-C: nothing left


def test_bind_address_opens_the_web_process_to_the_network(tmp_path):
    with embedded_stack(tmp_path / "stack", "web", migrate=False, BIND_ADDRESS="0.0.0.0") as stack:  # noqa: S104
        assert listening_addresses(stack.port) == {"00000000"}


def test_make_runs_script_from_a_fresh_checkout_texts_offers_and_stops_clean(tmp_path):
    """scripts/run as `make run` calls it, in a copy of this checkout with no .env and no data:
    the real ZAPIER_TOKEN beats the one it writes to .env, the README's curl gives the
    offer texts, and Ctrl-C leaves nothing running."""
    checkout = copy_of_this_checkout(tmp_path / "checkout")
    port = free_port()
    marker = f"run-{port}"
    env = embedded_environment(tmp_path / "unused", port) | {MARKER: marker, "ZAPIER_TOKEN": "from-the-environment"}
    for name in ("DATA_DIR", "DEBUG", "SECRET_KEY", "SMS_BACKEND", "SMS_FILE_PATH", "PUBLIC_BASE_URL", "LOG_LEVEL"):
        del env[name]  # as on a laptop: .env and the defaults decide
    log_path = tmp_path / "make-run.log"
    with log_path.open("wb") as log:
        run = subprocess.Popen(  # noqa: S603 (our own script)
            [str(checkout / "scripts/run")],
            cwd=checkout,
            env=env | {"VENV": str(VENV_BIN.parent)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        output = lambda: log_path.read_text(errors="replace")  # noqa: E731
        wait_for(
            lambda: post_sample(f"http://localhost:{port}", Path("/dev/null"), "")[0] == 401,
            timeout=120,
            what="make run",
        )
        dotenv = (checkout / ".env").read_text()

        status, body = post_sample(
            f"http://localhost:{port}", checkout / "data/sample-email.json", "from-the-environment"
        )
        refused, _ = post_sample(
            f"http://localhost:{port}", checkout / "data/sample-email.json", dotenv_value(dotenv, "ZAPIER_TOKEN")
        )

        assert status == 201, body
        assert refused == 401
        # The sample order's three seats, each offered to a wave of three (the paced policy's default):
        # the demo roster's three musicians of each instrument.
        wait_for(lambda: output().count("(offer) ---") == 9, timeout=60, what="the nine offer texts")
        assert all(f"can you play {instrument}" in output() for instrument in ("drums", "electric bass", "keyboard"))
        assert not (checkout / "control").exists()  # the folder broker keeps everything under data/
    finally:
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        run.wait(timeout=30)
    deadline = time.monotonic() + 10
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(marker) == []


def copy_of_this_checkout(target: Path) -> Path:
    listed = (
        subprocess.run(  # noqa: S603 (git, our own checkout)
            [shutil.which("git") or "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def post_sample(url: str, sample: Path, token: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (our own server over http)
        f"{url}/workflow/email",
        data=sample.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError as error:  # not listening yet
        return 0, str(error)


def dotenv_value(dotenv: str, name: str) -> str:
    return next(line.split("=", 1)[1] for line in dotenv.splitlines() if line.startswith(f"{name}="))
