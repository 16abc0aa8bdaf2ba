"""Read a programme workbook into ProgrammeData.

Tables are read by name with fastexcel (a Rust reader that hands columns to Arrow), which is
an order of magnitude faster than openpyxl on a long Scores sheet. Every cell arrives as text
and is parsed by the schema's type in ``automation.parse``, vectorised, so the same rules
apply whether a date was typed as a date or as text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from automation import schema
from automation.io.package import open_package
from automation.io.package import tables as package_tables
from automation.io.salvage import reader_guard
from automation.issues import ERROR, WARNING, Issue, column_letter
from automation.model import ROW, ProgrammeData, TablePlace, empty_table
from automation.parse import EMAIL_ADDRESS, blank_rows, clean_text, missing_column, parse_column


@dataclass
class RawTable:
    """One table as found: its headers and raw cell values, before any parsing."""

    name: str
    sheet: str
    header_row: int
    first_col: int
    headers: list[str]
    frame: pd.DataFrame  # columns are the headers as written; values raw
    problem: str | None = None  # the table is damaged and was not read (see package.py)


# Input tables added after the first release: a workbook made earlier lacks them, which is
# worth a warning (copy the sheet from a fresh template to use them), not an error.
NEWER_TABLES = ("Appeals",)

# Tables whose extra columns (added by the manager) are read too: Staff's become equity
# groupings when the "Equity groups" setting names them.
EXTRA_COLUMNS = ("Staff",)


def _norm(header: object) -> str:
    return re.sub(r"\s+", " ", str(header or "")).strip().casefold()


def load_raw_tables(path: Path) -> dict[str, RawTable]:
    """Every schema table present in the file, as raw values (the only file access)."""
    import fastexcel

    path = Path(path)
    with open_package(path) as zf:
        found = package_tables(zf)
    with reader_guard(path):
        reader = fastexcel.read_excel(str(path))
    out: dict[str, RawTable] = {}
    for name, spec in schema.TABLE_BY_NAME.items():
        info = found.get(name)
        if info is None:
            continue
        if info.problem:
            out[name] = RawTable(name, info.sheet, 0, 1, [], pd.DataFrame(), info.problem)
            continue
        headers = list(info.columns)
        # Formula columns are Excel's business; skipping them keeps long tables fast.
        inputs = {_norm(c.name) for c in spec.input_columns}
        use = [i for i, h in enumerate(headers) if _norm(h) in inputs or name in EXTRA_COLUMNS]
        if info.last_row <= info.header_row:
            frame = pd.DataFrame({headers[i]: pd.Series(dtype=object) for i in use})
        else:
            # By name: fastexcel 0.21 rejects column indices for a table that does not start
            # in column A (the JudgeProgress table sits beside the Judges table).
            names = [headers[i] for i in use]
            with reader_guard(path, info):
                frame = reader.load_table(name, dtypes="string", use_columns=names).to_pandas()
        out[name] = RawTable(name, info.sheet, info.header_row, info.first_col, headers, frame)
    return out


def build_data(raw: dict[str, RawTable], source: Path | None = None) -> ProgrammeData:
    """Match headers to the schema, parse every column and collect reading problems."""
    problems: list[Issue] = []
    tables: dict[str, pd.DataFrame] = {}
    places: dict[str, TablePlace] = {}
    for spec in schema.TABLES:
        rt = raw.get(spec.name)
        if rt is not None and rt.problem:
            problems.append(
                Issue(
                    "table-damaged",
                    ERROR,
                    spec.sheet,
                    f"The table '{spec.name}' cannot be read: {rt.problem}.",
                    "Open the workbook in Excel and save it (Excel repairs the table), or copy "
                    f"the '{spec.name}' table from a fresh template.",
                    value=spec.name,
                )
            )
            tables[spec.name] = empty_table(spec.name)
            continue
        if rt is None:
            if spec.owner == "user":
                problems.append(
                    Issue(
                        "table-missing",
                        WARNING if spec.name in NEWER_TABLES else ERROR,
                        spec.sheet,
                        f"The table '{spec.name}' ({spec.title}) is missing.",
                        f"Copy the '{spec.name}' table from a fresh template into the "
                        f"'{spec.sheet}' sheet; do not rename or convert tables to ranges.",
                        value=spec.name,
                    )
                )
            tables[spec.name] = empty_table(spec.name)
            continue
        frame, place, found = _map_table(rt, spec)
        places[spec.name] = place
        problems.extend(found)
        tables[spec.name] = frame
    settings = _settings(tables.get("Settings"), places.get("Settings"), problems)
    groups = {_norm(g) for g in str(settings.get("equity_groups") or "").split(";") if g.strip()}
    problems = [
        p
        for p in problems
        if not (p.code == "unknown-column" and p.sheet == "Staff" and _norm(p.value) in groups)
    ]
    from automation.io.sidecar import attach  # history rows kept beside the workbook

    return attach(ProgrammeData(tables, settings, places, problems, source))


def _map_table(rt: RawTable, spec: schema.Table):
    problems: list[Issue] = []
    by_norm = {_norm(c.name): c for c in spec.columns}
    letters: dict[str, str] = {}
    for i, h in enumerate(rt.headers):
        col = by_norm.get(_norm(h))
        if col is not None:
            letters.setdefault(col.name, column_letter(rt.first_col + i))
        elif spec.owner == "user":
            problems.append(
                Issue(
                    "unknown-column",
                    WARNING,
                    rt.sheet,
                    f"The column '{h}' in table {spec.name} is not one the tool knows; it is kept "
                    "but ignored.",
                    "Nothing to do if you added it on purpose; otherwise check its spelling.",
                    row=rt.header_row,
                    column=str(h),
                    cell=f"{column_letter(rt.first_col + i)}{rt.header_row}",
                    value=str(h),
                )
            )
    place = TablePlace(rt.sheet, rt.header_row, letters)
    raw_cols: dict[str, object] = {}
    for c in rt.frame.columns:
        if _norm(c) in raw_cols:
            continue  # reported below; the first one found is the one read
        raw_cols[_norm(c)] = c
    problems.extend(_duplicate_headers(rt, spec))
    n = len(rt.frame)
    # A table of nothing but blank rows (a tool table before its first run, an unused input
    # table) reads as no rows, without parsing each of its columns.
    empty = n > 0 and not rt.frame.notna().to_numpy().any()
    if empty:
        n = 0
    rows = pd.Series(range(rt.header_row + 1, rt.header_row + 1 + n), dtype="int64")
    out: dict[str, pd.Series] = {}
    bad_masks: dict[str, tuple[pd.Series, pd.Series]] = {}
    for col in spec.input_columns:
        src = raw_cols.get(_norm(col.name))
        if src is None:
            if spec.owner == "user":
                problems.append(
                    Issue(
                        "column-missing",
                        ERROR if col.required else WARNING,
                        rt.sheet,
                        f"Table {spec.name} has no column '{col.name}'.",
                        f"Add a column headed '{col.name}' to the table ({col.help})",
                        row=rt.header_row,
                        column=col.name,
                    )
                )
            out[col.name] = missing_column(col, n)
            continue
        if empty:  # parsing costs the same per column however few the rows: skip blanks
            out[col.name] = missing_column(col, 0)
            continue
        raw = rt.frame.iloc[:, list(rt.frame.columns).index(src)].reset_index(drop=True)
        values, bad = parse_column(raw, col)
        out[col.name] = values
        bad_masks[col.name] = (bad, raw)
    frame = pd.DataFrame(out) if out else pd.DataFrame(index=range(n))
    if spec.name in EXTRA_COLUMNS:
        known = {_norm(c.name) for c in spec.columns}
        for header, src in raw_cols.items():
            if header not in known and header and rt.frame[src].notna().any():
                frame[str(src)] = clean_text(rt.frame[src].reset_index(drop=True))
    frame[ROW] = rows
    keep = ~blank_rows(frame.drop(columns=[ROW]))
    for name, (bad, raw) in bad_masks.items():
        bad = bad & keep
        if bad.any():
            problems.extend(_type_problems(rt.sheet, spec.column(name), place, raw[bad], rows[bad]))
    return frame[keep].reset_index(drop=True), place, problems


def _duplicate_headers(rt: RawTable, spec: schema.Table):
    """Two headers that differ only in case or spaces: the tool would read just one of them."""
    first: dict[str, int] = {}
    for i, h in enumerate(rt.headers):
        n = _norm(h)
        if not n:
            continue
        if n not in first:
            first[n] = i
            continue
        kept = column_letter(rt.first_col + first[n])
        yield Issue(
            "duplicate-column",
            ERROR,
            rt.sheet,
            f"Table {spec.name} has two columns headed '{rt.headers[first[n]]}' (in column "
            f"{kept}) and '{h}'; the tool reads only the first.",
            "Rename or delete one of them so every header in the table is different.",
            row=rt.header_row,
            column=str(h),
            cell=f"{column_letter(rt.first_col + i)}{rt.header_row}",
            value=str(h),
        )


_TYPE_CODES = {
    schema.ColType.INT: ("not-a-whole-number", "Type a whole number, e.g. 3."),
    schema.ColType.DECIMAL: ("not-a-number", "Type a number, e.g. 4 or 3.5."),
    schema.ColType.MONEY: ("not-a-number", "Type an amount in pounds, e.g. 250."),
    schema.ColType.PERCENT: ("not-a-number", "Type a percentage, e.g. 25%."),
    schema.ColType.DATE: ("not-a-date", "Type a real date, e.g. 23/11/2026."),
    schema.ColType.DATETIME: ("not-a-date", "Type a real date and time."),
    schema.ColType.BOOL: ("not-yes-no", "Choose yes or no from the dropdown."),
}


def _type_problems(sheet: str, col: schema.Column, place: TablePlace, raw: pd.Series, rows):
    """One issue per unreadable cell, quoting what the user typed."""
    code, hint = _TYPE_CODES[col.type]
    for value, row in zip(clean_text(raw).tolist(), rows.tolist(), strict=True):
        yield Issue(
            code,
            ERROR,
            sheet,
            f"{col.name} must be a {col.type.value}, but the cell holds '{value}'.",
            hint,
            row=row,
            column=col.name,
            cell=place.cell(col.name, row),
            value=str(value),
        )


def _settings(frame: pd.DataFrame | None, place: TablePlace | None, problems: list[Issue]):
    # Defaults are written as a person types them ('yes', '4'); parse them like a typed value
    # so a blank setting and a missing row mean the same thing as the default typed in.
    settings: dict[str, object] = dict(_typed_defaults())
    if frame is None or frame.empty:
        return settings
    for label, value, row in zip(frame["Setting"], frame["Value"], frame[ROW], strict=True):
        spec = schema.SETTING_BY_LABEL.get(str(label)) if label else None
        if spec is None:
            spec = next((s for s in schema.SETTINGS if _norm(s.label) == _norm(label)), None)
        if spec is None:
            problems.append(
                Issue(
                    "unknown-setting",
                    WARNING,
                    "Settings",
                    f"'{label}' is not a known setting.",
                    "Check the spelling against a fresh template, or delete the row.",
                    row=row,
                    column="Setting",
                    cell=place.cell("Setting", row) if place else None,
                    value=str(label),
                )
            )
            continue
        if clean_text(pd.Series([value], dtype=object)).iloc[0] is None:
            continue  # a blank (or NaN) value means "use the default", like an absent row
        typed, bad = parse_column(
            pd.Series([value]), schema.Column(spec.label, spec.type, choices=spec.choices)
        )
        if spec.type is schema.ColType.EMAIL and not bad.iloc[0]:
            bad = ~typed.astype(str).str.fullmatch(EMAIL_ADDRESS)
        if bool(bad.iloc[0]):
            problems.append(
                Issue(
                    "bad-setting",
                    ERROR,
                    "Settings",
                    f"The setting '{spec.label}' should be a {spec.type.value}, not '{value}'.",
                    spec.help,
                    row=row,
                    column="Value",
                    cell=place.cell("Value", row) if place else None,
                    value=str(value),
                )
            )
            continue
        settings[spec.key] = _plain_setting(spec, typed.iloc[0])
    return settings


@functools.cache
def _typed_defaults() -> tuple[tuple[str, object], ...]:
    return tuple((s.key, _typed(s, s.default)) for s in schema.SETTINGS)


def _typed(spec: schema.Setting, value: object) -> object:
    if value is None or value == "":
        return value
    typed, bad = parse_column(
        pd.Series([value], dtype=object),
        schema.Column(spec.label, spec.type, choices=spec.choices),
    )
    return value if bool(bad.iloc[0]) else _plain_setting(spec, typed.iloc[0])


def _plain_setting(spec: schema.Setting, v: object) -> object:
    if spec.type is schema.ColType.BOOL:
        return bool(v)
    if spec.type is schema.ColType.INT:
        return int(v)
    return v


def read_workbook(path: Path | str) -> ProgrammeData:
    """Read every table of a programme workbook into typed data.

    Robust to reordered columns, blank rows, extra user columns, trailing spaces and dates
    typed as text; missing tables or columns become problems in ``data.problems``.
    """
    path = Path(path)
    return build_data(load_raw_tables(path), source=path)
