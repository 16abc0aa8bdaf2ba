"""Writing tool sheets: only they change, the save is atomic, a backup is kept."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import pandas as pd
import pytest

from automation import schema
from automation.errors import UserError
from automation.io import write as write_mod
from automation.io.package import open_package, sheet_parts, tables
from automation.io.read import read_workbook
from automation.io.write import write_tool_tables


def _parts(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _tool_parts(path):
    with open_package(path) as zf:
        parts = sheet_parts(zf)
        owned = {parts[s] for s in ("Results", "Judging", "Issues", "Audit log")}
        owned |= {
            t.part
            for t in tables(zf).values()
            if t.sheet in ("Results", "Judging", "Issues", "Audit log")
        }
    return owned | {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/calcChain.xml",
    }


ISSUES = pd.DataFrame(
    [
        {
            "Severity": "error",
            "Code": "x-code",
            "Sheet": "Nominations",
            "Row": 7,
            "Column": "Nominee",
            "Cell": "D7",
            "Value": "<Ann & Bob>",
            "Message": "m",
            "How to fix": "h",
            "Key": "Nominations!D7",
        }
    ]
)


def test_only_tool_parts_change_and_values_round_trip(example_copy):
    before = _parts(example_copy)
    owned = _tool_parts(example_copy)
    result = write_tool_tables(example_copy, {"Issues": ISSUES}, now=dt.datetime(2026, 1, 2))
    after = _parts(example_copy)
    for name, data in before.items():
        if name not in owned:
            assert after[name] == data, f"{name} changed"
    data = read_workbook(example_copy)
    assert data["Issues"]["Value"].tolist() == ["<Ann & Bob>"]
    assert data["Issues"]["Row"].tolist() == [7]
    assert result.backup is not None and result.backup.exists()
    assert len(read_workbook(result.backup)["Issues"]) == 4  # the backup is the old file
    assert data.problems == []


def test_stacked_tables_move_down_when_the_first_grows(example_copy):
    assert schema.SHEET_BY_NAME["Judging"].tables[0] == "JudgeStats"
    stats = pd.DataFrame({"Judge": [f"J{i}" for i in range(300)], "Scored": 3})
    panel = pd.DataFrame({"Judge": ["A", "B"], "Weighted score": 0.5})
    agreement = pd.DataFrame({"Category": ["C"], "Scope": ["whole category"], "Alpha": [0.9]})
    write_tool_tables(
        example_copy, {"Panel": panel, "JudgeStats": stats, "Agreement": agreement}, backup=False
    )
    data = read_workbook(example_copy)
    assert len(data["JudgeStats"]) == 300
    assert data["Panel"]["Judge"].tolist() == ["A", "B"]
    assert data["Agreement"]["Alpha"].tolist() == [0.9]
    assert data.place("Agreement").header_row > data["JudgeStats"]["_row"].max()
    assert data.place("Panel").header_row > data.place("Agreement").header_row
    # The header notes go with their tables; none is left behind on JudgeStats' data cells.
    from openpyxl import load_workbook

    ws = load_workbook(example_copy)["Judging"]
    noted = {c.coordinate for row in ws.iter_rows() for c in row if c.comment}
    headers = {ws.tables[t].ref.split(":")[0][1:] for t in schema.SHEET_BY_NAME["Judging"].tables}
    assert {"".join(ch for ch in cell if ch.isdigit()) for cell in noted} == headers
    assert ws[f"B{data.place('Agreement').header_row}"].comment.text.startswith("A criterion")
    # A column without help has no note that would only repeat its header.
    assert ws[f"A{data.place('Agreement').header_row}"].comment is None


def test_calc_chain_dropped_and_full_calc_on_load(example_copy):
    write_tool_tables(example_copy, {"Issues": ISSUES}, backup=False)
    parts = _parts(example_copy)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["[Content_Types].xml"]
    assert b'fullCalcOnLoad="1"' in parts["xl/workbook.xml"]


def test_failed_write_keeps_the_original(example_copy, monkeypatch):
    original = example_copy.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(write_mod.zipfile.ZipFile, "writestr", boom)
    with pytest.raises(UserError, match="Nothing was changed"):  # a message, not OSError
        write_tool_tables(example_copy, {"Issues": ISSUES})
    assert example_copy.read_bytes() == original
    assert not [p for p in example_copy.parent.iterdir() if p.suffix == ".tmp"]


def test_refuses_when_open_in_excel(example_copy):
    (example_copy.parent / f"~${example_copy.name}").write_text("owner")
    with pytest.raises(UserError, match="open in Excel"):
        write_tool_tables(example_copy, {"Issues": ISSUES})


def test_write_to_a_copy_leaves_the_source_alone(example_copy, tmp_path):
    original = example_copy.read_bytes()
    dest = tmp_path / "out" / "copy.xlsx"
    result = write_tool_tables(example_copy, {"Issues": ISSUES}, dest=dest)
    assert example_copy.read_bytes() == original
    assert result.backup is None
    assert len(read_workbook(dest)["Issues"]) == 1


def test_backups_are_pruned(example_copy):
    for i in range(write_mod.BACKUPS_KEPT + 3):
        write_tool_tables(example_copy, {"Issues": ISSUES}, now=dt.datetime(2026, 1, 1, 0, 0, i))
    backups = list((example_copy.parent / "backups").iterdir())
    assert len(backups) == write_mod.BACKUPS_KEPT


def test_two_writes_in_the_same_second_keep_both_backups(example_copy):
    """Backups are named to the second: the second write must not replace the first one's
    backup, the only copy of the workbook as it was between the two."""
    same = dt.datetime(2026, 1, 1, 9, 0, 0)
    versions = []
    for i in range(3):
        versions.append(example_copy.read_bytes())
        frame = ISSUES.assign(Message=f"write {i}")
        write_tool_tables(example_copy, {"Issues": frame}, now=same)
    folder = example_copy.parent / "backups"
    names = sorted(f.name for f in folder.iterdir())
    stem = f"{example_copy.stem} 2026-01-01 090000"
    assert names == [f"{stem}-2.xlsx", f"{stem}-3.xlsx", f"{stem}.xlsx"]
    kept = {(folder / n).read_bytes() for n in names}
    assert kept == set(versions)  # every version before each write is kept
    # Pruning counts them with the others, oldest first.
    for i in range(write_mod.BACKUPS_KEPT):
        write_tool_tables(example_copy, {"Issues": ISSUES}, now=dt.datetime(2026, 1, 2, 0, 0, i))
    left = {f.name for f in folder.iterdir()}
    assert len(left) == write_mod.BACKUPS_KEPT and not any("2026-01-01" in n for n in left)


def test_a_missing_tool_table_is_added_back(example_copy):
    # Older workbooks lack tool tables this version writes (the Tool data sheet, the D17
    # requirements); one a user deleted is put back the same way.
    from tests.support.edit import delete_table

    delete_table(example_copy, "Issues")
    write_tool_tables(example_copy, {"Issues": ISSUES}, backup=False)
    back = read_workbook(example_copy)
    assert back["Issues"]["Code"].tolist() == ["x-code"]
    assert back.places["Issues"].sheet == "Issues" and back.places["Issues"].header_row == 5


def test_illegal_xml_characters_are_dropped(example_copy):
    frame = ISSUES.assign(Message="bell\x07 and tab\tkept")
    write_tool_tables(example_copy, {"Issues": frame}, backup=False)
    assert read_workbook(example_copy)["Issues"]["Message"].tolist() == ["bell and tab\tkept"]
    assert os.path.exists(example_copy)


def test_unchanged_parts_are_copied_compressed_and_the_package_is_sound(example_copy, tmp_path):
    from openpyxl import load_workbook

    dest = tmp_path / "copy.xlsx"
    write_tool_tables(example_copy, {"Issues": ISSUES}, dest=dest)
    with zipfile.ZipFile(example_copy) as a, zipfile.ZipFile(dest) as b:
        assert b.testzip() is None  # every CRC checks out
        scores = next(
            i for i in a.infolist() if i.file_size == max(x.file_size for x in a.infolist())
        )
        copied = b.getinfo(scores.filename)
        assert (copied.CRC, copied.compress_size) == (scores.CRC, scores.compress_size)
    load_workbook(dest)  # openpyxl opens it too


def test_a_tool_table_from_an_older_layout_gets_the_schemas_columns(example_copy, tmp_path):
    """A workbook made before a tool column was added: the writer writes the schema's columns
    into the table definition too, so header cells and table columns agree (else Excel repairs)."""
    import re

    with open_package(example_copy) as zf:
        part = tables(zf)["Results"].part
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = parts[part].decode()
    xml = re.sub(r'<tableColumn id="\d+" name="Citation"\s*/>', "", xml)
    xml = re.sub(r'tableColumns count="\d+"', 'tableColumns count="20"', xml)
    parts[part] = xml.encode()
    older = tmp_path / "older.xlsx"
    with zipfile.ZipFile(older, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    from automation import schema
    from automation.scoring import score
    from automation.tables import results_tables

    data = read_workbook(older)
    write_tool_tables(older, results_tables(score(data), data), backup=False)
    with open_package(older) as zf:
        info = tables(zf)["Results"]
    assert info.columns == schema.TABLE_BY_NAME["Results"].names


def test_a_big_part_is_deflated_fast_and_reads_back_the_same(example_copy, tmp_path, monkeypatch):
    """Parts above BIG_PART go through the fast deflater in pieces; the package must be sound
    and hold exactly the XML the ordinary path writes."""
    small = tmp_path / "small.xlsx"
    big = tmp_path / "big.xlsx"
    panel = pd.DataFrame({"Judge": [f"J{i} & <co>" for i in range(500)], "Weighted score": 0.5})
    write_tool_tables(example_copy, {"Panel": panel}, dest=small, now=dt.datetime(2026, 1, 2))
    monkeypatch.setattr(write_mod, "BIG_PART", 1000)
    write_tool_tables(example_copy, {"Panel": panel}, dest=big, now=dt.datetime(2026, 1, 2))
    with zipfile.ZipFile(small) as a, zipfile.ZipFile(big) as b:
        assert b.testzip() is None
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
        sheet = sheet_parts(b)["Judging"]
        assert b.getinfo(sheet).compress_size < b.getinfo(sheet).file_size
    assert len(read_workbook(big)["Panel"]) == 500


@pytest.mark.parametrize(
    "xml",
    [
        '<sheetData><row r="1"/><row r="2"><c r="A2"><v>1</v></c></row></sheetData>',
        '<sheetData><row r="1" ht="26"><c r="A1"><v>1</v></c></row><row r="2"/></sheetData>',
        '<sheetData><row r="1"><c r="A1" s="3"/></row><row r="3" spans="1:2"/></sheetData>',
        '<sheetData><row r="12"><c r="A12"><v>1</v></c></row><row r="1"/></sheetData>',
    ],
)
def test_a_row_is_cut_out_as_before(xml):
    def old(xml, row):
        start = xml.find(f'<row r="{row}"')
        if start < 0:
            return ""
        end = xml.find("</row>", start)
        close = xml.find("/>", start)
        gt = xml.find(">", start)
        if close >= 0 and close < gt + 1 and (end < 0 or close < end):
            return xml[start : close + 2]
        return xml[start : end + 6]

    for row in (1, 2, 3, 12, 13):
        assert write_mod._row_xml(xml, row) == old(xml, row)


def test_a_long_table_written_in_slices_of_rows_is_the_same_xml(example_data, monkeypatch):
    """Tool tables are turned into XML a slice of rows at a time (``ROWS_AT_ONCE``): slices
    of 7 rows give exactly the XML of one go, for every result table of the example."""
    from automation.build import printing
    from automation.scoring import score
    from automation.tables import results_tables

    frames = results_tables(score(example_data), example_data)
    long = {name: frame for name, frame in frames.items() if len(frame) > 7}
    assert {"Panel", "Results"} <= set(long)
    wrapped = [
        name
        for name in long
        if any(c.type in printing.WRAPPED for c in schema.TABLE_BY_NAME[name].columns)
    ]
    assert wrapped  # row heights for wrapped text are worked out per slice too

    def xml(name: str) -> tuple[bytes, str]:
        spec = schema.TABLE_BY_NAME[name]
        n = len(spec.columns)
        styles = write_mod._TableStyles(
            "1", dict.fromkeys(range(n), "2"), dict.fromkeys(range(n), "3")
        )
        chunks, ref = write_mod._table_rows_xml(spec, long[name], 4, styles)
        return b"".join(bytes(c) for c in chunks), ref

    whole = {name: xml(name) for name in long}
    monkeypatch.setattr(write_mod, "ROWS_AT_ONCE", 7)
    for name in long:
        assert xml(name) == whole[name], name


def test_a_tool_table_on_a_user_sheet_is_patched_in_the_same_save(example_copy, tmp_path):
    """Equity (on the Evaluation sheet, beside the user's tables) is written with the tool
    sheets in one save; the sheet's print area covers its new rows and the Participation
    table it pushed down."""
    import re

    from automation.pipeline import used_rows

    data = read_workbook(example_copy)
    spec = schema.TABLE_BY_NAME["Equity"]
    equity = data["Equity"][[c.name for c in spec.input_columns]]
    longer = pd.concat([equity] * 3, ignore_index=True)
    before = tables(zipfile.ZipFile(example_copy))
    issues = pd.DataFrame(columns=[c.name for c in schema.TABLE_BY_NAME["Issues"].columns])
    dest = tmp_path / "out.xlsx"
    w = write_tool_tables(
        example_copy, {"Issues": issues, "Equity": longer}, dest=dest, used_rows=used_rows(data)
    )
    assert w.rows["Equity"] == len(longer) and w.backup is None
    after = tables(zipfile.ZipFile(dest))
    grown = 2 * len(equity)
    assert after["Equity"].last_row == before["Equity"].last_row + grown
    assert after["Participation"].header_row == before["Participation"].header_row + grown
    again = read_workbook(dest)
    assert len(again["Equity"]) == len(longer)
    assert again["Participation"]["Measure"].tolist() == data["Participation"]["Measure"].tolist()
    with zipfile.ZipFile(dest) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    area = re.search(r"<definedName[^>]*>('Evaluation'![^<]*)</definedName>", workbook).group(1)
    last_rows = [int(m) for m in re.findall(r":\$[A-Z]+\$(\d+)", area)]
    assert after["Equity"].last_row in last_rows
    assert max(last_rows) == after["Participation"].last_row


def test_an_empty_text_is_written_as_a_blank_cell(example_copy):
    """No empty inline strings: openpyxl saves one again as a bare inlineStr cell (the
    assessor's copy), which the Open XML checks note."""
    from automation.io.sheet_xml import cell

    # Both writers: the column one (one kind of value) and the cell one (mixed values).
    frame = pd.concat([ISSUES.assign(Value=""), ISSUES.assign(Value="kept", Row=8)])
    mixed = pd.concat([ISSUES.assign(Message=""), ISSUES.assign(Message=3, Row=8)])
    for issues in (frame, mixed):
        write_tool_tables(example_copy, {"Issues": issues}, backup=False)
        with open_package(example_copy) as zf:
            xml = zf.read(sheet_parts(zf)["Issues"]).decode()
        assert "<is><t></t></is>" not in xml and "<t/>" not in xml
        back = read_workbook(example_copy)["Issues"]
        assert len(back) == 2 and back[["Value", "Message"]].iloc[0].isna().any()
    assert cell("A1", "", "3") == '<c r="A1" s="3"/>' and cell("A1", "", None) == ""
