"""Compare workbooks by content (values, formulas, tables, names, validations), not bytes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook


def _value(value: object) -> object:
    # A computed figure may differ in its last bits from one numpy or pandas release to the
    # next (the order of a sum); twelve significant digits are far more than any cell shows.
    return float(f"{value:.12g}") if isinstance(value, float) else value


def fingerprint(path: Path) -> dict:
    wb = load_workbook(path)
    out: dict = {
        "sheets": [ws.title for ws in wb.worksheets],
        "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
    }
    for ws in wb.worksheets:
        cells = {
            c.coordinate: _value(c.value)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }
        out[ws.title] = {
            "cells": cells,
            "tables": sorted((t.displayName, t.ref) for t in ws.tables.values()),
            "validations": sorted(
                (str(dv.sqref), dv.formula1 or "") for dv in ws.data_validations.dataValidation
            ),
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
        }
    return out
