"""The layers are a contract the build enforces (pyproject.toml's [tool.importlinter])."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["workflow", "bookings", "messaging", "scheduling", "musicians", "core"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own tool on our own copy)
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the apps and the contract, to break on purpose."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_it_holds_on_the_code_as_it_is(tree):
    result = lint_imports(tree)

    assert result.returncode == 0, result.stdout
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("messaging/replies.py", "from bookings import answers", "messaging is not allowed to import bookings"),
        ("musicians/models.py", "import scheduling.models", "musicians is not allowed to import scheduling"),
        ("core/links.py", "from musicians import models", "core is not allowed to import musicians"),
        ("scheduling/plan.py", "from messaging import keywords", "scheduling is not allowed to import messaging"),
    ],
    ids=["upward", "upward-two-layers", "bottom-layer-imports-an-app", "sideways"],
)
def test_it_fails_on_an_import_that_runs_upward_or_sideways(tree, module, line, broken):
    path = tree / module
    path.write_text(path.read_text() + f"\n\ndef _late():\n    {line}  # even deferred inside a function\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    assert broken in result.stdout


def test_it_fails_on_an_import_cycle_inside_an_app(tree):
    path = tree / "bookings" / "history.py"
    path.write_text(path.read_text() + "\n\ndef _late():\n    from . import engine  # engine imports history\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    assert "No import cycles inside an app BROKEN" in result.stdout
