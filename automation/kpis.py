"""KPIs the workbook can work out for itself, so a typed Actual can be checked against them.

An objective names one of these in its *Worked out from* column. The figures are counted for
the current period the way the evaluation report counts them (calibration entries left out),
so the report never shows a typed actual that its own participation section contradicts.
"""

from __future__ import annotations

import pandas as pd

from automation.keys import key_of
from automation.model import ProgrammeData

# Figures that are shares are given out of 100, as the Objectives table keeps percentages.
SHARES = {"customer share of nominations", "share of staff nominated"}


def period_nominations(data: ProgrammeData, period: str) -> pd.DataFrame:
    """The period's nominations without calibration entries."""
    noms = data["Nominations"]
    if noms.empty:
        return noms
    calibration = noms["Calibration"].fillna(False).astype(bool)
    return noms[(noms["Period"].astype(str) == str(period)) & ~calibration]


def staff_nominated(data: ProgrammeData, noms: pd.DataFrame) -> int:
    """People on the Staff table nominated at least once for an individual award."""
    cats = data["Categories"]
    individual = set(cats.loc[cats["Type"] != "team", "Category"])
    staff = data["Staff"].dropna(subset=["Name"])
    nominated = noms[noms["Category"].isin(individual)]["Nominee"].map(key_of)
    return int(nominated[nominated.isin(set(staff["Name"].map(key_of)))].nunique())


def staff_total(data: ProgrammeData) -> int:
    """Headcount from the Teams table, or the number of people on Staff when it is blank."""
    teams = data["Teams"].dropna(subset=["Team"])
    total = int(teams["Headcount"].fillna(0).sum()) if not teams.empty else 0
    return total or len(data["Staff"].dropna(subset=["Name"]))


def workbook_kpi(data: ProgrammeData, source: str, period: str) -> float | None:
    """The KPI ``source`` (a value of the kpi_source list) for ``period``; None if unknown."""
    noms = period_nominations(data, period)
    customers = int((noms["Nominator type"] == "customer").sum()) if len(noms) else 0
    if source == "nominations":
        return float(len(noms))
    if source == "customer nominations":
        return float(customers)
    if source == "customer share of nominations":
        return round(customers / len(noms) * 100, 1) if len(noms) else None
    if source == "share of staff nominated":
        total = staff_total(data)
        return round(staff_nominated(data, noms) / total * 100, 1) if total else None
    if source == "people nominating":
        return float(noms["Nominator"].map(key_of).nunique()) if len(noms) else 0.0
    return None


def differs(actual: float, computed: float, source: str) -> bool:
    """Whether a typed actual disagrees with the workbook's figure (shares to half a point)."""
    if source in SHARES:
        return abs(actual - computed) > 0.5
    return round(actual) != round(computed)
