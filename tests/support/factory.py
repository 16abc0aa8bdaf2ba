"""Build ProgrammeData straight from rows, through the same parsing the reader uses."""

from __future__ import annotations

import pandas as pd

from automation import schema
from automation.io.read import RawTable, build_data
from automation.model import ProgrammeData

HEADER_ROW = 5


def data_from_rows(tables: dict[str, list[dict]], settings: dict | None = None
                   ) -> ProgrammeData:
    """ProgrammeData for ``tables`` (rows keyed by column name); other tables empty."""
    raw = {}
    for spec in schema.TABLES:
        headers = [c.name for c in spec.input_columns]
        rows = tables.get(spec.name, [])
        if spec.name == "Settings":
            labels = {s.key: s.label for s in schema.SETTINGS}
            rows = [{"Setting": labels[k], "Value": v} for k, v in (settings or {}).items()]
        frame = pd.DataFrame([{h: r.get(h) for h in headers} for r in rows], columns=headers,
                             dtype=object)
        raw[spec.name] = RawTable(spec.name, spec.sheet, HEADER_ROW, 1, headers, frame)
    return build_data(raw)
