"""Appeals against results: counts for the report and the nominations each appeal concerns.

An appeal names a nomination (current or, after a new period, in the nomination history). Its
reviewer must not have judged that nomination, and while any appeal is open the period's
results are not final. The rules that report problems are in ``automation.validate.running``.
"""

from __future__ import annotations

import pandas as pd

from automation.keys import key, key_of
from automation.model import ProgrammeData

OUTCOMES = ("open", "upheld", "partly upheld", "not upheld", "withdrawn")


def all_nominations(
    data: ProgrammeData, columns: tuple[str, ...] = ("ID", "Period")
) -> pd.DataFrame:
    """``columns`` of every nomination, current and in history."""
    parts = [data["Nominations"][list(columns)]]
    hist = data.tables.get("NominationHistory")
    if hist is not None and len(hist):
        parts.append(hist[list(columns)])
    return pd.concat(parts, ignore_index=True)


def period_appeals(data: ProgrammeData, period: str | None) -> pd.DataFrame:
    """Appeals against nominations of ``period`` (every appeal when None)."""
    appeals = data.tables.get("Appeals")
    if appeals is None or appeals.empty:
        return pd.DataFrame(columns=["Appeal ID", "Nomination ID", "Outcome"])
    if period is None:
        return appeals
    noms = all_nominations(data)
    ids = set(key(noms.loc[key(noms["Period"].astype("string")) == key_of(period), "ID"]).dropna())
    return appeals[key(appeals["Nomination ID"]).isin(ids)]


def outcome_of(frame: pd.DataFrame) -> pd.Series:
    """Each appeal's outcome, lower case; a blank outcome counts as open."""
    return frame["Outcome"].fillna("open").astype(str).str.strip().str.lower()


def open_appeals(data: ProgrammeData, period: str | None) -> list[str]:
    """IDs of appeals still open against ``period``'s nominations: they block final results."""
    appeals = period_appeals(data, period)
    return [str(a) for a in appeals.loc[outcome_of(appeals) == "open", "Appeal ID"]]


def appeal_counts(data: ProgrammeData, period: str | None) -> dict[str, int]:
    """Appeals by outcome (every outcome listed, in the workbook's order)."""
    appeals = period_appeals(data, period)
    counts = outcome_of(appeals).value_counts()
    return {o: int(counts.get(o, 0)) for o in OUTCOMES}
