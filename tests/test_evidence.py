"""The evidence map: one rule per criterion, each tested met, partly and missing."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pandas as pd
import pytest

from automation import evidence
from automation.evidence import CRITERIA, CRITERION_BY_NUMBER, MET, MISSING, PARTLY
from tests.support import small
from tests.support.factory import data_from_rows

D = dt.date
LEVELS = {f"Level {i}": f"level {i} looks like this" for i in range(1, 6)}
WINNERS = [{"Period": "Q1 2027", "Category": "Star", "Nominee": "Ann Able"}]


def complete() -> dict[str, list[dict]]:
    """A programme with evidence for every criterion."""
    return {
        "Rationale": [
            {"Topic": "why run an award programme", "Notes": "To make good service visible."},
            {"Topic": "link to service standards and strategy", "Notes": "Criteria follow them."},
            {"Topic": "promotional use with customers", "Notes": "Customers nominate."},
            {
                "Topic": "organisational culture",
                "Notes": "A proud, modest culture: people dislike being singled out, so the "
                "team award and a short ceremony at the huddle suit us best.",
            },
        ],
        "Costs": [{"Item": "Vouchers", "Type": "annual", "Budget": 300}],
        "Benefits": [
            {"Benefit": "Retention", "Who benefits": "organisation", "Estimated value": 900}
        ],
        "Risks": [
            {
                "Risk": "Few nominations",
                "Likelihood": 2,
                "Impact": 3,
                "Contingency": "Prompt.",
                "Owner": "Max Boss",
            }
        ],
        "Objectives": [
            {
                "Objective": "Raise CSAT",
                "KPI": "CSAT",
                "Baseline": 80,
                "Target": 85,
                "Higher is better": "yes",
                "Deadline": D(2027, 3, 31),
                "Owner": "Max Boss",
                "Actual": 84,
            }
        ],
        "Options": [
            {
                "Option": "Awards",
                "Benefits": "b",
                "Drawbacks": "d",
                "Cost": 100,
                "Chosen": "yes",
                "Reason": "Best fit",
            },
            {"Option": "Nothing", "Benefits": "b", "Drawbacks": "d", "Cost": 0, "Chosen": "no"},
        ],
        "Actions": [
            {
                "Action": "Launch",
                "Responsible": "Max Boss",
                "Start": D(2027, 1, 1),
                "Due": D(2027, 1, 5),
                "Resources": "Intranet",
                "Status": "done",
            }
        ],
        "Categories": [
            small.category(
                "Star", **{"Senior presenter": "Sam Senior", "How publicised": "Staff newsletter"}
            )
        ],
        "Criteria": [
            {"Category": "Star", "Criterion": "Care", "Weight": 0.6, **LEVELS},
            {"Category": "Star", "Criterion": "Speed", "Weight": 0.4, **LEVELS},
        ],
        "Judges": [{"Judge": "Jo Judge"}],
        "Periods": [
            {
                "Period": "Q1 2027",
                "Starts": D(2027, 1, 1),
                "Ends": D(2027, 3, 31),
                "Ceremony": D(2027, 4, 9),
            }
        ],
        "Comms": [
            {
                "Audience": "team",
                "Channel": "Huddle",
                "Message": "Nominate!",
                "Date": D(2027, 1, 2),
                "Owner": "Max Boss",
                "Status": "sent",
            },
            {
                "Audience": "customers",
                "Channel": "Cards",
                "Message": "Tell us.",
                "Date": D(2027, 1, 2),
                "Owner": "Max Boss",
                "Status": "sent",
            },
            {
                "Audience": "team",
                "Channel": "Newsletter",
                "Message": "Our winners.",
                "Purpose": "recognise",
                "Date": D(2027, 4, 12),
                "Owner": "Max Boss",
                "Status": "sent",
            },
        ],
        "Survey": [
            {"Viewpoint": v, "Question": "q", "Result": 0.8, "Scale": "% agree"}
            for v in ("organisation", "winners' managers", "winners", "non-winners")
        ],
        "Findings": [{"Finding": "Customers joined in.", "Kind": "went well"}],
    }


_BASE: list = []


def _data(rows: dict):
    """The programme's data, parsing only the tables that differ from the complete one
    (parsing every table for each of the many cases would be most of the time)."""
    if not _BASE:
        _BASE.append(data_from_rows(complete(), small.SETTINGS))
    full = complete()
    changed = {t: r for t, r in rows.items() if full.get(t) != r}
    changed |= {t: [] for t in full if t not in rows}
    return data_from_rows(changed, base=_BASE[0]) if changed else _BASE[0]


def _status(rows: dict, criterion: str, winners: list[dict] | None = WINNERS) -> evidence.Status:
    data = _data(rows)
    frame = pd.DataFrame(winners or [], columns=["Period", "Category", "Nominee"])
    return CRITERION_BY_NUMBER[criterion].rule(data, frame)


def _without(rows: dict, table: str, keep=lambda r: False) -> dict:
    rows = copy.deepcopy(rows)
    rows[table] = [r for r in rows[table] if keep(r)]
    return rows


def _edit(rows: dict, table: str, index: int, **values) -> dict:
    rows = copy.deepcopy(rows)
    rows[table][index] = {**rows[table][index], **values}
    return rows


def test_the_complete_programme_meets_every_criterion():
    data = data_from_rows(complete(), small.SETTINGS)
    found = evidence.evaluate(data)
    # No Results sheet in this data: 3.2 has no winners yet, so it cannot be met.
    assert {c.number: s.status for c, s in found.criteria} == {
        c.number: (PARTLY if c.number == "3.2" else MET) for c in CRITERIA
    }
    assert [s.status for _, s in found.requirements] == [MET] * len(evidence.REQUIREMENTS)


def _culture_short(rows):
    return _edit(rows, "Rationale", 3, Notes="We are friendly.")


def _second_category(rows, **overrides):
    rows = copy.deepcopy(rows)
    rows["Categories"].append(small.category("Team", **overrides))
    rows["Criteria"] += [
        {"Category": "Team", "Criterion": "Care", "Weight": 0.5, **LEVELS},
        {"Category": "Team", "Criterion": "Pace", "Weight": 0.4, **LEVELS},
    ]
    return rows


TEAM_WINNER = [*WINNERS, {"Period": "Q1 2027", "Category": "Team", "Nominee": "Reds"}]

CASES = [
    # criterion, how the complete programme is changed, expected, text the gap must mention
    ("1.1", lambda r: r, MET, None),
    (
        "1.1",
        lambda r: _without(r, "Rationale", lambda x: "link" not in x["Topic"]),
        PARTLY,
        "service standards",
    ),
    ("1.1", lambda r: _without(r, "Rationale"), MISSING, "why run"),
    ("1.2", lambda r: r, MET, None),
    ("1.2", lambda r: _without(r, "Comms", lambda x: x["Audience"] == "team"), PARTLY, "customers"),
    (
        "1.2",
        lambda r: _without(
            _without(r, "Comms", lambda x: x["Audience"] == "team"),
            "Rationale",
            lambda x: "promotional" not in x["Topic"],
        ),
        MISSING,
        "promotional",
    ),
    ("1.3", lambda r: r, MET, None),
    ("1.3", _culture_short, PARTLY, "culture"),
    (
        "1.3",
        lambda r: _without(r, "Rationale", lambda x: "culture" not in x["Topic"]),
        MISSING,
        "culture",
    ),
    ("1.4", lambda r: r, MET, None),
    ("1.4", lambda r: _without(r, "Risks"), PARTLY, "risks"),
    (
        "1.4",
        lambda r: _without(_without(_without(r, "Risks"), "Costs"), "Benefits"),
        MISSING,
        "costs",
    ),
    ("2.1", lambda r: r, MET, None),
    ("2.1", lambda r: _edit(r, "Objectives", 0, Owner=None), PARTLY, "Owner"),
    ("2.1", lambda r: _without(r, "Objectives"), MISSING, "objective"),
    ("2.2", lambda r: r, MET, None),
    ("2.2", lambda r: _edit(r, "Options", 1, Drawbacks=None), PARTLY, "Nothing"),
    ("2.2", lambda r: _without(r, "Options"), MISSING, "options"),
    ("2.3", lambda r: r, MET, None),
    ("2.3", lambda r: _edit(r, "Options", 0, Reason=None), PARTLY, "Reason"),
    ("2.3", lambda r: _edit(r, "Options", 0, Chosen="no"), MISSING, "Chosen"),
    ("2.4", lambda r: r, MET, None),
    ("2.4", lambda r: _edit(r, "Actions", 0, Resources=None), PARTLY, "resources"),
    ("2.4", lambda r: _edit(r, "Risks", 0, Contingency=None), PARTLY, "contingency"),
    ("2.4", lambda r: _without(_without(r, "Actions"), "Risks"), MISSING, "actions"),
    ("2.5", lambda r: r, MET, None),
    ("2.5", lambda r: _second_category(r), PARTLY, "Team: weights add to 90%"),
    ("2.5", lambda r: _edit(r, "Criteria", 1, **{"Level 2": None}), PARTLY, "descriptor"),
    (
        "2.5",
        lambda r: _edit(r, "Categories", 0, **{"Judging procedure": None}),
        PARTLY,
        "judging procedure",
    ),
    ("2.5", lambda r: _without(r, "Categories"), MISSING, "categories"),
    ("2.5", lambda r: _without(r, "Criteria"), MISSING, "criteria"),
    ("3.1", lambda r: r, MET, None),
    ("3.1", lambda r: _without(r, "Comms", lambda x: x["Audience"] == "team"), PARTLY, "customers"),
    ("3.1", lambda r: _without(r, "Comms"), MISSING, "team"),
    ("3.3", lambda r: r, MET, None),
    (
        "3.3",
        lambda r: _without(r, "Survey", lambda x: x["Viewpoint"] != "non-winners"),
        PARTLY,
        "non-winners",
    ),
    ("3.3", lambda r: _edit(r, "Objectives", 0, Actual=None), PARTLY, "KPI actual"),
    ("3.3", lambda r: _without(r, "Findings"), PARTLY, "findings"),
    (
        "3.3",
        lambda r: _without(_without(_without(r, "Objectives"), "Survey"), "Findings"),
        MISSING,
        "survey",
    ),
]


@pytest.mark.parametrize(
    ("criterion", "change", "expected", "gap"),
    CASES,
    ids=[f"{c}-{e}-{i}" for i, (c, _, e, _) in enumerate(CASES)],
)
def test_rule(criterion, change, expected, gap):
    found = _status(change(complete()), criterion)
    assert found.status == expected, found.missing
    if gap is None:
        assert found.missing_text == ""
    else:
        assert gap.casefold() in found.missing_text.casefold()


def test_every_criterion_has_met_partly_and_missing_cases():
    seen = {(c, e) for c, _, e, _ in CASES} | {
        ("3.2", e) for e in (MET, PARTLY, MISSING)
    }  # 3.2 is tested below, with its winners
    assert seen == {(c.number, e) for c in CRITERIA for e in (MET, PARTLY, MISSING)}


def test_3_2_met_when_every_winner_is_presented_and_announced():
    assert _status(complete(), "3.2").status == MET


def _unannounced(rows: dict) -> dict:
    """``rows`` without the Comms row that announced the winners."""
    return _without(rows, "Comms", lambda x: x["Channel"] != "Newsletter")


def test_3_2_a_supervisors_thank_you_alone_is_not_public_recognition():
    rows = _second_category(
        _unannounced(complete()),
        **{
            "Senior presenter": "Sam Senior",
            "How publicised": "A thank-you note from their supervisor",
        },
    )
    found = _status(rows, "3.2", TEAM_WINNER)
    assert found.status == PARTLY
    assert "Reds (Team)" in found.missing_text and "thank-you" in found.missing_text
    # An announcing Comms row makes it public after all.
    rows["Comms"].append(
        {
            "Audience": "team",
            "Channel": "Town hall",
            "Message": "Winners announced.",
            "Purpose": "recognise",
            "Date": D(2027, 4, 9),
            "Owner": "Max Boss",
            "Status": "sent",
        }
    )
    assert _status(rows, "3.2", TEAM_WINNER).status == MET


def test_3_2_with_winners_a_planned_announcement_is_not_yet_publicity():
    drafted = _edit(complete(), "Comms", 2, Status="drafted")
    found = _status(drafted, "3.2")
    assert found.status == PARTLY
    assert "has not gone out yet" in found.missing_text and "'sent'" in found.missing_text
    # Categories' How publicised is the plan, not the announcement.
    assert _status(_unannounced(complete()), "3.2").status == PARTLY
    # Before any winner, the plan is what there is to show.
    assert "gone out" not in _status(drafted, "3.2", winners=[]).missing_text


def test_3_2_partly_without_a_senior_presenter_or_ceremony_date():
    rows = _second_category(complete(), **{"How publicised": "Newsletter"})
    found = _status(rows, "3.2", TEAM_WINNER)
    assert found.status == PARTLY and "senior presenter" in found.missing_text
    no_date = _edit(complete(), "Periods", 0, Ceremony=None)
    found = _status(no_date, "3.2")
    assert found.status == PARTLY and "ceremony date for Q1 2027" in found.missing_text
    nothing = _edit(
        _unannounced(no_date),
        "Categories",
        0,
        **{"Senior presenter": None, "How publicised": "A quiet word"},
    )
    assert _status(nothing, "3.2").status == MISSING


def test_3_2_before_any_winner_is_partly_when_planned_and_missing_when_not():
    assert _status(complete(), "3.2", winners=[]).status == PARTLY
    rows = _edit(complete(), "Categories", 0, **{"Senior presenter": None})
    found = _status(rows, "3.2", winners=[])
    assert found.status == MISSING and "no winners yet" in found.missing_text.casefold()


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        ("Evaluation: non-winners", lambda r: r, MET),
        ("Evaluation: non-winners", lambda r: _edit(r, "Survey", 3, Result=None), PARTLY),
        (
            "Evaluation: non-winners",
            lambda r: _without(r, "Survey", lambda x: x["Viewpoint"] != "non-winners"),
            MISSING,
        ),
        ("What the award is", lambda r: _second_category(r, **{"What the award is": None}), PARTLY),
        ("Presented and publicised", lambda r: _without(r, "Categories"), MISSING),
        ("Judging procedure", lambda r: _without(r, "Judges"), PARTLY),
        ("Criteria for the award", lambda r: _without(r, "Criteria"), MISSING),
    ],
)
def test_d17_requirements(name, change, expected):
    data = _data(change(complete()))
    found = dict((r.name, s) for r, s in evidence.evaluate(data).requirements)
    assert found[name].status == expected


def test_numbering_of_both_versions_of_the_unit():
    assert [c.number for c in CRITERIA] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "3.1",
        "3.2",
        "3.3",
    ]
    d17 = {n for c in CRITERIA for n in re.findall(r"\d\.\d", c.d17)}
    assert d17 == {f"1.{i}" for i in range(1, 7)} | {f"2.{i}" for i in range(1, 7)} | {
        "3.1",
        "3.2",
        "3.3",
    }


def test_tables_keep_the_managers_notes_and_count_entries():
    rows = complete()
    rows["EvidenceMap"] = [{"Criterion": "2.1", "Notes": "See also the board paper."}]
    data = data_from_rows(rows, small.SETTINGS)
    tables = evidence.evidence_tables(data)
    emap = tables["EvidenceMap"].set_index("Criterion")
    assert emap.loc["2.1", "Notes"] == "See also the board paper."
    assert emap.loc["2.1", "Entries"] == 1
    assert emap.loc["2.1", "Status"] == MET and pd.isna(emap.loc["2.1", "What is missing"])
    assert len(tables["EvidenceRequirements"]) == len(evidence.REQUIREMENTS)


def test_the_worked_example_is_honest_about_its_evidence(example_data):
    found = evidence.evaluate(example_data)
    by_number = {c.number: s for c, s in found.criteria}
    # Every criterion of the example has real evidence behind it (checked by hand: the
    # rationale rows, costs, four objectives with actuals, four options, the plan with
    # resources and contingencies, three categories with full rubrics, two-way comms,
    # a ceremony and presenter for each winner, all four viewpoints and the findings).
    assert {n: s.status for n, s in by_number.items()} == {c.number: MET for c in CRITERIA}
    emap = example_data["EvidenceMap"].set_index("Criterion")
    assert (emap["Status"] == MET).all()
    assert found.summary() == "12 of 12 criteria met"


def test_the_map_points_to_tables_by_the_titles_printed_on_their_sheets():
    from automation import schema

    tables = evidence.catalogue_tables()
    pointers = [
        *tables["EvidenceMap"]["Where in this workbook"],
        *tables["EvidenceRequirements"]["Where in this workbook"],
    ]
    hidden = [t.name for t in schema.TABLES if t.name not in {s.name for s in schema.SHEETS}]
    for where in pointers:
        # No Excel table name that is not also a sheet's name ("OptionWeights", "Rationale").
        assert not any(re.search(rf"\b{name}\b", where) for name in hidden), where
        for piece in where.split("; "):
            sheet, _, titles = piece.partition(" > ")
            for title in re.findall(r"“([^”]+)”", titles):
                on_sheet = [
                    schema.TABLE_BY_NAME[t].title for t in schema.SHEET_BY_NAME[sheet].tables
                ]
                assert any(t.startswith(title) for t in on_sheet), (where, title)
    assert "Options > “Options appraisal”, “How options are weighed”" in pointers
