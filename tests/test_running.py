"""Equity figures worked out by hand, appeal rules, consent age, and anonymise/erase."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from automation.equity import equity, equity_tables
from automation.io.read import read_workbook
from automation.privacy_job import anonymise_workbook, erase_workbook
from automation.scoring import score
from automation.validate.running import check_appeals, check_consent_age, check_running
from tests.support.factory import data_from_rows
from tests.support.small import category

D = dt.date


def _equity_data():
    staff = [(n, "Red") for n in "ABCDE"] + [(n, "Blue") for n in "FGHI"]
    noms = [
        ("A", "Star", "customer"),
        ("A", "Star", "colleague"),
        ("B", "Star", "customer"),
        ("C", "Star", "colleague"),
        ("F", "Star", "customer"),
        ("Red", "Team award", "manager"),  # a team award: credits no one member of staff
    ]
    rows = [
        {
            "ID": f"N{i}",
            "Period": "P1",
            "Category": cat,
            "Nominee": who,
            "Nominator type": source,
            "Nominator": f"X{i}",
            "Evidence": "e",
            "Received": D(2027, 1, 5),
        }
        for i, (who, cat, source) in enumerate(noms, start=1)
    ]
    rows.append(rows[0] | {"ID": "CAL", "Nominee": "G", "Calibration": "yes"})
    data = data_from_rows(
        {
            "Teams": [
                {"Team": "Red", "Site": "Leeds", "Headcount": 5},
                {"Team": "Blue", "Site": "York", "Headcount": 4},
            ],
            "Staff": [{"Name": n, "Team": t} for n, t in staff],
            "Categories": [category("Star"), category("Team award", Type="team")],
            "Nominations": rows,
            "Judges": [
                {"Judge": "J1", "Team": "Red", "Site": "Leeds"},
                {"Judge": "J2", "Team": "Quality", "Site": "York"},
                {"Judge": "J3", "Team": "Quality"},
            ],
        },
        {"equity_groups": "Shift; Grade"},
    )
    data.tables["Staff"]["Shift"] = ["day", "day", "night", "night", "night", "day"] + ["night"] * 3
    return data


def test_equity_by_hand(monkeypatch):
    from automation import equity as equity_module

    data = _equity_data()
    results = SimpleNamespace(
        nominations=pd.DataFrame(
            {
                "Period": ["P1", "P1", "P1"],
                "Category": ["Star", "Star", "Team award"],
                "Nominee": ["A", "F", "Red"],
                "Place": ["winner", "winner", "winner"],
            }
        )
    )
    eq = equity(data, results, "P1")
    by = {(g.grouping, g.group): g for g in eq.groups}
    red, blue = by[("Team", "Red")], by[("Team", "Blue")]
    assert (red.eligible, red.nominations, red.nomination_rate) == (5, 4, 0.8)
    assert (blue.eligible, blue.nominations, blue.nomination_rate) == (4, 1, 0.25)
    assert red.nomination_ratio == 1.0 and blue.nomination_ratio == pytest.approx(0.3125)
    # Five nominations of individuals in all: the ratios are shown, not flagged...
    assert eq.individual_nominations == 5 and not blue.below
    # ...which they are from FEW_NOMINATIONS on.
    monkeypatch.setattr(equity_module, "FEW_NOMINATIONS", 5)
    flagged = {(g.grouping, g.group): g for g in equity(data, results, "P1").groups}
    assert flagged[("Team", "Blue")].below and not flagged[("Team", "Red")].below
    assert any("small group" in f for f in blue.flags)
    assert not any("small group" in f for f in red.flags)
    # Wins per member: 1/5 and 1/4; with two wins in all they are shown, not flagged.
    assert red.win_rate == pytest.approx(0.2) and blue.win_rate == pytest.approx(0.25)
    assert red.win_ratio == pytest.approx(0.8) and not any("wins" in f for f in red.flags)
    assert by[("Site", "York")].nomination_ratio == pytest.approx(0.3125)
    day, night = by[("Shift", "day")], by[("Shift", "night")]
    assert (day.eligible, day.nominations) == (3, 4)  # A twice, B, F
    assert (night.eligible, night.nominations) == (6, 1)  # C; G's calibration entry not counted
    assert night.nomination_ratio == pytest.approx((1 / 6) / (4 / 3))
    assert eq.missing_groupings == ["Grade"]
    assert eq.sources == {"customer": 3, "colleague": 2, "manager": 1}
    assert (eq.staff_nominated, eq.staff_total) == (4, 9)
    assert eq.panel["team"] == {"Quality": 2, "Red": 1}
    assert eq.panel["site"] == {"Leeds": 1, "York": 1, "(not recorded)": 1}
    tables = equity_tables(eq)
    share = tables["Participation"].set_index(["Measure", "Group"])["Share"]
    assert share[
        ("Staff nominated at least once", "staff on the Staff sheet who can be nominated")
    ] == pytest.approx(4 / 9)
    assert share[("Nominations by source", "customer")] == pytest.approx(0.5)
    codes = {i.code for i in check_running(data, D(2027, 1, 20))}
    assert "unknown-equity-group" in codes


def test_a_judge_on_the_staff_sheet_is_not_counted_as_eligible():
    """A judge cannot be nominated, so their team's rate is per member who can be."""
    data = _equity_data()
    before = {(g.grouping, g.group): g for g in equity(data, None, "P1").groups}
    red = data["Staff"][data["Staff"]["Team"] == "Red"]["Name"].iloc[0]
    data.tables["Judges"] = pd.concat(
        [data["Judges"], pd.DataFrame([{"Judge": red, "Team": "Red"}])], ignore_index=True
    )
    eq = equity(data, None, "P1")
    after = {(g.grouping, g.group): g for g in eq.groups}
    assert after[("Team", "Red")].eligible == before[("Team", "Red")].eligible - 1
    assert after[("Team", "Blue")].eligible == before[("Team", "Blue")].eligible
    assert eq.judges_left_out == 1 and eq.staff_total == 8


def _appeal_data(**appeal):
    base = {
        "Appeal ID": "A1",
        "Appellant": "Ann Able",
        "Nomination ID": "N1",
        "Grounds": "My evidence was misread.",
        "Received": D(2027, 4, 2),
        "Outcome": "open",
    }
    return data_from_rows(
        {
            "Nominations": [
                {"ID": "N1", "Period": "Q1 2027", "Category": "Star", "Nominee": "Ann Able"}
            ],
            "Judges": [{"Judge": "Jo Judge"}, {"Judge": "Kim Judge"}],
            "Scores": [
                {"Judge": "Jo Judge", "Nomination ID": "N1", "Criterion": "Care", "Score": 3}
            ],
            "Appeals": [base | appeal],
        }
    )


@pytest.mark.parametrize(
    ("appeal", "codes"),
    [
        ({}, {"appeal-open"}),
        ({"Reviewer": "Jo Judge"}, {"appeal-open", "reviewer-was-judge"}),
        ({"Reviewer": "kim judge ", "Outcome": "not upheld", "Decided on": D(2027, 4, 9)}, set()),
        ({"Reviewer": "Kim Judge", "Outcome": "upheld"}, {"appeal-no-decision-date"}),
        ({"Outcome": "withdrawn", "Decided on": D(2027, 4, 3)}, {"appeal-no-reviewer"}),
        (
            {"Reviewer": "Kim Judge", "Outcome": "upheld", "Decided on": D(2027, 4, 1)},
            {"appeal-decided-before-received"},
        ),
        ({"Nomination ID": "N9"}, {"appeal-open", "unknown-nomination"}),
    ],
)
def test_appeal_rules(appeal, codes):
    assert {i.code for i in check_appeals(_appeal_data(**appeal))} == codes


def test_open_appeal_blocks_closing_the_period():
    from automation.appeals import appeal_counts, open_appeals

    data = _appeal_data()
    assert open_appeals(data, "Q1 2027") == ["A1"]
    assert appeal_counts(data, "Q1 2027")["open"] == 1
    decided = _appeal_data(Outcome="upheld", Reviewer="Kim Judge", **{"Decided on": D(2027, 4, 9)})
    assert open_appeals(decided, "Q1 2027") == []
    assert appeal_counts(decided, "Q1 2027")["upheld"] == 1


def test_old_consent_is_a_warning():
    data = data_from_rows(
        {
            "Nominations": [
                {"ID": "N1", "Consent to publish": "yes", "Consent date": D(2025, 1, 1)},
                {"ID": "N2", "Consent to publish": "yes", "Consent date": D(2026, 12, 1)},
            ]
        }
    )
    flagged = [i.value for i in check_consent_age(data, D(2027, 1, 20))]
    assert flagged == ["01/01/2025"]


@pytest.fixture(scope="module")
def example_copy(built_example: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("privacy")
    return Path(shutil.copy(built_example, folder / "example.xlsx"))


def test_anonymise_keeps_every_score_and_result(example_copy, tmp_path):
    before = read_workbook(example_copy)
    out = anonymise_workbook(example_copy, before=D(2026, 9, 1), dest=tmp_path / "anon.xlsx")
    after = read_workbook(tmp_path / "anon.xlsx")
    assert out.change.counts["customer names"] > 0
    old = before["Nominations"]["Received"] < pd.Timestamp(2026, 9, 1)
    noms = after["Nominations"]
    customers = old & (before["Nominations"]["Nominator type"] == "customer")
    assert noms.loc[customers, "Nominator"].str.startswith("anonymised customer").all()
    assert noms.loc[customers, "Nominator contact"].eq("[removed]").all()
    assert noms.loc[~old, "Nominator"].equals(before["Nominations"].loc[~old, "Nominator"])
    # The customer who nominated twice (N-0041 and N-0042) is still one nominator.
    twice = noms.set_index("ID").loc[["N-0041", "N-0042"], "Nominator"]
    assert twice.nunique() == 1
    pd.testing.assert_frame_equal(before["Scores"], after["Scores"])
    cols = ["Period", "Category", "Place", "Rank", "Nomination ID", "Raw score", "Normalised score"]
    pd.testing.assert_frame_equal(score(before).nominations[cols], score(after).nominations[cols])
    assert after["Audit"]["Action"].iloc[-1] == "anonymise"


def test_anonymising_in_place_says_every_backup_still_holds_the_data(example_copy, tmp_path):
    import shutil

    book = shutil.copyfile(example_copy, tmp_path / "book.xlsx")  # the module's copy stays
    out = anonymise_workbook(book, before=D(2026, 9, 1))
    said = " ".join(out.lines)
    assert "and the older ones in that folder still hold the old data: delete them" in said


def test_erase_removes_a_person_but_keeps_the_counts(example_copy, tmp_path):
    before = read_workbook(example_copy)
    person = "Aoife Byrne"
    erase_workbook(example_copy, person, dest=tmp_path / "erased.xlsx")
    after = read_workbook(tmp_path / "erased.xlsx")
    text = pd.concat(
        [after[t].astype(str) for t in ("Nominations", "Results", "Scores", "Audit")], axis=1
    )
    assert not text.apply(lambda c: c.str.contains(person, case=False)).any().any()
    assert len(after["Nominations"]) == len(before["Nominations"])
    assert (
        after["Nominations"]["Team"]
        .value_counts()
        .equals(before["Nominations"]["Team"].value_counts())
    )
    mine = before["Nominations"]["Nominee"] == person
    assert after["Nominations"].loc[mine, "Evidence"].eq("[erased]").all()
    assert after["Audit"]["Action"].iloc[-1] == "erase"
    assert person not in after["Audit"]["Detail"].iloc[-1]


def test_erase_says_where_it_found_the_person(example_copy, tmp_path):
    out = erase_workbook(example_copy, "Aoife Byrne", dest=tmp_path / "erased.xlsx")
    assert out.lines[0] == (
        "Removed Aoife Byrne's personal data from 5 rows: 1 in the Conflicts table on the "
        "Judges sheet, 2 on the Nominations sheet and 2 on the Results sheet. The rows stay, "
        "so counts by team, site and period are unchanged."
    )
    # Where they are still named and erasure does not reach, said for certain.
    assert out.lines[1] == (
        "Aoife Byrne is still on the Staff sheet: remove them there if they have left."
    )
    import openpyxl

    # A copy of the module's shared copy: the other tests read that one as it was built.
    judged = tmp_path / "judged.xlsx"
    wb = openpyxl.load_workbook(example_copy)
    judges = wb["Judges"]
    (cell,) = [c for row in judges.iter_rows() for c in row if c.value == "David Lowe"][:1]
    cell.value = "Aoife Byrne"
    wb.save(judged)
    out = erase_workbook(judged, "Aoife Byrne", dest=tmp_path / "again.xlsx")
    assert "Aoife Byrne is still on the Staff and Judges sheets: remove them there" in out.lines[1]


def test_a_grouping_nobody_has_a_value_for_is_one_not_recorded_group():
    """The Teams table is empty, so nobody has a site: every member is '(not recorded)' for
    Site, without the warning that pandas will make an error (filling a float column with
    text)."""
    import warnings

    data = _equity_data()
    data.tables["Teams"] = data.tables["Teams"].iloc[0:0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eq = equity(data, None, "P1")
    sites = [g for g in eq.groups if g.grouping == "Site"]
    assert [(g.group, g.eligible) for g in sites] == [("(not recorded)", 9)]


def test_report_sections_on_equity_trend_and_appeals(example_copy, tmp_path):
    """The report's own sections, from the example plus one earlier period in History."""
    from automation.documents.generate import generate_evaluation
    from tests.documents_sample import check_golden, describe_docx

    data = read_workbook(example_copy)
    data.tables["PeriodHistory"] = pd.DataFrame(
        [
            {
                "Period": "Q2 2026",
                "Starts": pd.Timestamp(2026, 4, 1),
                "Ends": pd.Timestamp(2026, 6, 30),
                "Nominations": 41,
                "Customer nominations": 18,
                "Share of staff nominated": 0.5,
                "Winners": 3,
                "KPI actuals": "CSAT (% satisfied): 82.9%",
            }
        ]
    )
    data.tables["Appeals"] = data_from_rows(
        {
            "Appeals": [
                {
                    "Appeal ID": "A-1",
                    "Appellant": "Luca Rossi",
                    "Nomination ID": "N-0003",
                    "Grounds": "g",
                    "Received": D(2026, 10, 1),
                    "Outcome": "not upheld",
                }
            ]
        }
    )["Appeals"]
    path = generate_evaluation(data, score(data), tmp_path, today=D(2026, 10, 20))
    text = describe_docx(path)
    start = text.index("[Heading 2] Fairness across groups")
    end = text.index("[Heading 1] 3. Four viewpoints")
    appeals = text[text.index("[Heading 2] Appeals") :].split("[Heading 1]")[0]
    check_golden("evaluation_sections_equity.txt", text[start:end] + appeals)


def test_the_example_has_its_equity_sheet_filled_in(example_copy):
    data = read_workbook(example_copy)
    equity_rows = data["Equity"]
    assert set(equity_rows["Grouping"]) == {"Team", "Site"}
    assert (
        equity_rows.loc[equity_rows["Nomination ratio"] < 0.8, "Flag"]
        .str.contains("four-fifths")
        .all()
    )
    measures = set(data["Participation"]["Measure"])
    assert "Staff nominated at least once" in measures and "Judging panel by site" in measures


def test_equity_on_the_evaluation_sheet_moves_participation_and_its_chart(example_copy):
    import re
    import zipfile

    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    from tests.test_periods import _note_cells, _note_shapes

    ws = openpyxl.load_workbook(example_copy)["Evaluation"]
    equity_ref, part_ref = ws.tables["Equity"].ref, ws.tables["Participation"].ref
    _, e_top, _, e_last = range_boundaries(equity_ref)
    _, p_top, _, _ = range_boundaries(part_ref)
    assert p_top - e_last == 4  # the title row and two blank rows between them
    assert ws.cell(row=p_top, column=1).value == "Measure"
    assert _note_cells(example_copy, "Evaluation") == _note_shapes(example_copy, "Evaluation")
    with zipfile.ZipFile(example_copy) as zf:
        chart = next(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        refs = re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", zf.read(chart).decode())
    assert f"'Evaluation'!$B${e_top + 1}:$B${e_last}" in refs
    assert f"'Evaluation'!$F${e_top + 1}:$F${e_last}" in refs


def test_a_workbook_made_before_these_tables_still_scores(example_copy, tmp_path):
    """No Equity, Participation or Appeals tables: scoring writes its results, and the
    missing Appeals table is a warning, not an error."""
    import openpyxl

    from automation.pipeline import score_workbook

    old = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(example_copy)  # one load and save for the three tables
    del wb["Evaluation"].tables["Equity"], wb["Evaluation"].tables["Participation"]
    del wb["Appeals"].tables["Appeals"]
    wb.save(old)
    outcome = score_workbook(old, write=True, backup=False, today=D(2026, 11, 7))
    missing = [i for i in outcome.report if i.code == "table-missing"]
    assert [(i.value, i.severity) for i in missing] == [("Appeals", "warning")]
    assert not read_workbook(old)["Results"].empty


def test_an_erased_winner_can_no_longer_win_or_be_named(example_copy, tmp_path):
    """After an erasure the nominations stay in the counts, but a pseudonym must never reach
    a certificate, the newsletter or an email: the nomination cannot win, the next one does,
    and nothing said about the person (the result's citation) is kept."""
    from automation.judging.assign import plan_assignments
    from automation.validate import validate

    before = read_workbook(example_copy)
    first = score(before).winners.set_index("Category")
    person, nid = first.loc["Customers' Choice", ["Nominee", "Nomination ID"]]
    next_best = score(before).nominations.query(
        'Category == "Customers\' Choice" and Nominee != @person'
    )
    next_best = next_best.sort_values("Rank")["Nominee"].iloc[0]
    erase_workbook(example_copy, person, dest=tmp_path / "erased.xlsx")
    after = read_workbook(tmp_path / "erased.xlsx")
    written = after["Results"].set_index("Nomination ID")
    assert written.at[nid, "Nominee"].startswith("erased person")
    assert pd.isna(written.at[nid, "Citation"])  # a line of the evidence or the quote
    results = score(after)
    winners = results.winners.set_index("Category")
    assert winners.at["Customers' Choice", "Nominee"] == next_best
    row = results.nominations.set_index("Nomination ID").loc[nid]
    assert pd.isna(row["Place"]) and "personal data was erased" in row["Flags"]
    # The pseudonym is on no Staff list by design: not reported, where a stranger still is.
    noms = after.tables["Nominations"].copy()
    noms.loc[noms["Nominee"] == "Ella Turner", "Nominee"] = "Nobody Known"
    checked = dataclasses.replace(after, tables={**after.tables, "Nominations": noms}, cache={})
    unknown = [i.message for i in validate(checked) if i.code == "unknown-nominee"]
    assert unknown and all(m.startswith("Nobody Known") for m in unknown)
    # Judging it again gives it to no judge, and says why.
    after.settings = after.settings | {"current_period": "Q3 2026"}
    after.tables["Assignments"] = after.tables["Assignments"].iloc[0:0]
    plan = plan_assignments(after)
    why = [i.message for i in plan.report if i.code == "assign-cannot-win" and nid in i.message]
    assert why and "erased on request" in why[0]
    assert nid not in set(plan.rows["Nomination ID"])


def test_with_few_nominations_the_report_says_why_nothing_is_flagged():
    from automation.documents.equity_section import equity_summary

    text = equity_summary(equity(_equity_data(), None, "P1"))
    assert "With five nominations of individuals (fewer than 10)" in text
    assert "shown but not flagged" in text
    assert "No group fell below" not in text and "Below four-fifths" not in text


def test_a_period_closed_before_the_history_was_kept_is_not_called_the_first(example_data):
    """The example's Q2 2026 is closed on Periods, with a winner in PastWinners, but has no
    history row: the report must not call Q3 the programme's first period."""
    import dataclasses
    import datetime as dt

    from automation.documents import generate as g
    from automation.documents.equity_section import fields

    ctx = g.evaluation_context(example_data, score(example_data), "Q3 2026", dt.date(2026, 11, 20))
    assert ctx.untracked_periods == ["Q2 2026"]
    text = fields(ctx)["trend_summary"]
    assert "first period the workbook has followed" in text
    assert "Q2 2026 was closed before the workbook kept a history" in text
    assert "awards new-period" not in text and "programme's first period" not in text
    fresh = fields(dataclasses.replace(ctx, untracked_periods=[]))["trend_summary"]
    assert fresh.startswith("This is the programme's first period, so there is no trend yet.")


def test_a_category_with_no_nominations_this_period_is_named(example_data):
    import dataclasses

    from automation.tables import categories_without_nominations

    assert categories_without_nominations(example_data) is None  # every category has some
    noms = example_data["Nominations"]
    fewer = dataclasses.replace(
        example_data,
        tables={
            **example_data.tables,
            "Nominations": noms[noms["Category"] != "Customers' Choice"],
        },
        cache={},
    )
    assert categories_without_nominations(fewer) == (
        "No nominations in Q3 2026 for Customers' Choice: no award there this time"
    )


def test_the_trend_chart_stays_readable_over_many_periods():
    from automation.documents.equity_section import CHART_PERIODS, trend_figure

    def periods(n):
        return [
            {"period": f"P{i:02d} 2027", "nominations_n": 10 + i, "share_n": 0.2} for i in range(n)
        ]

    few = trend_figure(periods(4)).axes[0]
    assert [t.get_rotation() for t in few.get_xticklabels()] == [0.0] * 4
    many = trend_figure(periods(15)).axes[0]
    labels = many.get_xticklabels()
    assert len(labels) == CHART_PERIODS and labels[-1].get_text() == "P14 2027"
    assert all(t.get_rotation() == 40 for t in labels)  # leaning, so they do not run together
    assert many.get_title(loc="left").endswith(f"(the latest {CHART_PERIODS} of 15)")


def test_quarters_and_months_in_the_trend_are_compared_per_month():
    """A programme that went from quarterly to monthly: Q3 2026's 90 nominations beside
    January's 31 looked like a collapse."""
    from automation.documents.equity_section import fields, mixed_lengths, trend_figure

    trend = [
        {"period": "Q3 2026", "nominations_n": 90, "share_n": 0.4, "days": 92},
        {"period": "Jan 2027", "nominations_n": 31, "share_n": 0.2, "days": 31},
        {"period": "Feb 2027", "nominations_n": 28, "share_n": 0.2, "days": 28},
    ]
    rows = [
        {**t, "customer_n": 0, "winners_n": 1, "kpis": None, "nominations": str(t["nominations_n"])}
        for t in trend
    ]
    assert mixed_lengths(trend) == ["a quarter", "a month"]
    axes = trend_figure(trend).axes[0]
    assert axes.get_ylabel() == "Nominations per month"
    heights = [round(bar.get_height()) for bar in axes.patches]
    assert heights == [30, 30, 30]  # a steady programme, not a collapse
    ctx = SimpleNamespace(equity=None, trend=rows, untracked_periods=[], appeals={})
    assert (
        "The periods are not all the same length (a quarter and a month), so the chart shows "
        "nominations per month: Q3 2026 had 30 a month and Feb 2027 30."
    ) in fields(ctx)["trend_summary"]
    # Periods of one length keep their counts.
    same = [{**t, "days": 31} for t in trend]
    assert mixed_lengths(same) == []
    assert trend_figure(same).axes[0].get_ylabel() == "Nominations"
    assert (
        "not all the same length"
        not in fields(
            SimpleNamespace(
                equity=None,
                trend=[{**r, "days": 31} for r in rows],
                untracked_periods=[],
                appeals={},
            )
        )["trend_summary"]
    )
