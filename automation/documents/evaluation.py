"""The evaluation report: objectives, participation, four viewpoints, judging quality, costs and
recommendations derived from the figures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from automation.documents.charts import per_100_staff
from automation.documents.context import (
    VIEWPOINTS,
    AgreementFigure,
    Branding,
    EvaluationContext,
    ObjectiveResult,
    Viewpoint,
)
from automation.documents.english import (
    count_in_words,
    count_of,
    join_list,
    long_date,
    money,
    number_words,
    plural,
)
from automation.documents.render import (
    DEFAULT_TEMPLATE_DIR,
    DocxRenderer,
    Image,
    clean_text,
    hex_colour,
)
from automation.kpis import differs
from automation.scoring.agreement import FEW_UNITS, alpha_text

# Thresholds behind the recommendations, in one place so they can be argued about.
LOW_SITE_RATIO = 0.6  # a site below 60% of the best other site's nominations per head
# Fewer nominations than this in all, and one more or less would swing a site's rate: no advice.
SITE_ADVICE_FROM = 10
LOW_ALPHA = 0.667  # Krippendorff's usual floor for drawing even tentative conclusions
LOW_VIEWPOINT = 0.6  # below 60% agreement, or below 3 on a 1-to-5 scale
LOW_STAFF_SHARE = 0.2  # fewer than one in five staff nominated
LOW_CUSTOMER_SHARE = 0.15  # under 15% of nominations from customers
CHART_WIDTH_MM = 160


def number(value: float, unit: str = "") -> str:
    """A figure with its unit: ``87%``, ``3.9 points``, ``1,204``, ``−6``; whole numbers lose
    ``.0``, and a negative figure takes a true minus sign, as the money figures do."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if text.startswith("-"):
        text = "\u2212" + text[1:] if text.strip("-0.,") else text[1:]  # no "−0.0"
    if unit == "%":
        return text + "%"
    if unit:
        return f"{text} {unit}"
    return text


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "–"


def result_label(objective: ObjectiveResult, on: dt.date) -> str:
    """``Met``, ``Not yet met`` (its deadline still to come on ``on``), ``Not met`` or
    ``No result`` for the objectives table."""
    return {
        "met": "Met",
        "not yet": "Not yet met",
        "missed": "Not met",
        "no result": "No result",
    }[objective.standing(on)]


def viewpoint_level(viewpoint: Viewpoint) -> float | None:
    """The result as a share of its scale's top (0 to 1), or None if the scale is not known.

    ``% agree`` counts out of 100; ``mean of 5`` (or ``out of 10``) out of that number.
    """
    scale = viewpoint.scale.lower()
    if "%" in scale or "percent" in scale:
        return viewpoint.result / 100
    match = re.search(r"(?:of|/)\s*(\d+(?:\.\d+)?)", scale)
    if match and float(match.group(1)) > 0:
        return viewpoint.result / float(match.group(1))
    return None


def viewpoint_result(viewpoint: Viewpoint) -> str:
    """The result as its scale reads: ``86% agree``, ``4.7 out of 5 on average``,
    ``3.2 points``, ``18 (eNPS)``."""
    scale = viewpoint.scale.strip()
    if "%" in scale:
        return f"{number(viewpoint.result, '%')} {scale.replace('%', '').strip()}".strip()
    if scale.lower() == "points":
        return number(viewpoint.result, "points" if viewpoint.result != 1 else "point")
    if scale.lower() == "count" or not scale:
        return number(viewpoint.result)  # a plain number needs no label
    # "4.7 (mean of 5)" read as a mean of five answers; the scale's top is what is meant.
    out_of = re.fullmatch(r"(mean\s+)?(?:out\s+)?of\s*(\d+(?:\.\d+)?)", scale, re.IGNORECASE)
    if out_of:
        average = " on average" if out_of.group(1) else ""
        return f"{number(viewpoint.result)} out of {out_of.group(2)}{average}"
    return f"{number(viewpoint.result)} ({scale})"


def _total(ctx: EvaluationContext) -> int:
    """The period's nominations, whether or not their source was recorded."""
    by_source = sum(ctx.nominations_by_source.values())
    return max(ctx.nominations_total or 0, by_source)


def _unrecorded(
    ctx: EvaluationContext, counts: dict[str, int], label: str
) -> list[tuple[str, int]]:
    """``[(label, n)]`` for the nominations missing from ``counts`` (none recorded), else []."""
    gap = _total(ctx) - sum(counts.values())
    return [(label, gap)] if gap > 0 else []


def site_rates(ctx: EvaluationContext) -> dict[str, float]:
    """Nominations per 100 staff for each site whose staff number is known."""
    rates = {}
    for site in sorted(set(ctx.nominations_by_site) | set(ctx.staff_by_site)):
        rate = per_100_staff(ctx.nominations_by_site.get(site, 0), ctx.staff_by_site.get(site, 0))
        if rate is not None:
            rates[site] = rate
    return rates


def _customer_count(ctx: EvaluationContext) -> int:
    return sum(n for source, n in ctx.nominations_by_source.items() if "customer" in source.lower())


def recommendations(ctx: EvaluationContext) -> list[str]:
    """Recommendations that follow from the figures, most important first.

    One rule each: a missed target; an objective with no result; a site whose nominations per
    head are well below the best other site; weak or unmeasured judge agreement; rankings moved
    by normalisation; overspend; low morale among non-winners (and any other low viewpoint);
    few staff nominated; few customer nominations. With nothing to act on, it says so.
    """
    advice: list[str] = []
    for objective in ctx.objectives:
        standing = objective.standing(ctx.prepared_on)
        owner = objective.owner or "the objective's owner"
        if standing == "missed":
            advice.append(
                f"“{objective.objective}” missed its target: {objective.kpi} reached "
                f"{number(objective.actual or 0, objective.unit)} against a target of "
                f"{number(objective.target, objective.unit)}. Agree with {owner} what will "
                "change next period, or reset the target if it was unrealistic."
            )
        elif standing == "not yet":
            advice.append(
                f"“{objective.objective}” is not on target yet: {objective.kpi} is at "
                f"{number(objective.actual or 0, objective.unit)} against a target of "
                f"{number(objective.target, objective.unit)} by "
                f"{long_date(objective.deadline)}. Agree with {owner} what will close the gap "
                "before then."
            )
    for objective in ctx.objectives:
        if objective.met is None:
            advice.append(
                f"No result was recorded for “{objective.kpi}”. Collect it before the next "
                f"evaluation, or “{objective.objective}” cannot be judged."
            )

    rates = site_rates(ctx) if sum(ctx.nominations_by_site.values()) >= SITE_ADVICE_FROM else {}
    for site, rate in rates.items():
        others = {other: r for other, r in rates.items() if other != site}
        if not others:
            continue
        best_site, best_rate = max(others.items(), key=lambda item: item[1])
        if best_rate > 0 and rate < LOW_SITE_RATIO * best_rate:
            advice.append(
                f"{site} sent in {rate:.1f} nominations per 100 staff against {best_rate:.1f} "
                f"at {best_site}. Promote the programme there: ask team leaders to explain "
                "how to nominate in huddles and put the nomination link on the site's screens."
            )

    # One recommendation per kind of agreement problem, naming every scope: a report with a
    # line per criterion buries the other advice.
    unmeasured = _scopes_named(
        [f for f in ctx.agreement if f.alpha is None and f.nominations < 2], ctx
    )
    flat = [f.scope for f in ctx.agreement if f.alpha is None and f.nominations >= 2]
    weak = [f for f in _relied_on(_criteria(ctx)) if f.alpha < LOW_ALPHA] or [
        f for f in _relied_on(ctx.agreement) if f.alpha < LOW_ALPHA
    ]
    if unmeasured:
        # A category with a single nomination gets here however many judges scored it, so
        # the advice is about the nominations shared, not only about adding judges.
        advice.append(
            f"Judges' agreement could not be measured on {join_list(unmeasured)}"
            ": it needs at least two nominations each scored by two or more judges (with a "
            "single nomination there is nothing to compare). Where more came in, have at least "
            "two judges score each one so it can be checked next time."
        )
    if flat:
        advice.append(
            f"The judges gave the same scores on {join_list(f'“{s}”' for s in flat)}, so their "
            "agreement could not be measured. Check at the next calibration that every judge "
            "uses the whole scale."
        )
    if len(weak) == 1:
        advice.append(
            f"Judges agreed poorly on “{weak[0].scope}” (α = {alpha_text(weak[0].alpha)}; "
            f"{LOW_ALPHA} is the usual minimum). {_calibrate(ctx)} and sharpen the "
            "criterion's wording."
        )
    elif weak:
        measured = _relied_on(_criteria(ctx)) or _relied_on(ctx.agreement)
        # Section 4 names the weakest criteria; saying it again here would repeat it.
        advice.append(
            f"Judges agreed poorly on {len(weak)} of the {len(measured)} criteria measured "
            f"({LOW_ALPHA} is the usual minimum; section 4 names the weakest). "
            f"{_calibrate(ctx)} and sharpen the descriptors of those criteria."
        )
    moved = _moved_by_adjustment(ctx)
    if moved > 0 and ctx.ranked_on != "raw":
        changed = count_of(moved, "ranking")
        advice.append(
            f"{_ADJUSTING[ctx.ranked_on][0].capitalize()} changed {changed}, so some judges mark "
            "consistently high or low. Show each judge their average against the panel's "
            "before the next round."
        )

    budget = sum(line.budget for line in ctx.costs)
    actual = sum(line.actual for line in ctx.costs)
    if actual > budget:
        over = [line.item for line in ctx.costs if line.actual > line.budget]
        advice.append(
            f"Spending was {money(actual - budget)} over budget ({money(actual)} against "
            f"{money(budget)}), mainly on {join_list(f'“{item}”' for item in over)}. Review "
            f"{'this line' if len(over) == 1 else 'these lines'} before next period's budget "
            "is agreed."
        )

    for viewpoint in ctx.viewpoints:
        level = viewpoint_level(viewpoint)
        if level is None or level >= LOW_VIEWPOINT:
            continue
        result = viewpoint_result(viewpoint)
        if viewpoint.viewpoint == "non-winners":
            advice.append(
                f"Non-winners' morale needs attention: “{viewpoint.question}” scored {result}. "
                "Give every nominee personal feedback and thanks from their manager, publish "
                "how winners are chosen, and celebrate more of the good work nominated."
            )
        else:
            advice.append(
                f"The {viewpoint.viewpoint} view is low: “{viewpoint.question}” scored "
                f"{result}. Follow up with that group to find out why."
            )

    if ctx.staff_total > 0 and ctx.staff_nominated / ctx.staff_total < LOW_STAFF_SHARE:
        advice.append(
            f"Only {_share(ctx.staff_nominated, ctx.staff_total)} of staff were nominated. "
            "Remind everyone that everyday good service counts, not only rescues, and make "
            "nominating a standing item at team meetings."
        )
    total = _total(ctx)
    if total and _customer_count(ctx) / total < LOW_CUSTOMER_SHARE:
        advice.append(
            f"Only {_share(_customer_count(ctx), total)} of nominations came from customers. "
            "Add the nomination link to post-contact surveys and email signatures."
        )
    if not advice:
        advice.append(
            "Every target was met and nothing in the figures needs action: keep the programme "
            "as it is and evaluate it again next period."
        )
    return advice


def _criteria(ctx: EvaluationContext) -> list[AgreementFigure]:
    """Agreement figures for single criteria (not whole categories)."""
    return [f for f in ctx.agreement if f.criterion]


def _scopes_named(figures: list[AgreementFigure], ctx: EvaluationContext) -> list[str]:
    """The quoted scopes of ``figures``, a category named once where none of its figures is
    among the others (a category with one nomination would list every criterion)."""
    names, done = [], set()
    for f in figures:
        whole = [g for g in ctx.agreement if f.category and g.category == f.category]
        if f.category and len(whole) > 1 and all(g in figures for g in whole):
            if f.category not in done:
                done.add(f.category)
                names.append(f"“{f.category}” (every criterion and the whole category)")
        else:
            names.append(f"“{f.scope}”")
    return names


def _few(figure: AgreementFigure) -> bool:
    """A measured alpha from too few shared nominations to rely on (a count of 0 is one not
    recorded, as in figures made by hand)."""
    return figure.alpha is not None and 0 < figure.nominations < FEW_UNITS


def _relied_on(figures: Sequence[AgreementFigure]) -> list[AgreementFigure]:
    """The measured figures that come from enough shared nominations to be read."""
    return [f for f in figures if f.alpha is not None and not _few(f)]


def _weakest(figures: Sequence[AgreementFigure], count: int = 3) -> str:
    """``“Customer feedback” (Team of the Quarter, α 0.37), ...``: the lowest few, named once."""
    lowest = sorted((f for f in figures if f.alpha is not None), key=lambda f: f.alpha)[:count]
    return join_list(
        f"“{f.criterion or f.scope}” ({f.category + ', ' if f.category else ''}"
        f"α {alpha_text(f.alpha)})"
        for f in lowest
    )


def agreement_rows(ctx: EvaluationContext) -> list[dict[str, str]]:
    """One row per category: the whole category's alpha and each criterion's, in one cell."""
    rows: dict[str, dict[str, Any]] = {}
    for figure in ctx.agreement:
        category = figure.category or ("" if figure.criterion else figure.scope)
        row = rows.setdefault(category, {"category": category, "whole": "–", "criteria": []})
        alpha = alpha_text(figure.alpha) if figure.alpha is not None else "not measured"
        if figure.criterion or not figure.category:
            row["criteria"].append(f"{figure.criterion or figure.scope} {alpha}")
        else:
            row["whole"] = alpha
    return [
        {"category": r["category"], "whole": r["whole"], "criteria": " · ".join(r["criteria"])}
        for r in rows.values()
    ]


def _how_many(count: int) -> str:
    return "none" if count == 0 else number_words(count)


def agreement_reading(ctx: EvaluationContext) -> str:
    """The plain reading of the agreement figures, once, naming the weakest criteria."""
    measured = [f for f in (_criteria(ctx) or ctx.agreement) if f.alpha is not None]
    figures = _relied_on(measured)
    few = sorted({f.category or f.scope for f in measured if _few(f)})
    too_few = (
        f"The figures for {join_list(few)} come from fewer than {number_words(FEW_UNITS)} "
        f"nominations scored by two or more judges{' each' if len(few) > 1 else ''}: too few "
        "to rely on, so they are shown below but not read."
    )
    if not figures and few:
        return (
            "Krippendorff's alpha (α) measures how far judges agree beyond chance: 0.8 and "
            f"above is good, {LOW_ALPHA} to 0.8 moderate and below {LOW_ALPHA} poor. {too_few}"
        )
    if not figures:
        if any(f.nominations >= 2 for f in ctx.agreement):
            return (
                "Agreement between judges could not be measured: on the nominations they "
                "shared, the judges' scores did not vary, so there was no spread to compare."
            )
        return (
            "Agreement between judges could not be measured: too few nominations had two or "
            "more judges."
        )
    good = sum(1 for f in figures if f.alpha >= 0.8)
    poor = [f for f in figures if f.alpha < LOW_ALPHA]
    moderate = len(figures) - good - len(poor)
    text = (
        "Krippendorff's alpha (α) measures how far judges agree beyond chance: 0.8 and above "
        f"is good, {LOW_ALPHA} to 0.8 moderate and below {LOW_ALPHA} poor. Across the "
        f"{number_words(len(figures))} {plural('criterion', len(figures))} measured, judges "
        "agreed well on "
        f"{_how_many(good)}, moderately on {_how_many(moderate)} and poorly on "
        f"{_how_many(len(poor))}."
    )
    if poor:
        verb = "was" if len(poor) == 1 else "were"
        text += (
            f" The weakest {verb} {_weakest(poor)}: {'its' if len(poor) == 1 else 'their'} "
            "level descriptors are the first place to look for where judges read the rubric "
            "differently."
        )
    if few:
        text += " " + too_few
    return text


def _summary(ctx: EvaluationContext, advice_count: int) -> str:
    standings = [o.standing(ctx.prepared_on) for o in ctx.objectives]
    met, missed, pending, missing = (
        standings.count(s) for s in ("met", "missed", "not yet", "no result")
    )
    if ctx.objectives:
        parts = [f"{number_words(met)} met {'its' if met == 1 else 'their'} target"]
        if missed:
            parts.append(f"{number_words(missed)} missed it")
        if pending:
            parts.append(
                f"{number_words(pending)} has not reached it yet but has until its deadline"
                if pending == 1
                else f"{number_words(pending)} have not reached it yet but have until their "
                "deadlines"
            )
        if missing:
            parts.append(
                f"{number_words(missing)} {'has' if missing == 1 else 'have'} no result yet"
            )
        text = f"Of the {count_in_words(len(ctx.objectives), 'objective')}, " + join_list(parts)
        text += ". "
    else:
        text = "No objectives have been set yet. "
    total = _total(ctx)
    text += (
        f"The programme received {count_of(total, 'nomination')} and "
        f"{_share(ctx.staff_nominated, ctx.staff_total)} of staff were nominated. "
    )
    budget = sum(line.budget for line in ctx.costs)
    actual = sum(line.actual for line in ctx.costs)
    if not ctx.costs:
        text += "No costs have been recorded. "
    elif actual > budget:
        text += f"Spending was {money(actual - budget)} over budget. "
    elif actual < budget:
        # Actual is the spend so far against the year's budget: "under budget" would read as
        # a saving when most of the year may be still to come.
        text += f"So far {money(actual)} of the {money(budget)} budget has been spent. "
    else:
        text += "The whole budget has been spent. "
    text += f"Section 8 sets out {count_in_words(advice_count, 'recommendation')}."
    return text


def _participation_summary(ctx: EvaluationContext) -> str:
    total = _total(ctx)
    parts = []
    for source, count in ctx.nominations_by_source.items():
        name = source.lower()
        parts.append(
            f"{count:,} {plural('self-nomination', count)}"
            if name == "self"
            else f"{count:,} from {plural(name, count) if count != 1 else 'a ' + name}"
        )
    parts += [
        f"{count:,} with no source recorded"
        for _, count in _unrecorded(ctx, ctx.nominations_by_source, "")
    ]
    text = f"There were {count_of(total, 'nomination')}"
    if parts:
        text += f": {join_list(parts)}"
    return (
        f"{text}. {ctx.staff_nominated:,} of {ctx.staff_total:,} staff "
        f"({_share(ctx.staff_nominated, ctx.staff_total)}) "
        f"{'was' if ctx.staff_nominated == 1 else 'were'} nominated at least once."
    )


def _viewpoints_summary(ctx: EvaluationContext) -> str:
    if not ctx.viewpoints:
        return (
            "No survey results have been recorded yet. Add them to the Survey table on the "
            "Evaluation sheet, a row for each question, from each of the four viewpoints (the "
            f"{join_list(VIEWPOINTS)}), so that the report can show how each saw the programme."
        )
    respondents = sum(v.respondents for v in ctx.viewpoints if v.respondents is not None)
    unknown = sum(1 for v in ctx.viewpoints if v.respondents is None)
    text = (
        # Per question: one person answering two questions is counted twice.
        f"{count_of(respondents, 'answer')} across the viewpoints' questions"
        + (
            f" ({number_words(unknown)} {plural('result', unknown)} without a count of respondents)"
            if unknown
            else ""
        )
        + ". Each result is shown on the scale its question used."
    )
    missing = [name for name in VIEWPOINTS if not any(v.viewpoint == name for v in ctx.viewpoints)]
    if missing:
        text += f" No results were recorded for: {join_list(missing)}."
    return text


# What the Rank by setting did to the judges' scores, and why, as the report says it.
_ADJUSTING = {
    "normalised": ("normalising each judge's scores", "to even out judges who mark high or low"),
    "judge-effect": ("adjusting for each judge's leniency", "how high or low each marks"),
}


def _calibrate(ctx: EvaluationContext) -> str:
    """What to do about weak agreement before the next round: a calibration session, or,
    when the judges scored a calibration entry this period already, going over it."""
    if ctx.calibrated_by >= 2:
        return (
            f"The {number_words(ctx.calibrated_by)} judges who scored this period's "
            "calibration entry should go through where their marks on it differed, with the "
            "level descriptors in hand, before the next round,"
        )
    return "Hold a calibration session with scored examples before the next round"


def _moved_by_adjustment(ctx: EvaluationContext) -> int:
    """Rankings the adjustment for judges itself changed (not the raw score's trimming)."""
    if ctx.ranks_changed_by_adjustment is None:
        return ctx.ranks_changed
    return ctx.ranks_changed_by_adjustment


def _judging_summary(ctx: EvaluationContext) -> str:
    changed = ctx.ranks_changed
    if ctx.ranked_on in _ADJUSTING and ctx.ranks_changed_by_adjustment is not None:
        # The raw score drops the top and bottom mark; the adjusted score uses every mark.
        # Against the raw score, the trimming's moves would be put down to the judges.
        what, why = _ADJUSTING[ctx.ranked_on]
        moved = ctx.ranks_changed_by_adjustment
        text = f"{what.capitalize()} ({why}) changed " + (
            f"{count_of(moved, 'ranking')} against the plain average of the judges' marks."
            if moved
            else "no rankings against the plain average of the judges' marks."
        )
        if changed:
            text += (
                " The raw score leaves out the highest and lowest mark of a nomination that "
                f"{number_words(ctx.trim_from)} or more judges scored, so against it "
                f"{count_of(changed, 'nomination')} {'ranks' if changed == 1 else 'rank'} "
                "differently."
            )
    elif ctx.ranked_on in _ADJUSTING:
        what, why = _ADJUSTING[ctx.ranked_on]
        text = f"{what.capitalize()} ({why}) changed " + (
            f"{count_of(changed, 'ranking')} against the raw scores." if changed else "no rankings."
        )
    else:
        text = (
            "Nominations were ranked on the judges' raw scores, with no adjustment for judges "
            "who mark high or low."
        )
    conflicts = ctx.conflicts_declared
    excluded = ctx.scores_excluded_for_conflict
    if not conflicts:
        text += " No conflicts of interest were declared."
    elif not excluded:
        text += (
            f" Judges declared {count_of(conflicts, 'conflict')} of interest; no scores had to "
            "be left out, because conflicted judges did not score those nominations."
        )
    else:
        text += (
            f" Judges declared {count_of(conflicts, 'conflict')} of interest; "
            f"{count_of(excluded, 'score')} {'was' if excluded == 1 else 'were'} left out as a "
            "result."
        )
    return text


def _costs_summary(ctx: EvaluationContext) -> str:
    if not ctx.costs:
        return (
            "No costs or budget have been recorded yet. Add each item, with its budget and "
            "what was spent, to the Costs table on the Programme sheet, so that the report can "
            "set the cost against the budget."
        )
    budget = sum(line.budget for line in ctx.costs)
    actual = sum(line.actual for line in ctx.costs)
    text = f"The programme has spent {money(actual)} so far against a budget of {money(budget)}"
    # Actual is the spend so far (the Costs table's own definition), so it is shared among
    # the winners of every period the workbook has run up to this one, not this period's.
    periods = _periods_to_date(ctx)
    winners = sum(t["winners_n"] for t in periods[:-1]) + len(ctx.winners)
    if winners:
        text += f", or {money(round(actual / winners, 2))} per winner"
        if len(periods) > 1:
            text += (
                f" ({count_of(winners, 'winner')} from {periods[0]['period']} to "
                f"{periods[-1]['period']})"
            )
    text += "."
    if ctx.expected_benefit is not None and budget > 0:
        # The business case (1.4) set against what happened: the benefit is an estimate, so
        # the report points to the objectives that show whether it is coming through.
        back = (ctx.expected_benefit - budget) / budget
        text += (
            f" The business case put the yearly benefit at {money(ctx.expected_benefit)}, an "
            f"expected return of {back:.0%} on the budget; the objectives in section 1 show "
            "how far it is being realised."
        )
    return text


def _periods_to_date(ctx: EvaluationContext) -> list[dict]:
    """The trend's periods up to and including the report's (just the report's without one)."""
    periods = list(ctx.trend or [])
    at = [i for i, t in enumerate(periods) if str(t.get("period", "")) == ctx.period]
    return periods[: at[-1] + 1] if at else [{"period": ctx.period, "winners_n": len(ctx.winners)}]


def _objectives_note(ctx: EvaluationContext) -> str:
    """Why a "From workbook" figure is there, and any that disagree with the typed actual."""
    computed = [o for o in ctx.objectives if o.computed is not None]
    if not computed:
        return ""
    text = (
        "“From workbook” is the same KPI counted from the nominations in this workbook for "
        f"{ctx.period}."
    )
    apart = [
        o
        for o in computed
        if o.actual is not None and differs(o.actual, o.computed, o.computed_from)
    ]
    if apart:
        text += " " + " ".join(
            f"For “{o.objective}” the typed actual ({number(o.actual, o.unit)}) differs from "
            f"the workbook's count ({number(o.computed, o.unit)}): check which is right."
            for o in apart
        )
    return text


def _signed_money(value: float) -> str:
    return f"+{money(value)}" if round(value, 2) > 0 else money(value)


def evaluation_fields(ctx: EvaluationContext, branding: Branding) -> dict[str, Any]:
    """Everything the evaluation template shows, as plain values (charts are added separately)."""
    advice = recommendations(ctx)
    total_nominations = _total(ctx)
    rates = site_rates(ctx)
    budget = sum(line.budget for line in ctx.costs)
    actual = sum(line.actual for line in ctx.costs)
    return {
        "organisation": clean_text(branding.organisation, single_line=True),
        "period": ctx.period,
        "prepared_by": ctx.prepared_by,
        "prepared_on": ctx.prepared_on,
        "summary": _summary(ctx, len(advice)),
        "objectives": [
            {
                "objective": o.objective,
                "kpi": o.kpi,
                "baseline": number(o.baseline, o.unit),
                "target": number(o.target, o.unit),
                "actual": number(o.actual, o.unit) if o.actual is not None else "–",
                "computed": number(o.computed, o.unit) if o.computed is not None else "–",
                "result": result_label(o, ctx.prepared_on),
            }
            for o in ctx.objectives
        ],
        "participation_summary": _participation_summary(ctx),
        "sites": [
            {
                "site": site,
                "staff": f"{ctx.staff_by_site.get(site, 0):,}",
                "nominations": f"{ctx.nominations_by_site.get(site, 0):,}",
                "per_100": f"{rates[site]:.1f}" if site in rates else "–",
            }
            for site in sorted(set(ctx.nominations_by_site) | set(ctx.staff_by_site))
        ]
        + [
            {"site": site, "staff": "–", "nominations": f"{count:,}", "per_100": "–"}
            for site, count in _unrecorded(ctx, ctx.nominations_by_site, "No site recorded")
        ],
        "sources": [
            {
                "source": source.capitalize(),
                "nominations": f"{count:,}",
                "share": _share(count, total_nominations),
            }
            for source, count in [
                *ctx.nominations_by_source.items(),
                *_unrecorded(ctx, ctx.nominations_by_source, "Not recorded"),
            ]
        ],
        "teams": [
            {"team": team, "nominations": f"{count:,}"}
            for team, count in [
                *sorted(ctx.nominations_by_team.items(), key=lambda i: (-i[1], i[0])),
                *_unrecorded(ctx, ctx.nominations_by_team, "No team recorded"),
            ]
        ],
        "viewpoints_summary": _viewpoints_summary(ctx),
        "viewpoints": [
            {
                "viewpoint": v.viewpoint.capitalize(),
                "question": v.question,
                "result": viewpoint_result(v),
                "respondents": f"{v.respondents:,}" if v.respondents is not None else "–",
                "comment": v.comment,
            }
            for v in sorted(
                ctx.viewpoints,
                key=lambda v: VIEWPOINTS.index(v.viewpoint) if v.viewpoint in VIEWPOINTS else 9,
            )
        ],
        "agreement": agreement_rows(ctx),
        "agreement_reading": agreement_reading(ctx),
        "objectives_note": _objectives_note(ctx),
        "no_objectives": ""
        if ctx.objectives
        else (
            "No objectives have been set yet. Add them to the Objectives table on the Programme "
            "sheet, each with its KPI, baseline and target, so that the report can say whether "
            "the programme met them."
        ),
        "objectives_chart": "",  # the chart, where there are objectives to draw
        "findings": [
            {"finding": f.finding, "action": f.action or "–", "owner": f.owner or "–"}
            for f in ctx.findings
        ],
        "no_findings": ""
        if ctx.findings
        else "No findings have been recorded on the Evaluation sheet yet.",
        "judging_summary": _judging_summary(ctx),
        "costs": [
            {
                "item": line.item,
                "budget": money(line.budget),
                "actual": money(line.actual),
                "difference": _signed_money(line.actual - line.budget),
            }
            for line in ctx.costs
        ],
        "total_budget": money(budget),
        "total_actual": money(actual),
        "total_difference": _signed_money(actual - budget),
        "costs_summary": _costs_summary(ctx),
        "winners": [
            {
                "category": w.category,
                "nominee": w.nominee,
                "team": w.team,
                "site": w.site,
                "score": f"{w.score_pct:.0f}%",
            }
            for w in ctx.winners
        ],
        "recommendations": advice,
        "why_won": ctx.winner_explanations,
    }


def chart_colours(branding: Branding) -> dict[str, str]:
    """The programme's colours as the charts take them."""
    return {
        "primary": "#" + hex_colour(branding.primary_colour),
        "accent": "#" + hex_colour(branding.accent_colour),
    }


def chart_pngs(ctx: EvaluationContext, primary: str, accent: str) -> dict[str, bytes]:
    """Every chart of the report, as PNG bytes by its template field (the report's slow part,
    so :func:`automation.documents.generate.generate_all` starts it first, on its own)."""
    from automation.documents import equity_section
    from automation.documents.charts import objectives_chart, participation_chart

    charts = {}
    if ctx.objectives:
        charts["objectives_chart"] = objectives_chart(ctx.objectives, primary, accent)
    return {
        **charts,
        "participation_chart": participation_chart(ctx, primary, accent),
        **equity_section.chart_pngs(ctx, primary, accent),
    }


def write_evaluation_report(
    ctx: EvaluationContext,
    branding: Branding,
    out_path: Path,
    *,
    template: Path | None = None,
    charts: dict[str, bytes] | None = None,
) -> Path:
    """Write the evaluation report .docx (with its charts) and return its path.

    ``charts``: what :func:`chart_pngs` gives for this context, when already drawn.
    """
    renderer = DocxRenderer(
        Path(template) if template else DEFAULT_TEMPLATE_DIR / "evaluation_report.docx",
        branding.primary_colour,
        branding.accent_colour,
    )
    if charts is None:
        charts = chart_pngs(ctx, **chart_colours(branding))
    from automation.documents import equity_section

    fields = evaluation_fields(ctx, branding) | equity_section.fields(ctx)
    images = {name: Image(png, CHART_WIDTH_MM) for name, png in charts.items()}
    return renderer.render(fields, Path(out_path), images)
