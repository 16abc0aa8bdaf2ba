"""Read a programme workbook into ProgrammeData.

Tables are read by name with fastexcel (a Rust reader that hands columns to Arrow), which is
an order of magnitude faster than openpyxl on a long Scores sheet. Every cell arrives as text
and is parsed by the schema's type in ``automation.parse``, vectorised, so the same rules
apply whether a date was typed as a date or as text.
"""

from __future__ import annotations

import functools
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from automation import schema
from automation.errors import UserError
from automation.io.package import TableInfo, open_package
from automation.io.package import tables as package_tables
from automation.io.salvage import quiet_stderr, reader_errors, unreadable_table
from automation.issues import ERROR, WARNING, Issue, column_letter
from automation.model import ROW, ProgrammeData, TablePlace, empty_table
from automation.parse import (
    Cells,
    as_series,
    blank_cells,
    email_address_ok,
    is_blank,
    parse_cells,
    parse_column,
)


class RawTable:
    """One table as found: its headers and raw cell values, before any parsing.

    ``frame`` has the headers as written for columns and the raw values. A table from the
    file reader keeps its cells as Arrow string arrays (``columns``: header and array) and
    builds the frame only when someone asks for it: ``build_data`` parses the arrays
    directly, which on a small workbook saves more time than all the parsing costs.
    """

    def __init__(
        self,
        name: str,
        sheet: str,
        header_row: int,
        first_col: int,
        headers: list[str],
        frame: pd.DataFrame | None = None,
        problem: str | None = None,  # the table is damaged and was not read (see package.py)
        *,
        columns: list[tuple[str, pa.Array]] | None = None,
    ):
        self.name = name
        self.sheet = sheet
        self.header_row = header_row
        self.first_col = first_col
        self.headers = headers
        self.problem = problem
        self._frame = frame if frame is not None or columns is not None else pd.DataFrame()
        self.columns = columns

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = _frame_of(self.columns or [])
        return self._frame

    @frame.setter
    def frame(self, value: pd.DataFrame) -> None:
        # A changed frame is the truth from now on: the arrays no longer describe the table.
        self._frame = value
        self.columns = None

    def __repr__(self) -> str:
        return f"RawTable({self.name!r}, {self.sheet!r}, row {self.header_row}, {self.headers})"


# Raw text as pandas has always been handed it by the reader (NaN for an empty cell).
_RAW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def _frame_of(columns: list[tuple[str, pa.Array]]) -> pd.DataFrame:
    frame = pd.DataFrame({i: pd.array(arr, dtype=_RAW_TEXT) for i, (_, arr) in enumerate(columns)})
    frame.columns = [h for h, _ in columns]  # headers may repeat; a dict would merge them
    return frame


# Input tables added after the first release: a workbook made earlier lacks them, which is
# worth a warning (copy the sheet from a fresh template to use them), not an error.
NEWER_TABLES = ("Appeals",)

# Tables whose extra columns (added by the manager) are read too: Staff's become equity
# groupings when the "Equity groups" setting names them.
EXTRA_COLUMNS = ("Staff",)

# A sheet part this big (uncompressed XML) is loaded on a second thread while the other
# tables are read: the columnar reader releases the GIL, and on a 300,000-row Scores sheet
# it spends over a second inflating and scanning XML.
BIG_PART = 8 * 2**20


def _norm(header: object) -> str:
    return re.sub(r"\s+", " ", str(header or "")).strip().casefold()


@functools.cache
def _input_norms(name: str) -> frozenset[str]:
    return frozenset(_norm(c.name) for c in schema.TABLE_BY_NAME[name].input_columns)


def load_raw_tables(path: Path) -> dict[str, RawTable]:
    """Every schema table present in the file, as raw values (the only file access)."""
    path = Path(path)
    with open_package(path) as zf:
        found = package_tables(zf)
        sizes = {i.filename: i.file_size for i in zf.infolist()}
    wanted = [found[name] for name in schema.TABLE_BY_NAME if name in found]
    big = [info for info in wanted if sizes.get(info.sheet_part, 0) >= BIG_PART]
    with quiet_stderr():
        with reader_errors(path):
            reader = _reader(path)
        if big:
            # The big tables go to a second thread, biggest first; the main thread reads the
            # rest. Results are taken in schema order, so the first failure reported is
            # the same as when reading one table after another.
            big.sort(key=lambda info: -sizes[info.sheet_part])
            with ThreadPoolExecutor(max_workers=1) as pool:
                later = {info.name: pool.submit(_load_alone, path, info) for info in big}
                done = {i.name: _try_load(reader, path, i) for i in wanted if i.name not in later}
                done |= {name: _outcome(future) for name, future in later.items()}
        else:
            done = {info.name: _try_load(reader, path, info) for info in wanted}
    out: dict[str, RawTable] = {}
    for info in wanted:
        table, exc = done[info.name]
        if exc is not None:
            raise exc
        out[info.name] = table
    return out


def _reader(path: Path):
    import fastexcel

    return fastexcel.read_excel(str(path))


def _load_alone(path: Path, info: TableInfo):
    """Load one table with a reader of its own (a reader cannot serve two threads)."""
    try:
        with reader_errors(path):
            reader = _reader(path)
    except UserError as exc:
        return None, exc
    return _try_load(reader, path, info)


def _outcome(future):
    try:
        return future.result()
    except BaseException as exc:  # noqa: BLE001 - reported in schema order by the caller
        return None, exc


def _try_load(reader, path: Path, info: TableInfo) -> tuple[RawTable | None, BaseException | None]:
    try:
        return _load_table(reader, path, info), None
    except UserError as exc:
        return None, exc


def _load_table(reader, path: Path, info: TableInfo) -> RawTable:
    name = info.name
    if info.problem:
        return RawTable(name, info.sheet, 0, 1, [], pd.DataFrame(), info.problem)
    headers = list(info.columns)
    # Formula columns are Excel's business; skipping them keeps long tables fast.
    inputs = _input_norms(name)
    use = [i for i, h in enumerate(headers) if name in EXTRA_COLUMNS or _norm(h) in inputs]
    place = (name, info.sheet, info.header_row, info.first_col, headers)
    if info.last_row <= info.header_row:
        return RawTable(*place, columns=[(headers[i], _NO_TEXT) for i in use])
    if not use:
        return RawTable(*place, columns=[])
    # By position within the table (a callable: fastexcel 0.21 rejects plain indices for a
    # table that does not start in column A, and names fail when two headers are the same).
    wanted = set(use)
    with reader_errors(path, info):
        batch = reader.load_table(
            name, dtypes="string", use_columns=lambda c: c.index in wanted, eager=True
        )
    if batch.num_columns != len(use):
        raise unreadable_table(path, info, ValueError("its columns do not match its header"))
    return RawTable(*place, columns=[(headers[i], batch.column(j)) for j, i in enumerate(use)])


_NO_TEXT = pa.array([], pa.string())


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
    names, cells_at, n, anything = _raw_columns(rt)
    raw_cols: dict[str, int] = {}
    for j, c in enumerate(names):
        raw_cols.setdefault(_norm(c), j)  # a repeated header is reported below; first wins
    problems.extend(_duplicate_headers(rt, spec))
    # A table of nothing but blank rows (a tool table before its first run, an unused input
    # table) reads as no rows, without parsing each of its columns.
    empty = n > 0 and not anything
    if empty:
        n = 0
    rows = np.arange(rt.header_row + 1, rt.header_row + 1 + n, dtype="int64")
    out: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {}
    unread: dict[str, tuple[np.ndarray, Cells]] = {}
    for col in spec.input_columns:
        j = raw_cols.get(_norm(col.name))
        if j is None:
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
            out[col.name] = blank_cells(col, n)
            continue
        if empty:  # parsing costs the same per column however few the rows: skip blanks
            out[col.name] = blank_cells(col, 0)
            continue
        cells = cells_at(j)
        out[col.name], bad = parse_cells(cells, col)
        unread[col.name] = (bad, cells)
    if spec.name in EXTRA_COLUMNS:
        known = {_norm(c.name) for c in spec.columns}
        for header, j in raw_cols.items():
            if header not in known and header:
                cells = cells_at(j)
                if cells.any():
                    out[str(names[j])] = cells.objects()
    blank = np.ones(n, dtype=bool)
    for values in out.values():
        blank &= is_blank(values)
    keep = ~blank if out else np.ones(n, dtype=bool)
    for name, (bad, cells) in unread.items():
        bad = bad & keep
        if bad.any():
            col = spec.column(name)
            problems.extend(_type_problems(rt.sheet, col, place, cells.take(bad), rows[bad]))
    out[ROW] = rows
    if not keep.all():
        out = {name: values[keep] for name, values in out.items()}
    index = pd.RangeIndex(int(keep.sum()))
    frame = pd.DataFrame({name: as_series(values, index) for name, values in out.items()})
    return frame, place, problems


def _raw_columns(rt: RawTable):
    """Headers of the raw columns, a way to get each one's cleaned cells, the row count, and
    whether any cell holds anything, from the Arrow arrays when the table still has them."""
    if rt.columns is not None:
        arrays = [a for _, a in rt.columns]
        n = len(arrays[0]) if arrays else 0
        anything = any(a.null_count < len(a) for a in arrays)
        return [h for h, _ in rt.columns], lambda j: Cells.from_arrow(arrays[j]), n, anything
    frame = rt.frame
    anything = bool(frame.notna().to_numpy().any())

    def cells_at(j: int) -> Cells:
        return Cells.from_series(frame.iloc[:, j].reset_index(drop=True))

    return list(frame.columns), cells_at, len(frame), anything


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


def _type_problems(sheet: str, col: schema.Column, place: TablePlace, cells: Cells, rows):
    """One issue per unreadable cell, quoting what the user typed."""
    code, hint = _TYPE_CODES[col.type]
    for value, row in zip(cells.objects().tolist(), rows.tolist(), strict=True):
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
        cells = Cells.from_values(np.array([value], dtype=object))
        if not cells.any():
            continue  # a blank (or NaN) value means "use the default", like an absent row
        typed, bad = parse_cells(cells, _setting_column(spec))
        if spec.type is schema.ColType.EMAIL and not bad[0]:
            bad[0] = not email_address_ok(typed[0])
        if bool(bad[0]):
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
        settings[spec.key] = _plain_setting(spec, as_series(typed).iloc[0])
    return settings


@functools.cache
def _typed_defaults() -> tuple[tuple[str, object], ...]:
    return tuple((s.key, _typed(s, s.default)) for s in schema.SETTINGS)


def _typed(spec: schema.Setting, value: object) -> object:
    if value is None or value == "":
        return value
    typed, bad = parse_column(pd.Series([value], dtype=object), _setting_column(spec))
    return value if bool(bad.iloc[0]) else _plain_setting(spec, typed.iloc[0])


@functools.cache
def _setting_column(spec: schema.Setting) -> schema.Column:
    return schema.Column(spec.label, spec.type, choices=spec.choices)


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
