"""The reader copes with what users do to tables, and reports what it cannot use."""

from __future__ import annotations

import pandas as pd
import pytest

from automation.errors import UserError
from automation.io.read import read_workbook
from tests.support.edit import delete_table, rewrite_table, table_rows


def test_reads_every_table_of_the_example(example_data, example_content):
    tables, settings = example_content
    for name, rows in tables.items():
        assert len(example_data[name]) == len(rows), name
    assert example_data.setting("organisation") == settings["organisation"]
    assert example_data.setting("smtp_port") == 587
    assert example_data.setting("smtp_starttls") is True
    assert example_data.problems == []


def test_types_are_parsed(example_data):
    noms = example_data["Nominations"]
    assert pd.api.types.is_datetime64_any_dtype(noms["Received"])
    assert noms["Calibration"].dtype == "boolean"
    assert example_data["Scores"]["Score"].dtype == float
    crit = example_data["Criteria"]
    assert crit.groupby("Category")["Weight"].sum().round(6).eq(1).all()


def test_excel_row_numbers_point_at_the_cells(example_copy, example_data):
    header, rows = table_rows(example_copy, "Nominations")
    place = example_data.place("Nominations")
    first = example_data["Nominations"].iloc[0]
    assert first["_row"] == place.header_row + 1
    assert first["ID"] == rows[0][header.index("ID")]


def test_messy_table_reordered_blank_rows_extra_column_spaces_text_dates(example_copy):
    header, rows = table_rows(example_copy, "Nominations")
    rows = [r for r in rows if any(v is not None for v in r)][:5]
    order = list(reversed(range(len(header))))
    new_header = [header[i] for i in order] + ["My notes"]
    new_rows = []
    for r in rows:
        r = list(r)
        r[header.index("Nominee")] = f"  {r[header.index('Nominee')]}   "
        new_rows.append([r[i] for i in order] + ["private"])
    new_rows[1][new_header.index("Received")] = "03/08/2026"  # UK date typed as text
    new_rows[2][new_header.index("Received")] = "2026-08-04"
    new_rows.insert(2, [None] * len(new_header))  # blank row in the middle
    new_rows[0][new_header.index("Consent to publish")] = "Yes "
    rewrite_table(example_copy, "Nominations", new_header, new_rows)

    data = read_workbook(example_copy)
    noms = data["Nominations"]
    assert len(noms) == 5
    assert not noms["Nominee"].str.contains(r"^\s|\s$").any()
    assert noms["Received"].iloc[1] == pd.Timestamp(2026, 8, 3)
    assert noms["Received"].iloc[2] == pd.Timestamp(2026, 8, 4)
    assert bool(noms["Consent to publish"].iloc[0]) is True
    # rows keep their real Excel row numbers even after the blank row
    assert list(noms["_row"]) == [6, 7, 9, 10, 11]
    codes = [(p.code, p.value) for p in data.problems]
    assert ("unknown-column", "My notes") in codes
    assert data.place("Nominations").columns["ID"] != "A"  # moved, and we know where


def test_missing_column_and_table_are_problems_not_crashes(example_copy):
    header, rows = table_rows(example_copy, "Judges")
    keep = [i for i, h in enumerate(header) if h != "Email"]
    rewrite_table(
        example_copy, "Judges", [header[i] for i in keep], [[r[i] for i in keep] for r in rows]
    )
    delete_table(example_copy, "Comms")
    data = read_workbook(example_copy)
    found = {(p.code, p.sheet) for p in data.problems}
    assert ("column-missing", "Judges") in found
    assert ("table-missing", "Comms") in found
    assert "Email" in data["Judges"].columns and data["Judges"]["Email"].isna().all()
    assert data["Comms"].empty


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("four", "not-a-number"),
        ("31/02/2026", "not-a-date"),
        ("maybe", "not-yes-no"),
    ],
)
def test_unreadable_cells_are_reported_with_their_cell(example_copy, value, code):
    header, rows = table_rows(example_copy, "Nominations")
    col = {"not-a-number": None, "not-a-date": "Received", "not-yes-no": "Calibration"}[code]
    table = "Nominations"
    if col is None:
        header, rows = table_rows(example_copy, "Scores")
        table, col = "Scores", "Score"
    rows[0][header.index(col)] = value
    rewrite_table(example_copy, table, header, rows)
    data = read_workbook(example_copy)
    hits = [p for p in data.problems if p.code == code]
    assert len(hits) == 1
    assert hits[0].value == value and hits[0].row == data.place(table).header_row + 1
    assert hits[0].cell.endswith(str(hits[0].row))


def test_percent_written_as_whole_number_is_understood(example_copy):
    header, rows = table_rows(example_copy, "Criteria")
    rows[0][header.index("Weight")] = "30%"
    rows[1][header.index("Weight")] = 20
    rewrite_table(example_copy, "Criteria", header, rows)
    w = read_workbook(example_copy)["Criteria"]["Weight"]
    assert w.iloc[0] == pytest.approx(0.30) and w.iloc[1] == pytest.approx(0.20)


@pytest.mark.parametrize("name", ["nothing.xlsx", "notes.txt", "broken.xlsx"])
def test_bad_files_are_user_errors(tmp_path, name):
    path = tmp_path / name
    if name != "nothing.xlsx":
        path.write_text("not a workbook")
    with pytest.raises(UserError):
        read_workbook(path)


def test_dates_from_excel_serials_and_uk_text():
    from automation.parse import parse_date

    out = parse_date(pd.Series(["46282", "5/11/2026", "2026-11-05 00:00:00", None]))
    assert list(out[:3]) == [
        pd.Timestamp(2026, 9, 17),
        pd.Timestamp(2026, 11, 5),
        pd.Timestamp(2026, 11, 5),
    ]
    assert pd.isna(out.iloc[3])


def _same(expected, got) -> bool:
    import datetime as dt

    if expected is None or (isinstance(expected, str) and not expected.strip()):
        return (
            got is None
            or got is pd.NA
            or (isinstance(got, float) and got != got)
            or (got is pd.NaT)
        )
    if isinstance(expected, str) and expected in ("yes", "no") and not isinstance(got, str):
        return bool(got) is (expected == "yes")
    if isinstance(expected, dt.date):
        return pd.Timestamp(got) == pd.Timestamp(expected)
    if isinstance(expected, int | float):
        return got == pytest.approx(expected)
    return str(got) == str(expected).strip()


def test_schema_round_trip_every_value_of_the_example(example_data, example_content):
    """What the builder writes is what the reader gives back, cell for cell."""
    from automation import schema

    tables, _ = example_content
    for name, rows in tables.items():
        frame = example_data[name]
        inputs = [c.name for c in schema.TABLE_BY_NAME[name].input_columns]
        for i, row in enumerate(rows):
            for column in inputs:
                expected, got = row.get(column), frame.iloc[i][column]
                assert _same(expected, got), (name, i, column, expected, got)


def test_an_exact_duplicate_header_is_reported_with_its_cell(example_copy):
    """Two columns both headed 'Nominee': reported like a case-only duplicate (the reader
    would otherwise rename the second one and read the workbook as if nothing were wrong)."""
    from openpyxl import load_workbook

    wb = load_workbook(example_copy)
    ws = wb["Nominations"]
    t = ws.tables["Nominations"]
    first = ws[t.ref.split(":")[0]]
    header, _ = table_rows(example_copy, "Nominations")
    dup = ws.cell(first.row, first.column + header.index("Nominator contact"))
    dup.value = "Nominee"
    t.tableColumns[header.index("Nominator contact")].name = "Nominee"
    wb.save(example_copy)
    data = read_workbook(example_copy)
    found = [p for p in data.problems if p.code == "duplicate-column"]
    assert [(p.sheet, p.row, p.column, p.cell) for p in found] == [
        ("Nominations", first.row, "Nominee", dup.coordinate)
    ]
    # The first 'Nominee' column is the one read.
    assert data["Nominations"]["Nominee"].notna().all()
