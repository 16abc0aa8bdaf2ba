"""Build ProgrammeData straight from rows, through the same parsing the reader uses."""

from __future__ import annotations

import pandas as pd

from automation import schema
from automation.io.read import RawTable, build_data
from automation.model import ProgrammeData

HEADER_ROW = 5


def data_from_rows(
    tables: dict[str, list[dict]], settings: dict | None = None, base: ProgrammeData | None = None
) -> ProgrammeData:
    """ProgrammeData for ``tables`` (rows keyed by column name); other tables empty.

    With ``base``, only the tables given are parsed again and the rest are taken from it
    (property tests build hundreds of programmes; parsing 30 tables each time is slow).
    """
    if base is not None:
        fresh = build_data({name: _raw(name, rows) for name, rows in tables.items()})
        merged = dict(base.tables)
        merged.update({k: fresh.tables[k] for k in tables})
        return ProgrammeData(merged, dict(base.settings), dict(base.places), [], None)
    labels = {s.key: s.label for s in schema.SETTINGS}
    raw = {spec.name: _raw(spec.name, tables.get(spec.name, [])) for spec in schema.TABLES}
    raw["Settings"] = _raw(
        "Settings", [{"Setting": labels[k], "Value": v} for k, v in (settings or {}).items()]
    )
    return build_data(raw)


def _raw(name: str, rows: list[dict]) -> RawTable:
    spec = schema.TABLE_BY_NAME[name]
    headers = [c.name for c in spec.input_columns]
    frame = pd.DataFrame(
        [{h: r.get(h) for h in headers} for r in rows], columns=headers, dtype=object
    )
    return RawTable(spec.name, spec.sheet, HEADER_ROW, 1, headers, frame)
