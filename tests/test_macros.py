"""The ribbon macros, run for real on xlwings' JSON book built from the worked example.

Each test runs a macro through ``tests.support.jsonbook`` (payload -> macro -> actions), replays
the actions into a copy of the workbook and reads that copy back with the project's own file
reader, so what is checked is what a user would find in the workbook afterwards.

Excel refuses some things the replayer would happily do: it cannot move a table by resizing it,
and it will not shift cells so that only part of a table moves. The fixtures below replay
row insertions and deletions (which the shared harness does not know yet) and make resizing
as strict as Excel, so a macro that would fail in Excel fails here too.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.comments import Comment
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from automation import macros, schema
from automation.build import layout
from automation.build.example import build_example
from automation.io.book import (
    MAX_CELL_TEXT,
    MAX_NOTES,
    NOTE_TAG,
    _cell_value,
    _column_values,
    read_book,
    write_tables,
)
from automation.io.read import read_workbook
from automation.scoring import score
from automation.tables import results_tables
from tests.support.excel_rules import box, overlap
from tests.support.jsonbook import (
    alerts,
    apply_actions,
    book_actions,
    open_json_book,
    payload_from_xlsx,
    run_macro,
)

# After the last action's due date in the example, so all four deliberate warnings show.
TODAY = dt.date(2026, 11, 7)
EXAMPLE_WARNINGS = {
    "missing-score",
    "duplicate-nomination",
    "quote-without-consent",
    "action-overdue",
}


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("example") / "example.xlsx")


@pytest.fixture(scope="session")
def example_data(example: Path):
    return read_workbook(example)


@pytest.fixture(scope="session")
def unscored(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as a manager has it before the first Score: tool tables empty."""
    empty = {
        name: pd.DataFrame(columns=list(schema.TABLE_BY_NAME[name].names))
        for name in ("Results", "Panel", "JudgeStats", "Agreement", "Issues")
    }
    out = tmp_path_factory.mktemp("unscored") / "unscored.xlsx"
    with pytest.MonkeyPatch.context() as mp:
        _strict_harness(mp)
        run_macro(lambda book: write_tables(book, empty), example, out)
    return out


@pytest.fixture
def workbook(example: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example for one test to change."""
    return Path(shutil.copy(example, tmp_path / "awards.xlsx"))


@pytest.fixture(autouse=True)
def _excel_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    _strict_harness(monkeypatch)


def _strict_harness(monkeypatch: pytest.MonkeyPatch) -> None:
    # The replayer follows Excel's rules for inserts, deletes and resizes by default
    # (tests/support/excel_rules.py); only the licence key is set here.
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # the JSON book is xlwings PRO


def _run(macro, src: Path, tmp_path: Path, name: str = "out.xlsx", **kwargs):
    dest = tmp_path / name
    actions = run_macro(macro, src, dest, **kwargs)
    return actions, dest


# --- helpers ---------------------------------------------------------------------------------


def _table(path: Path, sheet: str, name: str) -> tuple[Worksheet, Table]:
    ws = openpyxl.load_workbook(path)[sheet]
    return ws, ws.tables[name]


def _notes(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): c.comment.text
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.comment and c.comment.text.startswith(NOTE_TAG)
    }


def _assert_no_overlaps(path: Path) -> None:
    for ws in openpyxl.load_workbook(path).worksheets:
        boxes = [(t.name, box(t.ref)) for t in ws.tables.values()]
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                assert not overlap(box_a, box_b), f"{a} overlaps {b} on {ws.title}"


# --- reading ---------------------------------------------------------------------------------


def test_read_book_gives_the_same_data_as_the_file_reader(example: Path, example_data) -> None:
    book = open_json_book(payload_from_xlsx(example))
    try:
        live = read_book(book)
    finally:
        book.close()
    for spec in schema.TABLES:
        pd.testing.assert_frame_equal(
            live[spec.name], example_data[spec.name], check_dtype=False, obj=spec.name
        )
    assert live.settings == example_data.settings
    assert live.places == example_data.places
    assert live.problems == example_data.problems == []


def test_read_book_parses_what_xlwings_hands_over(example: Path) -> None:
    # Numbers arrive as floats (3.0), dates as datetimes, blanks as None.
    book = open_json_book(payload_from_xlsx(example))
    try:
        data = read_book(book)
    finally:
        book.close()
    noms, scores = data["Nominations"], data["Scores"]
    assert pd.api.types.is_datetime64_any_dtype(noms["Received"])
    assert noms["Received"].notna().all()
    assert scores["Score"].dropna().map(float.is_integer).all()
    assert noms["ID"].str.startswith("N-").all()
    assert data.places["Nominations"].header_row == 5


# --- validate --------------------------------------------------------------------------------


def test_validate_lists_the_examples_warnings_and_notes_their_cells(
    example: Path, example_data, tmp_path: Path
) -> None:
    actions, dest = _run(macros.validate, example, tmp_path, today=TODAY)

    back = read_workbook(dest)
    issues = back["Issues"]
    assert set(issues["Code"]) == EXAMPLE_WARNINGS
    assert set(issues["Severity"]) == {"warning"}
    assert (issues["Key"] == issues["Sheet"] + "!" + issues["Cell"]).all()
    assert len(back["Audit"]) == len(example_data["Audit"]) + 1
    assert back["Audit"]["Action"].iloc[-1] == "validate"

    notes = _notes(dest)
    assert set(notes) == set(zip(issues["Sheet"], issues["Cell"], strict=True))
    assert all("How to fix:" in text for text in notes.values())
    # The column help notes on header cells are still there.
    ws = openpyxl.load_workbook(dest)["Nominations"]
    assert ws["A5"].comment is not None and not ws["A5"].comment.text.startswith(NOTE_TAG)

    (alert,) = alerts(actions)
    assert "4 warnings" in alert and "Traceback" not in alert


def test_validate_again_replaces_its_own_notes(
    workbook: Path, tmp_path: Path, example_data
) -> None:
    _, first = _run(macros.validate, workbook, tmp_path, "first.xlsx", today=TODAY)
    # Fix one problem: the nominator agreed to the quote being published.
    wb = openpyxl.load_workbook(first)
    ws = wb["Nominations"]
    consent = schema.TABLE_BY_NAME["Nominations"].names.index("Consent to publish") + 1
    quote_cell = next(
        key for key in _notes(first) if key[0] == "Nominations" and ws[key[1]].column == consent - 2
    )
    ws.cell(ws[quote_cell[1]].row, consent, "yes")
    ws.cell(ws[quote_cell[1]].row, consent + 1, dt.datetime(2026, 8, 20))
    wb.save(first)

    actions, second = _run(macros.validate, first, tmp_path, "second.xlsx", today=TODAY)

    back = read_workbook(second)
    assert "quote-without-consent" not in set(back["Issues"]["Code"])
    assert set(_notes(second)) == set(
        zip(back["Issues"]["Sheet"], back["Issues"]["Cell"], strict=True)
    )
    funcs = [a["func"] for a in actions]
    assert funcs.count("deleteNote") == 1  # the fixed cell's note
    assert funcs.count("setNoteText") == 3  # kept cells: updated, not added twice
    assert "addNote" not in funcs
    assert len(back["Audit"]) == len(example_data["Audit"]) + 2


def test_validate_leaves_a_users_own_note_alone(
    unscored: Path, tmp_path: Path, example_data
) -> None:
    from automation.validate import validate

    issue = next(i for i in validate(example_data, today=TODAY) if i.code == "missing-score")
    workbook = Path(shutil.copy(unscored, tmp_path / "awards.xlsx"))
    wb = openpyxl.load_workbook(workbook)
    wb[issue.sheet][issue.cell].comment = Comment("Chasing the judges - Sam", "Sam")
    wb.save(workbook)

    _, dest = _run(macros.validate, workbook, tmp_path, today=TODAY)

    cell = openpyxl.load_workbook(dest)[issue.sheet][issue.cell]
    assert cell.comment.text == "Chasing the judges - Sam"


class _Note:
    def __init__(self, cells: dict[str, str], cell: str) -> None:
        self.cells, self.cell = cells, cell

    @property
    def text(self) -> str:
        return self.cells[self.cell]

    @text.setter
    def text(self, value: str) -> None:
        self.cells[self.cell] = value

    def delete(self) -> None:
        del self.cells[self.cell]


class _DesktopBook:
    """Just enough of a desktop Book for notes: unlike the JSON book, note text is readable."""

    def __init__(self, notes: dict[str, dict[str, str]]) -> None:
        self.notes = notes
        self.app = types.SimpleNamespace(screen_updating=True)
        self.app.engine = types.SimpleNamespace(name="remote")  # no COM protection calls
        self.sheets = [self._sheet(name) for name in notes]

    def _sheet(self, name: str):
        cells = self.notes[name]

        def cell_range(address: str):
            return types.SimpleNamespace(
                note=_Note(cells, address) if address in cells else None,
                add_note=lambda text: cells.__setitem__(address, text),
            )

        return types.SimpleNamespace(name=name, book=self, range=cell_range)


def test_in_desktop_excel_only_notes_with_the_tag_are_replaced(example_data) -> None:
    from automation.io.book import highlight_issues
    from automation.validate import validate

    report = validate(example_data, today=TODAY)
    flagged = [(i.sheet, i.cell) for i in report if i.sheet == "Nominations"]
    (sheet, mine), (_, theirs) = flagged[:2]
    last_run = example_data["Issues"]
    assert {mine, theirs} <= set(last_run["Cell"])  # both were flagged by the last run
    book = _DesktopBook(
        {"Nominations": {mine: f"{NOTE_TAG} old", theirs: "Sam's note"}, "Plan": {}}
    )

    highlight_issues(book, report, example_data)

    assert book.notes["Nominations"][theirs] == "Sam's note"
    assert book.notes["Nominations"][mine].startswith(NOTE_TAG)
    assert book.notes["Nominations"][mine] != f"{NOTE_TAG} old"
    assert book.app.screen_updating is True


def test_notes_stop_at_the_cap_but_every_issue_is_listed(workbook: Path, tmp_path: Path) -> None:
    # Every score off the 1-5 scale: more than a thousand issues, each with its own cell.
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Scores"]
    table = ws.tables["Scores"]
    first, last = table.ref.split(":")
    header = ws[first].row
    col = [c.value for c in ws[header]].index("Score") + 1
    for row in range(header + 1, ws[last].row + 1):
        if ws.cell(row=row, column=1).value:
            ws.cell(row=row, column=col, value=9)
    wb.save(workbook)

    actions, dest = _run(macros.validate, workbook, tmp_path, today=TODAY)

    issues = read_workbook(dest)["Issues"]
    assert "score-out-of-scale" in set(issues["Code"])
    assert len(issues) > MAX_NOTES
    assert sum(a["func"] == "addNote" for a in actions) == MAX_NOTES
    (alert,) = alerts(actions)
    assert "error" in alert and "Traceback" not in alert


# --- score -----------------------------------------------------------------------------------


def test_score_writes_results_judging_issues_and_audit(
    unscored: Path, example_data, tmp_path: Path
) -> None:
    assert read_workbook(unscored)["Results"].empty
    actions, dest = _run(macros.score, unscored, tmp_path, today=TODAY)
    expected = score(example_data)
    want = results_tables(expected)

    back = read_workbook(dest)
    for name in ("Results", "Panel", "JudgeStats", "Agreement"):
        assert len(back[name]) == len(want[name]) > 0, name
    key = ["Period", "Category", "Nomination ID", "Nominee"]
    winners = back["Results"][back["Results"]["Place"] == "winner"][key]
    assert winners.astype(str).values.tolist() == expected.winners[key].astype(str).values.tolist()
    assert back["Results"]["Nomination ID"].tolist() == want["Results"]["Nomination ID"].tolist()
    assert back["Results"]["Raw score"].round(6).tolist() == (
        want["Results"]["Raw score"].round(6).tolist()
    )
    assert set(back["Issues"]["Code"]) == EXAMPLE_WARNINGS
    assert len(back["Audit"]) == len(example_data["Audit"]) + 1
    assert back["Audit"]["Action"].iloc[-1] == "score"

    (alert,) = alerts(actions)
    for nominee in expected.winners["Nominee"]:
        assert nominee in alert
    _assert_no_overlaps(dest)


@pytest.mark.parametrize("source", ["unscored", "example"])
def test_score_moves_the_stacked_judging_tables_with_their_titles(
    source: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # From empty tables (they grow) and from an earlier run (same size).
    _, dest = _run(macros.score, request.getfixturevalue(source), tmp_path, today=TODAY)
    ws = openpyxl.load_workbook(dest)["Judging"]
    tops = []
    for name in schema.SHEET_BY_NAME["Judging"].tables:
        header, first_col, last, _ = box(ws.tables[name].ref)
        assert ws.cell(header - 1, first_col).value == schema.TABLE_BY_NAME[name].title
        assert [c.value for c in ws[header]][: len(schema.TABLE_BY_NAME[name].names)] == list(
            schema.TABLE_BY_NAME[name].names
        )
        tops.append((header - 1, last))
    # Two blank rows between one table and the next table's title, as the template has.
    for (_, last), (next_title, _) in zip(tops, tops[1:], strict=False):
        assert next_title - last - 1 == 2
        assert all(c.value is None for r in range(last + 1, next_title) for c in ws[r])


def test_results_formula_columns_are_written_in_every_row(unscored: Path, tmp_path: Path) -> None:
    _, dest = _run(macros.score, unscored, tmp_path, today=TODAY)
    ws, table = _table(dest, "Results", "Results")
    header, first_col, last, _ = box(table.ref)
    spec = schema.TABLE_BY_NAME["Results"]
    for col in (c for c in spec.columns if c.is_formula):
        j = first_col + spec.names.index(col.name)
        # Typed into Excel, newer functions go in by their plain names (no _xlfn. prefix).
        want = col.formula.replace("_xlfn.", "")
        assert {ws.cell(r, j).value for r in range(header + 1, last + 1)} == {want}
    period = first_col + spec.names.index("Period")
    raw = first_col + spec.names.index("Raw score")
    assert ws.cell(header + 1, period).number_format == "@"  # "October 2026" stays text
    assert ws.cell(last, raw).number_format == "0.00%"  # a ranked score: two decimals


def test_a_shorter_run_shrinks_tables_and_leaves_nothing_behind(
    example: Path, tmp_path: Path
) -> None:
    scored = example  # built scored: Results and Judging are full
    full = read_workbook(scored)
    assert len(full["Panel"]) > 2
    small = {
        name: full[name].drop(columns="_row").head(2)
        for name in ("Panel", "JudgeStats", "Agreement")
    }
    small["Results"] = full["Results"].drop(columns="_row").iloc[0:0]
    small["WinnersExplained"] = full["WinnersExplained"].drop(columns="_row").iloc[0:0]

    def rewrite(book) -> None:
        write_tables(book, small)

    run_macro(rewrite, scored, tmp_path / "small.xlsx")

    back = read_workbook(tmp_path / "small.xlsx")
    for name, frame in small.items():
        assert len(back[name]) == len(frame), name
    assert back["Panel"]["Judge"].tolist() == small["Panel"]["Judge"].tolist()
    wb = openpyxl.load_workbook(tmp_path / "small.xlsx")
    judging = wb["Judging"]
    last = max(box(t.ref)[2] for t in judging.tables.values())
    assert all(c.value is None for row in judging.iter_rows(min_row=last + 1) for c in row)
    results = wb["Results"]
    # Why each winner won sits above Results; each is now a header and one empty row.
    tops = layout.table_tops([0, 0])
    assert box(results.tables["WinnersExplained"].ref)[2] == tops[0] + 2
    assert box(results.tables["Results"].ref)[2] == tops[1] + 2
    assert all(c.value is None for row in results.iter_rows(min_row=tops[1] + 2) for c in row)
    _assert_no_overlaps(tmp_path / "small.xlsx")


def test_write_tables_refuses_a_users_table(example: Path) -> None:
    book = open_json_book(payload_from_xlsx(example))
    try:
        with pytest.raises(ValueError, match="Nominations"):
            write_tables(book, {"Nominations": pd.DataFrame()})
    finally:
        book.close()


# --- documents ------------------------------------------------------------------------------

DOCUMENT_MACROS = {
    "certificates": "generate_certificates",
    "newsletter": "generate_newsletter",
    "evaluation_report": "generate_evaluation",
    "email_drafts": "generate_email_drafts",
}


@pytest.fixture
def fake_generate(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, object]]:
    """Stand-in document generators that record their call and write one small file each."""
    import automation.documents

    calls: list[tuple[str, object, object]] = []
    module = types.ModuleType("automation.documents.generate")

    def make(function: str, many: bool):
        def generate(data, results, out_dir: Path, **options):
            calls.append((function, data, results))
            path = Path(out_dir) / f"{function}.txt"
            path.write_text(str(len(results.winners)), encoding="utf-8")
            return [path] if many else path

        return generate

    for function in DOCUMENT_MACROS.values():
        setattr(module, function, make(function, many=function.endswith("s")))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(automation.documents, "generate", module, raising=False)
    return calls


@pytest.mark.parametrize("tag", sorted(DOCUMENT_MACROS))
def test_document_buttons_hand_data_and_results_to_the_generator(
    tag: str, example: Path, example_data, tmp_path: Path, fake_generate
) -> None:
    out = tmp_path / "docs"
    actions, dest = _run(macros.MACROS[tag], example, tmp_path, out_dir=out, today=TODAY)

    ((function, data, results),) = fake_generate
    assert function == DOCUMENT_MACROS[tag]
    assert len(data["Nominations"]) == len(example_data["Nominations"])
    assert results.winners["Nominee"].tolist() == score(example_data).winners["Nominee"].tolist()
    assert (out / f"{function}.txt").is_file()
    back = read_workbook(dest)
    assert len(back["Audit"]) == len(example_data["Audit"]) + 1
    assert str(out) in back["Audit"]["Detail"].iloc[-1]
    (alert,) = alerts(actions)
    assert str(out) in alert


@pytest.mark.parametrize("tag", sorted(DOCUMENT_MACROS))
def test_document_buttons_write_real_documents(tag: str, example: Path, tmp_path: Path) -> None:
    pytest.importorskip(
        "automation.documents.generate", reason="the document generators are not written yet"
    )
    out = tmp_path / "docs"
    actions, _ = _run(macros.MACROS[tag], example, tmp_path, out_dir=out, today=TODAY)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and all(p.stat().st_size > 0 for p in written)
    (alert,) = alerts(actions)
    assert str(out) in alert and "bug" not in alert


def test_documents_go_beside_the_workbook() -> None:
    class Saved:
        fullname = str(Path(__file__).resolve().parent / "awards 2026.xlsx")

    class Unsaved:
        fullname = "Book1"

    assert macros.output_folder(Saved()) == Path(__file__).resolve().parent / (
        "awards 2026 documents"
    )
    assert macros.output_folder(Unsaved()).name == "Book1 documents"


# --- help and dispatch -----------------------------------------------------------------------


def test_help_explains_the_buttons(example: Path, tmp_path: Path) -> None:
    actions, _ = _run(macros.help, example, tmp_path)
    (alert,) = alerts(actions)
    for button in ("Validate", "Score", "Certificates", "README"):
        assert button in alert


def test_every_ribbon_button_has_a_macro_taking_a_book() -> None:
    import inspect
    import xml.etree.ElementTree as ET

    root = ET.parse(Path(__file__).parents[1] / "addin" / "ribbon.xml").getroot()
    tags = {b.get("tag") for b in root.iter() if b.tag.endswith("button")}
    assert tags == set(macros.MACROS)
    for macro in macros.MACROS.values():
        assert list(inspect.signature(macro).parameters)[0] == "book"


def test_run_shows_a_user_error_as_a_plain_alert(workbook: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    del wb["Issues"].tables["Issues"]
    wb.save(workbook)

    actions, _ = _run(lambda book: macros.run("validate", book, today=TODAY), workbook, tmp_path)

    (alert,) = alerts(actions)
    assert "Issues" in alert and "How to fix" in alert
    assert "Traceback" not in alert and "bug" not in alert


def test_run_handles_an_unknown_button(example: Path, tmp_path: Path) -> None:
    actions, _ = _run(lambda book: macros.run("nonexistent", book), example, tmp_path)
    (alert,) = alerts(actions)
    assert "nonexistent" in alert and "awards excel install" in alert


def test_run_logs_a_bug_and_shows_one_line(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(book):
        raise KeyError("Results")

    monkeypatch.setattr(macros.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(macros, "read_book", broken)
    actions, _ = _run(lambda book: macros.run("score", book), example, tmp_path)

    (alert,) = alerts(actions)
    log = tmp_path / macros.BUG_LOG
    assert "bug" in alert and str(log) in alert and "Traceback" not in alert
    assert "KeyError: 'Results'" in log.read_text(encoding="utf-8")


def test_run_without_excel_logs_instead_of_raising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Book.caller() fails outside Excel; there is no book to show an alert in.
    monkeypatch.setattr(macros.tempfile, "gettempdir", lambda: str(tmp_path))
    message = macros.run("validate")
    assert "bug" in message
    assert (tmp_path / macros.BUG_LOG).is_file()


def test_the_replayer_moves_tables_with_inserted_cells(example: Path, tmp_path: Path) -> None:
    # Checks this file's insert emulation: the second table and its title move down together.
    first, second = schema.SHEET_BY_NAME["Judging"].tables[:2]
    ws = openpyxl.load_workbook(example)["Judging"]
    first_end = box(ws.tables[first].ref)[2]
    header = box(ws.tables[second].ref)[0]
    book = open_json_book(payload_from_xlsx(example))
    try:
        # As wide as the widest table below, which a narrower insert would cut.
        wide = max(
            len(schema.TABLE_BY_NAME[t].columns) for t in schema.SHEET_BY_NAME["Judging"].tables
        )
        book.sheets["Judging"].range((first_end + 1, 1), (first_end + 3, wide)).insert(
            shift="down", copy_origin="format_from_left_or_above"
        )
        actions = book_actions(book)
    finally:
        book.close()
    apply_actions(example, actions, tmp_path / "moved.xlsx")
    moved = openpyxl.load_workbook(tmp_path / "moved.xlsx")["Judging"]
    assert box(moved.tables[second].ref)[0] == header + 3
    assert moved.cell(header + 3, 1).value == schema.TABLE_BY_NAME[second].columns[0].name
    assert moved.cell(header + 2, 1).value == schema.TABLE_BY_NAME[second].title


def test_the_add_in_works_on_the_active_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    # RunPython's caller is the add-in itself; the macros must use the user's workbook.
    import xlwings as xw

    user_book = types.SimpleNamespace(name="awards.xlsx")
    addin = types.SimpleNamespace(
        name="award_programme.xlam",
        app=types.SimpleNamespace(books=types.SimpleNamespace(active=user_book)),
    )
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: addin))
    assert macros._book(None) is user_book
    own = types.SimpleNamespace(name="awards.xlsm")
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: own))
    assert macros._book(None) is own


# --- cell values, a column at a time -----------------------------------------------------------

_LONG = "x" * (MAX_CELL_TEXT + 5)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1.5, float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 3.0]),
        pd.Series([0, -1, 2**62, -(2**63)], dtype="int64"),
        pd.Series([2**64 - 1, 0], dtype="uint64"),
        pd.Series([True, False, True]),
        pd.Series(["Ann", None, "Zoë 🏆", "", " padded ", _LONG], dtype="str"),
        pd.Series(["Ann", None, _LONG], dtype="string"),
        pd.Series(["Ann", "Bob", _LONG, "ok"], dtype=object),
        pd.Series(["Ann", None, float("nan"), pd.NA, pd.NaT, 3, np.int64(4)], dtype=object),
        pd.Series([np.str_("numpy text"), "plain"], dtype=object),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series([1.5, None], dtype="Float64"),
        pd.Series([True, None], dtype="boolean"),
        pd.Series(pd.to_datetime(["2026-11-07 09:30", None])),
        pd.Series(pd.to_datetime(["2026-11-07 09:30"]).tz_localize("Europe/London")),
        pd.Series([dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4)], dtype=object),
        pd.Series(["a", "b", "a"], dtype="category"),
        pd.Series([], dtype="float64"),
        pd.Series([], dtype=object),
    ],
    ids=lambda s: str(s.dtype),
)
def test_column_values_equal_cell_by_cell(series: pd.Series) -> None:
    got = _column_values(series)
    want = [_cell_value(v) for v in series.tolist()]
    assert [(type(v), v) for v in got] == [(type(v), v) for v in want]


# --- one read per table, one write per block ------------------------------------------------

# The tool tables each button writes: each must go in as one block of values.
_EVIDENCE_AND_AUDIT = (
    *(
        "EvidenceMap",
        "EvidenceRequirements",
        "Audit",
        "AuditSeal",
        "LockState",
        "ImportedResponses",
    ),
)
VALIDATE_WRITES = ("Issues", *_EVIDENCE_AND_AUDIT, "LockRows", "JudgeProgress")
SCORE_WRITES = (
    "Issues",
    *("Results", "WinnersExplained", "Panel", "JudgeStats", "JudgeEffects", "Agreement"),
    *_EVIDENCE_AND_AUDIT,
    *("LockRows", "Equity", "Participation"),
)


def _counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple, tuple | None]]:
    """Record every read of cell values from the JSON book: (sheet, first cell, last cell)."""
    from xlwings.pro import _xlremote

    reads: list[tuple[str, tuple, tuple | None]] = []
    prop = _xlremote.Range.raw_value

    def raw_value(rng):
        reads.append((rng.sheet.name, tuple(rng.arg1), tuple(rng.arg2) if rng.arg2 else None))
        return prop.fget(rng)

    monkeypatch.setattr(_xlremote.Range, "raw_value", property(raw_value, prop.fset))
    return reads


def _table_boxes(payload: dict) -> dict[tuple[str, tuple, tuple], str]:
    """(sheet, first cell, last cell) of every table in the payload -> its name."""
    from openpyxl.utils.cell import range_boundaries

    out = {}
    for sheet in payload["sheets"]:
        for table in sheet["tables"]:
            c1, r1, c2, r2 = range_boundaries(table["range_address"].replace("$", ""))
            out[(sheet["name"], (r1, c1), (r2, c2))] = table["name"]
    return out


@pytest.mark.parametrize(
    ("macro", "written"), [(macros.validate, VALIDATE_WRITES), (macros.score, SCORE_WRITES)]
)
def test_a_button_reads_each_table_once_and_writes_each_block_once(
    macro, written, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = payload_from_xlsx(example)
    reads = _counted_reads(monkeypatch)
    book = open_json_book(payload)
    try:
        macro(book=book, today=TODAY)
        actions = book_actions(book)
    finally:
        book.close()

    boxes = _table_boxes(payload)
    tables_read = [boxes.get(r, f"not a table: {r}") for r in reads]
    assert sorted(tables_read) == sorted(t.name for t in schema.TABLES)  # each once, no others
    sheets = [s["name"] for s in payload["sheets"]]
    blocks = [sheets[a["sheet_position"]] for a in actions if a["func"] == "setValues"]
    assert sorted(blocks) == sorted(schema.TABLE_BY_NAME[t].sheet for t in written)


# --- evidence, audit trail, lock and the assessor pack ----------------------------------------


def test_validate_writes_the_evidence_map_and_a_sealed_audit_entry(
    example: Path, tmp_path: Path
) -> None:
    from automation.audit import check_audit

    actions, dest = _run(macros.validate, example, tmp_path, today=TODAY)
    back = read_workbook(dest)
    assert (back["EvidenceMap"]["Status"] == "met").all()
    assert len(back["EvidenceRequirements"]) == 9
    assert list(check_audit(back)) == []  # the chain holds through the live book too
    assert back["AuditSeal"]["Entries"].tolist() == [str(len(back["Audit"]))]
    (alert,) = alerts(actions)
    assert "12 of 12 criteria met" in alert


def test_lock_scores_button_locks_and_score_then_refuses_a_change(
    workbook: Path, tmp_path: Path
) -> None:
    from automation import lock

    actions, locked = _run(macros.lock_scores, workbook, tmp_path, "locked.xlsx")
    (alert,) = alerts(actions)
    assert "locked" in alert
    data = read_workbook(locked)
    assert lock.is_locked(data) and lock.changes(data) == []
    assert data["Audit"]["Action"].iloc[-1] == "lock"
    # A judge's score is changed afterwards: Score refuses to write.
    wb = openpyxl.load_workbook(locked)
    ws = wb["Scores"]
    score_col = schema.TABLE_BY_NAME["Scores"].names.index("Score") + 1
    ws.cell(row=6, column=score_col).value = 1 if ws.cell(row=6, column=score_col).value != 1 else 2
    wb.save(locked)
    actions, after = _run(
        lambda book: macros.run("score", book, today=TODAY), locked, tmp_path, "after.xlsx"
    )
    (alert,) = alerts(actions)
    assert "locked" in alert and "Nothing was written" in alert
    assert read_workbook(after)["Audit"]["Action"].iloc[-1] == "lock"


def test_assessor_pack_button_makes_the_pack_from_the_saved_file(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pack itself is tested in test_assessor_pack; here, what the button hands over.
    import automation.assessor.pack as pack_module

    calls = []

    def fake(source, out, **options):
        calls.append((Path(source), Path(out)))
        return types.SimpleNamespace(lines=[f"Wrote the assessor pack into {out}."])

    monkeypatch.setattr(pack_module, "build_pack", fake)
    out = tmp_path / "pack"
    actions, _ = _run(
        lambda book: macros.run("assessor_pack", book, out_dir=out, source=example, today=TODAY),
        example,
        tmp_path,
    )
    (alert,) = alerts(actions)
    assert calls == [(example, out)] and str(out) in alert and "last saved" in alert
    assert macros.run(
        "assessor_pack", types.SimpleNamespace(fullname="Book1", app=_App())
    ).startswith("The assessor pack is made from the saved workbook")


class _App:
    """Just enough of an Excel application to show an alert."""

    def alert(self, *args, **kwargs) -> None:
        return None


# --- new period ------------------------------------------------------------------------------


def test_new_period_button_closes_the_period_and_opens_the_next(
    example: Path, example_data, tmp_path: Path
) -> None:
    from automation.pipeline import lock_workbook

    locked = Path(shutil.copy(example, tmp_path / "locked.xlsx"))
    lock_workbook(locked)  # the period's results are final only once locked
    actions, dest = _run(macros.new_period, locked, tmp_path, require_saved=False)
    back = read_workbook(dest)
    assert back.setting("current_period") == "Q4 2026"
    assert back["Nominations"].empty and back["Scores"].empty and back["Results"].empty
    assert len(back["NominationHistory"]) == len(example_data["Nominations"])
    assert len(back["ScoreHistory"]) == len(example_data["Scores"])
    status = dict(zip(back["Periods"]["Period"], back["Periods"]["Status"], strict=True))
    assert status["Q3 2026"] == "closed" and status["Q4 2026"] == "open"
    added = back["PastWinners"][back["PastWinners"]["Period"] == "Q3 2026"]
    assert sorted(added["Nominee"]) == sorted(score(example_data).winners["Nominee"])
    assert back["Audit"]["Action"].iloc[-1] == "new-period"
    # The table keeps its size, now all blank rows to type into.
    _, before = _table(example, "Nominations", "Nominations")
    _, after = _table(dest, "Nominations", "Nominations")
    assert box(after.ref) == box(before.ref)
    (alert,) = alerts(actions)
    assert "Closed Q3 2026 and opened Q4 2026" in alert
    scores = f"{len(example_data['Scores']):,} scores"
    assert (
        f"Moved into the history sheets: {len(example_data['Nominations'])} nominations, " in alert
    )
    assert scores in alert and "," in scores
    # The closed round's deadline is cleared, and the alert says so.
    assert back.date_setting("scores_due") is None
    assert "Scores due (09/10/2026) was the date for Q3 2026, so it was cleared" in alert
    _assert_no_overlaps(dest)


def test_new_period_button_needs_a_saved_workbook(example: Path, tmp_path: Path) -> None:
    actions, _ = _run(lambda book: macros.run("new_period", book), example, tmp_path)
    (alert,) = alerts(actions)
    assert "Save the workbook first" in alert


def test_validate_works_on_a_workbook_made_before_imported_responses(
    example: Path, tmp_path: Path
) -> None:
    # A workbook of the version before: Tool data without the ImportedResponses table. The
    # live book cannot have a table added, so the button goes on without it.
    older = tmp_path / "older.xlsx"
    wb = openpyxl.load_workbook(example)
    del wb["Tool data"].tables["ImportedResponses"]
    wb.save(older)
    actions, dest = _run(macros.validate, older, tmp_path, today=TODAY)
    (alert,) = alerts(actions)
    assert "missing" not in alert and "12 of 12 criteria met" in alert
    back = read_workbook(dest)
    assert back["AuditSeal"]["Entries"].tolist() == [str(len(back["Audit"]))]
    assert "ImportedResponses" not in back.places
