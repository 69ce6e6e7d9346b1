"""`make run`'s web process, started from the real Procfile: it listens on loopback only,
its DEBUG page shows no secret to a stranger, and Ctrl-C leaves no process behind."""

import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from workflow.error_reports import SecretsFilter
from workflow.tests.embedded import embedded_stack, listening_addresses
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
