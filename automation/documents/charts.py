"""Charts for the evaluation report, drawn with matplotlib's Agg canvas and returned as PNG bytes.

Figures are built with the object API (``Figure``), not pyplot, so no GUI backend is ever
chosen and nothing global changes for other code in the same process (e.g. an Excel add-in).
matplotlib is imported by the functions that draw (a fifth of a second): the report's text
and the pure helpers here need none of it, and the drawing may happen in another process
(see :mod:`automation.documents.side_process`).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from automation.documents.context import EvaluationContext, ObjectiveResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 200
GREY = "#9E9E9E"
CAP = 400.0  # progress (%) beyond which a bar is drawn short: the label says the real figure


def warm_up() -> None:
    """Import matplotlib and load the fonts the charts use, so that the first real chart
    draws at full speed (run in the second process while the workbook is being scored)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    axes = figure.subplots()
    axes.set_title("warm-up", fontsize=9)
    axes.text(0, 0, "warm-up", fontsize=8)
    figure.savefig(io.BytesIO(), format="png", dpi=DPI)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def progress_to_target(objective: ObjectiveResult) -> float | None:
    """How far the actual moved from baseline towards target, in % (100 = target reached).

    Works whichever way is better, because it compares the move with the move that was wanted.
    None when there is no actual figure.
    """
    if objective.actual is None:
        return None
    wanted = objective.target - objective.baseline
    if wanted == 0:
        return 100.0 if objective.met else 0.0
    return (objective.actual - objective.baseline) / wanted * 100


def objectives_chart(
    objectives: Sequence[ObjectiveResult], primary: str = "#1F4E79", accent: str = "#C9A227"
) -> bytes:
    """Horizontal bars: progress from baseline to target for each objective, target line at 100%."""
    return _png(objectives_figure(objectives, primary, accent))


def objectives_figure(
    objectives: Sequence[ObjectiveResult], primary: str = "#1F4E79", accent: str = "#C9A227"
) -> Figure:
    """The figure behind :func:`objectives_chart` (tests read its axis limits)."""
    from matplotlib.figure import Figure

    height = 0.55 * max(len(objectives), 1) + 1.0
    figure = Figure(figsize=(6.3, height))
    axes = figure.subplots()
    labels = [textwrap.fill(o.objective, 28) for o in objectives]
    positions = list(range(len(objectives)))[::-1]
    progresses = [p for p in map(progress_to_target, objectives) if p is not None]
    # The axis reaches past the longest bar so no bar or label is cut off; only a wild figure
    # (beyond CAP) is drawn short, and its label still gives the real percentage.
    right = max([110.0, *(min(p, CAP) for p in progresses)]) * 1.15
    for position, objective in zip(positions, objectives, strict=True):
        progress = progress_to_target(objective)
        if progress is None:
            axes.text(2, position, "no result recorded", va="center", fontsize=8, color=GREY)
            continue
        shown = max(min(progress, CAP), -50.0)
        colour = primary if objective.met else accent
        axes.barh(position, shown, color=colour, height=0.6)
        axes.text(
            shown + (2 if shown >= 0 else -2),
            position,
            f"{progress:.0f}%" + (" (bar cut short)" if progress > CAP else ""),
            va="center",
            ha="left" if shown >= 0 else "right",
            fontsize=8,
        )
    axes.axvline(100, color="#404040", linestyle="--", linewidth=1)
    axes.text(100, len(objectives) - 0.45, " target", fontsize=8, color="#404040", va="bottom")
    axes.axvline(0, color="#404040", linewidth=0.8)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlim(min(-10, axes.get_xlim()[0]), right)
    axes.set_ylim(-0.7, len(objectives) - 0.2)
    axes.set_xlabel("Progress from baseline to target (%)", fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    axes.set_title(
        "Objectives: dark bars met their target, light bars have not reached it",
        fontsize=9,
        loc="left",
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def per_100_staff(nominations: int, staff: int) -> float | None:
    """Nominations per 100 staff, or None when the staff number is unknown."""
    return nominations / staff * 100 if staff > 0 else None


def participation_chart(
    ctx: EvaluationContext, primary: str = "#1F4E79", accent: str = "#C9A227"
) -> bytes:
    """Two panels: nominations by source, and nominations per 100 staff at each site."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.3, 2.4))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    sources = list(ctx.nominations_by_source.items())
    left.bar([s.capitalize() for s, _ in sources], [n for _, n in sources], color=primary)
    left.set_title("Nominations by source", fontsize=9, loc="left")
    sites = sorted(set(ctx.nominations_by_site) | set(ctx.staff_by_site))
    rates = [
        per_100_staff(ctx.nominations_by_site.get(s, 0), ctx.staff_by_site.get(s, 0)) or 0.0
        for s in sites
    ]
    right.bar(sites, rates, color=accent)
    right.set_title("Nominations per 100 staff, by site", fontsize=9, loc="left")
    for axes, fmt in ((left, "{:.0f}"), (right, "{:.1f}")):
        axes.tick_params(labelsize=8)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        for patch in axes.patches:
            axes.annotate(
                fmt.format(patch.get_height()),
                (patch.get_x() + patch.get_width() / 2, patch.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
    figure.tight_layout()
    return _png(figure)
