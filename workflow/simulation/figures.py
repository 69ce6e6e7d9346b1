"""The pictures of a run: time-to-fill curves and texts per order by purpose."""

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

from .report import PURPOSES, PolicyReport

WEEK_HOURS = 24 * 7


def time_to_fill_figure(reports: list[PolicyReport], path: Path) -> None:
    """Share of all orders filled (in time) by each hour since the email: a CDF where the
    orders never filled never arrive, so each curve tops out at its fill rate."""
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for report in reports:
        hours = sorted(o.hours_to_fill for o in report.outcomes if not math.isinf(o.hours_to_fill))
        xs = [0.0, *[h for h in hours for _ in (0, 1)], WEEK_HOURS]
        ys = [0.0, *[v for i in range(len(hours)) for v in (i / report.orders, (i + 1) / report.orders)]]
        ys.append(ys[-1])
        axes.plot(xs, ys, label=f"{report.policy} (fill rate {len(hours) / report.orders:.0%})")
    axes.set_xscale("symlog", linthresh=1)
    axes.set_xlim(0, WEEK_HOURS)
    ticks = [0, 1, 2, 4, 8, 12, 24, 48, 72, WEEK_HOURS]
    axes.set_xticks(ticks, [str(t) for t in ticks])
    axes.set_ylim(0, 1)
    axes.set_xlabel("hours since the order email")
    axes.set_ylabel("share of orders filled")
    axes.set_title("Time to fill (never-filled orders count as never)")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def texts_figure(reports: list[PolicyReport], path: Path) -> None:
    """Texts per order by purpose, one stacked bar per policy."""
    figure, axes = plt.subplots(figsize=(max(4.5, 2 + 1.6 * len(reports)), 4.5))
    names = [r.policy for r in reports]
    bottoms = [0.0] * len(reports)
    for purpose in PURPOSES:
        heights = [r.per_order(r.texts[purpose]) for r in reports]
        axes.bar(names, heights, bottom=bottoms, label=purpose, width=0.55)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, total in enumerate(bottoms):
        axes.annotate(f"{total:.1f}", (x, total), ha="center", va="bottom")
    axes.set_ylabel("texts per order")
    axes.set_title("Texts per order, by purpose")
    axes.legend(loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
