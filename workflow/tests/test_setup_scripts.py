"""The set-up scripts, run for real against a pretend machine.

scripts/prereqs.sh decides what `make test` (and `make bench`, `make run`'s venv step)
lacks and how to install it. Here it runs as a real subprocess with a PATH of stub
binaries: an `id` that says who we are, a `sudo` that does or does not need a password,
an `apt-get` that records its arguments and "installs" packages by writing more stubs.
"""

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREREQS = ROOT / "scripts" / "prereqs.sh"
BASH = "/bin/bash"

# What each Debian package puts where, relative to the pretend machine's root.
PACKAGES = {
    "postgresql": ["usr/lib/postgresql/15/bin/initdb", "usr/lib/postgresql/15/bin/pg_ctl", "etc/user-postgres"],
    "redis-server": ["bin/redis-server"],
    "chromium": ["usr/bin/chromium"],
    "make": ["bin/make"],
    "python3.11-venv": ["etc/python-venv"],
}


def stub(path: Path, script: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


@dataclass
class Machine:
    """A pretend Debian box: `bin/` is its whole PATH; installed files go under `root`."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def log(self) -> Path:
        return self.root / "calls.log"

    def user(self, uid: int) -> None:
        # `id -u` prints the uid; `id postgres` works once the postgresql package made the user.
        stub(
            self.bin / "id",
            f'[ "$1" = -u ] && {{ echo {uid}; exit 0; }}\n'
            f'[ "$1" = postgres ] && [ -e {self.root}/etc/user-postgres ] && exit 0\nexit 1\n',
        )

    def sudo(self, *, password: bool) -> None:
        # With a password, `sudo -n` refuses; without, it runs the command as given.
        run = 'shift\nwhile [ "${1#*=}" != "$1" ]; do export "$1"; shift; done\nexec "$@"\n'
        stub(
            self.bin / "sudo",
            f'echo "sudo $*" >> {self.log}\n[ "$1" = -n ] || exit 1\n' + ("exit 1\n" if password else run),
        )
        stub(self.bin / "true", "exit 0\n")

    def apt_get(self, *, fails: bool = False) -> None:
        def install(file: str) -> str:
            path = self.root / file
            return f"/bin/mkdir -p {path.parent}; : > {path}; /bin/chmod +x {path};"

        cases = "".join(
            f"    {package}) {' '.join(install(file) for file in files)} ;;\n" for package, files in PACKAGES.items()
        )
        stub(
            self.bin / "apt-get",
            f'echo "apt-get $* (DEBIAN_FRONTEND=$DEBIAN_FRONTEND)" >> {self.log}\n'
            + ("exit 100\n" if fails else "")
            + '[ "$1" = install ] || exit 0\nfor package in "$@"; do\n  case $package in\n'
            + cases
            + "  esac\ndone\n",
        )

    def python(self) -> None:
        # python3.11 whose venv module exists only once python3.11-venv is installed.
        stub(
            self.bin / "python3",
            "case $2 in\n  *ensurepip*) [ -e " + str(self.root / "etc/python-venv") + " ] ;;\n"
            "  *version_info*) echo python3.11-venv ;;\nesac\n",
        )

    def has(self, package: str) -> None:
        for file in PACKAGES[package]:
            path = self.root / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            path.chmod(0o755)

    def prereqs(self, *tools: str, **env: str) -> subprocess.CompletedProcess:
        environment = {
            "PATH": str(self.bin),
            "CHROMIUM": str(self.root / "usr/bin/chromium"),
            "PG_LIB": str(self.root / "usr/lib/postgresql"),
            "WHO": "make test",
        } | env
        return subprocess.run(  # noqa: S603 (our own script, our own arguments)
            [BASH, str(PREREQS), *tools], env=environment, capture_output=True, text=True, timeout=30, check=False
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def machine(tmp_path) -> Machine:
    box = Machine(tmp_path / "box")
    box.bin.mkdir(parents=True)
    box.user(0)
    box.apt_get()
    box.python()
    return box


def test_it_says_nothing_and_installs_nothing_when_all_is_there(machine):
    for package in ("postgresql", "redis-server", "chromium", "python3.11-venv"):
        machine.has(package)

    result = machine.prereqs("postgresql", "redis", "chromium", "venv")

    assert (result.returncode, result.stderr) == (0, "")
    assert machine.calls() == []


def test_it_finds_debians_postgresql_outside_path(machine):
    machine.has("postgresql")  # /usr/lib/postgresql/15/bin, as the Debian package installs it

    assert machine.prereqs("postgresql").returncode == 0


def test_it_finds_initdb_and_pg_ctl_on_path(machine):
    stub(machine.bin / "initdb", "")
    stub(machine.bin / "pg_ctl", "")

    result = subprocess.run(  # noqa: S603
        [BASH, "-c", f"source {shlex.quote(str(PREREQS))}; pg_bin_dir"],
        env={"PATH": str(machine.bin), "PG_LIB": str(machine.root / "usr/lib/postgresql")},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == str(machine.bin)


def test_as_root_it_names_what_is_missing_and_installs_it_with_apt_get(machine):
    machine.has("postgresql")

    result = machine.prereqs("postgresql", "redis", "chromium")

    assert result.returncode == 0, result.stderr
    assert "Redis (redis-server)" in result.stderr
    assert "Chromium" in result.stderr
    assert "PostgreSQL" not in result.stderr
    assert machine.calls() == [
        "apt-get update -qq (DEBIAN_FRONTEND=noninteractive)",
        "apt-get install -y -qq redis-server chromium (DEBIAN_FRONTEND=noninteractive)",
    ]


def test_as_root_without_the_postgres_user_postgresql_counts_as_missing(machine):
    machine.has("postgresql")
    (machine.root / "etc/user-postgres").unlink()

    result = machine.prereqs("postgresql")

    assert result.returncode == 0, result.stderr
    assert "apt-get install -y -qq postgresql (DEBIAN_FRONTEND=noninteractive)" in machine.calls()


def test_with_sudo_and_no_password_it_installs_through_sudo(machine):
    machine.user(1000)
    machine.sudo(password=False)

    result = machine.prereqs("postgresql", "redis")

    assert result.returncode == 0, result.stderr
    assert "Installing them: sudo apt-get install -y postgresql redis-server" in result.stderr
    assert machine.calls() == [
        "sudo -n true",
        "sudo -n DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get update -qq (DEBIAN_FRONTEND=noninteractive)",
        "sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server",
        "apt-get install -y -qq postgresql redis-server (DEBIAN_FRONTEND=noninteractive)",
    ]


def test_when_sudo_needs_a_password_it_prints_the_sudo_line_and_stops(machine):
    machine.user(1000)
    machine.sudo(password=True)

    result = machine.prereqs("postgresql", "redis", "chromium")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "make test needs PostgreSQL (initdb, pg_ctl), Redis (redis-server), "
        f"Chromium ({machine.root}/usr/bin/chromium, for the browser tests), not installed here.",
        "Run this, then make test again:",
        "  sudo apt-get update && sudo apt-get install -y postgresql redis-server chromium",
    ]
    assert machine.calls() == ["sudo -n true"]  # asked, never installed


def test_without_sudo_it_prints_the_su_line_and_stops(machine):
    machine.user(1000)

    result = machine.prereqs("redis")

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "  su -c 'apt-get update && apt-get install -y redis-server'"
    assert machine.calls() == []


def test_without_apt_get_it_names_the_packages_and_stops(machine):
    (machine.bin / "apt-get").unlink()

    result = machine.prereqs("redis", "chromium")

    assert result.returncode == 1
    assert "on Debian: redis-server chromium" in result.stderr
    assert machine.calls() == []


def test_auto_install_false_only_prints_the_line_even_as_root(machine):
    result = machine.prereqs("redis", AUTO_INSTALL="false")

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "  apt-get update && apt-get install -y redis-server"
    assert machine.calls() == []


def test_a_failed_apt_get_says_so_and_prints_the_line(machine):
    machine.apt_get(fails=True)

    result = machine.prereqs("redis")

    assert result.returncode == 1
    assert "apt-get failed" in result.stderr
    assert result.stderr.splitlines()[-1] == "  apt-get update && apt-get install -y redis-server"


def test_a_python_without_venv_gets_its_own_versions_venv_package(machine):
    result = machine.prereqs("venv", "make", WHO="make run")

    assert result.returncode == 0, result.stderr
    assert "make run needs Python's venv module (python3 -m venv), make, not installed here." in result.stderr
    assert "apt-get install -y -qq python3.11-venv make (DEBIAN_FRONTEND=noninteractive)" in machine.calls()


def test_no_python_at_all_asks_for_python3_and_its_venv(machine):
    (machine.bin / "python3").unlink()
    machine.user(1000)

    result = machine.prereqs("venv")

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "  su -c 'apt-get update && apt-get install -y python3 python3-venv'"


# --- .env and the real environment (scripts/dotenv.sh, used by scripts/run) ------------


def test_the_environment_wins_over_dotenv_and_dotenv_fills_the_rest(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("ZAPIER_TOKEN=from-dotenv\nSMS_BACKEND=console\nexport QUOTED='single quoted'\nSPACES=\"a b\"\n")
    script = (
        f"source {shlex.quote(str(ROOT / 'scripts/dotenv.sh'))}; load_dotenv {shlex.quote(str(dotenv))}; "
        'printf "%s|%s|%s|%s" "$ZAPIER_TOKEN" "$SMS_BACKEND" "$QUOTED" "$SPACES"'
    )
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "ZAPIER_TOKEN": "from-the-environment"}

    result = subprocess.run([BASH, "-c", script], env=env, capture_output=True, text=True, check=True)  # noqa: S603

    assert result.stdout == "from-the-environment|console|single quoted|a b"
