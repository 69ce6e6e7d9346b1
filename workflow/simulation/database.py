"""A throwaway SQLite database for one simulated run, migrated from scratch.

The command points Django's default connection at a new file in a temp folder for
each policy (whatever DATABASE_URL says: a simulation never touches the real
database), migrates it once, and copies the migrated file for the next policy.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.management import call_command
from django.db import connections


def _sqlite(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "CONN_MAX_AGE": None,
        # A throwaway file: no fsync per commit (the run would spend most of its time there).
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"},
    }


@contextmanager
def database_pointed_at(path: Path) -> Iterator[None]:
    """Django's default database is the SQLite file at `path` until the block ends."""
    saved = connections.settings
    connections.close_all()
    connections.settings = connections.configure_settings({"default": _sqlite(path)})
    _forget_default_connection()
    try:
        yield
    finally:
        connections.close_all()
        connections.settings = saved
        _forget_default_connection()


def _forget_default_connection() -> None:
    """The next use of the default connection opens one from the current settings."""
    with suppress(AttributeError):  # never opened in this thread
        del connections["default"]


class ThrowawayDatabases:
    """Fresh migrated SQLite files, one per run, all in one temp folder removed at the end."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="workflow-sim-"))
        self.template: Path | None = None
        self.count = 0

    @contextmanager
    def fresh(self) -> Iterator[None]:
        self.count += 1
        path = self.folder / f"run-{self.count}.sqlite3"
        if self.template is not None:
            shutil.copyfile(self.template, path)
        with database_pointed_at(path):
            if self.template is None:
                call_command("migrate", verbosity=0, interactive=False)
                connections["default"].close()
                self.template = self.folder / "migrated.sqlite3"
                shutil.copyfile(path, self.template)
            yield

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
