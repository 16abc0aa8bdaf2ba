"""The judging workflow: assign judges, blind judge packs, collect the scores back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from automation import cli
from automation.build.example import content
from automation.build.workbook import build_workbook
from automation.conflicts import conflicted_pairs
from automation.errors import UserError
from automation.io.read import read_workbook
from automation.judging import collect as codes
from automation.judging.assign import plan_assignments
from automation.judging.jobs import assign_workbook, collect_workbook
from automation.judging.pack_file import SCORES_TABLE, SIGNATURE_SHEET
from automation.keys import key_of
from tests.conftest import JUDGING_DUE, JUDGING_NOW

NOW = JUDGING_NOW
DUE = JUDGING_DUE


# Session-wide workbooks from tests/conftest.py, under shorter names.
@pytest.fixture
def unscored(judging_unscored) -> Path:
    return judging_unscored


@pytest.fixture
def assigned(judging_assigned) -> Path:
    return judging_assigned


@pytest.fixture
def packs(judging_packs) -> list[Path]:
    return judging_packs


@pytest.fixture(scope="session")
def assigned_data(judging_assigned):
    return read_workbook(judging_assigned)


def _check(data, *files: Path):
    """Collect (the core only, nothing written) and return the result."""
    from automation.judging.collect import collect
    from automation.judging.pack_file import read_pack

    return collect(data, [read_pack(f) for f in files])


@pytest.fixture
def workbook(assigned, tmp_path) -> Path:
    dest = tmp_path / "programme.xlsx"
    shutil.copyfile(assigned, dest)
    return dest


def fill(pack: Path, dest: Path, score=lambda judge, nid, crit, i: 1 + (i % 5)) -> Path:
    """Score a pack as a judge would, saving it with openpyxl (as Excel saves it)."""
    wb = load_workbook(pack)
    judge = _signature(wb)["judge"]
    ws = wb["Scores"]
    ref = ws.tables[SCORES_TABLE].ref
    rows = list(ws[ref])
    head = [c.value for c in rows[0]]
    for i, cells in enumerate(rows[1:]):
        values = dict(zip(head, cells, strict=True))
        value = score(judge, values["Nomination code"].value, values["Criterion"].value, i)
        values["Score"].value = value
        if value is not None:
            values["Comment"].value = f"comment {i}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def _signature(wb) -> dict[str, str]:
    ws = wb[SIGNATURE_SHEET]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_row=8, values_only=True)}


def _set_signature(pack: Path, dest: Path, **changes: str) -> Path:
    wb = load_workbook(pack)
    ws = wb[SIGNATURE_SHEET]
    for row in ws.iter_rows(min_row=3, max_row=8):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    wb.save(dest)
    return dest


def _entered(pack: Path) -> set[tuple[str, str, str, float]]:
    wb = load_workbook(pack)
    judge = _signature(wb)["judge"]
    ws = wb["Scores"]
    rows = list(ws[ws.tables[SCORES_TABLE].ref])
    head = [c.value for c in rows[0]]
    out = set()
    for cells in rows[1:]:
        v = dict(zip(head, (c.value for c in cells), strict=True))
        if v["Score"] is not None:
            out.add((judge, v["Nomination code"], v["Criterion"], float(v["Score"])))
    return out


def _scores(path: Path) -> set[tuple[str, str, str, float]]:
    sc = read_workbook(path)["Scores"]
    return {
        (j, n, c, float(s))
        for j, n, c, s in zip(
            sc["Judge"], sc["Nomination ID"], sc["Criterion"], sc["Score"], strict=True
        )
    }


# ---------------------------------------------------------------------------------------------
# Assign
# ---------------------------------------------------------------------------------------------
def test_assign_balances_each_category_and_avoids_conflicts(unscored):
    data = read_workbook(unscored)
    plan = plan_assignments(data, 3, seed=3)
    assert plan.categories and all(c.spread <= 1 for c in plan.categories)
    bad = set(
        zip(conflicted_pairs(data)["Judge"], conflicted_pairs(data)["Nomination ID"], strict=True)
    )
    pairs = set(zip(plan.rows["Judge"], plan.rows["Nomination ID"], strict=True))
    assert not pairs & bad
    noms = data["Nominations"]
    regular = noms[~noms["Calibration"].fillna(False).astype(bool)]
    per_nom = plan.rows.groupby("Nomination ID")["Judge"].nunique()
    assert (per_nom.reindex(regular["ID"]) == 3).all()
    # The calibration entry goes to every judge who judges its category.
    cal = noms.loc[noms["Calibration"].fillna(False).astype(bool)].iloc[0]
    in_cat = regular.loc[regular["Category"] == cal["Category"], "ID"]
    panel = set(plan.rows.loc[plan.rows["Nomination ID"].isin(in_cat), "Judge"])
    assert set(plan.rows.loc[plan.rows["Nomination ID"] == cal["ID"], "Judge"]) == panel
    assert plan.rows.equals(plan_assignments(data, 3, seed=3).rows)
    assert not plan.rows.equals(plan_assignments(data, 3, seed=4).rows)


def test_assign_gives_everyone_when_fewer_judges_and_says_who_is_short(unscored):
    data = read_workbook(unscored)
    plan = plan_assignments(data, 9, seed=1)
    assert all(c.per_nomination == 4 for c in plan.categories)
    short = [i for i in plan.report if i.code == "assign-too-few-judges"]
    bad = conflicted_pairs(data)
    assert {i.value for i in short} == set(bad["Nomination ID"]) - {"N-CAL1"}
    assert all(i.cell and i.cell.startswith("A") for i in short)


def test_assign_too_few_below_the_category_minimum_is_an_error(unscored, tmp_path):
    tables, settings = content()
    tables = dict(tables) | {"Scores": [], "Judges": tables["Judges"][:2]}
    path = build_workbook(tmp_path / "two.xlsx", tables, settings, spare_rows=5)
    plan = plan_assignments(read_workbook(path), 3)
    errors = [i for i in plan.report.errors if i.code == "assign-too-few-judges"]
    assert errors  # Min judges is 3 in the example: two judges can never be enough


def test_assign_refuses_a_judges_per_nomination_setting_it_cannot_use(workbook):
    """-2 judges per nomination with --replace emptied the Assignments table."""
    wb = load_workbook(workbook)
    ws = wb["Settings"]
    (row,) = [c.row for c in ws["A"] if c.value == "Judges per nomination"]
    ws.cell(row, 2, -2)
    wb.save(workbook)
    before = workbook.read_bytes()
    with pytest.raises(UserError) as refused:
        assign_workbook(workbook, replace=True, now=NOW)
    assert f"Settings!B{row} holds '-2'" in refused.value.message
    assert "(at least 1)" in refused.value.hint and "--judges-per-nomination" in refused.value.hint
    assert workbook.read_bytes() == before
    # Told how many on the command line, it goes ahead.
    assert len(assign_workbook(workbook, per_nomination=2, replace=True, now=NOW).plan.rows)


def test_assign_keeps_manual_rows_and_replace_starts_again(workbook):
    data = read_workbook(workbook)
    manual = data["Assignments"][["Judge", "Nomination ID"]].iloc[0].tolist()
    outcome = assign_workbook(workbook, seed=7, now=NOW)
    assert outcome.written is None  # nothing to add: already assigned
    from automation.io.rows import TableEdit
    from automation.io.write import write_tool_tables

    # A manager adds one extra judge by hand to a nomination: it is kept by a new run.
    extra = {"Judge": "Helen Okafor", "Nomination ID": "N-0027"}
    write_tool_tables(workbook, {}, edits={"Assignments": TableEdit(appends=[extra])})
    assign_workbook(workbook, seed=7, now=NOW)
    rows = read_workbook(workbook)["Assignments"]
    pairs = set(zip(rows["Judge"], rows["Nomination ID"], strict=True))
    assert tuple(manual) in pairs and ("Helen Okafor", "N-0027") in pairs
    replaced = assign_workbook(workbook, seed=7, replace=True, per_nomination=2, now=NOW)
    # The workbook is written in place, so the user is told where the old one is kept.
    backup = replaced.written.backup
    assert backup.exists() and replaced.lines[-1] == f"Backup of the workbook as it was: {backup}."
    rows = read_workbook(workbook)["Assignments"]
    per_nom = rows.groupby("Nomination ID")["Judge"].nunique()
    assert per_nom.drop("N-CAL1").max() == 2
    assert len(rows) == len(rows.drop_duplicates())


def test_assignments_validate_cleanly(assigned):
    from automation.validate import validate

    codes_found = set(validate(read_workbook(assigned), today=NOW.date()).codes())
    assert not codes_found & {"assigned-conflicted-judge", "too-few-judges-assigned"}


# ---------------------------------------------------------------------------------------------
# Packs
# ---------------------------------------------------------------------------------------------
def test_one_pack_per_judge_with_only_their_nominations(assigned, packs):
    data = read_workbook(assigned)
    assert len(packs) == len(data["Judges"])
    for pack in packs:
        wb = load_workbook(pack)
        assert wb.sheetnames[:4] == ["Instructions", "Nominations", "Rubric", "Scores"]
        assert wb[SIGNATURE_SHEET].sheet_state == "veryHidden"
        assert wb[SIGNATURE_SHEET].protection.sheet
        judge = _signature(wb)["judge"]
        mine = data["Assignments"][data["Assignments"]["Judge"] == judge]
        ws = wb["Nominations"]
        rows = list(ws[ws.tables["PackNominations"].ref])[1:]
        assert {r[0].value for r in rows} == set(mine["Nomination ID"])
        # Dropdowns on the Score column limited to the scale (1 to 5 in the example).
        lists = [dv.formula1 for dv in wb["Scores"].data_validations.dataValidation]
        assert lists and set(lists) == {'"1,2,3,4,5"'}
        text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row)
        assert "Friday 5 December 2036" in text


def test_a_judge_with_nothing_to_score_gets_no_pack(assigned_data):
    """A judge on the panel who was given no nominations (joined after assign) while some
    conflicts are declared: the others get their packs, and theirs is empty, not a crash."""
    import copy

    from automation.judging.packs import build_pack, build_packs, judges_without_packs

    data = copy.copy(assigned_data)
    data.tables = dict(assigned_data.tables)
    judges = data["Judges"]
    late = judges.iloc[[0]].assign(Judge="Nadia Late", Email="nadia.late@northgate.example")
    data.tables["Judges"] = pd.concat([judges, late], ignore_index=True)
    assert len(data["Conflicts"])  # the case that failed: conflicts to leave out
    assert len(build_pack(data, "Nadia Late", now=NOW).grid) == 0
    packs = build_packs(data, now=NOW)
    assert {p.judge for p in packs} == set(assigned_data["Judges"]["Judge"])
    ((name, why),) = judges_without_packs(data, packs)
    assert name == "Nadia Late" and "Assignments table" in why


def test_packs_command_names_a_judge_who_gets_no_pack(workbook, tmp_path, capsys):
    wb = load_workbook(workbook)
    ws = wb["Judges"]
    first, top, _, _ = range_boundaries(ws.tables["Judges"].ref)
    row = next(r for r in range(top + 1, ws.max_row + 2) if not ws.cell(r, first).value)
    ws.cell(row, first, "Nadia Late")
    wb.save(workbook)
    assert cli.main(["packs", str(workbook), "--out", str(tmp_path / "packs")]) == 0
    out = capsys.readouterr().out
    assert "No pack for Nadia Late: no nomination of this period is assigned" in out
    assert "Judge pack - " in out and "Nadia Late.xlsx" not in out


def _names(data) -> set[str]:
    staff, noms, teams = data["Staff"], data["Nominations"], data["Teams"]
    people = set(staff["Name"]) | set(staff["Line manager"].dropna()) | set(teams["Team leader"])
    people |= set(noms["Nominator"]) | set(
        noms.loc[noms["Category"] != "Team of the Quarter", "Nominee"]
    )
    people |= set(data["Judges"]["Judge"])
    return {p for p in people if isinstance(p, str) and p != "Practice Entry"}


def test_blind_pack_shows_no_name_anywhere(assigned, packs):
    data = read_workbook(assigned)
    names = _names(data)
    for pack in packs:
        wb = load_workbook(pack)
        own = _signature(wb)["judge"]
        words = {w for n in names - {own} for w in [n, *n.split()] if len(w) > 2}
        words -= set(own.split())
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b")
        for ws in wb.worksheets:
            if ws.title == SIGNATURE_SHEET:
                continue
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        hit = pattern.search(value)
                        assert hit is None, (pack.name, ws.title, hit and hit.group(0), value)
        text = " ".join(
            str(c.value) for row in wb["Nominations"].iter_rows() for c in row if c.value
        )
        assert "[nominee]" in text
        assert "Nominee " in text  # the stable codes


def test_masking_replaces_each_role():
    from automation.judging.blind import Masker

    m = Masker(
        staff=["Amelia Stone", "Ben Cole"],
        teams=["Billing"],
        sites=["Leeds"],
        others=["Mrs Patel", "Jo Bloggs"],
    )
    text = "Amelia Stone helped; Amelia's colleague Ben and Mrs Patel in Leeds Billing, billing system."
    assert m.mask(text, "Amelia Stone", "Mrs Patel") == (
        "[nominee] helped; [nominee]'s colleague [colleague] and [nominator] in [site] [team], "
        "billing system."
    )
    assert (
        m.mask("Jo called Billing", "Billing", "Jo Bloggs") == "[nominator] called [nominee team]"
    )


def test_named_packs_when_blind_judging_is_off(assigned_data, tmp_path):
    from automation.judging.pack_file import write_pack
    from automation.judging.packs import build_pack

    data = assigned_data
    judge = data["Judges"]["Judge"].iloc[0]
    wb = load_workbook(
        write_pack(build_pack(data, judge, blind=False, now=NOW), tmp_path / "p.xlsx")
    )
    ws = wb["Nominations"]
    head = [c.value for c in ws[4]]
    assert {"Nominee", "Team", "Site", "Line manager", "Nominator"} <= set(head)
    first = ws.cell(row=5, column=head.index("Nominee") + 1).value
    assert first in set(data["Nominations"]["Nominee"])
    steps = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row)
    assert "This pack is blind" not in steps


def test_nominee_code_is_stable():
    from automation.judging.blind import nominee_code

    assert nominee_code("P", "Ann Able") == nominee_code("P", " ann able ")
    assert nominee_code("P", "Ann Able") != nominee_code("P", "Ben Best")


# ---------------------------------------------------------------------------------------------
# Collect
# ---------------------------------------------------------------------------------------------
def test_round_trip_gives_exactly_the_scores_entered(workbook, packs, tmp_path):
    returned = [fill(p, tmp_path / "returned" / p.name) for p in packs]
    entered = set().union(*(_entered(p) for p in returned))
    outcome = collect_workbook(workbook, [tmp_path / "returned"], now=NOW)
    assert not outcome.report.errors, [i.message for i in outcome.report.errors]
    assert outcome.written is not None and outcome.written.backup is not None
    assert _scores(workbook) == entered
    data = read_workbook(workbook)
    progress = data["JudgeProgress"]
    assert list(progress["Judge"]) == list(data["Judges"]["Judge"])
    assert (progress["Missing scores"] == 0).all()
    assert (progress["Assigned"] == progress["Scored"]).all()
    assert progress["Last pack collected"].notna().all()
    tallies = outcome.collected.tally
    assert sum(t.added for t in tallies.values()) == len(entered)
    # Again: nothing changes, the file is not even rewritten.
    before = workbook.read_bytes()
    again = collect_workbook(workbook, returned, now=NOW)
    assert again.written is None and not again.report.errors
    assert workbook.read_bytes() == before
    assert all(t.added == 0 and t.changed == 0 for t in again.collected.tally.values())


def _collect_codes(workbook, files, **kw) -> list[str]:
    return collect_workbook(workbook, files, now=NOW, **kw).report.codes()


def _grid_edit(pack: Path, dest: Path, column: str, value, row: int = 0) -> Path:
    wb = load_workbook(pack)
    ws = wb["Scores"]
    rows = list(ws[ws.tables[SCORES_TABLE].ref])
    head = [c.value for c in rows[0]]
    for i, cells in enumerate(rows[1:]):
        cells[head.index("Score")].value = 3
        if i == row:
            cells[head.index(column)].value = value
    wb.save(dest)
    return dest


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("Score", 9, codes.OUT_OF_SCALE),
        ("Score", 0, codes.OUT_OF_SCALE),
        ("Score", 3.5, codes.NOT_WHOLE),
        ("Score", "good", codes.NOT_A_NUMBER),
        ("Score", None, codes.MISSING),
        ("Nomination code", "N-9999", codes.UNKNOWN_NOMINATION),
        ("Criterion", "Charm", codes.UNKNOWN_CRITERION),
    ],
)
def test_row_rejections(assigned_data, packs, tmp_path, column, value, code):
    bad = _grid_edit(packs[0], tmp_path / packs[0].name, column, value)
    result = _check(assigned_data, bad)
    assert result.report.codes() == [code]
    (tally,) = result.tally.values()
    ws = load_workbook(bad)["Scores"]
    rows = len(list(ws[ws.tables[SCORES_TABLE].ref])) - 1
    assert tally.added == rows - 1  # every other row was taken
    assert tally.rejected == (0 if code == codes.MISSING else 1)
    assert tally.missing == (1 if code == codes.MISSING else 0)


def test_a_nomination_left_wholly_blank_and_one_left_half_blank_are_told_apart(
    assigned_data, packs, tmp_path
):
    wb = load_workbook(packs[0])
    ws = wb["Scores"]
    rows = list(ws[ws.tables[SCORES_TABLE].ref])
    head = [c.value for c in rows[0]]
    body = [(c[head.index("Nomination code")].value, c) for c in rows[1:]]
    first, second = list(dict.fromkeys(n for n, _ in body))[:2]
    for nid, cells in body:
        cells[head.index("Score")].value = None if nid == first else 3
    last_of_second = [cells for nid, cells in body if nid == second][-1]
    last_of_second[head.index("Score")].value = None
    criterion = last_of_second[head.index("Criterion")].value
    wb.save(tmp_path / packs[0].name)
    result = _check(assigned_data, tmp_path / packs[0].name)
    found = [i.message for i in result.report if i.code == codes.MISSING]
    judge = found[0].split(" left ")[0]
    assert found == [
        f"{judge} left {first} unscored.",
        f"{judge} left {second} unscored on: {criterion}.",
    ]


@pytest.mark.parametrize("damage", ["Score", "Nomination code", "Comment", "no table"])
def test_a_pack_whose_grid_was_damaged_is_refused_not_read_as_blank(
    assigned_data, packs, tmp_path, damage
):
    """A renamed heading or a lost table would make every score look blank: the manager
    would chase a judge who scored everything. The pack is refused, naming the cell."""
    wb = load_workbook(fill(packs[0], tmp_path / "filled.xlsx"))
    ws = wb["Scores"]
    header = ws[ws.tables[SCORES_TABLE].ref][0]
    if damage == "no table":
        del ws.tables[SCORES_TABLE]
    else:
        (cell,) = [c for c in header if c.value == damage]
        cell.value = 4  # a score typed over the heading
    wb.save(tmp_path / packs[0].name)
    result = _check(assigned_data, tmp_path / packs[0].name)
    (issue,) = result.report
    assert (issue.code, issue.severity) == (codes.GRID_DAMAGED, "error")
    assert not result.changes_anything
    if damage == "no table":
        assert issue.cell is None and "PackScores" in issue.message
    else:
        assert issue.cell == cell.coordinate and issue.value == "4"
        assert f"'{damage}' heading" in issue.message and "reads '4'" in issue.message


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"programme": "Another programme"}, codes.OTHER_PROGRAMME),
        ({"period": "Q2 2026"}, codes.OTHER_PERIOD),
        ({"judge": "Somebody Else"}, codes.OTHER_JUDGE),
        ({"judge": "__other__"}, codes.OTHER_JUDGE),
    ],
)
def test_pack_of_another_programme_period_or_judge_is_refused(
    assigned_data, packs, tmp_path, changes, code
):
    filled = fill(packs[0], tmp_path / "filled.xlsx")
    if changes.get("judge") == "__other__":  # a real judge, but not the one it was made for
        other = _signature(load_workbook(packs[1]))["judge"]
        changes = {"judge": other}
    bad = _set_signature(filled, tmp_path / "bad.xlsx", **changes)
    result = _check(assigned_data, bad)
    assert result.report.codes() == [code]
    assert not result.changes_anything


def test_pack_of_a_closed_period_says_the_period_is_over(assigned_data, packs, tmp_path):
    """Late, after new-period: setting the period back would not help (the nominations are
    in the history), so the hint says judging is over, not to change Current period."""
    import copy

    filled = fill(packs[0], tmp_path / "filled.xlsx")
    made_for = _signature(load_workbook(filled))["period"]
    data = copy.copy(assigned_data)
    data.settings = {**assigned_data.settings, "current_period": "Q1 2027"}
    data.tables = {**assigned_data.tables, "PeriodHistory": pd.DataFrame({"Period": [made_for]})}
    result = _check(data, filled)
    (issue,) = result.report
    assert issue.code == "pack-other-period"
    assert "already closed" in issue.message and "Current period" not in issue.hint
    assert result.nothing_merged() == (
        "Nothing was merged: every pack or score was refused (see the problems above)."
    )
    # Still open (not in the history): the hint is to set the period back.
    data.tables = dict(assigned_data.tables)
    (issue,) = _check(data, filled).report
    assert "Set Current period" in issue.hint


def test_collecting_the_same_pack_again_says_the_scores_are_in(workbook, packs, tmp_path):
    filled = fill(packs[0], tmp_path / "filled.xlsx")
    assert collect_workbook(workbook, [filled], now=NOW).written is not None
    again = collect_workbook(workbook, [filled], now=NOW)
    assert again.written is None
    assert again.lines[-1] == "Nothing new to merge: the Scores table already holds these scores."


def test_same_pack_twice_in_one_collect(assigned_data, packs, tmp_path):
    a = fill(packs[0], tmp_path / "a" / "pack.xlsx")
    b = tmp_path / "b" / "copy.xlsx"
    b.parent.mkdir()
    shutil.copyfile(a, b)
    result = _check(assigned_data, a, b)
    assert result.report.codes() == [codes.RETURNED_TWICE]
    added = {(r["Judge"], r["Nomination ID"], r["Criterion"], r["Score"]) for r in result.appends}
    assert added == _entered(a) and len(result.appends) == len(added)


def test_changed_scores_need_accept_changes_and_are_audited(workbook, packs, tmp_path):
    first = fill(packs[0], tmp_path / "first.xlsx")
    collect_workbook(workbook, [first], now=NOW)
    again = fill(
        packs[0], tmp_path / "again.xlsx", score=lambda j, n, c, i: 5 if i == 0 else 1 + (i % 5)
    )
    before = _scores(workbook)
    refused = collect_workbook(workbook, [again], now=NOW)
    assert refused.report.codes() == [codes.CHANGED] and refused.written is None
    assert _scores(workbook) == before
    accepted = collect_workbook(workbook, [again], accept_changes=True, now=NOW)
    assert not accepted.report.errors
    assert _scores(workbook) == _entered(again)
    (change,) = accepted.collected.changes
    audit = read_workbook(workbook)["Audit"]
    entry = audit[audit["Action"] == "score-changed"]["Detail"].tolist()
    assert entry == [
        f"judge {change.judge}; nomination {change.nomination}; criterion {change.criterion}; "
        f"old 1; new 5"
    ]


def test_files_that_are_not_packs(workbook, tmp_path, unscored):
    junk = tmp_path / "notes.xlsx"
    junk.write_text("not a workbook")
    other = tmp_path / "other.xlsx"
    shutil.copyfile(unscored, other)
    assert _collect_codes(workbook, [junk, other]) == ["pack-unreadable", codes.NOT_A_PACK]


def test_collect_refuses_while_excel_has_the_workbook(workbook, packs, tmp_path):
    from automation.errors import UserError

    filled = fill(packs[0], tmp_path / "p.xlsx")
    lock = workbook.with_name("~$" + workbook.name)
    lock.write_text("x")
    with pytest.raises(UserError):
        collect_workbook(workbook, [filled], now=NOW)


def test_validate_refreshes_judge_progress(assigned, tmp_path):
    from automation.pipeline import check_workbook

    path = tmp_path / "p.xlsx"
    shutil.copyfile(assigned, path)
    check_workbook(path, write=True, today=NOW.date())
    data = read_workbook(path)
    progress = data["JudgeProgress"].set_index("Judge")
    assigned_counts = data["Assignments"].groupby("Judge")["Nomination ID"].nunique()
    assert progress["Assigned"].astype(int).to_dict() == assigned_counts.to_dict()
    assert (progress["Scored"] == 0).all()
    crit = data["Criteria"].groupby("Category").size()
    cats = data["Nominations"].set_index("ID")["Category"]
    a = data["Assignments"]
    expected = a.assign(n=a["Nomination ID"].map(cats).map(crit)).groupby("Judge")["n"].sum()
    assert progress["Missing scores"].astype(int).to_dict() == expected.to_dict()


# ---------------------------------------------------------------------------------------------
# Emails
# ---------------------------------------------------------------------------------------------
def test_judge_emails_and_reminders(workbook, packs, tmp_path):
    from email import policy
    from email.parser import BytesParser

    from automation.documents.english import count_in_words
    from automation.judging.jobs import judge_emails_workbook

    sent = judge_emails_workbook(workbook, tmp_path / "all", now=NOW)
    assert len(sent.files) == 4
    msg = BytesParser(policy=policy.default).parse(sent.files[0].open("rb"))
    assert msg["Subject"].startswith("Your judge pack for Northgate Service Stars")
    assert "Friday 5 December 2036" in msg.get_body().get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename().startswith("Judge pack - Q3 2026 - ")
    # One judge returns a complete pack: only the other three get a reminder.
    collect_workbook(workbook, [fill(packs[0], tmp_path / "done.xlsx")], now=NOW)
    done = _signature(load_workbook(packs[0]))["judge"]
    from automation.judging.packs import build_pack

    again = build_pack(read_workbook(workbook), done, now=NOW)  # a reminder pack: prefilled
    assert again.grid["Score"].notna().all()
    reminded = judge_emails_workbook(workbook, tmp_path / "remind", reminders=True, now=NOW)
    assert len(reminded.files) == 3
    # Packs only for the judges reminded: none left behind for the one who is done.
    assert len(list((tmp_path / "remind" / "judge packs").iterdir())) == 3
    for path in reminded.files:
        m = BytesParser(policy=policy.default).parse(path.open("rb"))
        assert done not in m["To"]
        n = int(re.search(r"^Reminder: (\d+) scores? still to come", m["Subject"])[1])
        # In the letter itself a count under ten is in words ("one score").
        said = f"We are still waiting for {count_in_words(n, 'score')} from you, on "
        assert said in m.get_body().get_content()


def test_a_reminder_speaks_of_scores_already_given_only_to_a_judge_who_gave_some(
    workbook, packs, tmp_path
):
    from email import policy
    from email.parser import BytesParser

    from automation.judging.jobs import judge_emails_workbook

    # One judge returns half a pack, the others nothing yet.
    half = fill(packs[0], tmp_path / "half.xlsx", lambda j, n, c, i: 3 if i % 2 else None)
    collect_workbook(workbook, [half], now=NOW)
    partial = _signature(load_workbook(packs[0]))["judge"]
    reminded = judge_emails_workbook(workbook, tmp_path / "remind", reminders=True, now=NOW)
    bodies = {}
    for path in reminded.files:
        m = BytesParser(policy=policy.default).parse(path.open("rb"))
        bodies[m["To"]] = m.get_body().get_content()
    assert len(bodies) == 4
    for to, body in bodies.items():
        if partial in to:
            assert "with the scores you have already given filled in" in body
            assert "Please score the rows still blank" in body
        else:
            assert "already given" not in body and "still blank" not in body
            assert "Please give a score on each row of its Scores sheet" in body


def test_cli_commands(workbook, packs, tmp_path, capsys):
    assert cli.main(["packs", str(workbook), "--out", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "Wrote 4 blind judge packs into" in out
    assert re.search(r"\(Helen Okafor: \d+ nominations, \d+ scores\)", out)
    filled = fill(packs[0], tmp_path / "f.xlsx")
    assert cli.main(["collect", str(workbook), str(filled), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"written": true' in out
    assert cli.main(["collect", str(workbook), str(tmp_path / "missing")]) == 2


def test_pack_keys_are_matched_like_people_type(assigned_data, packs, tmp_path):
    # A criterion retyped in another case still matches, and is stored as the rubric spells it.
    bad = _grid_edit(packs[0], tmp_path / "p.xlsx", "Criterion", "OWNERSHIP ")
    result = _check(assigned_data, bad)
    assert not result.report.codes()
    assert "OWNERSHIP " not in {r["Criterion"] for r in result.appends}
    assert key_of("OWNERSHIP ") == "ownership"


def test_judge_items_leave_out_other_periods(assigned):
    from automation.judging.packs import judge_items

    data = read_workbook(assigned)
    judge = data["Judges"]["Judge"].iloc[0]
    items = judge_items(data, judge)
    noms = data["Nominations"].set_index("ID")["Period"]
    assert set(items["Nomination ID"].map(noms)) == {"Q3 2026"}
    assert isinstance(items, pd.DataFrame)


def test_a_real_nomination_the_judge_was_not_given_is_refused(assigned_data, packs, tmp_path):
    wb = load_workbook(packs[0])
    given = {r[0] for r in _signature_items(wb)}
    other = next(n for n in assigned_data["Nominations"]["ID"] if n not in given)
    bad = _grid_edit(packs[0], tmp_path / "p.xlsx", "Nomination code", other)
    assert _check(assigned_data, bad).report.codes() == [codes.UNKNOWN_NOMINATION]


def test_pack_made_before_the_assignments_changed(assigned_data, packs, tmp_path):
    from automation.judging.jobs import _replaced

    filled = fill(packs[0], tmp_path / "p.xlsx")
    judge = _signature(load_workbook(filled))["judge"]
    a = assigned_data["Assignments"]
    mine = a[a["Judge"] == judge]
    dropped = mine["Nomination ID"].iloc[0]
    data = _replaced(assigned_data, "Assignments", a.drop(mine.index[:1]))
    result = _check(data, filled)
    found = result.report.codes()
    assert found[0] == codes.ASSIGNMENTS_CHANGED
    assert set(found[1:]) == {codes.UNKNOWN_NOMINATION}
    assert dropped not in {r["Nomination ID"] for r in result.appends}
    assert len(result.appends) == len(_entered(filled)) - len(found[1:])


def _signature_items(wb) -> list[tuple]:
    ws = wb[SIGNATURE_SHEET]
    rows = list(ws.iter_rows(min_row=10, values_only=True))
    return [r for r in rows if r[0] and r[0] != "Nomination ID"]


# ---------------------------------------------------------------------------------------------
# Assign: invariants on made-up programmes
# ---------------------------------------------------------------------------------------------
_BASE: list = []


def _programme(judges: int, noms: int, conflicts: list[tuple[int, int]]):
    from tests.support.factory import data_from_rows
    from tests.support.small import category

    if not _BASE:  # parse the fixed tables once; each example parses only what it varies
        _BASE.append(
            data_from_rows(
                {
                    "Categories": [category("Star"), category("Hero")],
                    "Criteria": [
                        {
                            "Category": c,
                            "Criterion": "Care",
                            "Weight": 1,
                            "Level 1": "a",
                            "Level 3": "c",
                            "Level 5": "e",
                        }
                        for c in ("Star", "Hero")
                    ],
                },  # fmt: skip
                {"current_period": "Q1"},
            )
        )
    names = [f"Judge {chr(65 + j)}" for j in range(judges)]
    rows = {
        "Nominations": [
            {"ID": f"N{i}", "Period": "Q1", "Category": ("Star", "Hero")[i % 2],
             "Nominee": f"Person {i}", "Nominator type": "customer", "Nominator": f"C{i}",
             "Evidence": "x", "Received": dt.date(2027, 1, 2)}
            for i in range(noms)
        ],
        "Judges": [{"Judge": n} for n in names],
        "Conflicts": [
            {"Judge": names[j % judges], "Nominee": f"Person {n % noms}", "Type": "other",
             "Declared on": dt.date(2027, 1, 1)}
            for j, n in conflicts
        ],
    }  # fmt: skip
    return data_from_rows(rows, base=_BASE[0])


@hsettings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    judges=st.integers(1, 6),
    noms=st.integers(1, 14),
    per=st.integers(1, 4),
    conflicts=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 13)), max_size=6),
    seed=st.integers(0, 3),
)
def test_assign_invariants(judges, noms, per, conflicts, seed):
    data = _programme(judges, noms, conflicts)
    plan = plan_assignments(data, per, seed=seed)
    bad = set(
        zip(conflicted_pairs(data)["Judge"], conflicted_pairs(data)["Nomination ID"], strict=True)
    )
    pairs = list(zip(plan.rows["Judge"], plan.rows["Nomination ID"], strict=True))
    assert len(pairs) == len(set(pairs)) and not set(pairs) & bad
    target = min(per, judges)
    short = {i.value for i in plan.report if i.code == "assign-too-few-judges"}
    got = plan.rows.groupby("Nomination ID")["Judge"].nunique()
    for nid in data["Nominations"]["ID"]:
        eligible = judges - sum(1 for j, n in bad if n == nid)
        assert got.get(nid, 0) == min(target, eligible)
        assert (nid in short) == (eligible < target)
    if not conflicts:
        assert all(c.spread <= 1 for c in plan.categories)
    assert plan.rows.equals(plan_assignments(data, per, seed=seed).rows)


def test_assign_lines_count_in_words_that_agree():
    import types

    from automation.judging.jobs import assign_lines

    one = types.SimpleNamespace(category="Apprentice", nominations=1, per_nomination=1,
                                load={"Ann": 1})  # fmt: skip
    many = types.SimpleNamespace(category="Team", nominations=12, per_nomination=3,
                                 load={"Ann": 12, "Ben": 12, "Cal": 12})  # fmt: skip
    plan = types.SimpleNamespace(categories=[one, many])
    assert assign_lines(plan) == [
        "Apprentice: 1 nomination, 1 judge each; nominations per judge: Ann 1.",
        "Team: 12 nominations, 3 judges each; nominations per judge: Ann 12, Ben 12, Cal 12.",
    ]


def _with_winner_and_judge_nominated(data):
    """The example with N-0001's nominee a recent Customer Hero winner (cool-off 2) and
    N-0003's nominee a judge."""
    import dataclasses

    past = pd.concat(
        [
            data["PastWinners"],
            pd.DataFrame(
                [
                    {
                        "Period": "Q2 2026",
                        "Category": "Customer Hero",
                        "Nominee": "Aoife Byrne",
                        "Period ends": pd.Timestamp(2026, 6, 30),
                    }
                ]  # fmt: skip
            ),
        ],
        ignore_index=True,
    )
    judges = pd.concat([data["Judges"], pd.DataFrame([{"Judge": "Leah Iqbal"}])], ignore_index=True)
    return dataclasses.replace(data, tables={**data.tables, "PastWinners": past, "Judges": judges})


def test_a_nomination_that_cannot_win_goes_to_no_judge(built_example):
    from automation.judging.jobs import assign_lines

    data = _with_winner_and_judge_nominated(read_workbook(built_example))
    plan = plan_assignments(data, 3, replace=True)
    blocked = {"N-0001", "N-0002", "N-0003"}  # Aoife Byrne twice, Leah Iqbal once
    assert not set(plan.rows["Nomination ID"]) & blocked
    found = {i.value: i for i in plan.report if i.code == "assign-cannot-win"}
    assert set(found) == blocked
    row = int(data["Nominations"].set_index("ID").loc["N-0001", "_row"])
    assert (found["N-0001"].sheet, found["N-0001"].cell) == ("Nominations", f"A{row}")
    assert found["N-0001"].message == (
        "N-0001 (Aoife Byrne, Customer Hero) was given to no judge, as it cannot win: "
        "Aoife Byrne won Customer Hero too recently (cool-off)."
    )
    assert "Leah Iqbal is a judge." in found["N-0003"].message
    hero = next(c for c in plan.categories if c.category == "Customer Hero")
    assert hero.nominations == 26 - len(blocked)
    # A category left with nothing to share out says so, without a list of zeros.
    for c in plan.categories:
        c.nominations = 0
    assert assign_lines(plan)[0] == "Customer Hero: no nominations to share out."


def test_a_nomination_that_cannot_win_is_not_short_of_judges(built_example):
    import dataclasses

    from automation.validate import validate

    data = _with_winner_and_judge_nominated(read_workbook(built_example))
    rows = plan_assignments(data, 3, replace=True).rows
    data = dataclasses.replace(data, tables={**data.tables, "Assignments": rows})
    short = {
        i.value for i in validate(data, today=NOW.date()) if i.code == "too-few-judges-assigned"
    }
    assert not short & {"N-0001", "N-0002", "N-0003"}


def test_packs_are_refused_once_the_scores_due_date_has_passed(workbook, tmp_path):
    from automation.judging.jobs import judge_emails_workbook, packs_workbook

    late = dt.datetime.combine(DUE + dt.timedelta(days=1), dt.time(9))
    with pytest.raises(UserError) as caught:
        packs_workbook(workbook, tmp_path / "p", now=late)
    assert "Friday 5 December 2036, which has passed" in caught.value.message
    assert "Settings!" in caught.value.message and "Scores due" in caught.value.message
    assert not (tmp_path / "p").exists()
    # On the day itself the packs are still made; reminders after it say the scores were due.
    on_the_day = dt.datetime.combine(DUE, dt.time(9))
    assert packs_workbook(workbook, tmp_path / "p", now=on_the_day).files
    from email import policy
    from email.parser import BytesParser

    reminded = judge_emails_workbook(workbook, tmp_path / "r", reminders=True, now=late)
    body = BytesParser(policy=policy.default).parse(reminded.files[0].open("rb")).get_body()
    assert "they were due by Friday 5 December 2036" in body.get_content()


def test_packs_without_a_due_date_say_so(workbook, tmp_path):
    from automation.io.patch import write_changes
    from automation.judging.jobs import packs_workbook
    from automation.period_job import setting_edit

    cleared = {"Settings": setting_edit(read_workbook(workbook), {"scores_due": None})}
    write_changes(workbook, cleared, backup=False)
    out = packs_workbook(workbook, tmp_path / "p", now=NOW)
    assert read_workbook(workbook).date_setting("scores_due") is None
    assert any("no date to return them by" in line for line in out.lines)
    cover = load_workbook(out.files[0]).worksheets[0]
    assert "as agreed with the organiser" in [c.value for c in cover["B"]]


def test_a_small_pack_email_writes_its_numbers_in_words(workbook, packs):
    """Numbers under ten in words, as in the award emails: "the two nominations"."""
    from dataclasses import replace

    from automation.judging.emails import judge_messages
    from automation.judging.packs import build_pack

    data = read_workbook(workbook)
    pack = build_pack(data, "Helen Okafor", now=NOW)
    small = replace(pack, nominations=pack.nominations.head(2), grid=pack.grid.head(7))
    (message,), _ = judge_messages(data, [(small, packs[0])])
    body = message.get_body().get_content()
    assert "it holds the two nominations" in body and "each of the seven rows" in body


def test_packs_are_refused_on_an_unreadable_scores_due(workbook, tmp_path):
    """'soon' is no date: the packs would say "as agreed with the organiser" instead."""
    from automation.io.patch import write_changes
    from automation.judging.jobs import packs_workbook
    from automation.period_job import setting_edit

    edit = {"Settings": setting_edit(read_workbook(workbook), {"scores_due": "soon"})}
    write_changes(workbook, edit, backup=False)
    with pytest.raises(UserError) as caught:
        packs_workbook(workbook, tmp_path / "p", now=NOW)
    assert "'Scores due'" in caught.value.message and "'soon'" in caught.value.message
    assert "no packs were made" in caught.value.message
    assert not (tmp_path / "p").exists()


def test_a_judge_who_left_the_panel_is_named_as_such_and_not_chased_for_scores(assigned_data):
    """Taken off the Judges table mid-round, Marcus Bell was 'not in the Judge column' in one
    message for his conflict and his assignments together, and still asked to score."""
    import dataclasses

    from automation.validate import validate

    gone = "Marcus Bell"
    judges = assigned_data["Judges"]
    conflicts = pd.concat(
        [
            assigned_data["Conflicts"],
            pd.DataFrame([{"Judge": gone, "Nominee": "Ella Turner", "Reason": "friend"}]),
        ],
        ignore_index=True,
    )
    data = dataclasses.replace(
        assigned_data,
        tables={
            **assigned_data.tables,
            "Judges": judges[judges["Judge"] != gone],
            "Conflicts": conflicts,
        },
        cache={},
    )
    report = validate(data, today=NOW.date())
    refs = [i for i in report if i.code == "unknown-reference" and gone in i.message]
    on_assignments = [i for i in refs if "Assignments table" in i.message]
    assert on_assignments and all(i.severity == "error" for i in on_assignments)
    assert "no longer on the judging panel" in on_assignments[0].message
    assert "Assign judges" in on_assignments[0].hint
    on_conflicts = [i for i in refs if "declared a conflict" in i.message]
    assert on_conflicts and all(i.severity == "warning" for i in on_conflicts)
    assert not any(i.code == "missing-score" and gone in i.message for i in report)
