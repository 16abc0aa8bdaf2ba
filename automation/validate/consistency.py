"""Rules that keep the outputs from contradicting the workbook: typed KPIs against the figures
the workbook can count, and nominations whose evidence is about somebody else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
from pandas.api.types import is_object_dtype

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


def _texts(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column's filled cells as text (``str`` of each, as a person would read it)."""
    if column not in frame.columns:
        return pd.Series(dtype=object)
    s = frame[column]
    s = s[s.notna()]
    if is_object_dtype(s.dtype) and pd.api.types.infer_dtype(s.to_numpy()) in ("string", "empty"):
        return s  # already text: no conversion pass
    return pd.Series([str(v) for v in s], index=s.index, dtype=object)


def check_evidence_subject(data: ProgrammeData) -> Iterator[Issue]:
    """``evidence-names-someone-else``: the evidence or quote opens with another staff member's
    first name as the subject (pasted from another nomination?), so the certificate, article and
    emails would praise the wrong person.

    Only the opening word is read: "Jordan stayed on the line" for Aoife is flagged, "Aoife and
    Jordan fixed it" is not. A customer quote opening with "He" or "She" about a nominee whose
    evidence uses the other pronoun is flagged too.
    """
    # Positions as labels, so a flagged row is found by its place in the table.
    noms = data["Nominations"].reset_index(drop=True)
    if noms.empty:
        return
    firsts = _first_names(data)
    place = data.place("Nominations")
    teams = set(data["Teams"]["Team"].dropna().map(key_of)) if not data["Teams"].empty else set()
    nominee = _texts(noms, "Nominee")
    # (position in the table, order within the row, column, what) for each flagged cell; the
    # rules run on whole columns and only the flagged rows become issues, in row order.
    found: list[tuple[int, int, str, str]] = []
    own: pd.Series | None = None
    for order, column in enumerate(("Evidence", "Customer quote")):
        text = _texts(noms, column)
        text = text[text.index.isin(nominee.index)]
        other = text.str.extract(_OPENING, expand=False).dropna()
        other_l = other.str.lower()
        other_l = other_l[other_l.isin(firsts)]
        if other_l.empty:
            continue
        if own is None:
            # The nominee's first word, as split() sees it (\s is str.isspace in both).
            own = nominee.str.extract(r"^\s*(\S+)", expand=False).fillna("").str.lower()
        other_l = other_l[other_l != own.reindex(other_l.index)]
        for i, first in other_l.items():
            name = key_of(nominee[i])
            if name in teams or name in firsts[first]:
                continue
            found.append((i, order, column, f"opens with '{other[i]}'"))
    quote, evidence = _texts(noms, "Customer quote"), _texts(noms, "Evidence")
    said = quote[quote.index.isin(nominee.index) & quote.index.isin(evidence.index)]
    said = said.str.extract(_QUOTE_PRONOUN, expand=False).dropna()
    if not said.empty:
        used = evidence.reindex(said.index).str.lower()
        male = used.str.contains(r"\b(?:he|him|his)\b")
        female = used.str.contains(r"\b(?:she|her)\b")
        gender = said.str.lower().map(_PRONOUNS)
        # Flagged when the evidence uses exactly one pronoun and it is the other one.
        other_one = ((gender == "male") & female & ~male) | ((gender == "female") & male & ~female)
        for i in other_one[other_one].index:
            if key_of(nominee[i]) in teams:
                continue
            found.append((i, 2, "Customer quote", f"speaks of '{said[i]}'"))
    for pos, _, column, what in sorted(found):
        row = noms.iloc[pos]
        excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
        yield _subject_issue(place, row, column, excel_row, what)


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
