"""Every validation rule, one case per code: what triggers it and where it points."""

from __future__ import annotations

import datetime as dt

import pytest

from automation.io.read import read_workbook
from automation.validate import validate
from tests.support import small
from tests.support.factory import HEADER_ROW, data_from_rows

TODAY = dt.date(2027, 2, 1)


def _run(mutate=None, settings=None):
    rows = small.rows()
    if mutate:
        mutate(rows)
    data = data_from_rows(rows, {**small.SETTINGS, **(settings or {})})
    return validate(data, today=TODAY)


def test_the_small_programme_is_clean():
    report = _run()
    assert report.codes() == [], [i.message for i in report]


def _set(table, i, **values):
    def mutate(rows):
        rows[table][i].update({k.replace("_", " "): v for k, v in values.items()})

    return mutate


def _append(table, row):
    return lambda rows: rows.setdefault(table, []).append(row)


def _drop_scores(judge, nid):
    def mutate(rows):
        rows["Scores"] = [
            s for s in rows["Scores"] if not (s["Judge"] == judge and s["Nomination ID"] == nid)
        ]

    return mutate


# Ben Best (N2) won Star last quarter: inside its cool-off.
_ben_won_last_quarter = _append(
    "PastWinners",
    {
        "Period": "Q4 2026",
        "Category": "Star",
        "Nominee": "Ben Best",
        "Period ends": dt.date(2026, 12, 31),
    },
)


# (id, mutation, code, severity, sheet, column, data row index or None)
CASES = [
    (
        "required",
        _set("Nominations", 0, Nominee=None),
        "required-missing",
        "error",
        "Nominations",
        "Nominee",
        0,
    ),
    (
        "not-in-list",
        _set("Nominations", 1, Nominator_type="fax"),
        "not-in-list",
        "error",
        "Nominations",
        "Nominator type",
        1,
    ),
    (
        "unknown-ref",
        _set("Nominations", 2, Category="Moon"),
        "unknown-reference",
        "error",
        "Nominations",
        "Category",
        2,
    ),
    (
        "out-of-range",
        _set("Options", 0, Benefit_score=9),
        "out-of-range",
        "error",
        "Options",
        "Benefit score",
        0,
    ),
    (
        "not-a-number",
        _set("Options", 0, Cost="lots"),
        "not-a-number",
        "error",
        "Options",
        "Cost",
        0,
    ),
    (
        "not-a-date",
        _set("Nominations", 0, Received="yesterday"),
        "not-a-date",
        "error",
        "Nominations",
        "Received",
        0,
    ),
    (
        "not-yes-no",
        _set("Nominations", 0, Calibration="perhaps"),
        "not-yes-no",
        "error",
        "Nominations",
        "Calibration",
        0,
    ),
    (
        "duplicate-key",
        _set("Nominations", 1, ID="N1"),
        "duplicate-key",
        "error",
        "Nominations",
        "ID",
        1,
    ),
    (
        "bad-email",
        _set("Staff", 0, Email="ann at work"),
        "bad-email",
        "warning",
        "Staff",
        "Email",
        0,
    ),
    (
        "weights",
        _set("Criteria", 1, Weight=0.5),
        "weights-not-100",
        "error",
        "Criteria",
        "Weight",
        0,
    ),
    (
        "dup-criterion",
        _set("Criteria", 1, Criterion="Care"),
        "duplicate-criterion",
        "error",
        "Criteria",
        "Criterion",
        1,
    ),
    (
        "no-criteria",
        _append(
            "Categories",
            small.category(
                "Lonely",
                Type="team",
                Frequency="annually",
                **{"Min judges": 1},
                **{"Tie-break 1": "panel vote", "Tie-break 2": None},
            ),
        ),
        "category-without-criteria",
        "error",
        "Categories",
        "Category",
        1,
    ),
    (
        "bad-scale",
        _set("Categories", 0, Scale_min=5),
        "bad-scale",
        "error",
        "Categories",
        "Scale max",
        0,
    ),
    (
        "score-scale",
        _set("Scores", 0, Score=7),
        "score-out-of-scale",
        "error",
        "Scores",
        "Score",
        0,
    ),
    (
        "unknown-judge",
        _set("Scores", 0, Judge="Nobody"),
        "unknown-judge",
        "error",
        "Scores",
        "Judge",
        0,
    ),
    (
        "unknown-nomination",
        _set("Scores", 0, Nomination_ID="N99"),
        "unknown-nomination",
        "error",
        "Scores",
        "Nomination ID",
        0,
    ),
    (
        "unknown-criterion",
        _set("Scores", 0, Criterion="Luck"),
        "unknown-criterion",
        "error",
        "Scores",
        "Criterion",
        0,
    ),
    (
        "duplicate-score",
        _append(
            "Scores", {"Judge": "Jo Judge", "Nomination ID": "N1", "Criterion": "Care", "Score": 2}
        ),
        "duplicate-score",
        "error",
        "Scores",
        "Criterion",
        18,
    ),
    (
        "conflict-declared",
        _append(
            "Conflicts",
            {
                "Judge": "Jo Judge",
                "Nominee": "Ann Able",
                "Type": "family or friend",
                "Declared on": dt.date(2027, 1, 2),
            },
        ),
        "conflicted-judge-scored",
        "error",
        "Scores",
        "Judge",
        0,
    ),
    (
        "missing-score",
        _drop_scores("Kim Judge", "N2"),
        "missing-score",
        "warning",
        "Nominations",
        "ID",
        1,
    ),
    (
        "judge-not-started",
        lambda rows: rows.update(Scores=[s for s in rows["Scores"] if s["Judge"] != "Lee Judge"]),
        "judge-not-started",
        "warning",
        "Judges",
        "Judge",
        2,
    ),
    (
        "duplicate-nomination",
        _append(
            "Nominations",
            {
                "ID": "N4",
                "Period": "Q1 2027",
                "Category": "Star",
                "Nominee": "Ann Able",
                "Team": "Red",
                "Nominator type": "customer",
                "Nominator": "Customer 0",
                "Evidence": "Again.",
                "Received": dt.date(2027, 1, 20),
            },
        ),
        "duplicate-nomination",
        "warning",
        "Nominations",
        "Nominator",
        3,
    ),
    (
        "nominee-is-judge",
        _set("Nominations", 0, Nominee="Lee Judge"),
        "nominee-is-judge",
        "error",
        "Nominations",
        "Nominee",
        0,
    ),
    (
        "outside-period",
        _set("Nominations", 0, Received=dt.date(2027, 4, 2)),
        "received-outside-period",
        "error",
        "Nominations",
        "Received",
        0,
    ),
    (
        "closed-period",
        _set("Periods", 0, Status="closed"),
        "nomination-in-closed-period",
        "warning",
        "Nominations",
        "Period",
        0,
    ),
    (
        "repeat-winner",
        _ben_won_last_quarter,
        "repeat-winner",
        "error",
        "Nominations",
        "Nominee",
        1,
    ),
    (
        "quote-consent",
        _set("Nominations", 0, Customer_quote="Lovely"),
        "quote-without-consent",
        "warning",
        "Nominations",
        "Customer quote",
        0,
    ),
    (
        "consent-date",
        _set("Nominations", 0, Consent_to_publish="yes"),
        "consent-date-missing",
        "warning",
        "Nominations",
        "Consent date",
        0,
    ),
    (
        "unknown-nominee",
        _set("Nominations", 0, Nominee="Zed Unknown"),
        "unknown-nominee",
        "warning",
        "Nominations",
        "Nominee",
        0,
    ),
    (
        "smart",
        _set("Objectives", 0, KPI=None),
        "objective-not-smart",
        "error",
        "Programme",
        "KPI",
        0,
    ),
    (
        "target",
        _set("Objectives", 0, Target=70),
        "target-not-improvement",
        "warning",
        "Programme",
        "Target",
        0,
    ),
    (
        "not-measured",
        _set("Objectives", 0, Deadline=dt.date(2027, 1, 15)),
        "objective-not-measured",
        "warning",
        "Programme",
        "Actual",
        0,
    ),
    (
        "no-owner",
        _set("Actions", 0, Responsible=None),
        "action-no-owner",
        "error",
        "Plan",
        "Responsible",
        0,
    ),
    ("no-dates", _set("Actions", 0, Due=None), "action-no-dates", "error", "Plan", "Due", 0),
    (
        "due-before-start",
        _set("Actions", 0, Due=dt.date(2026, 12, 1)),
        "action-due-before-start",
        "error",
        "Plan",
        "Due",
        0,
    ),
    (
        "overdue",
        _set("Actions", 0, Status="in progress"),
        "action-overdue",
        "warning",
        "Plan",
        "Status",
        0,
    ),
    ("no-cost", _set("Options", 0, Cost=None), "option-no-cost", "error", "Options", "Cost", 0),
    (
        "no-reason",
        _set("Options", 0, Reason=None),
        "option-no-reason",
        "warning",
        "Options",
        "Reason",
        0,
    ),
    (
        "none-chosen",
        _set("Options", 0, Chosen="no"),
        "no-option-chosen",
        "warning",
        "Options",
        None,
        None,
    ),
    (
        "option-weights",
        _set("OptionWeights", 0, Weight=0.5),
        "option-weights-not-100",
        "warning",
        "Options",
        "Weight",
        0,
    ),
    (
        "over-budget",
        _append("Costs", {"Item": "Cake", "Type": "one-off", "Budget": 10, "Actual": 25}),
        "over-budget",
        "warning",
        "Programme",
        "Actual",
        0,
    ),
]


@pytest.mark.parametrize(
    ("mutate", "code", "severity", "sheet", "column", "index"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_rule(mutate, code, severity, sheet, column, index):
    report = _run(mutate)
    hits = [i for i in report if i.code == code]
    assert hits, f"{code} not raised; got {report.codes()}"
    issue = hits[0]
    assert issue.severity == severity
    assert issue.sheet == sheet
    assert issue.column == column
    if index is not None:
        assert issue.row == HEADER_ROW + 1 + index
        assert issue.cell and issue.cell.endswith(str(issue.row))
    assert issue.hint


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"current_period": None}, "setting-missing"),
        ({"current_period": "Q9 2099"}, "unknown-current-period"),
        ({"organisation": None}, "setting-missing"),
    ],
)
def test_settings_rules(settings, code):
    assert code in _run(settings=settings).codes()


def test_weights_policy_normalise_gives_a_warning_not_an_error():
    report = _run(_set("Criteria", 1, Weight=0.5), {"weights_policy": "normalise with warning"})
    hit = next(i for i in report if i.code == "weights-not-100")
    assert hit.severity == "warning"


def test_conflict_rules_follow_the_settings():
    def same_team(rows):
        rows["Judges"][0]["Team"] = "Red"

    assert "conflicted-judge-scored" in _run(same_team).codes()
    assert "conflicted-judge-scored" not in _run(same_team, {"conflict_same_team": "no"}).codes()

    def line_manager(rows):
        rows["Nominations"][1]["Line manager"] = "Kim Judge"

    assert "conflicted-judge-scored" in _run(line_manager).codes()
    assert (
        "conflicted-judge-scored" not in _run(line_manager, {"conflict_line_manager": "no"}).codes()
    )


def _assign(pairs):
    def mutate(rows):
        rows["Assignments"] = [{"Judge": j, "Nomination ID": n} for j, n in pairs]

    return mutate


def test_assignment_rules():
    full = [(j, n) for j in small.JUDGES for n in ("N1", "N2", "N3")]
    assert _run(_assign(full)).codes() == []

    def conflicted(rows):
        _assign(full)(rows)
        rows["Conflicts"] = [
            {
                "Judge": "Jo Judge",
                "Nominee": "Ann Able",
                "Type": "other",
                "Declared on": small.D(2027, 1, 2),
            }
        ]
        rows["Scores"] = [
            s
            for s in rows["Scores"]
            if not (s["Judge"] == "Jo Judge" and s["Nomination ID"] == "N1")
        ]

    report = _run(conflicted)
    hit = next(i for i in report if i.code == "assigned-conflicted-judge")
    assert hit.sheet == "Judges" and hit.column == "Judge"

    few = [
        ("Jo Judge", "N1"),
        ("Kim Judge", "N1"),
        ("Jo Judge", "N2"),
        ("Kim Judge", "N2"),
        ("Jo Judge", "N3"),
    ]
    report = _run(_assign(few))
    short = [i for i in report if i.code == "too-few-judges-assigned"]
    assert [i.value for i in short] == ["N3"]
    stray = [i for i in report if i.code == "unassigned-score"]
    assert stray and all(i.sheet == "Scores" for i in stray)
    assert {i.value for i in stray} == {"Lee Judge", "Kim Judge"}


def test_all_issues_are_collected_not_just_the_first():
    def many(rows):
        rows["Nominations"][0]["Nominee"] = None
        rows["Scores"][0]["Score"] = 9
        rows["Actions"][0]["Responsible"] = None

    codes = _run(many).codes()
    assert {"required-missing", "score-out-of-scale", "action-no-owner"} <= set(codes)


def test_example_has_only_its_deliberate_issues(example_data):
    from automation.build.example import AS_OF, DELIBERATE_ISSUES

    report = validate(example_data, today=AS_OF.date())
    assert sorted(report.codes()) == sorted(DELIBERATE_ISSUES)
    assert not report.errors


def test_validation_is_vectorised_enough_for_big_score_tables():
    """Not a timing test: proves 300,000 rows go through without a per-cell Python path."""
    rows = small.rows()
    base = rows["Scores"]
    rows["Scores"] = base * 2  # duplicates on purpose: every second copy is flagged
    report = _run(lambda r: r.update(Scores=rows["Scores"]))
    assert report.codes().count("duplicate-score") == len(base)


def test_a_missing_table_is_reported_once_not_once_per_row():
    from automation import schema
    from automation.io.read import build_data
    from tests.support.factory import _raw

    rows = small.rows()
    raw = {n: _raw(n, rows.get(n, [])) for n in schema.TABLE_BY_NAME if n != "Nominations"}
    report = validate(build_data(raw), today=TODAY)
    assert report.codes().count("table-missing") == 1
    assert not {"unknown-nomination", "unknown-reference", "unknown-criterion"} & set(
        report.codes()
    )


def test_scores_pointing_at_unknown_names_get_one_issue_per_cell():
    report = _run(_set("Scores", 0, Judge="Nobody", Nomination_ID="N99"))
    cells = [i.cell for i in report if i.sheet == "Scores"]
    assert len(cells) == len(set(cells))


def test_typed_kpi_that_contradicts_the_workbook_is_a_warning(example_copy, today):
    from tests.support.edit import rewrite_table, table_rows

    header, rows = table_rows(example_copy, "Objectives")
    actual = header.index("Actual")
    source = header.index("Worked out from")
    hit = next(r for r in rows if r[source] == "customer nominations")
    hit[actual] = 39  # the workbook counts 31 customer nominations in Q3 2026
    rewrite_table(example_copy, "Objectives", header, rows)
    report = validate(read_workbook(example_copy), today=today)
    (issue,) = [i for i in report if i.code == "actual-differs-from-workbook"]
    assert issue.severity == "warning" and issue.column == "Actual" and "31" in issue.message


def test_evidence_or_quote_about_someone_else_is_a_warning(example_copy, today):
    from tests.support.edit import rewrite_table, table_rows

    header, rows = table_rows(example_copy, "Nominations")
    ev, nominee = header.index("Evidence"), header.index("Nominee")
    first = rows[0]
    assert not str(first[ev]).startswith("Jordan")
    first[ev] = "Jordan stayed on the line with an elderly customer."
    second = rows[2]
    second[ev] = f"{second[nominee].split()[0]} and Jordan fixed the fault together."
    rewrite_table(example_copy, "Nominations", header, rows)
    report = validate(read_workbook(example_copy), today=today)
    flagged = [i for i in report if i.code == "evidence-names-someone-else"]
    assert [(i.column, i.row) for i in flagged] == [("Evidence", 6)]  # not the shared credit


def _missing(report):
    return [i for i in report if i.code in ("missing-score", "judge-not-started")]


def test_a_judge_who_has_scored_nothing_is_one_warning_not_one_per_nomination():
    report = _run(lambda rows: rows.update(Scores=[]))
    found = _missing(report)
    assert [i.code for i in found] == ["judge-not-started"] * 3
    assert [i.value for i in found] == ["Jo Judge", "Kim Judge", "Lee Judge"]
    assert (
        found[0].message == "Jo Judge has not scored any of their 3 nominations yet (N1, N2, N3)."
    )
    assert "awards packs" in found[0].hint and "awards collect" in found[0].hint


def test_a_nomination_not_begun_and_one_half_scored_are_told_apart():
    def mutate(rows):
        rows["Scores"] = [
            s
            for s in rows["Scores"]
            if not (s["Judge"] == "Kim Judge" and s["Nomination ID"] == "N2")
            and not (
                s["Judge"] == "Kim Judge"
                and s["Nomination ID"] == "N3"
                and s["Criterion"] == "Speed"
            )
        ]

    found = _missing(_run(mutate))
    assert [(i.code, i.value, i.message) for i in found] == [
        ("missing-score", "N2", "Kim Judge has not scored N2 yet."),
        ("missing-score", "N3", "Kim Judge has not scored N3 on: Speed."),
    ]
    assert "only the judges who have scored it count" in found[0].hint
    assert "uses only the criteria scored" in found[1].hint


def test_no_judge_is_asked_to_score_a_nomination_that_cannot_win():
    from automation.judging.packs import judge_items

    rows = small.rows()
    _ben_won_last_quarter(rows)  # N2 cannot win
    rows["Scores"] = []
    data = data_from_rows(rows, small.SETTINGS)
    found = _missing(validate(data, today=TODAY))
    assert [i.message for i in found][0] == (
        "Jo Judge has not scored any of their 2 nominations yet (N1, N3)."
    )
    assert "repeat-winner" in validate(data, today=TODAY).codes()
    assert "N2" not in set(judge_items(data, "Jo Judge")["Nomination ID"])  # nor in the pack


def test_a_missing_id_is_told_the_next_free_one():
    def mutate(rows):
        rows["Nominations"][0]["ID"] = None
        rows["Nominations"][2]["ID"] = None
        rows["Appeals"] = [
            {
                "Appellant": "Ann Able",
                "Nomination ID": "N2",
                "Grounds": "x",
                "Received": dt.date(2027, 1, 20),
                "Reviewer": "Max Boss",
                "Outcome": "open",
            }
        ]

    found = [i for i in _run(mutate) if i.code == "required-missing" and "ID" in i.column]
    # N3's scores are still on the Scores sheet: an ID something refers to is not free.
    assert [(i.sheet, i.hint) for i in found] == [
        ("Nominations", "Fill in ID: the next free one is N4."),
        ("Nominations", "Fill in ID: the next free one is N5."),
        ("Appeals", "Fill in Appeal ID: the next free one is A-001."),
    ]


@pytest.mark.parametrize("typed", ["1e400", "inf", "-inf"])
def test_a_number_too_big_for_a_float_is_unreadable_and_scoring_goes_on(typed):
    """Read as infinity it crashed scoring (a minimum of judges cannot be infinite)."""
    from automation.scoring import score

    rows = small.rows()
    rows["Categories"][0]["Min judges"] = typed
    data = data_from_rows(rows, small.SETTINGS)
    found = [i for i in validate(data, today=TODAY) if i.sheet == "Categories"]
    assert [(i.code, i.column, i.value) for i in found] == [
        ("not-a-whole-number", "Min judges", typed)
    ]
    assert len(score(data).nominations)


def test_an_unreadable_required_cell_is_reported_once():
    """'abc' as Min judges holds something: not also 'Min judges is required'."""
    report = _run(_set("Categories", 0, **{"Min judges": "abc"}))
    found = [(i.code, i.cell) for i in report if i.sheet == "Categories"]
    assert [code for code, _ in found] == ["not-a-whole-number"]
    blank = _run(_set("Categories", 0, **{"Min judges": None}))
    assert [i.code for i in blank if i.sheet == "Categories"] == ["required-missing"]


@pytest.mark.parametrize(
    ("key", "typed", "should"),
    [
        ("judges_per_nomination", -2, "at least 1"),
        ("judges_per_nomination", 0, "at least 1"),
        ("smtp_port", 70000, "from 1 to 65,535"),
        ("disagreement_threshold", "150%", "from 0% to 100%"),
        ("runners_up", -1, "from 0 to 100"),
        ("runners_up", 101, "from 0 to 100"),
    ],
)
def test_a_number_setting_outside_its_range_is_a_bad_setting(key, typed, should):
    """A negative number of judges per nomination had 'assign --replace' empty the table."""
    data = data_from_rows(small.rows(), {**small.SETTINGS, key: typed})
    (bad,) = [i for i in validate(data, today=TODAY) if i.code == "bad-setting"]
    assert bad.cell and f"should be {should}, not '{typed}'" in bad.message
    unset = data_from_rows(small.rows(), small.SETTINGS)
    assert data.setting(key) == unset.setting(key)  # the default is used until it is fixed


def test_scores_due_after_the_ceremony_is_flagged(example_data):
    from dataclasses import replace

    from automation.validate import validate

    def codes(due):
        data = replace(example_data, settings=example_data.settings | {"scores_due": due}, cache={})
        return [i for i in validate(data) if i.code == "due-after-ceremony"]

    assert codes(dt.date(2026, 10, 15)) == []  # on the ceremony day itself: tight, but possible
    (issue,) = codes(dt.date(2026, 10, 16))
    assert issue.sheet == "Settings" and issue.cell and issue.cell.startswith("B")
    assert "16/10/2026, after the Q3 2026 ceremony on 15/10/2026" in issue.message
    assert codes(None) == []
