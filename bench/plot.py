"""Draw docs/performance-growth.png from bench/growth.json (written by `make bench`).

    python bench/plot.py [bench/growth.json] [docs/performance-growth.png]

Log-log axes: a straight line's slope is the growth exponent (1 = linear); the dotted
line beside each curve is what linear growth from its first point would be.
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent


def main(source: Path, target: Path) -> None:
    series = json.loads(source.read_text())
    figure, (times, queries) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, points in series.items():
        sizes = [p[0] for p in points]
        seconds = [p[1] * 1000 for p in points]
        line = times.loglog(sizes, seconds, marker="o", label=name)[0]
        times.loglog(sizes, [seconds[0] * n / sizes[0] for n in sizes], linestyle=":", color=line.get_color())
        queries.semilogx(sizes, [p[2] for p in points], marker="o", label=name, color=line.get_color())
    times.set(title="Time (dotted: linear from the first point)", xlabel="size", ylabel="ms")
    queries.set(title="Queries (sweep: a booking; others: in all)", xlabel="size", ylabel="queries")
    queries.set_ylim(bottom=0)
    for axes in (times, queries):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(
        Path(arguments[0]) if arguments else ROOT / "bench" / "growth.json",
        Path(arguments[1]) if len(arguments) > 1 else ROOT / "docs" / "performance-growth.png",
    )
