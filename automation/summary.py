"""What a workbook holds, as plain data (for `awards summary` and the main job's report)."""

from __future__ import annotations

from automation import schema
from automation.model import ProgrammeData


def summarise(data: ProgrammeData) -> dict:
    """Row counts per table, the organisation and period, and reading problems."""
    return {
        "workbook": str(data.source) if data.source else "",
        "organisation": data.setting("organisation"),
        "current_period": data.setting("current_period"),
        "tables": {t.name: len(data.tables.get(t.name, ())) for t in schema.TABLES},
        "problems": [p.as_dict() for p in data.problems],
    }
