"""The evaluation report's sections on fairness across groups, the trend over periods and
appeals: their fields and charts, kept apart from the rest of the report so each can change on
its own. ``fields(ctx)`` and ``chart_pngs(ctx, ...)`` are merged into the report's own."""

from __future__ import annotations

from typing import Any

from automation.documents.charts import _png
from automation.documents.context import EvaluationContext
from automation.documents.english import count_in_words, count_of, join_list
from automation.equity import FEW_NOMINATIONS, FOUR_FIFTHS, SMALL_GROUP, Equity


def _ratio(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "–"


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None and value == value else "–"


def equity_summary(eq: Equity) -> str:
    """A paragraph saying what the figures show and how to read them."""
    flagged = eq.flagged
    small = [g for g in eq.groups if g.eligible < SMALL_GROUP]
    text = (
        "Each group's nominations of individuals (and wins) are divided by the staff in it who "
        "can be nominated, and compared with the best-served group of the same kind; team "
        "awards are left out, as they credit no one member of staff. A ratio below "
        f"{FOUR_FIFTHS} (the four-fifths rule of thumb) is flagged: it says where to look, not "
        "that anyone was treated unfairly. "
    )
    few = eq.individual_nominations < FEW_NOMINATIONS
    if few:
        text += (
            f"With {count_in_words(eq.individual_nominations, 'nomination')} of individuals "
            f"(fewer than {FEW_NOMINATIONS}), one nomination more or less would change "
            "every ratio, so nomination ratios are shown but not flagged. "
        )
    if flagged:
        names = join_list(f"{g.group} ({g.grouping.lower()})" for g in flagged)
        text += f"Below four-fifths of the best rate: {names}. "
    elif eq.groups and not few:
        text += "No group fell below four-fifths of the best rate. "
    if small:
        text += (
            f"{count_of(len(small), 'group')} {'has' if len(small) == 1 else 'have'} fewer than "
            f"{SMALL_GROUP} staff, so one nomination more or less changes the rate a lot. "
        )
    if eq.staff_total:
        text += (
            f"The groups are made of the {eq.staff_total:,} staff on the Staff sheet"
            + (
                f" who can be nominated ({count_in_words(eq.judges_left_out, 'judge')} left out), "
                if eq.judges_left_out
                else ", "
            )
            + f"{eq.staff_nominated:,} of whom ({eq.staff_nominated / eq.staff_total * 100:.0f}%) "
            f"{'was' if eq.staff_nominated == 1 else 'were'} nominated at least once."
        )
        unlisted = eq.headcount - eq.staff_total - eq.judges_left_out
        if unlisted > 0:
            text += (
                f" The Teams table counts {eq.headcount:,} staff in all: list the other "
                f"{unlisted:,} on the Staff sheet to bring them into these figures."
            )
    return text.strip()


def panel_summary(eq: Equity) -> str:
    """The judging panel's make-up by team and site."""
    if not eq.judges:
        return "No judges are recorded."
    teams = {g for g in eq.panel.get("team", {}) if g != "(not recorded)"}
    sites = {g for g in eq.panel.get("site", {}) if g != "(not recorded)"}
    text = (
        f"The panel of {count_of(eq.judges, 'judge')} comes from "
        f"{count_of(len(teams), 'team')} and {count_of(len(sites), 'site')}."
    )
    unknown = eq.panel.get("site", {}).get("(not recorded)", 0)
    if unknown:
        # In words, as it begins a sentence ("One judge has ...").
        text += (
            f" {count_in_words(unknown, 'judge').capitalize()} "
            f"{'has' if unknown == 1 else 'have'} no site recorded."
        )
    if eq.judges > 1 and len(teams) <= 1:
        text += " A panel from one team is easy to challenge: add judges from elsewhere."
    return text


def equity_chart(eq: Equity, primary: str = "#1F4E79", accent: str = "#C9A227") -> bytes:
    """Nominations per member of staff by team and by site, with the four-fifths line."""
    from matplotlib.figure import Figure  # only when drawing: see automation.documents.charts

    kinds = [k for k in ("Team", "Site") if any(g.grouping == k for g in eq.groups)] or ["Team"]
    figure = Figure(figsize=(6.3, 2.6))
    axes_list = figure.subplots(1, len(kinds), squeeze=False)[0]
    for axes, kind in zip(axes_list, kinds, strict=True):
        groups = [g for g in eq.groups if g.grouping == kind]
        rates = [g.nomination_rate or 0.0 for g in groups]
        # Light where the nomination rate was flagged (the bars are nomination rates).
        colours = [
            accent if any(f.startswith("nominations below") for f in g.flags) else primary
            for g in groups
        ]
        axes.bar([g.group for g in groups], rates, color=colours)
        if rates and max(rates) > 0:
            axes.axhline(FOUR_FIFTHS * max(rates), color="#404040", linestyle="--", linewidth=1)
        axes.set_title(
            f"Nominations per member of staff, by {kind.lower()}", fontsize=9, loc="left"
        )
        axes.tick_params(labelsize=7)
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    caption = (
        "Dashed line: four-fifths of the best group's rate; light bars are below it."
        if eq.individual_nominations >= FEW_NOMINATIONS
        else f"Dashed line: four-fifths of the best group's rate; with fewer than "
        f"{FEW_NOMINATIONS} nominations of individuals no bar is flagged."
    )
    figure.text(
        0.01,
        -0.02,
        caption,
        fontsize=7,
        color="#595959",
    )
    figure.tight_layout()
    return _png(figure)


# Past this many periods the chart shows the latest only (the table beside it has them all);
# past LEAN_FROM its labels lean, so that "Jan 2027Feb 2027Mar 2027" does not run together.
CHART_PERIODS = 12
LEAN_FROM = 6


# A month's length in days, on average: the unit periods of different lengths are put on.
MONTH_DAYS = 365.25 / 12
# Periods whose lengths differ by more than this factor are not compared by their counts.
MIXED_LENGTHS = 1.5


def length_words(days: int) -> str:
    """A period's length as a manager would say it: a month, a quarter, 45 days."""
    for low, high, words in (
        (7, 7, "a week"),
        (14, 14, "a fortnight"),
        (28, 31, "a month"),
        (89, 92, "a quarter"),
        (181, 184, "half a year"),
        (365, 366, "a year"),
    ):
        if low <= days <= high:
            return words
    return f"{days} days"


def mixed_lengths(trend: list[dict]) -> list[str]:
    """The lengths of the periods in words, in the order they first come, when they differ
    enough that counts per period cannot be compared (a quarter beside months); else []."""
    days = [t["days"] for t in trend if t.get("days")]
    if len(days) < 2 or max(days) <= MIXED_LENGTHS * min(days):
        return []
    return list(dict.fromkeys(length_words(d) for d in days))


def per_month(t: dict) -> float:
    """A trend row's nominations per month (its count where its length is not known)."""
    return t["nominations_n"] / (t["days"] / MONTH_DAYS) if t.get("days") else t["nominations_n"]


def trend_chart(trend: list[dict], primary: str = "#1F4E79", accent: str = "#C9A227") -> bytes:
    """Nominations per period (bars) and the share of staff nominated (line)."""
    return _png(trend_figure(trend, primary, accent))


def trend_figure(trend: list[dict], primary: str = "#1F4E79", accent: str = "#C9A227"):
    """The trend chart as a matplotlib Figure (see trend_chart)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.3, 2.4 if len(trend) <= LEAN_FROM else 2.8))
    axes = figure.subplots()
    # Periods of different lengths are compared per month: a quarter's count beside a
    # month's shows the change of length, not of the programme.
    mixed = bool(mixed_lengths(trend))
    total, trend = len(trend), trend[-CHART_PERIODS:]
    labels = [str(t["period"]) for t in trend]
    bars = [per_month(t) if mixed else t["nominations_n"] for t in trend]
    axes.bar(labels, bars, color=primary)
    axes.set_ylabel("Nominations per month" if mixed else "Nominations", fontsize=8)
    share = axes.twinx()
    share.plot(labels, [t["share_n"] * 100 for t in trend], color=accent, marker="o")
    share.set_ylabel("Staff nominated (%)", fontsize=8)
    share.set_ylim(0, 100)
    title = (
        "Nominations per month and share of staff nominated, by period"
        if mixed
        else "Nominations and share of staff nominated, by period"
    )
    if total > len(trend):
        title += f" (the latest {len(trend)} of {total})"
    axes.set_title(title, fontsize=9, loc="left")
    for a in (axes, share):
        a.tick_params(labelsize=8)
        a.spines["top"].set_visible(False)
    if len(labels) > LEAN_FROM:
        for label in axes.get_xticklabels():
            label.set_rotation(40)
            label.set_horizontalalignment("right")
    figure.tight_layout()
    return figure


def appeals_summary(appeals: dict[str, int]) -> str:
    total = sum(appeals.values())
    if not total:
        return "No appeals were made against this period's results."
    parts = [f"{n} {outcome}" for outcome, n in appeals.items() if n]
    return f"{count_of(total, 'appeal')} against this period's results: {join_list(parts)}."


def fields(ctx: EvaluationContext) -> dict[str, Any]:
    """The template fields of these sections (empty lists hide a section's table)."""
    eq = ctx.equity
    out: dict[str, Any] = {
        "equity_rows": [],
        "equity_summary": "",
        "panel_summary": "",
        "equity_chart": "",
        "trend_chart": "",
    }
    if eq is not None:
        out["equity_rows"] = [
            {
                "grouping": g.grouping,
                "group": g.group,
                "staff": f"{g.eligible:,}",
                "nominations": f"{g.nominations:,}",
                "rate": f"{g.nomination_rate:.2f}" if g.nomination_rate is not None else "–",
                "ratio": _ratio(g.nomination_ratio),
                "wins": f"{g.wins:,}",
                "flag": "; ".join(g.flags) or "–",
            }
            for g in eq.groups
        ]
        out["equity_summary"] = equity_summary(eq)
        out["panel_summary"] = panel_summary(eq)
    trend = ctx.trend or []
    out["trend"] = [
        {
            "period": t["period"],
            "nominations": f"{t['nominations_n']:,}",
            "customer": f"{t['customer_n']:,}",
            "share": _pct(t["share_n"]),
            "winners": f"{t['winners_n']:,}",
            "kpis": t["kpis"] or "–",
        }
        for t in trend
    ]
    earlier = ctx.untracked_periods
    if len(trend) > 1:
        text = (
            f"The programme has run for {count_of(len(trend), 'period')}; "
            if not earlier
            else f"The workbook has followed {count_of(len(trend), 'period')}; "
        ) + "the table shows each one as it stood when it closed (the last as it stands now)."
    elif earlier:
        text = "There is no trend yet: this is the first period the workbook has followed."
    else:
        text = "This is the programme's first period, so there is no trend yet."
    if earlier:
        listed = join_list(earlier)
        text += (
            f" {listed} {'was' if len(earlier) == 1 else 'were'} closed before the workbook "
            "kept a history, so the table starts later."
        )
    lengths = mixed_lengths(trend)
    if lengths:
        first, last = trend[0], trend[-1]
        text += (
            f" The periods are not all the same length ({join_list(lengths)}), so the chart "
            f"shows nominations per month: {first['period']} had {per_month(first):,.0f} a "
            f"month and {last['period']} {per_month(last):,.0f}. A longer period also has "
            "more of its staff nominated."
        )
    out["trend_summary"] = (
        text + " Each period closed with New period adds a row here." if len(trend) <= 1 else text
    )
    out["appeals_summary"] = appeals_summary(ctx.appeals or {})
    return out


def chart_pngs(ctx: EvaluationContext, primary: str, accent: str) -> dict[str, bytes]:
    """The charts of these sections as PNG bytes (``fields`` leaves an empty string where
    there is none)."""
    out: dict[str, bytes] = {}
    if ctx.equity is not None and ctx.equity.groups:
        out["equity_chart"] = equity_chart(ctx.equity, primary, accent)
    if ctx.trend and len(ctx.trend) > 1:
        out["trend_chart"] = trend_chart(ctx.trend, primary, accent)
    return out
