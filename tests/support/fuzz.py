"""Seeded mutations of a workbook's tables, as a careless or hostile user would make them.

Two levels. ``mutate_raw`` changes what the reader found (cell values and types, headers,
deleted or emptied tables and columns, settings) so the whole core (parsing, validation,
scoring, document contexts) runs on it in memory, hundreds of cases a second. ``mutate_file``
changes the package itself (sheets and tables removed or renamed, a table turned into a
plain range, merged cells, numbers where dates belong) and is run through the commands.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pandas as pd

from automation.io.read import RawTable

# Values people (and attackers) put in cells: blanks, look-alike numbers and dates, formulas
# as text, control characters, enormous numbers, emoji.
VALUES: tuple[object, ...] = (
    "",
    " ",
    None,
    "nan",
    float("nan"),
    ".5",
    "01/01/0001",
    "31/02/2026",
    "2026-13-01",
    "9999-12-31",
    -3e6,
    -1e12,
    1e308,
    "1e400",
    10**20,
    -1,
    0,
    3.5,
    "5",
    "abc",
    "=1+1",
    '=HYPERLINK("http://x")',
    "yes",
    "NO",
    True,
    False,
    "🙂",
    "a\x00b",
    "\r\n",
    "%",
    "£",
    "1,2,3",
    "100%",
    "-0",
    "x" * 5000,
)


def _own(raw: dict[str, RawTable], name: str) -> RawTable:
    """A copy of one table the mutation may change (the others stay shared)."""
    rt = copy.copy(raw[name])
    rt.frame = rt.frame.copy()
    rt.headers = list(rt.headers)
    raw[name] = rt
    return rt


def _set(frame: pd.DataFrame, i: int, j: int, value: object) -> None:
    col = frame.columns[j]
    frame[col] = frame[col].astype(object)
    frame.iat[i, j] = value


def mutate_raw(raw: dict[str, RawTable], rng: random.Random) -> tuple[dict, str]:
    """One to three random changes to the tables; returns them and a description."""
    raw = dict(raw)
    done: list[str] = []
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(sorted(raw)) if raw else None
        if name is None:
            break
        kind = rng.choice(("cell", "cell", "cell", "header", "drop", "dup", "col", "empty", "set"))
        if kind == "set" and "Settings" in raw:
            rt = _own(raw, "Settings")
            f = rt.frame
            if len(f) and len(f.columns) > 1:
                i = rng.randrange(len(f))
                value = rng.choice(VALUES)
                _set(f, i, 1, value)
                done.append(f"setting {f.iat[i, 0]!r} = {value!r}")
            continue
        if kind == "drop":
            del raw[name]
            done.append(f"table {name} deleted")
            continue
        rt = _own(raw, name)
        f = rt.frame
        if kind == "cell" and len(f) and len(f.columns):
            for _ in range(rng.randint(1, 6)):
                i, j = rng.randrange(len(f)), rng.randrange(len(f.columns))
                value = rng.choice(VALUES)
                _set(f, i, j, value)
                done.append(f"{name}[{i}, {f.columns[j]!r}] = {value!r}")
        elif kind == "header" and rt.headers:
            i = rng.randrange(len(rt.headers))
            old = rt.headers[i]
            new = rng.choice(("", old.upper(), f" {old} ", old + "x", "ID", "Setting", None))
            rt.headers[i] = new
            if old in f.columns:
                rt.frame = f.rename(columns={old: new})
            done.append(f"{name} header {old!r} -> {new!r}")
        elif kind == "dup" and len(rt.headers) > 1:
            i, j = rng.sample(range(len(rt.headers)), 2)
            done.append(f"{name} header {rt.headers[j]!r} -> {rt.headers[i]!r}")
            rt.headers[j] = rt.headers[i]
        elif kind == "col" and len(f.columns):
            col = rng.choice(list(f.columns))
            rt.frame = f.drop(columns=[col])
            done.append(f"{name} column {col!r} deleted")
        elif kind == "empty":
            rt.frame = f.iloc[0:0]
            done.append(f"{name} emptied")
    return raw, "; ".join(done) or "no change"


def mutate_file(src: Path, dest: Path, rng: random.Random) -> str:
    """Save a changed copy of ``src`` at ``dest`` (openpyxl, as Excel would keep it)."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    kind = rng.choice(("sheet", "rename-sheet", "range", "rename-table", "merge", "dates"))
    sheets = [ws for ws in wb.worksheets if ws.tables]
    ws = rng.choice(sheets)
    what = ""
    if kind == "sheet":
        what = f"sheet {ws.title} deleted"
        wb.remove(ws)
    elif kind == "rename-sheet":
        what = f"sheet {ws.title} renamed"
        ws.title = (ws.title + " (2)")[:31]
    elif kind == "range":
        name = rng.choice(list(ws.tables))
        what = f"table {name} converted to a range"
        del ws.tables[name]
    elif kind == "rename-table":
        name = rng.choice(list(ws.tables))
        table = ws.tables[name]
        del ws.tables[name]
        table.name = table.displayName = name + "_old"
        ws.add_table(table)
        what = f"table {name} renamed"
    elif kind == "merge":
        ref = rng.choice(list(ws.tables.values())).ref
        first = ref.split(":")[0]
        cell = ws[first]
        ws.merge_cells(
            start_row=cell.row + 1,
            start_column=cell.column,
            end_row=cell.row + 2,
            end_column=cell.column + 1,
        )
        what = f"cells merged below {first} on {ws.title}"
    else:
        table = rng.choice(list(ws.tables.values()))
        first = ws[table.ref.split(":")[0]]
        last_row = ws[table.ref.split(":")[1]].row
        col = first.column + rng.randrange(len(table.tableColumns))
        row = rng.randint(first.row + 1, max(first.row + 1, last_row))
        value = rng.choice((-3e6, 1e9, -0.5, ".5", "01/01/0001", "yesterday"))
        ws.cell(row, col).value = value
        ws.cell(row, col).number_format = "dd/mm/yyyy"
        what = f"{ws.title}!{ws.cell(row, col).coordinate} = {value!r} as a date"
    wb.save(dest)
    return what
