"""The evaluation report and the recommendations derived from its figures (one test per rule)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import docx
import pytest

from automation.documents.charts import objectives_chart, participation_chart, progress_to_target
from automation.documents.context import AgreementFigure, CostLine, ObjectiveResult, Viewpoint
from automation.documents.english import long_date
from automation.documents.evaluation import (
    number,
    recommendations,
    result_label,
    viewpoint_level,
    viewpoint_result,
    write_evaluation_report,
)
from tests.documents_sample import BRANDING, EVALUATION, check_golden, describe_docx

# A programme where nothing needs action: every rule's "quiet" case.
HEALTHY = dataclasses.replace(
    EVALUATION,
    objectives=[dataclasses.replace(o, actual=o.target) for o in EVALUATION.objectives],
    nominations_by_site={"Leeds": 30, "Sheffield": 24},
    nominations_by_source={"customer": 20, "colleague": 24, "manager": 8, "self": 2},
    agreement=[AgreementFigure("Customer impact", 0.81, "good")],
    ranks_changed=0,
    costs=[CostLine("Prizes", 500.0, 480.0)],
    viewpoints=[Viewpoint("non-winners", "The programme is fair", 72.0, "% agree", 60, "")],
    staff_nominated=80,
)


def test_report_matches_reviewed_text(tmp_path: Path) -> None:
    path = write_evaluation_report(EVALUATION, BRANDING, tmp_path / "report.docx")
    check_golden("evaluation_report.txt", describe_docx(path))
    assert len(docx.Document(str(path)).inline_shapes) == 2  # the two charts
    # What Word's File > Info shows: the template's title, not python-docx's comment.
    core = docx.Document(str(path)).core_properties
    assert (core.title, core.comments) == ("Award programme evaluation", "")


def test_healthy_programme_gets_a_single_keep_going_recommendation() -> None:
    assert recommendations(HEALTHY) == [
        "Every target was met and nothing in the figures needs action: keep the programme as it "
        "is and evaluate it again next period."
    ]


def _only(ctx: object) -> str:
    advice = recommendations(ctx)  # type: ignore[arg-type]
    assert len(advice) == 1, advice
    return advice[0]


def test_rule_unmet_target_names_objective_figures_and_owner() -> None:
    objective = ObjectiveResult("Keep good people", "Staff turnover", 28, 22, 25, "%", False,
                                None, "Mark Ellis")  # fmt: skip
    text = _only(dataclasses.replace(HEALTHY, objectives=[objective]))
    assert text.startswith("“Keep good people” missed its target: Staff turnover reached 25%")
    assert "target of 22%" in text and "Mark Ellis" in text


def test_a_target_short_before_its_deadline_is_not_yet_met_not_missed() -> None:
    prepared = HEALTHY.prepared_on
    later = prepared + dt.timedelta(days=30)
    objective = ObjectiveResult("Keep good people", "Staff turnover", 28, 22, 25, "%", False,
                                later, "Mark Ellis")  # fmt: skip
    assert objective.standing(prepared) == "not yet"
    assert result_label(objective, prepared) == "Not yet met"
    ctx = dataclasses.replace(HEALTHY, objectives=[objective])
    text = _only(ctx)
    assert text.startswith("“Keep good people” is not on target yet: Staff turnover is at 25%")
    assert f"by {long_date(later)}" in text and "close the gap before then" in text
    assert "missed" not in text
    # On the deadline day itself the target is due: short of it then is missed.
    assert objective.standing(later) == "missed"
    assert result_label(objective, later) == "Not met"
    assert objective.standing(later - dt.timedelta(days=1)) == "not yet"


def test_the_summary_counts_targets_still_to_come_apart_from_missed_ones(tmp_path) -> None:
    prepared = HEALTHY.prepared_on
    soon, past = prepared + dt.timedelta(days=30), prepared - dt.timedelta(days=1)
    objectives = [
        ObjectiveResult("A", "KPI a", 1, 10, 12, deadline=past),
        ObjectiveResult("B", "KPI b", 1, 10, 5, deadline=soon),
        ObjectiveResult("C", "KPI c", 1, 10, 6, deadline=soon),
        ObjectiveResult("D", "KPI d", 1, 10, 7, deadline=past),
    ]
    path = write_evaluation_report(
        dataclasses.replace(HEALTHY, objectives=objectives), BRANDING, tmp_path / "r.docx"
    )
    text = describe_docx(path)
    assert (
        "Of the four objectives, one met its target, one missed it and two have not reached it "
        "yet but have until their deadlines." in text
    )
    assert "| D | KPI d | 1 | 10 | 7 | – | Not met |" in text
    assert "| B | KPI b | 1 | 10 | 5 | – | Not yet met |" in text


def test_lower_is_better_target_met_when_below() -> None:
    objective = ObjectiveResult("Fewer complaints", "Complaints", 40, 30, 29, "", False)
    assert objective.met is True
    assert recommendations(dataclasses.replace(HEALTHY, objectives=[objective]))[0].startswith(
        "Every target was met"
    )


def test_rule_missing_result() -> None:
    objective = ObjectiveResult("Hear from customers", "Customer nominations", 4, 10, None)
    assert objective.met is None
    assert _only(dataclasses.replace(HEALTHY, objectives=[objective])).startswith(
        "No result was recorded for “Customer nominations”."
    )


def test_rule_site_well_below_others_per_head() -> None:
    ctx = dataclasses.replace(HEALTHY, nominations_by_site={"Leeds": 34, "Sheffield": 14})
    text = _only(ctx)
    assert text.startswith(
        "Sheffield sent in 14.7 nominations per 100 staff against 28.3 at Leeds."
    )


def test_site_rule_needs_a_real_gap() -> None:
    ctx = dataclasses.replace(HEALTHY, nominations_by_site={"Leeds": 34, "Sheffield": 22})
    assert not any("per 100 staff" in r for r in recommendations(ctx))  # 23.2 vs 28.3: close


def test_rule_low_agreement() -> None:
    ctx = dataclasses.replace(HEALTHY, agreement=[AgreementFigure("Teamwork", 0.41, "poor")])
    assert _only(ctx).startswith("Judges agreed poorly on “Teamwork” (α = 0.41;")
    assert "Hold a calibration session" in _only(ctx)
    # The judges calibrated this period already: the advice is to go over that entry.
    calibrated = _only(dataclasses.replace(ctx, calibrated_by=4))
    assert "Hold a calibration session" not in calibrated
    assert "The four judges who scored this period's calibration entry should go through" in (
        calibrated
    )


def test_rule_agreement_not_measured() -> None:
    ctx = dataclasses.replace(HEALTHY, agreement=[AgreementFigure("Teamwork", None, "")])
    assert "could not be measured" in _only(ctx)


def test_rule_normalisation_changed_rankings() -> None:
    ctx = dataclasses.replace(HEALTHY, ranks_changed=1)
    assert _only(ctx).startswith("Normalising each judge's scores changed 1 ranking,")


def test_the_judging_summary_names_the_adjustment_that_ranked() -> None:
    from automation.documents.evaluation import _judging_summary

    effect = dataclasses.replace(HEALTHY, ranks_changed=29, ranked_on="judge-effect")
    assert _judging_summary(effect).startswith(
        "Adjusting for each judge's leniency (how high or low each marks) changed "
        "29 rankings against the raw scores."
    )
    assert _only(effect).startswith("Adjusting for each judge's leniency changed 29 rankings,")
    raw = dataclasses.replace(HEALTHY, ranks_changed=0, ranked_on="raw")
    assert _judging_summary(raw).startswith("Nominations were ranked on the judges' raw scores")
    assert not any("changed" in r for r in recommendations(raw))


def test_rank_changes_from_the_raw_scores_trimming_are_not_put_down_to_leniency() -> None:
    from automation.documents.evaluation import _judging_summary

    # Four judges each: the raw score drops the top and bottom mark, the adjusted score uses
    # every mark. Against the raw score 29 ranks moved, but the adjustment itself moved 16.
    effect = dataclasses.replace(
        HEALTHY,
        ranks_changed=29,
        ranks_changed_by_adjustment=16,
        trim_from=4,
        ranked_on="judge-effect",
    )
    summary = _judging_summary(effect)
    assert summary.startswith(
        "Adjusting for each judge's leniency (how high or low each marks) changed 16 rankings "
        "against the plain average of the judges' marks. The raw score leaves out the highest "
        "and lowest mark of a nomination that four or more judges scored, so against it 29 "
        "nominations rank differently."
    )
    assert _only(effect).startswith("Adjusting for each judge's leniency changed 16 rankings,")
    # Every move came from the trimming: nothing to tell the judges.
    trimming = dataclasses.replace(effect, ranks_changed_by_adjustment=0)
    assert "changed no rankings against the plain average" in _judging_summary(trimming)
    assert not any("lenien" in r for r in recommendations(trimming))


def test_the_example_separates_the_adjustments_rank_changes_from_the_trimmings(example_data):
    from automation.documents import generate as g
    from automation.scoring import score

    results = score(example_data)
    ctx = g.evaluation_context(example_data, results, "Q3 2026", dt.date(2026, 11, 20))
    assert ctx.trim_from == 4 and ctx.ranks_changed_by_adjustment is not None
    assert ctx.ranks_changed_by_adjustment != ctx.ranks_changed
    # With no trimming the raw score is the plain mean: one figure, against the raw scores.
    untrimmed = dataclasses.replace(
        results, settings=dataclasses.replace(results.settings, trim_from=0)
    )
    assert g._ranks_changed_by_adjustment(untrimmed) is None


def test_rule_overspend_names_the_lines() -> None:
    costs = [
        CostLine("Prizes", 400, 450),
        CostLine("Catering", 250, 310),
        CostLine("Frames", 100, 90),
    ]
    text = _only(dataclasses.replace(HEALTHY, costs=costs))
    assert text.startswith(
        "Spending was £100 over budget (£850 against £750), mainly on “Prizes” and “Catering”."
    )


def test_rule_low_non_winner_morale() -> None:
    viewpoint = Viewpoint("non-winners", "The programme is fair", 2.4, "mean of 5", 50, "")
    text = _only(dataclasses.replace(HEALTHY, viewpoints=[viewpoint]))
    assert text.startswith(
        "Non-winners' morale needs attention: “The programme is fair” scored 2.4 out of 5 on "
        "average."
    )


def test_rule_other_low_viewpoint() -> None:
    viewpoint = Viewpoint("winners' managers", "Given enough notice", 40, "% agree", 5, "")
    assert _only(dataclasses.replace(HEALTHY, viewpoints=[viewpoint])).startswith(
        "The winners' managers view is low"
    )


def test_rule_few_staff_nominated() -> None:
    assert _only(dataclasses.replace(HEALTHY, staff_nominated=20)).startswith(
        "Only 9% of staff were nominated."
    )


def test_rule_few_customer_nominations() -> None:
    sources = {"customer": 2, "colleague": 40, "manager": 10}
    assert _only(dataclasses.replace(HEALTHY, nominations_by_source=sources)).startswith(
        "Only 4% of nominations came from customers."
    )


@pytest.mark.parametrize(
    ("result", "scale", "level"),
    [(48, "% agree", 0.48), (4.5, "mean of 5", 0.9), (7, "out of 10", 0.7), (3, "rating", None)],
)
def test_viewpoint_scales(result: float, scale: str, level: float | None) -> None:
    assert viewpoint_level(Viewpoint("winners", "q", result, scale, 1, "")) == level


@pytest.mark.parametrize(
    ("result", "scale", "shown"),
    [
        (86, "% agree", "86% agree"),
        (4.7, "mean of 5", "4.7 out of 5 on average"),
        (8, "Mean of 10", "8 out of 10 on average"),
        (7, "out of 10", "7 out of 10"),
        (18, "eNPS", "18 (eNPS)"),
        (3.2, "points", "3.2 points"),
        (12, "count", "12"),
    ],
)
def test_viewpoint_results_read_as_their_scale(result: float, scale: str, shown: str) -> None:
    """A mean on a five-point scale is not shown as "4.7 (mean of 5)", which reads as a mean
    of five answers."""
    assert viewpoint_result(Viewpoint("winners", "q", result, scale, 3, "")) == shown


def test_numbers_with_units() -> None:
    assert number(87.0, "%") == "87%"
    assert number(3.85, "points") == "3.9 points"  # rounds half to even at 3.85 -> 3.9
    assert number(1204, "") == "1,204"
    assert number(-6, "") == "\u22126"  # a true minus, as the money figures have
    assert number(-0.04, "points") == "0.0 points"  # rounds to nothing: no sign


def test_progress_to_target_works_both_ways() -> None:
    up = ObjectiveResult("o", "k", 80, 90, 85)
    down = ObjectiveResult("o", "k", 30, 20, 25, higher_is_better=False)
    assert progress_to_target(up) == pytest.approx(50)
    assert progress_to_target(down) == pytest.approx(50)
    assert progress_to_target(ObjectiveResult("o", "k", 1, 2, None)) is None


def test_charts_are_png_images() -> None:
    for image in (objectives_chart(EVALUATION.objectives), participation_chart(EVALUATION)):
        assert image.startswith(b"\x89PNG")


def test_rule_low_agreement_on_several_scopes_is_one_recommendation() -> None:
    figures = [
        AgreementFigure("Teamwork", 0.41, ""),
        AgreementFigure("Care", 0.55, ""),
        AgreementFigure("Speed", 0.9, ""),
    ]
    advice = _only(dataclasses.replace(HEALTHY, agreement=figures))
    assert advice.startswith("Judges agreed poorly on 2 of the 3 criteria")
    # The weakest are named once, in the judging section's reading, not again here.
    assert "section 4 names the weakest" in advice and "Teamwork" not in advice
    from automation.documents.evaluation import agreement_reading

    reading = agreement_reading(dataclasses.replace(HEALTHY, agreement=figures))
    assert "“Teamwork” (α 0.41)" in reading


def test_agreement_is_one_row_per_category_with_one_reading() -> None:
    from automation.documents.evaluation import agreement_reading, agreement_rows

    rows = agreement_rows(EVALUATION)
    assert [r["category"] for r in rows] == ["Customer Hero of the Month", "Team of the Quarter"]
    assert rows[0]["whole"] == "0.74"
    assert rows[0]["criteria"] == "Customer impact 0.81 · Going the extra mile 0.58"
    reading = agreement_reading(EVALUATION)
    assert reading.count("Going the extra mile") == 1 and "weakest" in reading


def test_viewpoint_results_read_on_their_own_scale() -> None:
    from automation.documents.evaluation import evaluation_fields

    ctx = dataclasses.replace(
        EVALUATION,
        viewpoints=[
            Viewpoint("organisation", "CSAT change (points)", 3.2, "points", None),
            Viewpoint("organisation", "Complaints escalated", 12, "count", 5),
        ],
    )
    shown = evaluation_fields(ctx, BRANDING)["viewpoints"]
    assert [v["result"] for v in shown] == ["3.2 points", "12"]  # never "3.2 (count)"
    assert [v["respondents"] for v in shown] == ["–", "5"]  # a blank cell is not "0"


def test_objectives_chart_axis_fits_the_longest_bar() -> None:
    from automation.documents.charts import objectives_figure

    far = ObjectiveResult("Involve customers", "Customer nominations", 5, 20, 39)  # 227%
    figure = objectives_figure([far, *EVALUATION.objectives[:2]])
    axes = figure.axes[0]
    assert axes.get_xlim()[1] > progress_to_target(far) + 10
    assert max(p.get_width() for p in axes.patches) == pytest.approx(progress_to_target(far))


def test_computed_kpi_is_shown_beside_the_typed_actual() -> None:
    from automation.documents.evaluation import evaluation_fields

    fields = evaluation_fields(EVALUATION, BRANDING)
    row = next(o for o in fields["objectives"] if o["objective"] == "Recognise more people")
    assert (row["actual"], row["computed"]) == ("52", "48")
    assert "differs from the workbook's count (48)" in fields["objectives_note"]


def test_a_cost_difference_is_signed_only_when_it_shows_pence():
    from automation.documents.evaluation import _signed_money

    assert _signed_money(12.5) == "+£12.50"
    assert _signed_money(-6) == "\u2212£6"
    assert _signed_money(0.001) == "£0"
    assert _signed_money(-0.001) == "£0"


def test_a_new_programme_with_nothing_recorded_says_what_to_add(tmp_path: Path) -> None:
    bare = dataclasses.replace(EVALUATION, objectives=[], costs=[], viewpoints=[], findings=[])
    path = write_evaluation_report(bare, BRANDING, tmp_path / "report.docx")
    text = describe_docx(path)
    document = docx.Document(str(path))
    headers = [t.rows[0].cells[0].text for t in document.tables]
    # No empty table, no empty chart and no pounds of nothing.
    assert not {"Objective", "Viewpoint", "Item", "Finding"} & set(headers)
    assert len(document.inline_shapes) == 1  # the participation chart only
    assert "£0" not in text and "Of the 0" not in text and "on budget" not in text
    assert "No objectives have been set yet." in text
    assert "Objectives table on the Programme sheet" in text
    assert "Survey table on the Evaluation sheet" in text
    assert "Costs table on the Programme sheet" in text
    assert "No costs have been recorded." in text


def test_agreement_not_measured_for_want_of_spread_says_so() -> None:
    """Three judges on every nomination who gave the same scores: the reason is the lack of
    spread, and the advice is not to add judges."""
    from automation.documents.evaluation import agreement_reading

    flat = [AgreementFigure("Star: Care", None, "", "Star", "Care", nominations=3)]
    ctx = dataclasses.replace(HEALTHY, agreement=flat)
    assert "did not vary" in agreement_reading(ctx)
    (advice,) = [r for r in recommendations(ctx) if "“Star: Care”" in r]
    assert "gave the same scores" in advice and "at least two judges" not in advice
    few = [AgreementFigure("Star: Care", None, "", "Star", "Care", nominations=1)]
    ctx = dataclasses.replace(HEALTHY, agreement=few)
    assert "too few nominations had two or more judges" in agreement_reading(ctx)
    assert any("at least two judges" in r for r in recommendations(ctx))


def test_no_site_advice_on_a_handful_of_nominations() -> None:
    few = dataclasses.replace(HEALTHY, nominations_by_site={"Leeds": 3, "Sheffield": 0})
    assert not any("per 100 staff" in r for r in recommendations(few))
    enough = dataclasses.replace(HEALTHY, nominations_by_site={"Leeds": 30, "Sheffield": 0})
    assert any(r.startswith("Sheffield sent in") for r in recommendations(enough))


def test_one_member_of_staff_nominated_reads_in_the_singular() -> None:
    from automation.documents.evaluation import _participation_summary

    one = dataclasses.replace(HEALTHY, staff_nominated=1)
    assert "1 of 215 staff (0%) was nominated at least once." in _participation_summary(one)
    assert "were nominated at least once" in _participation_summary(HEALTHY)


def test_agreement_from_a_handful_of_nominations_is_shown_but_not_read() -> None:
    """Two nominations gave alphas of -0.2 in a real second period: the report must not tell
    the manager to rewrite the descriptors on that, nor blame too few judges."""
    from automation.documents.evaluation import agreement_reading

    few = [
        AgreementFigure("Hero: Care", -0.22, "", "Hero", "Care", nominations=2),
        AgreementFigure("Hero: Speed", -0.23, "", "Hero", "Speed", nominations=2),
    ]
    ctx = dataclasses.replace(HEALTHY, agreement=few)
    reading = agreement_reading(ctx)
    assert "The figures for Hero come from fewer than 10 nominations" in reading
    assert "poorly" not in reading and "weakest" not in reading
    assert not any("agreed poorly" in r for r in recommendations(ctx))
    # Beside figures that can be read, only those are counted; the others are named.
    enough = AgreementFigure("Team: Care", 0.5, "", "Team", "Care", nominations=12)
    reading = agreement_reading(dataclasses.replace(HEALTHY, agreement=[*few, enough]))
    assert "Across the one criterion measured" in reading and "poorly on one" in reading
    assert "The weakest was “Care” (Team, α 0.50)" in reading
    assert "The figures for Hero come from fewer than 10" in reading
    (advice,) = [r for r in recommendations(dataclasses.replace(HEALTHY, agreement=[*few, enough]))
                 if "agreed poorly" in r]  # fmt: skip
    assert "“Team: Care” (α = 0.50" in advice


def test_agreement_on_a_single_nomination_is_not_blamed_on_too_few_judges() -> None:
    one = [AgreementFigure("Choice: Warmth", None, "", "Choice", "Warmth", nominations=1)]
    (advice,) = [r for r in recommendations(dataclasses.replace(HEALTHY, agreement=one))
                 if "“Choice: Warmth”" in r]  # fmt: skip
    assert "needs at least two nominations each scored by two or more judges" in advice
    # A category with one nomination: named once, not criterion by criterion.
    whole = [
        *one,
        AgreementFigure("Choice: Care", None, "", "Choice", "Care", nominations=1),
        AgreementFigure("Choice (whole category)", None, "", "Choice", "", nominations=1),
        AgreementFigure("Hero: Care", None, "", "Hero", "Care", nominations=0),
        AgreementFigure("Hero (whole category)", 0.9, "", "Hero", "", nominations=30),
    ]
    (advice,) = [r for r in recommendations(dataclasses.replace(HEALTHY, agreement=whole))
                 if "could not be measured" in r]  # fmt: skip
    assert advice.startswith(
        "Judges' agreement could not be measured on “Choice” (every criterion and the whole "
        "category) and “Hero: Care”: it needs"
    )
    # Three judges scored the one nomination: the advice must not ask for more judges only.
    assert "with a single nomination there is nothing to compare" in advice


def test_spend_so_far_is_shared_among_the_winners_of_every_period_so_far() -> None:
    from automation.documents.evaluation import _costs_summary, _summary

    costs = [CostLine("Vouchers", 3000.0, 1500.0)]
    first = dataclasses.replace(HEALTHY, costs=costs, trend=None)
    assert len(first.winners) == 4
    assert _costs_summary(first) == (
        "The programme has spent £1,500 so far against a budget of £3,000, or £375 per winner."
    )
    # In the second period the spend so far covers both periods' winners.
    ctx_period = HEALTHY.period
    trend = [
        {"period": "Q3 2026", "winners_n": 3},
        {"period": ctx_period, "winners_n": len(HEALTHY.winners)},
    ]
    second = dataclasses.replace(first, trend=trend)
    assert _costs_summary(second).endswith(
        f"or £214.29 per winner (7 winners from Q3 2026 to {ctx_period})."
    )
    # Half the year's budget spent is not "under budget": most of the year may be to come.
    summary = _summary(second, 1)
    assert "So far £1,500 of the £3,000 budget has been spent." in summary
    assert "under budget" not in summary


def test_nominations_with_no_team_site_or_source_are_counted_in_their_own_rows() -> None:
    """A nominee typed in who is not on Staff has no team or site: the tables still add up to
    the nominations the report counts."""
    from automation.documents.evaluation import evaluation_fields

    ctx = dataclasses.replace(
        HEALTHY,
        nominations_by_source={"customer": 2, "colleague": 1},
        nominations_by_team={"Retentions": 1, "Billing": 1},
        nominations_by_site={"Leeds": 2},
        nominations_total=4,
    )
    fields = evaluation_fields(ctx, BRANDING)
    assert fields["teams"][-1] == {"team": "No team recorded", "nominations": "2"}
    assert fields["sites"][-1] == {
        "site": "No site recorded", "staff": "–", "nominations": "2", "per_100": "–"
    }  # fmt: skip
    assert fields["sources"][-1] == {"source": "Not recorded", "nominations": "1", "share": "25%"}
    assert fields["participation_summary"].startswith(
        "There were 4 nominations: 2 from customers, 1 from a colleague and 1 with no source "
        "recorded."
    )
    for table in ("teams", "sites", "sources"):
        assert sum(int(row["nominations"]) for row in fields[table]) == 4
    # Everything recorded: no such rows.
    whole = evaluation_fields(dataclasses.replace(ctx, nominations_total=3,
                              nominations_by_team={"Retentions": 3},
                              nominations_by_site={"Leeds": 3}), BRANDING)  # fmt: skip
    assert [r["team"] for r in whole["teams"]] == ["Retentions"]
    assert "No site recorded" not in [r["site"] for r in whole["sites"]]


def test_the_costs_are_set_against_the_business_case() -> None:
    from automation.documents.evaluation import _costs_summary

    assert "business case" not in _costs_summary(HEALTHY)  # no benefits estimated
    text = _costs_summary(dataclasses.replace(HEALTHY, expected_benefit=2000.0))
    assert text.endswith(
        "The business case put the yearly benefit at £2,000, an expected return of 300% on the "
        "budget; the objectives in section 1 show how far it is being realised."
    )
