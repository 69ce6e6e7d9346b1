"""Run every benchmark in priority order, print the table and write bench/results.md.

Started by scripts/bench (`make bench`), which provides PostgreSQL and Redis.
`python bench/run.py planning sweep` runs only those; `--quick` runs every row at smaller
sizes (under a minute); the exit status is 0 only when every row with a target passes.
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow.settings")
if "--quick" in sys.argv:
    os.environ["BENCH_QUICK"] = "1"  # read by bench.common before any benchmark is imported

import django  # noqa: E402

django.setup()

from bench.common import GROWTH, Row  # noqa: E402
from bench.processes import SHARED  # noqa: E402

# The board first: it counts every booking in the database, and the others leave thousands.
ORDER = ["board", "planning", "sweep", "intake", "answers", "email_to_text", "sending", "memory"]
BUDGET_SECONDS = float(os.environ.get("BENCH_BUDGET_SECONDS", 120 if "--quick" in sys.argv else 2400))


def run_one(name: str) -> list[Row]:
    module = __import__(f"bench.{name}", fromlist=["run"])
    try:
        return module.run()
    except Exception as error:  # a broken benchmark is a failed line, not a missing one
        traceback.print_exc()
        return [Row(f"{name}: crashed", f"{type(error).__name__}: {error}"[:200], ok=False)]


def table(rows: list[Row]) -> str:
    lines = ["| what | figure | floor | ratio | target | result |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r.what} | {r.figure} | {r.floor} | {r.ratio} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def main(names: list[str]) -> int:
    started = time.monotonic()
    rows: list[Row] = []
    skipped = []
    try:
        for name in names or ORDER:
            if time.monotonic() - started > BUDGET_SECONDS:
                skipped.append(name)
                continue
            t0 = time.monotonic()
            print(f"-- {name}", flush=True)
            new = run_one(name)
            print(table(new).split("\n", 2)[2], f"({time.monotonic() - t0:.0f} s)", flush=True)
            rows += new
    finally:
        SHARED.close()  # the gunicorn and worker the benchmarks shared
    notes = [f"- not run: {name} (the {BUDGET_SECONDS:.0f} s budget was spent)" for name in skipped]
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            "Produced by `make bench` (scripts/bench: throwaway PostgreSQL and Redis, 127.0.0.1 only).",
            "Every figure is compared with a floor measured in the same run.",
            "",
            table(rows),
            "",
            *notes,
            f"Total time: {time.monotonic() - started:.0f} s.",
            "",
        ]
    )
    quick = os.environ.get("BENCH_QUICK") == "1"
    (ROOT / "bench" / ("results-quick.md" if quick else "results.md")).write_text(text)
    (ROOT / "bench" / ("growth-quick.json" if quick else "growth.json")).write_text(json.dumps(GROWTH, indent=1) + "\n")
    print("\n" + table(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main([arg for arg in sys.argv[1:] if arg != "--quick"]))
