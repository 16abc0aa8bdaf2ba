"""Replace the rows of input tables in a live (or JSON) workbook, for the New period button.

The tool-table writer in ``automation.io.book`` does the work (insert or delete rows below a
table that grows or shrinks, so stacked tables move with it; one block write per table); this
only allows input tables and keeps each table at least as long as it was, so the blank rows a
manager types into on a protected sheet stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from automation import schema
from automation.errors import UserError
from automation.io.book import _placed_tables, _screen_frozen, _unprotected, _write_sheet


def write_input_tables(book: Any, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace the body of each input table in ``frames`` (rows in schema columns)."""
    by_sheet: dict[str, list[str]] = {}
    for name in frames:
        spec = schema.TABLE_BY_NAME.get(name)
        if spec is None or spec.owner != "user":
            raise ValueError(f"{name} is not an input table")
        by_sheet.setdefault(spec.sheet, []).append(name)
    sheets = {s.name: s for s in book.sheets}
    counts: dict[str, int] = {}
    with _screen_frozen(book):
        for sheet_name, names in by_sheet.items():
            sheet = sheets.get(sheet_name)
            if sheet is None:
                raise UserError(
                    f"The '{sheet_name}' sheet is missing from this workbook.",
                    f"Copy the '{sheet_name}' sheet from a fresh template (awards template).",
                )
            placed = _placed_tables(sheet, sheet_name, names)
            padded = {}
            for p in placed:
                if p.spec is None or p.spec.name not in names:
                    continue
                frame = frames[p.spec.name].reset_index(drop=True)
                blank = max(p.rows - 1 - len(frame), 0)  # keep the rows there were to type into
                padded[p.spec.name] = pd.concat(
                    [frame, pd.DataFrame([{}] * blank, columns=frame.columns)], ignore_index=True
                )
                counts[p.spec.name] = len(frame)
            with _unprotected(sheet):
                _write_sheet(sheet, placed, padded)
    return counts
