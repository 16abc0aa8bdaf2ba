"""Running period after period: awards new-period, history, the cool-off rule from history,
the sidecar for history past the sheet's row cap, and edits to input sheets in place."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from automation import cli, history
from automation.build.workbook import build_workbook
from automation.errors import UserError
from automation.io import sidecar
from automation.io.patch import TableEdit, write_changes
from automation.io.read import read_workbook
from automation.model import ROW
from automation.period_job import last_row, new_period_workbook
from automation.pipeline import lock_workbook
from automation.validate import validate
from tests.support import small
from tests.support.office import soffice

NOW = dt.datetime(2026, 10, 20, 9, 0)


@pytest.fixture(scope="module")
def closed(built_example: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The example (Q3 2026, scored) and a copy moved on to Q4 2026."""
    folder = tmp_path_factory.mktemp("closed")
    src = Path(shutil.copy(built_example, folder / "example.xlsx"))
    lock_workbook(src, now=NOW, user="test")  # results are final only once locked
    new_period_workbook(src, "Q4 2026", dest=folder / "next.xlsx", now=NOW, user="test")
    return src, folder / "next.xlsx"


def _plain(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return (
        frame.reindex(columns=cols).astype(object).where(frame.notna(), None).reset_index(drop=True)
    )


def test_round_trip_keeps_the_closed_period_identical_in_history(closed):
    before, after = read_workbook(closed[0]), read_workbook(closed[1])
    period = "Q3 2026"
    res_cols = history.columns("ResultHistory")
    old = before["Results"]
    old = old[old["Period"] == period]
    new = after["ResultHistory"]
    pd.testing.assert_frame_equal(
        _plain(old, res_cols), _plain(new[new["Period"] == period], res_cols), check_dtype=False
    )
    nom_cols = history.columns("NominationHistory")
    pd.testing.assert_frame_equal(
        _plain(before["Nominations"], nom_cols),
        _plain(after["NominationHistory"], nom_cols),
        check_dtype=False,
    )
    score_cols = [c for c in history.columns("ScoreHistory") if c != "Period"]
    pd.testing.assert_frame_equal(
        _plain(before["Scores"], score_cols),
        _plain(after["ScoreHistory"], score_cols),
        check_dtype=False,
    )
    assert set(after["ScoreHistory"]["Period"]) == {period}
    # The score that ranked and the citation announced are kept: the history explains the
    # order (Rank by judge-effect) and says what the certificates said.
    won = new[(new["Period"] == period) & (new["Place"] == "winner")]
    assert won["Adjusted score"].notna().all() and won["Citation"].notna().all()


def test_new_period_empties_the_period_tables_and_carries_the_rest(closed):
    before, after = read_workbook(closed[0]), read_workbook(closed[1])
    assert after.setting("current_period") == "Q4 2026"
    assert after["Nominations"].empty and after["Scores"].empty and after["Results"].empty
    for table in ("Criteria", "Judges", "Staff", "Teams", "Actions", "Categories", "Conflicts"):
        assert len(after[table]) == len(before[table]), table
    status = dict(zip(after["Periods"]["Period"], after["Periods"]["Status"], strict=True))
    assert status["Q3 2026"] == "closed" and status["Q4 2026"] == "open"
    winners = before["Results"][before["Results"]["Place"] == "winner"]
    added = after["PastWinners"][after["PastWinners"]["Period"] == "Q3 2026"]
    assert sorted(added["Nominee"]) == sorted(winners["Nominee"])
    assert (added["Period ends"] == pd.Timestamp(2026, 9, 30)).all()
    audit = after["Audit"]
    assert audit["Action"].iloc[-1] == "new-period"
    view = after["PeriodHistory"].iloc[-1]
    assert view["Period"] == "Q3 2026"
    assert view["Nominations"] == (~before["Nominations"]["Calibration"].fillna(False)).sum()
    assert view["Winners"] == len(winners)
    assert set(after["KpiHistory"]["KPI"]) == set(before["Objectives"]["KPI"].dropna())
    # The file is still one the reader takes without complaint; the sheet still validates.
    assert not after.problems


def test_input_sheets_keep_their_dropdowns_and_blank_rows(closed):
    wb = openpyxl.load_workbook(closed[1])
    ws = wb["Nominations"]
    table = ws.tables["Nominations"]
    first, last = openpyxl.utils.cell.range_boundaries(table.ref)[1::2]
    assert last - first == 100  # the template's blank rows to type into
    sqrefs = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    assert any(ref.endswith(str(last)) for ref in sqrefs)
    assert ws.cell(row=first + 1, column=1).number_format == "@"
    scores = wb["Scores"]
    formula = scores.cell(row=first + 1, column=6).value  # the Category lookup
    assert str(formula).startswith("=")


def test_cool_off_applies_from_history_in_the_next_period(closed, tmp_path):
    path = Path(shutil.copy(closed[1], tmp_path / "next.xlsx"))
    data = read_workbook(path)
    nomination = {
        "ID": "N-0100",
        "Period": "Q4 2026",
        "Category": "Customer Hero",
        "Nominee": "Ella Turner",  # won Customer Hero in Q3 2026; cool-off 2 periods
        "Nominator type": "colleague",
        "Nominator": "Sam Patel",
        "Evidence": "Again brilliant.",
        "Received": dt.date(2026, 10, 5),
    }
    write_changes(
        path,
        {"Nominations": TableEdit("Nominations", append=[nomination], last_data_row=None)},
        backup=False,
    )
    data = read_workbook(path)
    report = validate(data, today=dt.date(2026, 10, 20))
    codes = {(i.code, i.value) for i in report}
    assert ("repeat-winner", "Ella Turner") in codes
    # The message says when they won and what rules them out.
    (issue,) = [i for i in report if i.code == "repeat-winner"]
    assert issue.message == (
        "Ella Turner won Customer Hero in Q3 2026, and the award's cool-off of 2 periods rules "
        "them out in Q4 2026."
    )


def test_refuses_to_close_with_unscored_nominations_unless_forced(small_copy, tmp_path):
    path = small_copy
    data = read_workbook(path)
    extra = {
        "ID": "N9",
        "Period": "Q1 2027",
        "Category": "Star",
        "Nominee": "Ben Best",
        "Nominator type": "colleague",
        "Nominator": "Ann Other",
        "Evidence": "Late entry.",
        "Received": dt.date(2027, 2, 1),
    }
    write_changes(
        path,
        {
            "Nominations": TableEdit(
                "Nominations", append=[extra], last_data_row=last_row(data, "Nominations")
            )
        },
        backup=False,
    )
    with pytest.raises(UserError, match="N9"):
        new_period_workbook(path, "Q2 2027", dest=tmp_path / "x.xlsx")
    assert cli.main(["new-period", str(path), "--period", "Q2 2027"]) == 2
    out = new_period_workbook(path, "Q2 2027", force=True, dest=tmp_path / "y.xlsx")
    assert any("N9" in w for w in out.change.warnings)
    assert "N9" in set(read_workbook(tmp_path / "y.xlsx")["NominationHistory"]["ID"])


def test_refuses_when_results_were_not_written(tmp_path):
    path = build_workbook(tmp_path / "small.xlsx", small.rows(), small.SETTINGS)
    with pytest.raises(UserError, match="Results sheet"):
        new_period_workbook(path, "Q2 2027")


def test_refuses_while_the_scores_are_not_locked(tmp_path):
    from automation.pipeline import score_workbook

    path = build_workbook(tmp_path / "small.xlsx", small.rows(), small.SETTINGS)
    score_workbook(path, write=True, backup=False)
    with pytest.raises(UserError, match="not locked"):
        new_period_workbook(path, "Q2 2027")
    lock_workbook(path, now=NOW)
    out = new_period_workbook(path, "Q2 2027", now=NOW)
    assert read_workbook(path).setting("current_period") == "Q2 2027"
    assert out.written is not None
    # The next period starts with judging open: its lock was cleared with the move.
    from automation.lock import is_locked

    assert not is_locked(read_workbook(path))


@pytest.mark.parametrize(
    ("name", "dates"),
    [
        ("2027-01", (dt.date(2027, 1, 1), dt.date(2027, 1, 31))),
        ("February 2028", (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        ("Q2 2027", (dt.date(2027, 4, 1), dt.date(2027, 6, 30))),
        ("2027-Q4", (dt.date(2027, 10, 1), dt.date(2027, 12, 31))),
        ("2027", (dt.date(2027, 1, 1), dt.date(2027, 12, 31))),
        ("Spring awards", None),
    ],
)
def test_period_dates_from_names(name, dates):
    assert history.period_dates(name) == dates


def _sheet_rels(path: Path, sheet: str) -> dict[str, str]:
    import zipfile

    from automation.io.package import _rels, sheet_parts

    with zipfile.ZipFile(path) as zf:
        part = sheet_parts(zf)[sheet]
        return {kind.rsplit("/", 1)[-1]: target for kind, target in _rels(zf, part).values()}


def _note_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column) of each note in the comments part, 1-based."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = zf.read(_sheet_rels(path, sheet)["comments"]).decode()
    refs = re.findall(r'<comment\b[^>]*\bref="([A-Z]+)(\d+)"', xml)
    return {(int(r), openpyxl.utils.column_index_from_string(c)) for c, r in refs}


def _note_shapes(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column) where each note's drawing sits, 1-based (VML counts from 0)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = zf.read(_sheet_rels(path, sheet)["vmlDrawing"]).decode("utf-8", "replace")
    pairs = re.findall(r"Row>(\d+)</(?:\w+:)?Row><(?:\w+:)?Column>(\d+)<", xml)
    return {(int(r) + 1, int(c) + 1) for r, c in pairs}


@pytest.fixture(scope="module")
def small_scored(tmp_path_factory) -> Path:
    """The small programme with no spare rows, scored and written (so it may be closed)."""
    from automation.pipeline import score_workbook

    folder = tmp_path_factory.mktemp("small")
    path = build_workbook(folder / "small.xlsx", small.rows(), small.SETTINGS, spare_rows=0)
    score_workbook(path, write=True, backup=False)
    lock_workbook(path, now=NOW)
    return path


@pytest.fixture
def small_copy(small_scored: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(small_scored, tmp_path / "small.xlsx"))


def test_a_new_period_row_moves_the_table_below_it(small_copy):
    """Periods is full, so its new row pushes PastWinners (and its notes) down."""
    path = small_copy
    before = openpyxl.load_workbook(path)["Periods"]
    pw_before = before.tables["PastWinners"].ref
    out = new_period_workbook(path, "Q2 2027", now=NOW)
    assert out.written.backup is not None and out.written.backup.exists()
    ws = openpyxl.load_workbook(path)["Periods"]
    periods, past = ws.tables["Periods"].ref, ws.tables["PastWinners"].ref
    p_last = openpyxl.utils.cell.range_boundaries(periods)[3]
    w_first = openpyxl.utils.cell.range_boundaries(past)[1]
    assert w_first > p_last + 1  # a gap remains between them
    assert openpyxl.utils.cell.range_boundaries(pw_before)[1] < w_first
    assert ws.cell(row=w_first, column=1).value == "Period"  # header moved with its table
    assert ws.cell(row=w_first, column=1).comment is not None  # and so did its note
    assert _note_cells(path, "Periods") == _note_shapes(path, "Periods")  # and its shape
    data = read_workbook(path)
    assert list(data["Periods"]["Period"]) == ["Q1 2027", "Q2 2027"]
    assert data["Periods"]["Starts"].iloc[1] == pd.Timestamp(2027, 4, 1)
    assert list(data["PastWinners"]["Nominee"]) == ["Ann Able"]
    assert not [p for p in data.problems if p.severity == "error"]


def test_history_past_the_row_cap_goes_to_a_sidecar(small_copy):
    src = small_copy
    before = read_workbook(src)
    out = new_period_workbook(src, "Q2 2027", row_cap=5, now=NOW)
    data = read_workbook(src)
    scores = data["ScoreHistory"]
    assert len(scores) == len(before["Scores"]) == 18  # the reader puts both parts together
    assert (scores[ROW] > 0).sum() == 5  # the newest rows stay on the sheet
    assert {p.name for p in out.sidecars} == {"ScoreHistory.parquet"}  # 3 results fit
    assert sidecar.file_for(src, "ScoreHistory").exists()
    cols = [c for c in history.columns("ScoreHistory") if c != "Period"]
    pd.testing.assert_frame_equal(
        _plain(before["Scores"], cols), _plain(scores, cols), check_dtype=False
    )
    # A second period appends: the sheet keeps the cap, the sidecar takes the rest.
    new_period_workbook(src, "Q3 2027", row_cap=5, force=True, now=NOW)
    again = read_workbook(src)["ScoreHistory"]
    assert len(again) == 18 and (again[ROW] > 0).sum() == 5


def test_workbook_saved_by_libreoffice_can_start_a_new_period(small_copy, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    soffice(
        tmp_path / "profile",
        "--calc",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(tmp_path / "lo"),
        str(small_copy),
    )
    lo = tmp_path / "lo" / small_copy.name
    before = read_workbook(lo)
    assert len(before["Nominations"]) == 3
    new_period_workbook(lo, "Q2 2027", dest=tmp_path / "next.xlsx", force=True)
    after = read_workbook(tmp_path / "next.xlsx")
    assert after.setting("current_period") == "Q2 2027"
    assert after["Nominations"].empty and after["Scores"].empty
    assert len(after["NominationHistory"]) == 3 and len(after["ScoreHistory"]) == 18
    assert list(after["Periods"]["Period"]) == ["Q1 2027", "Q2 2027"]
    assert list(after["PastWinners"]["Nominee"]) == ["Ann Able"]
    assert not [p for p in after.problems if p.severity == "error"]


def test_the_command_counts_what_it_moved_into_history(built_example, tmp_path, capsys):
    src = Path(shutil.copy(built_example, tmp_path / "example.xlsx"))
    lock_workbook(src, now=NOW, user="test")
    before = read_workbook(src)
    code = cli.main(["new-period", str(src), "--period", "Q4 2026", "--out", str(tmp_path / "n")])
    out = capsys.readouterr().out
    assert code == 0
    scores = len(before["Scores"])
    assert scores >= 1000  # so the thousands separator shows
    assert (
        f"Moved into history: {len(before['Nominations'])} nominations, {scores:,} scores, "
        f"0 assignments, {len(before['Results'])} results." in out
    )


def test_the_closed_rounds_scores_due_date_is_cleared(closed):
    before, after = read_workbook(closed[0]), read_workbook(closed[1])
    assert before.date_setting("scores_due") is not None
    assert after.date_setting("scores_due") is None
    assert after.setting("current_period") == "Q4 2026"


@pytest.mark.parametrize(
    ("due", "today", "cleared"),
    [
        (dt.date(2026, 10, 9), dt.date(2026, 10, 12), True),  # before the ceremony (15 October)
        (dt.date(2026, 10, 20), dt.date(2026, 10, 25), True),  # gone by when closing
        (dt.date(2027, 1, 8), dt.date(2026, 10, 25), False),  # already the next round's date
    ],
)
def test_scores_due_is_cleared_only_when_it_was_the_closed_rounds(
    example_data, due, today, cleared
):
    from dataclasses import replace

    from automation.scoring import score

    data = replace(example_data, settings=example_data.settings | {"scores_due": due}, cache={})
    change = history.close_period(data, score(data), "Q4 2026", force=True, today=today)
    assert ("scores_due" in change.settings) == cleared
    assert change.settings["current_period"] == "Q4 2026"
    assert any("Scores due" in n for n in change.notes) == cleared


def test_closing_says_the_kpi_actuals_and_survey_are_the_closed_periods(example_data):
    """The actuals stay on the Programme sheet (the History keeps a copy): the manager is
    told they are the closed period's, or the next report would pass them off as its own."""
    from dataclasses import replace

    from automation.scoring import score

    change = history.close_period(example_data, score(example_data), "Q4 2026", force=True)
    (note,) = [n for n in change.notes if "still those of" in n]
    counts = (
        int(example_data["Objectives"]["Actual"].notna().sum()),
        len(example_data["Survey"]),
        len(example_data["Findings"]),
    )
    assert counts == (4, 7, 3)
    assert note == (
        "The Actual figures of 4 KPIs on the Programme sheet, and the 7 survey results and 3 "
        "findings on the Evaluation sheet, are still those of Q3 2026 (the History sheet keeps "
        "the KPI figures): bring them up to date as Q4 2026 is measured, or the Q4 2026 "
        "evaluation report will show Q3 2026's"
    )
    tables = {
        **example_data.tables,
        "Objectives": example_data["Objectives"].assign(Actual=None),
        "Survey": example_data["Survey"].iloc[0:0],
    }
    only_findings = replace(example_data, tables=tables, cache={})
    change = history.close_period(only_findings, score(only_findings), "Q4 2026", force=True)
    (note,) = [n for n in change.notes if "still those of" in n]
    assert note.startswith("The 3 findings on the Evaluation sheet are still those of Q3 2026:")
    tables["Findings"] = example_data["Findings"].iloc[0:0]
    nothing = replace(example_data, tables=tables, cache={})
    change = history.close_period(nothing, score(nothing), "Q4 2026", force=True)
    assert not [n for n in change.notes if "still those of" in n]


def test_a_new_period_without_a_ceremony_date_says_so_and_one_can_be_given(
    small_copy, tmp_path, capsys
):
    """Without a ceremony date the emails and the newsletter cannot say when the awards are
    presented: closing says so, and --ceremony sets it on the new period's row."""
    bare = new_period_workbook(small_copy, "Q2 2027", dest=tmp_path / "bare.xlsx", now=NOW)
    note = (
        "Q2 2027 has no ceremony date yet: set it in the Ceremony column of the Periods sheet, "
        "so the emails and the newsletter can say when the awards are presented."
    )
    assert note in bare.lines
    dest = tmp_path / "dated.xlsx"
    code = cli.main(
        ["new-period", str(small_copy), "--period", "Q2 2027", "--ceremony", "2027-07-15",
         "--out", str(dest)]
    )  # fmt: skip
    assert code == 0
    periods = read_workbook(dest)["Periods"].set_index("Period")
    assert periods.loc["Q2 2027", "Ceremony"] == pd.Timestamp(2027, 7, 15)
    assert "no ceremony date" not in capsys.readouterr().out
    # A ceremony before the period starts is refused.
    with pytest.raises(UserError, match="ceremony .* would be before the period starts"):
        new_period_workbook(small_copy, "Q2 2027", ceremony=dt.date(2027, 3, 1), dest=dest)


def test_the_ceremony_given_goes_on_an_existing_period_row(built_example, tmp_path):
    src = Path(shutil.copy(built_example, tmp_path / "example.xlsx"))
    lock_workbook(src, now=NOW, user="test")
    assert read_workbook(src)["Periods"].set_index("Period").loc["Q4 2026", "Ceremony"] == (
        pd.Timestamp(2027, 1, 14)
    )
    out = new_period_workbook(src, "Q4 2026", ceremony=dt.date(2027, 1, 21), now=NOW)
    periods = read_workbook(src)["Periods"].set_index("Period")
    assert periods.loc["Q4 2026", "Ceremony"] == pd.Timestamp(2027, 1, 21)
    assert periods.loc["Q3 2026", "Ceremony"] == pd.Timestamp(2026, 10, 15)  # left alone
    assert not any("no ceremony date" in line for line in out.lines)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("2026-Q4", "would cover the same days as Q4 2026"),
        ("2026-11", "would overlap Q4 2026"),
        ("October 2026", "would overlap Q4 2026"),
    ],
)
def test_a_new_period_sharing_days_with_a_listed_one_is_refused(example_data, name, said):
    """'2027-02' beside a listed 'Feb 2027' made two Februaries: the import filed the
    nominations under the listed one and closing the new one moved nothing into history."""
    from automation.scoring import score

    with pytest.raises(UserError) as refused:
        history.close_period(example_data, score(example_data), name, force=True)
    assert said in refused.value.message
    assert "Q4 2026" in refused.value.hint
    # The listed period itself opens as before.
    change = history.close_period(example_data, score(example_data), "Q4 2026", force=True)
    assert change.opened == "Q4 2026"


def test_kpi_history_says_not_yet_for_a_target_due_after_the_period(example_data):
    """KpiHistory said 'no' where the report says 'Not yet met': a target due after the
    closed period's end has not been missed yet."""
    rows = history.kpi_rows(example_data, "Q3 2026").set_index("KPI")
    obj = example_data["Objectives"].set_index("KPI")
    for kpi, row in rows.iterrows():
        o = obj.loc[kpi]
        higher = bool(o["Higher is better"])
        reached = o["Actual"] >= o["Target"] if higher else o["Actual"] <= o["Target"]
        due_later = o["Deadline"] > pd.Timestamp(2026, 9, 30)
        expected = "yes" if reached else ("not yet" if due_later else "no")
        assert row["Met"] == expected, kpi
    assert "not yet" in set(rows["Met"])  # the example has such targets


def test_after_closing_the_evidence_map_reads_the_closed_periods_winners(closed):
    """Closing Q3 emptied Results, and 3.2 went back to "no winners yet" although Result
    history and PastWinners held them: the assessor pack made after closing said 11 of 12."""
    from automation.evidence import CRITERION_BY_NUMBER, evaluate, winners_of

    before = read_workbook(closed[0])
    data = read_workbook(closed[1])
    assert data["Results"].empty
    won = winners_of(data)
    assert set(won["Period"]) == {"Q3 2026"}
    assert set(won["Nominee"]) == set(winners_of(before)["Nominee"])
    status = dict(evaluate(data).criteria)[CRITERION_BY_NUMBER["3.2"]]
    assert status.status == "met", status.missing_text


def test_a_period_opened_past_a_listed_one_marks_it_not_run(built_example, tmp_path):
    """Opening Q1 2027 straight after Q3 2026 left Q4 2026 'open' on the Periods sheet for
    good, and counted it towards every cool-off."""
    src = Path(shutil.copy(built_example, tmp_path / "example.xlsx"))
    lock_workbook(src, now=NOW, user="test")
    out = new_period_workbook(src, "Q1 2027", now=NOW, user="test")
    assert (
        "Q4 2026, between Q3 2026 and Q1 2027, was not run: marked 'not run' on the Periods "
        "sheet, so it does not count towards any award's cool-off."
    ) in out.lines
    data = read_workbook(src)
    status = dict(zip(data["Periods"]["Period"], data["Periods"]["Status"], strict=False))
    assert status == {
        "Q2 2026": "closed",
        "Q3 2026": "closed",
        "Q4 2026": "not run",
        "Q1 2027": "open",
    }
    assert not [i for i in validate(data, today=dt.date(2027, 1, 10)) if i.sheet == "Periods"]


def test_a_period_not_run_does_not_count_towards_the_cool_off(example_data):
    import dataclasses

    from automation.validate.nominations import cool_off_blocked

    # Grace Adeyemi won Customer Hero in Q2 2026 (cool-off 2 periods), nominated for Q1 2027.
    periods = pd.concat(
        [
            example_data["Periods"],
            pd.DataFrame(
                [
                    {
                        "Period": "Q1 2027",
                        "Starts": pd.Timestamp(2027, 1, 1),
                        "Ends": pd.Timestamp(2027, 3, 31),
                        "Status": "open",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    noms = example_data["Nominations"].copy()
    i = noms.index[noms["Category"] == "Customer Hero"][0]
    noms.loc[i, ["Nominee", "Period"]] = ["Grace Adeyemi", "Q1 2027"]

    def blocked(q4_status: str) -> bool:
        table = periods.copy()
        table.loc[table["Period"] == "Q4 2026", "Status"] = q4_status
        view = dataclasses.replace(
            example_data,
            tables={**example_data.tables, "Periods": table, "Nominations": noms},
            cache={},
        )
        return bool(cool_off_blocked(view)[i])

    # Q3 2026, Q4 2026 and Q1 2027 are three periods after the win; without Q4, two.
    assert not blocked("closed")
    assert blocked("not run")


def test_a_skipped_period_holding_nominations_is_left_and_named(example_data):
    from automation.scoring import score

    noms = example_data["Nominations"].copy()
    noms.loc[noms.index[-1], "Period"] = "Q4 2026"
    import dataclasses

    view = dataclasses.replace(
        example_data, tables={**example_data.tables, "Nominations": noms}, cache={}
    )
    change = history.close_period(view, score(view), "Q1 2027", force=True)
    status = dict(zip(change.periods["Period"], change.periods["Status"], strict=False))
    assert status["Q4 2026"] == "open"
    assert (
        "Q4 2026 (1 nomination), between Q3 2026 and Q1 2027, holds nominations that were never "
        "judged: give them a period being judged (their Period, and a Received date in it), or "
        "withdraw them"
    ) in change.notes


def test_a_period_added_to_a_full_table_keeps_its_checks_and_rows_to_type_into(small_copy):
    """The small programme's Periods table is full: the row new-period adds has the
    column's dropdown and date checks, and rows are left to type the next period into."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    new_period_workbook(small_copy, "Q2 2027", now=NOW)
    ws = openpyxl.load_workbook(small_copy)["Periods"]
    first, last = (ws[c].row for c in ws.tables["Periods"].ref.split(":"))
    added = first + 2
    assert ws.cell(row=added, column=1).value == "Q2 2027"
    assert last == added + 3
    assert all(ws.cell(row=r, column=1).value is None for r in range(added + 1, last + 1))
    checks: dict[str, MultiCellRange] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            checks.setdefault(dv.type, MultiCellRange()).add(rng.coord)
    for row in (added, last):
        assert f"B{row}" in checks["date"] and f"C{row}" in checks["date"]  # Starts, Ends
        assert f"E{row}" in checks["list"]  # Status: the dropdown
