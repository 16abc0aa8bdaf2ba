"""Read a programme workbook into ProgrammeData.

Tables are read by name with fastexcel (a Rust reader that hands columns to Arrow), which is
an order of magnitude faster than openpyxl on a long Scores sheet. Every cell arrives as text
and is parsed by the schema's type in ``automation.parse``, vectorised, so the same rules
apply whether a date was typed as a date or as text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from automation import schema
from automation.canonical import with_one_spelling
from automation.io.load import EXTRA_COLUMNS, Loading, RawTable, loading
from automation.io.load import load_raw_tables as load_raw_tables  # re-exported
from automation.io.load import norm as _norm
from automation.issues import ERROR, WARNING, Issue, column_letter
from automation.keys import seed_keys
from automation.model import ROW, ProgrammeData, TablePending, TablePlace, empty_table
from automation.nominees import with_staff_details
from automation.parse import (
    Cells,
    as_series,
    blank_cells,
    email_address_ok,
    is_blank,
    parse_cells,
    parse_column,
)

# Input tables added after the first release: a workbook made earlier lacks them, which is
# worth a warning (copy the sheet from a fresh template to use them), not an error.
NEWER_TABLES = ("Appeals", "PanelVotes")


class _Provisional(dict):
    """Tables (or places) read so far, while others load: asking for one of those, or for
    all of them at once, raises TablePending instead of answering as if it were absent."""

    def __init__(self, found: dict, pending: frozenset[str]):
        super().__init__(found)
        self.pending = pending

    def _one(self, name: object) -> None:
        if name in self.pending:
            raise TablePending(str(name))

    def _all(self) -> None:
        if self.pending:
            raise TablePending(", ".join(sorted(self.pending)))

    def __getitem__(self, name):
        self._one(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self._one(name)
        return super().get(name, default)

    def __contains__(self, name) -> bool:
        self._one(name)
        return super().__contains__(name)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()


class _ProvisionalProblems(list):
    """The reading problems so far: the tables still loading may add theirs."""

    def __iter__(self):
        raise TablePending("the reading problems of the tables still loading")


def build_data(
    raw: dict[str, RawTable] | Loading,
    source: Path | None = None,
    *,
    while_waiting: Callable[[ProgrammeData], None] | None = None,
) -> ProgrammeData:
    """Match headers to the schema, parse every column and collect reading problems.

    ``raw``: the tables read, or a :class:`Loading` still reading them, whose small tables
    are parsed while the big ones load. A table that could not be loaded raises its
    UserError, the first in schema order.

    ``while_waiting`` is called, at most once, when only the last big table is still loading,
    with a provisional ProgrammeData of everything else: asking it for that table (or its
    place, or the reading problems) raises :class:`TablePending`. The caller can do work that
    does not need the table in time the main thread would otherwise spend waiting.
    """
    if isinstance(raw, Loading):
        names, late = raw.names()
        get, ready = raw.get, raw.ready
    else:
        names, late = list(raw), set()

        def get(name: str):
            return raw[name], None

        def ready(name: str) -> bool:
            return True

    mapped: dict[str, tuple] = {}
    failed: dict[str, BaseException] = {}
    detailed = False  # the nominations' staff details are filled in (once per read)
    spelled: set[str] = set()  # tables whose names are in their sources' spelling
    known: dict = {}  # the sources' spellings, worked out once per read
    seeds: dict = {}  # the keys of the columns respelled, for the data's keys cache
    order = sorted(names, key=lambda n: n in late)  # big tables last (still loading)
    for i, name in enumerate(order):
        if while_waiting and not failed and i == len(order) - 1 and not ready(name):
            pending = {name}
            if name in _DETAIL_TABLES:  # the nominations are not complete without it
                pending.add("Nominations")
            else:
                _one_spelling(mapped, spelled, known, seeds)
                _fill_staff_details(mapped)
                detailed = True
            provisional = _provisional(mapped, source, frozenset(pending), seeds)
            if provisional is not None:
                while_waiting(provisional)
        rt, exc = get(name)
        if exc is not None:
            failed[name] = exc
        elif failed:
            continue  # a failure is raised below: no use parsing the rest
        elif rt.problem:
            mapped[name] = rt.problem
        else:
            mapped[name] = _map_table(rt, schema.TABLE_BY_NAME[name])
    if failed:
        raise failed[next(n for n in names if n in failed)]
    _one_spelling(mapped, spelled, known, seeds)
    if not detailed:
        _fill_staff_details(mapped)
    return _assemble(mapped, source, seeds=seeds)


def _one_spelling(
    mapped: dict[str, tuple | str], spelled: set[str], known: dict, seeds: dict
) -> None:
    """The names in each mapped table not done yet in the spelling of the table they name
    (``automation.canonical``). Before the last big table is read its sources are all here;
    the Staff, Teams and Categories tables a nomination names are read before the big ones,
    or else the nominations wait for them (``_DETAIL_TABLES``)."""
    frames = {n: m[0] for n, m in mapped.items() if isinstance(m, tuple)}
    for name, frame in frames.items():
        if name in spelled:
            continue
        spelled.add(name)
        new, keys_of = with_one_spelling(name, frame, frames, known)
        if new is not None:
            _, place, problems = mapped[name]
            mapped[name] = (new, place, problems)
        for column, entry in keys_of.items():  # keyed already: the checks need not again
            seeds[name, column] = (entry, frame if new is None else new)


# The tables a nomination's staff details come from (and the nominations themselves).
_DETAIL_TABLES = ("Nominations", "Staff", "Teams", "Categories")


def _fill_staff_details(mapped: dict[str, tuple | str]) -> None:
    """Blank Team, Site and Line manager cells of the mapped nominations filled in from the
    Staff and Teams tables (``nominees.with_staff_details``). Done once per read, before any
    data is assembled: the provisional data (the early rules) and the full data share the
    frame, and the work on it."""
    found = mapped.get("Nominations")
    if not isinstance(found, tuple):
        return  # missing or damaged: reported as such

    def frame(name: str) -> pd.DataFrame:
        table = mapped.get(name)
        return table[0] if isinstance(table, tuple) else empty_table(name)

    noms, place, problems = found
    filled = with_staff_details(noms, frame("Staff"), frame("Teams"), frame("Categories"))
    mapped["Nominations"] = (filled, place, problems)


def _provisional(
    mapped: dict[str, tuple | str], source: Path | None, pending: frozenset[str], seeds: dict
) -> ProgrammeData | None:
    """The data without the ``pending`` tables, or None when it cannot be made without them
    (their settings or history rows are still loading)."""
    try:
        data = _assemble(mapped, source, pending, seeds)
    except Exception:  # noqa: BLE001 - e.g. a damaged history file: the full read reports it
        return None
    data.places = _Provisional(data.places, pending)  # its tables are guarded already
    data.problems = _ProvisionalProblems(data.problems)
    return data


def _assemble(
    mapped: dict[str, tuple | str],
    source: Path | None,
    pending: frozenset[str] = frozenset(),
    seeds: dict | None = None,
) -> ProgrammeData:
    """ProgrammeData of the mapped tables, with a problem for each table damaged or missing
    (none for a ``pending`` one: it is still loading). ``seeds``: column keys worked out while
    reading, for the data's keys cache (``keys.seed_keys``)."""
    problems: list[Issue] = []
    tables: dict[str, pd.DataFrame] = {}
    places: dict[str, TablePlace] = {}
    for spec in schema.TABLES:
        if spec.name in pending:
            continue
        found = mapped.get(spec.name)
        if isinstance(found, str):  # the table is damaged: its problem
            problems.append(
                Issue(
                    "table-damaged",
                    ERROR,
                    spec.sheet,
                    f"The table '{spec.name}' cannot be read: {found}.",
                    "Open the workbook in Excel and save it (Excel repairs the table), or copy "
                    f"the '{spec.name}' table from a fresh template.",
                    value=spec.name,
                )
            )
            tables[spec.name] = empty_table(spec.name)
            continue
        if found is None:
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
        frame, place, table_problems = found
        places[spec.name] = place
        problems.extend(table_problems)
        tables[spec.name] = frame
    if "Settings" in pending:
        raise TablePending("Settings")
    settings = _settings(tables.get("Settings"), places.get("Settings"), problems)
    groups = {_norm(g) for g in str(settings.get("equity_groups") or "").split(";") if g.strip()}
    problems = [
        p
        for p in problems
        if not (p.code == "unknown-column" and p.sheet == "Staff" and _norm(p.value) in groups)
    ]
    from automation.io.sidecar import attach  # history rows kept beside the workbook

    data = ProgrammeData(tables, settings, places, problems, source)
    if pending:
        data.tables = _Provisional(tables, pending)  # a pending history table raises
    data = attach(data)
    for (table, column), (entry, frame) in (seeds or {}).items():
        seed_keys(data, table, column, entry, frame)
    return data


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
        plain = None if bool(bad[0]) else _plain_setting(spec, as_series(typed).iloc[0])
        should = f"a {spec.type.value}" if bool(bad[0]) else _outside(spec, plain)
        if should:
            default = ""
            if spec.default not in (None, ""):
                default = f" The default ({spec.shown(spec.default)}) is used until it is fixed."
            problems.append(
                Issue(
                    "bad-setting",
                    ERROR,
                    "Settings",
                    f"The setting '{spec.label}' should be {should}, not '{value}'.{default}",
                    spec.help,
                    row=row,
                    column="Value",
                    cell=place.cell("Value", row) if place else None,
                    value=str(value),
                )
            )
            continue
        settings[spec.key] = plain
    return settings


def _outside(spec: schema.Setting, value: object) -> str | None:
    """What a number setting should be when ``value`` is outside its range, else None."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    lo, hi = spec.minimum, spec.maximum
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return spec.allowed
    return None


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


def read_workbook(
    path: Path | str, *, while_waiting: Callable[[ProgrammeData], None] | None = None
) -> ProgrammeData:
    """Read every table of a programme workbook into typed data.

    Robust to reordered columns, blank rows, extra user columns, trailing spaces and dates
    typed as text; missing tables or columns become problems in ``data.problems``.
    ``while_waiting``: see :func:`build_data`.
    """
    path = Path(path)
    return build_data(loading(path), source=path, while_waiting=while_waiting)
