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
from automation.scoring.panel_votes import RECORD_VOTE


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


def results_tables(results: Results, data: ProgrammeData | None = None) -> dict[str, pd.DataFrame]:
    """Results, Panel, JudgeStats and Agreement frames in the schema's columns.

    With ``data``, each winner's and runner-up's Citation is filled in: the nomination's own
    Citation, or the tool's proposal, so the manager sees what the documents will say.
    """
    out = {}
    for name, frame in results.to_tables().items():
        cols = [c.name for c in schema.TABLE_BY_NAME[name].input_columns]
        out[name] = frame.reindex(columns=cols)
    if data is not None and not out["Results"].empty:
        out["Results"] = out["Results"].assign(Citation=placed_citations(data, out["Results"]))
    return out


def placed_citations(data: ProgrammeData, results: pd.DataFrame) -> list[str | None]:
    """The citation each placed nomination's documents use (None for the others)."""
    from automation.documents.citation import citation
    from automation.documents.context import Award
    from automation.keys import key_of

    noms = data["Nominations"].set_index("ID", drop=False)
    noms = noms[~noms.index.duplicated()]
    kinds = dict(
        zip(data["Categories"]["Category"].map(key_of), data["Categories"]["Type"], strict=True)
    )
    out: list[str | None] = [None] * len(results)
    # Only the few placed nominations get a citation: look at those rows alone.
    placed = results["Place"].isin(["winner", "runner-up"]).to_numpy()
    for i in placed.nonzero()[0]:
        r = results.iloc[i]
        nid = r["Nomination ID"]
        if nid not in noms.index:
            continue
        nom = noms.loc[nid]
        consent = nom.get("Consent to publish")
        consented = pd.notna(consent) and bool(consent) and pd.notna(nom.get("Customer quote"))
        award = Award(
            category=str(r["Category"]),
            award_kind=str(kinds.get(key_of(r["Category"])) or "individual"),
            award_description="",
            period=str(r["Period"]),
            place=1 if r["Place"] == "winner" else 2,
            nominee=str(r["Nominee"]),
            team=str(r["Team"] or ""),
            site=str(r["Site"] or ""),
            evidence=str(nom["Evidence"]) if pd.notna(nom["Evidence"]) else "",
            score_pct=0.0,
            nomination_count=1,
            customer_quote=str(nom["Customer quote"]) if consented else None,
            citation=str(nom["Citation"]) if pd.notna(nom.get("Citation")) else "",
        )
        out[i] = citation(award)
    return out


def ranked_count(results: Results) -> str:
    """ "60 nominations ranked", or "58 of 60 nominations ranked": nominations nobody scored
    are listed on Results but not ranked, so they are not counted as ranked."""
    total = len(results.nominations)
    ranked = int(results.nominations["Rank"].notna().sum()) if total else 0
    return (
        f"{ranked} nominations ranked"
        if ranked == total
        else f"{ranked} of {total} nominations ranked"
    )


def categories_without_nominations(data: ProgrammeData) -> str | None:
    """A line naming the categories with no nomination in the current period (no award this
    time), or None: scoring and the documents pass over such a category without a word."""
    from automation.documents.english import join_list
    from automation.keys import column_key, key_of

    period = data.setting("current_period")
    cats = data["Categories"].dropna(subset=["Category"])
    if not period or cats.empty:
        return None
    # The keys validation worked out already, and the distinct categories only (a long
    # Nominations table is not walked in Python).
    calibration = data["Nominations"]["Calibration"].fillna(False).astype(bool).to_numpy()
    periods = column_key(data, "Nominations", "Period")
    here = (periods == key_of(period)).fillna(False).to_numpy(dtype=bool) & ~calibration
    seen = set(column_key(data, "Nominations", "Category")[here].dropna().unique())
    empty = [str(c) for c in cats["Category"] if key_of(c) not in seen]
    if not empty:
        return None
    return f"No nominations in {period} for {join_list(empty)}: no award there this time"


def score_summary(results: Results) -> str:
    winners = results.winners
    parts = [f"{r['Category']} ({r['Period']}): {r['Nominee']}" for _, r in winners.iterrows()]
    ties = (results.nominations["Place"] == "panel vote").sum()
    text = f"{ranked_count(results)}; winners: " + ("; ".join(parts) if parts else "none")
    if ties:
        text += f"; {ties} nominations tied for a win need a panel vote ({RECORD_VOTE}, then score again)"
    return text
