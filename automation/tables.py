"""Tool tables as data: the Issues, Audit and results frames written back to the workbook.

Pure functions over the core's outputs; both shells (CLI file writer, Excel macros) write
what these return, so the workbook looks the same whichever way the tool was run.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from automation import schema
from automation.audit import record
from automation.issues import Report
from automation.model import ProgrammeData
from automation.scoring import Results


def issues_frame(report: Report) -> pd.DataFrame:
    """The Issues table: errors first, then warnings, each in sheet order."""
    order = {s.name: i for i, s in enumerate(schema.SHEETS)}
    rows = [
        {
            "Severity": i.severity,
            "Code": i.code,
            "Sheet": i.sheet,
            "Row": i.row,
            "Column": i.column,
            "Cell": i.cell,
            "Value": i.value,
            "Message": i.message,
            "How to fix": i.hint,
            "Key": i.key or None,
        }
        for i in report
    ]
    frame = pd.DataFrame(rows, columns=list(schema.TABLE_BY_NAME["Issues"].names))
    if frame.empty:
        return frame
    frame["_s"] = frame["Severity"].map({"error": 0, "warning": 1})
    frame["_o"] = frame["Sheet"].map(order).fillna(99)
    return (
        frame.sort_values(["_s", "_o", "Row"], kind="stable", na_position="first")
        .drop(columns=["_s", "_o"])
        .reset_index(drop=True)
    )


def audit_frame(
    data: ProgrammeData,
    action: str,
    detail: str,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> pd.DataFrame:
    """The Audit table with one new chained entry appended (earlier entries are kept).

    Prefer ``automation.audit.record``, which also returns the seal that shows when the
    newest entries are deleted; this gives the Audit table alone.
    """
    return record(data, action, detail, now=now, user=user)["Audit"]


def results_tables(results: Results) -> dict[str, pd.DataFrame]:
    """Results, Panel, JudgeStats and Agreement frames in the schema's columns."""
    out = {}
    for name, frame in results.to_tables().items():
        cols = [c.name for c in schema.TABLE_BY_NAME[name].input_columns]
        out[name] = frame.reindex(columns=cols)
    return out


def score_summary(results: Results) -> str:
    winners = results.winners
    parts = [f"{r['Category']} ({r['Period']}): {r['Nominee']}" for _, r in winners.iterrows()]
    ties = (results.nominations["Place"] == "panel vote").sum()
    text = f"{len(results.nominations)} nominations ranked; winners: " + (
        "; ".join(parts) if parts else "none"
    )
    if ties:
        text += f"; {ties} nominations tied for a win need a panel vote"
    return text
