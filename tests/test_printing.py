"""How the workbook prints: page layout per sheet from the schema, print areas over the rows in
use, repeated headers, and rows tall enough for wrapped text (in the builder and the writer)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from automation import schema
from automation.build import printing
from automation.io.package import col_index, parse_ref
from automation.io.write import write_tool_tables


@pytest.fixture(scope="module")
def example(built_example):
    return load_workbook(built_example)


def _area_refs(ws) -> list[tuple[int, int, int, int]]:
    """Each range of the sheet's print area, as (first column, first row, last column, last
    row)."""
    return [parse_ref(r.split("!")[1].replace("$", "")) for r in str(ws.print_area).split(",")]


def _areas(ws) -> list[tuple[int, int]]:
    return [ref[1::2] for ref in _area_refs(ws)]


def _title_columns(ws) -> tuple[int, int]:
    """The first and last column the sheet repeats on every printed page."""
    first, last = (col_index(c.strip("$")) for c in ws.print_title_cols.split(":"))
    return first, last


@pytest.mark.parametrize("sheet", [s for s in schema.SHEETS if s.tables], ids=lambda s: s.name)
def test_page_layout_follows_the_schema(example, sheet) -> None:
    ws = example[sheet.name]
    expected = printing.layout_for(sheet)
    assert ws.page_setup.orientation == ("landscape" if expected.landscape else "portrait")
    assert int(ws.page_setup.fitToWidth) == expected.pages_wide
    assert int(ws.page_setup.fitToHeight) == 0
    # Never shrunk below a readable scale: wide sheets print over more pages instead, each
    # page after the first with the columns that say which row is which.
    units = printing.LANDSCAPE_UNITS if expected.landscape else printing.PORTRAIT_UNITS
    widths = printing.column_widths(sheet)[: printing.printed_columns(sheet)]
    printed = sum(widths)
    if expected.pages_wide > 1:
        first, last = _title_columns(ws)
        printed += (expected.pages_wide - 1) * sum(widths[first - 1 : last])
    assert printed / expected.pages_wide <= units / printing.MIN_SCALE
    if len(sheet.tables) == 1:
        header = ws.tables[sheet.tables[0]].ref.split(":")[0]
        row = "".join(ch for ch in header if ch.isdigit())
        assert ws.print_title_rows == f"${row}:${row}"  # the header repeats on every page


@pytest.mark.parametrize("sheet", [s for s in schema.SHEETS if s.print_key], ids=lambda s: s.name)
def test_a_sheet_printed_over_pages_repeats_the_columns_that_tell_its_rows_apart(
    example, sheet
) -> None:
    """Column A does not always say which row is which (Period on Results, Grouping on
    Equity): a sheet that declares its key repeats those columns on every page instead."""
    table, first, last = sheet.print_key
    assert table in sheet.tables
    ws = example[sheet.name]
    header = ws.tables[table].ref.split(":")[0]
    row = int("".join(ch for ch in header if ch.isdigit()))
    lo, hi = _title_columns(ws)
    repeated = [ws.cell(row=row, column=c).value for c in range(lo, hi + 1)]
    assert repeated[0] == first and repeated[-1] == last
    assert printing.layout_for(sheet).pages_wide > 1  # else nothing would be repeated


def test_print_area_covers_the_rows_in_use_not_the_blank_ones(example, example_data) -> None:
    ws = example["Nominations"]
    ((first, last),) = _areas(ws)
    assert first == 1 and last == int(example_data["Nominations"]["_row"].max())
    assert parse_ref(ws.tables["Nominations"].ref)[3] > last  # blank rows are left out
    judging = example["Judging"]
    tables = [parse_ref(judging.tables[t].ref) for t in schema.SHEET_BY_NAME["Judging"].tables]
    assert [end for _, end in _areas(judging)] == [t[3] for t in tables]


def test_wrapped_headers_and_long_text_get_rows_tall_enough(example) -> None:
    ws = example["Results"]
    header = parse_ref(ws.tables["Results"].ref)[1]
    assert ws.row_dimensions[header].height >= 2 * printing.LINE_PT  # "Nomination ID" wraps
    survey = example["Evaluation"]
    first = parse_ref(survey.tables["Survey"].ref)[1] + 1
    assert any(
        (survey.row_dimensions[r].height or 0) > printing.LINE_PT for r in range(first, first + 7)
    )
    # Figures and their headings line up on the same side.
    raw = schema.TABLE_BY_NAME["Results"].names.index("Raw score") + 1
    assert ws.cell(header, raw).alignment.horizontal == "right"
    assert ws.cell(header + 1, raw).alignment.horizontal == "right"


def test_writer_keeps_print_areas_and_row_heights_with_the_tables(example_copy) -> None:
    issues = pd.DataFrame(
        {"Severity": ["error"] * 3, "Code": ["x"] * 3, "Message": ["word " * 80] * 3}
    )
    panel = pd.DataFrame({"Judge": [f"J{i}" for i in range(40)], "Weighted score": 0.5})
    write_tool_tables(
        example_copy,
        {
            "Issues": issues,
            "Panel": panel,
            "JudgeStats": pd.DataFrame(),
            "Agreement": pd.DataFrame(),
        },
        backup=False,
        used_rows={"Nominations": 20},
    )
    wb = load_workbook(example_copy)
    ws = wb["Issues"]
    top = parse_ref(ws.tables["Issues"].ref)[1] + 1
    assert ws.row_dimensions[top].height > 3 * printing.LINE_PT  # 400 characters wrapped
    assert _areas(ws) == [(1, top + 2)]
    judging = wb["Judging"]
    ends = [parse_ref(judging.tables[t].ref)[3] for t in schema.SHEET_BY_NAME["Judging"].tables]
    assert [end for _, end in _areas(judging)] == ends
    assert _areas(wb["Nominations"]) == [(1, 20)]  # refreshed from the rows in use


def test_print_area_names_are_replaced_whatever_the_attribute_order() -> None:
    from automation.io.print_areas import set_print_areas

    xml = (
        '<workbook><sheets><sheet name="A &amp; B" sheetId="1"/><sheet name="C" sheetId="2"/>'
        '</sheets><definedNames><definedName localSheetId="0" name="_xlnm.Print_Area">'
        "old</definedName></definedNames></workbook>"
    )
    out = set_print_areas(xml, {"A & B": "'A & B'!$A$1:$B$2", "C": "'C'!$A$1:$C$3"})
    assert out.count("_xlnm.Print_Area") == 2 and "old" not in out
    assert "'A &amp; B'!$A$1:$B$2" in out


def test_a_name_defined_twice_in_one_scope_is_kept_once_the_first() -> None:
    from automation.io.upgrade import one_name_each

    xml = (
        "<workbook><definedNames>"
        '<definedName name="_xlnm.Print_Titles" localSheetId="2">S!$A:$A,S!$5:$5</definedName>'
        '<definedName localSheetId="2" name="_xlnm.Print_Titles">S!$5:$5,S!$A:$A</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="3">T!$5:$5</definedName>'
        '<definedName name="Judges">J!$A$1</definedName>'
        '<definedName name="JUDGES">J!$B$1</definedName>'
        '<definedName name="Judges" localSheetId="3">J!$C$1</definedName>'
        "</definedNames></workbook>"
    )
    out = one_name_each(xml)
    assert "S!$A:$A,S!$5:$5" in out and "S!$5:$5,S!$A:$A" not in out
    assert "T!$5:$5" in out  # the same name in another sheet's scope is another name
    assert "J!$A$1" in out and "J!$B$1" not in out  # Excel's names ignore case
    assert "J!$C$1" in out  # a sheet's own name beside the workbook's
    assert one_name_each(out) == out


def test_a_workbook_with_print_titles_defined_twice_is_written_with_them_once(example_copy):
    """LibreOffice saves a sheet's print titles twice when they repeat rows and columns; Excel
    would offer to repair the file the tool writes from it."""
    import re
    import zipfile

    from automation.pipeline import score_workbook
    from tests.support.package_edit import rewrite_parts

    def doubled(xml: bytes) -> bytes:
        return re.sub(
            rb'(<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">)([^<]*)(<)',
            rb'\1\3\4/definedName><definedName name="_xlnm.Print_Titles" localSheetId="\2">\3<',
            xml,
        )

    saved = rewrite_parts(
        example_copy, example_copy.with_name("saved.xlsx"), {"xl/workbook.xml": doubled}
    )

    def names(path) -> list[tuple[str, str]]:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml").decode()
        return re.findall(r'<definedName name="([^"]*)" localSheetId="(\d+)"', xml)

    assert len(names(saved)) > len(set(names(saved)))
    score_workbook(saved, write=True, backup=False)
    after = names(saved)
    assert len(after) == len(set(after))
    assert {n for n, _ in after} >= {"_xlnm.Print_Titles", "_xlnm.Print_Area"}
    titles = load_workbook(saved)["Criteria"].print_titles
    assert titles and "$5:$5" in titles


def test_team_columns_show_the_examples_longest_team_name_whole(example_data):
    # Team names do not wrap (a dropdown, or plain text on the tool's sheets): a column
    # narrower than the name prints it cut off ("Complaints Res").
    longest = max(len(str(t)) for t in example_data["Teams"]["Team"].dropna())
    for spec in schema.TABLES:
        for col in spec.columns:
            if col.name == "Team":
                assert printing.fits_header(col) >= longest, (spec.name, col.width)


def test_criterion_columns_show_the_examples_longest_criterion_whole(example_data):
    # A criterion's name does not wrap: "Outcome for the customer" printed "Outcome for the
    # custo" in a column of 20.
    longest = max(len(str(c)) for c in example_data["Criteria"]["Criterion"].dropna())
    for name in ("Criteria", "Scores", "ScoreHistory"):  # (elsewhere a unit criterion: 1.1)
        col = schema.TABLE_BY_NAME[name].column("Criterion")
        assert printing.fits_header(col) >= longest, (name, col.width)


def test_scoring_an_older_workbook_gives_its_printed_pages_the_key_columns(example_copy):
    """A workbook made before the sheets declared their key columns repeats column A; the
    sheets a save writes get the declared columns, and their repeated rows are kept."""
    import re
    import zipfile

    from automation.pipeline import score_workbook

    def titles(path) -> dict[str, str]:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', xml)
        found = re.findall(
            r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">([^<]*)<', xml
        )
        return {names[int(i)]: value for i, value in found}

    old = example_copy.with_name("old.xlsx")
    with zipfile.ZipFile(example_copy) as src, zipfile.ZipFile(old, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb"!\$[A-Z]+:\$[A-Z]+<", b"!$A:$A<", data)
            out.writestr(info, data)
    assert titles(old)["Results"] == "'Results'!$12:$12,'Results'!$A:$A"
    assert titles(old)["Issues"] == "'Issues'!$5:$5,'Issues'!$A:$A"
    score_workbook(old, write=True, backup=False)
    now = titles(old)
    assert now["Results"] == "'Results'!$12:$12,'Results'!$E:$F"  # the Results header repeats
    assert now["Evaluation"] == "'Evaluation'!$A:$B"
    assert now["Issues"] == "'Issues'!$5:$5,'Issues'!$C:$F"  # its header row still repeats
    assert now["Criteria"] == "'Criteria'!$5:$5,'Criteria'!$A:$A"  # not written: left alone


def test_the_table_beside_another_prints_with_it_after_a_save(example_copy):
    """JudgeProgress stands beside the Judges table: the Judges sheet prints it with the
    Judges table, once, as the builder sets it (a save cut it off the printout and added
    its rows again as a page of their own)."""
    import zipfile

    from automation.io.package import tables
    from automation.pipeline import score_workbook

    score_workbook(example_copy, write=True, backup=False)
    ws = load_workbook(example_copy)["Judges"]
    with zipfile.ZipFile(example_copy) as zf:
        found = tables(zf)
    spans = _area_refs(ws)
    progress = parse_ref(found["JudgeProgress"].ref)
    # The Judges area reaches JudgeProgress's last column; the tables below, their own.
    assert spans[0][2] == progress[2]
    assert [c2 for _, _, c2, _ in spans] == printing.area_columns(schema.SHEET_BY_NAME["Judges"])
    first = spans[0]
    assert first[1] <= progress[1] and progress[3] <= first[3]
    assert len(spans) == len(schema.SHEET_BY_NAME["Judges"].tables) - 1
    rows = [(r1, r2) for _, r1, _, r2 in spans]
    assert all(a[1] < b[0] for a, b in zip(rows, rows[1:], strict=False))  # none overlap
    assert printing.layout_for(schema.SHEET_BY_NAME["Judges"]).landscape


@pytest.mark.parametrize("sheet", ["Criteria", "Issues"])
def test_helper_columns_at_a_tables_end_are_left_off_the_printout(example, example_copy, sheet):
    """A lookup key for formulas (Criteria's Key, Issues' Key) only repeats what its row
    shows: the print area ends before it, as the builder sets it and after a save."""
    from automation.pipeline import score_workbook

    spec = schema.TABLE_BY_NAME[sheet]
    assert spec.columns[-1].name == "Key" and not spec.columns[-1].printed
    assert {ref[2] for ref in _area_refs(example[sheet])} == {len(spec.columns) - 1}
    score_workbook(example_copy, write=True, backup=False)
    ws = load_workbook(example_copy)[sheet]
    assert {ref[2] for ref in _area_refs(ws)} == {len(spec.columns) - 1}


def test_why_each_winner_won_prints_its_explanations_whole(example_copy):
    """The winners' explanations are sentences of 100 to 200 characters: they wrap in rows
    tall enough to show them (they printed cut off at the column's edge)."""
    from automation.pipeline import score_workbook

    score_workbook(example_copy, write=True, backup=False)
    ws = load_workbook(example_copy)["Results"]
    _, header, _, last = parse_ref(ws.tables["WinnersExplained"].ref)
    names = [c.value for c in ws[header]]
    column = names.index("By judge, with leniency") + 1
    for row in range(header + 1, last + 1):
        cell = ws.cell(row=row, column=column)
        assert cell.alignment.wrap_text
        lines = printing.wrapped_lines(
            str(cell.value), printing.column_widths(schema.SHEET_BY_NAME["Results"])[column - 1]
        )
        assert lines > 1 and ws.row_dimensions[row].height >= printing.row_height(lines)


def _table_ends(ws) -> dict[str, int]:
    """Each table's last row holding a value (its header row when it holds none)."""
    ends = {}
    for name, ref in ws.tables.items():
        c1, header, c2, last = parse_ref(ref)
        ends[name] = max(
            [r for r in range(header + 1, last + 1) if ws.cell(r, c1).value is not None],
            default=header,
        )
    return ends


def test_assigning_judges_prints_every_assignment(example_copy) -> None:
    """The Judges sheet printed its empty Assignments table's header and one row after
    `awards assign` had written 184 assignments below it."""
    from automation.judging.jobs import assign_workbook

    assign_workbook(example_copy)
    ws = load_workbook(example_copy)["Judges"]
    end = _table_ends(ws)["Assignments"]
    assert end > parse_ref(ws.tables["Assignments"].ref)[1] + 100
    assert max(last for _, last in _areas(ws)) == end


def test_a_new_period_prints_the_history_it_moved_and_not_the_rows_it_emptied(
    example_copy,
) -> None:
    """History sheets printed only their headers after `awards new-period` had moved the
    period's nominations, scores and results into them, and Nominations and Scores printed
    hundreds of rows it had emptied."""
    from automation.period_job import new_period_workbook

    new_period_workbook(example_copy, "Q4 2026", force=True)
    wb = load_workbook(example_copy)
    for sheet in ("Nomination history", "Score history", "Result history", "Audit log"):
        ((_, last),) = _areas(wb[sheet])
        (end,) = _table_ends(wb[sheet]).values()
        assert last == end > 6, sheet
    for sheet, table in (("Nominations", "Nominations"), ("Scores", "Scores")):
        ((_, last),) = _areas(wb[sheet])
        header = parse_ref(wb[sheet].tables[table].ref)[1]
        assert _table_ends(wb[sheet])[table] == header  # emptied for the new period
        assert last == header + 1, sheet


def test_the_last_row_in_use_counts_typed_values_in_input_columns_only() -> None:
    """Formula cells (the lookups every blank Scores row carries, with the empty values a
    LibreOffice save caches) and rows past the table do not count; a typed 0 does."""
    from automation.io.package import TableInfo
    from automation.io.print_areas import last_used_row

    spec = schema.TABLE_BY_NAME["Scores"]
    headers = tuple(spec.names)
    info = TableInfo(
        name="Scores", sheet="Scores", part="", sheet_part="", ref="A5:J9", columns=headers
    )

    def row(n: int, *cells: str) -> str:
        return f'<row r="{n}">{"".join(cells)}</row>'

    lookup = '<c r="F{n}" t="str"><f>IFERROR(1,"")</f><v></v></c>'
    xml = (
        "<worksheet><sheetData>"
        + row(5, '<c r="A5" t="inlineStr"><is><t>Judge</t></is></c>')
        + row(6, '<c r="A6" t="inlineStr"><is><t>Ann</t></is></c>', '<c r="D6"><v>0</v></c>')
        + row(7, '<c r="D7"><v>0</v></c>')
        + row(
            8, lookup.format(n=8), '<c r="A8" s="3"/>', '<c r="E8" t="inlineStr"><is><t/></is></c>'
        )
        + row(9, lookup.format(n=9))
        + row(12, '<c r="A12" t="inlineStr"><is><t>below the table</t></is></c>')
        + "</sheetData></worksheet>"
    )
    assert last_used_row(xml, info) == 7
    assert last_used_row(xml.replace(row(7, '<c r="D7"><v>0</v></c>'), ""), info) == 6
    assert last_used_row("<worksheet><sheetData/></worksheet>", info) == 5


def test_an_import_prints_the_nominations_it_added(example_copy) -> None:
    """A forms import appends nominations below the last one: the Nominations sheet prints
    down to the newest, and the Audit log to its new entry."""
    from pathlib import Path

    from automation.import_job import import_workbook

    forms = Path(__file__).parent / "fixtures" / "forms" / "google_forms_export.csv"
    before = _table_ends(load_workbook(example_copy)["Nominations"])["Nominations"]
    out = import_workbook(example_copy, forms)
    wb = load_workbook(example_copy)
    end = _table_ends(wb["Nominations"])["Nominations"]
    assert end == before + len(out.plan.added) and len(out.plan.added) == 3
    for sheet in ("Nominations", "Audit log"):
        ((_, last),) = _areas(wb[sheet])
        (table_end,) = [e for t, e in _table_ends(wb[sheet]).items()]
        assert last == table_end, sheet


def test_every_page_is_numbered_and_names_its_sheet_and_file(example, example_copy) -> None:
    for ws in example.worksheets:
        footer = ws.oddFooter
        assert (footer.left.text, footer.center.text, footer.right.text) == (
            "&A",
            "&F",
            "Page &P of &N",
        ), ws.title
        # The halves of a wide table's rows are printed one after the other.
        assert ws.page_setup.pageOrder == "overThenDown", ws.title
        assert ws.page_margins.footer < ws.page_margins.bottom, ws.title
    # Rewriting a tool sheet keeps its footer.
    write_tool_tables(
        example_copy, {"Issues": pd.DataFrame({"Severity": ["error"], "Code": ["x"]})}, backup=False
    )
    ws = load_workbook(example_copy)["Issues"]
    assert ws.oddFooter.right.text == "Page &P of &N" and ws.page_setup.pageOrder == "overThenDown"


def test_each_table_prints_as_wide_as_itself_not_as_the_widest_on_its_sheet(example) -> None:
    """Programme holds a 3-column Rationale above an 11-column Objectives table: printed to
    the Objectives' width, the Rationale ran onto a second page holding only its first
    column again."""
    ws = example["Programme"]
    sheet = schema.SHEET_BY_NAME["Programme"]
    widths = [c2 for _, _, c2, _ in _area_refs(ws)]
    assert widths == [len(schema.TABLE_BY_NAME[t].columns) for t in sheet.tables]
    assert widths[0] < widths[-1]


def test_the_results_header_repeats_on_its_pages_and_follows_the_table_down(
    example, example_copy
) -> None:
    """Results holds the winners' explanations above the long Results table: that table's
    header repeats on its printed pages (on the pages after it, so not above the
    explanations), and moves with it when more winners push it down."""

    def header_row(ws) -> int:
        return parse_ref(ws.tables["Results"].ref)[1]

    ws = example["Results"]
    assert ws.print_title_rows == f"${header_row(ws)}:${header_row(ws)}"
    explained = pd.DataFrame({"Period": ["Q3 2026"] * 9, "Category": [f"C{i}" for i in range(9)]})
    results = pd.DataFrame({"Period": ["Q3 2026"] * 3, "Nomination ID": ["N-1", "N-2", "N-3"]})
    write_tool_tables(
        example_copy, {"WinnersExplained": explained, "Results": results}, backup=False
    )
    moved = load_workbook(example_copy)["Results"]
    assert header_row(moved) > header_row(ws)
    assert moved.print_title_rows == f"${header_row(moved)}:${header_row(moved)}"
    assert moved.print_title_cols == ws.print_title_cols  # the key columns are kept
    # Sheets of several tables without a repeating table repeat no rows.
    assert example["Evaluation"].print_title_rows is None
    # Judging's long Panel comes last, after the judges' summaries, and its header repeats.
    judging = example["Judging"]
    row = parse_ref(judging.tables["Panel"].ref)[1]
    assert judging.print_title_rows == f"${row}:${row}"


def test_an_older_workbooks_results_titles_gain_the_header_row() -> None:
    from automation.io.print_areas import set_title_columns

    workbook_xml = (
        '<workbook><sheets><sheet name="Start"/><sheet name="Results"/></sheets><definedNames>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="1">\'Results\'!$E:$F'
        "</definedName></definedNames></workbook>"
    )
    area = "'Results'!$A$1:$N$8,'Results'!$A$11:$U$72"
    out = set_title_columns(workbook_xml, ["Results"], {"Results": area})
    assert "'Results'!$E:$F,'Results'!$12:$12</definedName>" in out
    # Without a new print area for the sheet, nothing is guessed.
    assert set_title_columns(workbook_xml, ["Results"], {}).count("$12:$12") == 0


def test_scores_that_rank_show_two_decimals_so_a_close_winner_is_seen_ahead(example) -> None:
    """At one decimal the example's winner (92.63% adjusted) and runner-up (92.59%) both read
    92.6%, one ranked above the other for no reason a reader could see."""
    ws = example["Results"]
    first = ws[ws.tables["Results"].ref.split(":")[0]].row
    header = [c.value for c in ws[first]]
    for name in ("Raw score", "Normalised score", "Adjusted score", "Excel raw score"):
        cell = ws.cell(row=first + 1, column=header.index(name) + 1)
        assert cell.number_format == "0.00%", name
    judge = example["Judging"]
    header = [c.value for c in judge[judge[judge.tables["Panel"].ref.split(":")[0]].row]]
    panel_first = judge[judge.tables["Panel"].ref.split(":")[0]].row
    cell = judge.cell(row=panel_first + 1, column=header.index("Weighted score") + 1)
    assert cell.number_format == "0.0%"  # a judge's own score: one decimal is enough


def test_header_notes_say_something_and_their_boxes_fit_their_text(built_example, example_copy):
    """A note on a tool table's header that only repeated the header ("Period") was clutter,
    and every box was 260 x 90 pixels, whatever its text: one line sat in a box for six, and
    a long help text ran past the bottom."""
    import re
    import zipfile

    from automation.build import layout
    from automation.pipeline import score_workbook

    def notes_and_boxes(path):
        wb = load_workbook(path)
        notes = {}  # (sheet, cell) -> (header, note)
        for ws in wb.worksheets:
            for table in ws.tables.values():
                top = ws[table.ref.split(":")[0]]
                for cell in ws[top.row][top.column - 1 :]:
                    if cell.comment is not None:
                        notes[(ws.title, cell.coordinate)] = (cell.value, cell.comment.text)
        with zipfile.ZipFile(path) as zf:
            boxes = [
                (int(w), int(h))
                for n in zf.namelist()
                if n.endswith(".vml")
                for w, h in re.findall(r"width:(\d+)px;height:(\d+)px", zf.read(n).decode())
            ]
        return notes, boxes

    # Built, then written by the tool (which lays the notes of its sheets out afresh).
    score_workbook(example_copy, write=True, backup=False)
    for path in (built_example, example_copy):
        notes, boxes = notes_and_boxes(path)
        on_results = {header for (sheet, _), (header, _) in notes.items() if sheet == "Results"}
        assert "Period" not in on_results  # no help: no note
        assert "Raw score" in on_results
        assert all(text.strip() != header for header, text in notes.values())
        assert sorted(boxes) == sorted(layout.note_size(text) for _, text in notes.values())
        heights = {h for _, h in boxes}
        assert len(heights) > 3 and max(heights) > 90 and min(heights) < 60
