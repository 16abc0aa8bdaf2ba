"""Rules that keep the outputs from contradicting the workbook: typed KPIs against the figures
the workbook can count, and nominations whose evidence is about somebody else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from automation.issues import WARNING, Issue
from automation.keys import key_of
from automation.kpis import SHARES, differs, workbook_kpi
from automation.model import ROW, ProgrammeData


def check_kpis(data: ProgrammeData) -> Iterator[Issue]:
    """``actual-differs-from-workbook``: an objective's typed Actual is not what the workbook
    counts for its KPI in the current period (the evaluation report would show both)."""
    obj = data["Objectives"]
    period = data.setting("current_period")
    if obj.empty or "Worked out from" not in obj.columns or not period:
        return
    place = data.place("Objectives")
    for _, row in obj.iterrows():
        source = row["Worked out from"]
        if pd.isna(source) or pd.isna(row["Actual"]):
            continue
        computed = workbook_kpi(data, str(source), str(period))
        if computed is None or not differs(float(row["Actual"]), computed, str(source)):
            continue
        shown = f"{computed:g}%" if source in SHARES else f"{computed:g}"
        excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
        yield Issue(
            "actual-differs-from-workbook",
            WARNING,
            place.sheet,
            f"'{row['Objective']}' has Actual {float(row['Actual']):g}, but the workbook counts "
            f"{shown} {source} in {period}.",
            "Correct Actual (the evaluation report shows both figures), or clear 'Worked out "
            "from' if the KPI is measured some other way.",
            row=excel_row,
            column="Actual",
            cell=place.cell("Actual", excel_row),
            value=f"{float(row['Actual']):g}",
        )


_PRONOUNS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}
_OPENING = re.compile(r"^\W*([A-Z][a-z'’-]+)\b")
# A customer speaking of the person who helped them: "He called me back", "she sorted it".
_QUOTE_PRONOUN = re.compile(r"^\W*(he|she)\b", re.I)


def _first_names(data: ProgrammeData) -> dict[str, set[str]]:
    """First name (lower case) -> the full names on Staff that have it."""
    staff = data["Staff"].dropna(subset=["Name"])
    out: dict[str, set[str]] = {}
    for name in staff["Name"].astype(str):
        parts = name.split()
        if parts:
            out.setdefault(parts[0].lower(), set()).add(key_of(name))
    return out


def check_evidence_subject(data: ProgrammeData) -> Iterator[Issue]:
    """``evidence-names-someone-else``: the evidence or quote opens with another staff member's
    first name as the subject (pasted from another nomination?), so the certificate, article and
    emails would praise the wrong person.

    Only the opening word is read: "Jordan stayed on the line" for Aoife is flagged, "Aoife and
    Jordan fixed it" is not. A customer quote opening with "He" or "She" about a nominee whose
    evidence uses the other pronoun is flagged too.
    """
    noms = data["Nominations"]
    if noms.empty:
        return
    firsts = _first_names(data)
    place = data.place("Nominations")
    teams = set(data["Teams"]["Team"].dropna().map(key_of)) if not data["Teams"].empty else set()
    for _, row in noms.iterrows():
        nominee = row["Nominee"]
        if pd.isna(nominee) or key_of(nominee) in teams:
            continue
        own = str(nominee).split()[0].lower() if str(nominee).split() else ""
        excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
        for column in ("Evidence", "Customer quote"):
            text = row.get(column)
            if pd.isna(text) or not str(text).strip():
                continue
            m = _OPENING.match(str(text))
            other = m.group(1) if m else ""
            if other and other.lower() != own and other.lower() in firsts:
                if key_of(nominee) in firsts[other.lower()]:
                    continue
                yield _subject_issue(place, row, column, excel_row, f"opens with '{other}'")
        quote = row.get("Customer quote")
        evidence = row.get("Evidence")
        if pd.notna(quote) and pd.notna(evidence):
            said = _QUOTE_PRONOUN.match(str(quote))
            used = {
                _PRONOUNS[w] for w in re.findall(r"\b(he|him|his|she|her)\b", str(evidence).lower())
            }
            if said and len(used) == 1 and _PRONOUNS[said.group(1).lower()] not in used:
                yield _subject_issue(
                    place, row, "Customer quote", excel_row, f"speaks of '{said.group(1)}'"
                )


def _subject_issue(place, row, column: str, excel_row: int | None, what: str) -> Issue:
    return Issue(
        "evidence-names-someone-else",
        WARNING,
        place.sheet,
        f"{row['ID']}: the {column.lower()} for {row['Nominee']} {what}, as if it were about "
        "someone else.",
        f"Check the {column.lower()} belongs to this nomination and names {row['Nominee']}; "
        "the certificate, article and emails quote it.",
        row=excel_row,
        column=column,
        cell=place.cell(column, excel_row),
        value=str(row[column])[:60],
    )
