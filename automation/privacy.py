"""Data protection: anonymise old personal data, and erase one person's on request.

Both return the changes as data (cells of input tables by Excel row, whole history tables)
for ``automation.privacy_job`` to write. Neither touches a score, a result or a count:

* ``anonymise`` replaces nominators' contact details with a marker, and customers' names with
  a pseudonym ("anonymised customer 3"). The same name always gets the same pseudonym, so
  a customer who nominated twice still counts once and duplicates are still duplicates: the
  ranking (which counts independent nominators) comes out exactly as before.
* ``erase`` replaces a person's name wherever they were nominated, nominated someone or were
  named in a conflict, with a pseudonym, and removes what was written about them (evidence,
  quote, line manager, contact). The rows stay, so counts by team, site and period stay true.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from automation.errors import UserError
from automation.keys import key, key_of
from automation.model import ROW, ProgrammeData

REMOVED = "[removed]"
ERASED = "[erased]"
_PSEUDONYM = re.compile(r"^(anonymised customer|erased person) (\d+)$", re.I)
_ERASED = re.compile(r"^\s*erased person \d+\s*$", re.I)


def erased(names: pd.Series) -> pd.Series:
    """Which of ``names`` are the pseudonym of a person erased on request ("erased person 3")."""
    return names.astype("string").str.match(_ERASED).fillna(False).astype(bool)


@dataclass
class PrivacyChange:
    """Cells to set in input tables and history tables to rewrite, with counts for the log."""

    cells: dict[str, dict[tuple[int, str], object]] = field(default_factory=dict)
    history: dict[str, pd.DataFrame] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    rows_by_table: dict[str, int] = field(default_factory=dict)  # where erase found the person
    # Every table erase changed, whole and as changed: the score lock is sealed again over
    # the locked ones (automation.lock.reseal).
    after: dict[str, pd.DataFrame] = field(default_factory=dict)

    def set(self, table: str, row: int, column: str, value: object) -> None:
        self.cells.setdefault(table, {})[(row, column)] = value

    @property
    def empty(self) -> bool:
        return not any(self.cells.values()) and not self.history


def _next_number(data: ProgrammeData, stem: str) -> int:
    """The next free pseudonym number, so earlier runs' pseudonyms are never reused."""
    top = 0
    for table in ("Nominations", "NominationHistory", "ResultHistory", "PastWinners"):
        frame = data.tables.get(table)
        if frame is None:
            continue
        for col in ("Nominee", "Nominator"):
            if col not in frame:
                continue
            for value in frame[col].dropna().astype(str):
                m = _PSEUDONYM.match(value.strip())
                if m and m.group(1).lower() == stem:
                    top = max(top, int(m.group(2)))
    return top + 1


# A retention period the tool acts on: a month to a hundred years. Anything else is a typing
# slip (a negative period would anonymise every nomination, a huge one overflows the dates).
RETENTION_MONTHS = range(1, 1201)


def retention_months(data: ProgrammeData) -> int | None:
    """The retention period in Settings (12 months when blank), or None when it is outside
    :data:`RETENTION_MONTHS` (validation reports it as ``bad-setting``)."""
    value = data.setting("retention_months")
    months = 12 if value is None or value == "" else int(value)
    return months if months in RETENTION_MONTHS else None


def retention_cutoff(data: ProgrammeData, today: dt.date) -> dt.date:
    """Today less the retention period in Settings (12 months by default)."""
    months = retention_months(data)
    if months is None:
        raise UserError(
            f"The retention period in Settings ({data.setting('retention_months')} months) is "
            "not one the tool can use.",
            "Set Retention (months) on the Settings sheet to a whole number from 1 to 1,200, "
            "or give the date with --before.",
        )
    return (pd.Timestamp(today) - pd.DateOffset(months=months)).date()


def anonymise(data: ProgrammeData, before: dt.date) -> PrivacyChange:
    """Contact details and customer names of nominations received before ``before``."""
    change = PrivacyChange()
    cutoff = pd.Timestamp(before)
    pseudonyms: dict[str, str] = {}
    number = _next_number(data, "anonymised customer")

    def pseudonym(name: object) -> str:
        nonlocal number
        k = key_of(name)
        if k not in pseudonyms:
            pseudonyms[k] = f"anonymised customer {number}"
            number += 1
        return pseudonyms[k]

    contacts = names = 0
    for table in ("Nominations", "NominationHistory"):
        frame = data.tables.get(table)
        if frame is None or frame.empty:
            continue
        old = frame["Received"].notna() & (frame["Received"] < cutoff)
        has_contact = (
            old
            & frame["Nominator contact"].notna()
            & (frame["Nominator contact"].astype(str) != REMOVED)
        )
        customer = (
            old
            & (frame["Nominator type"].astype(str).str.lower() == "customer")
            & frame["Nominator"].notna()
            & ~frame["Nominator"].astype(str).str.strip().str.match(_PSEUDONYM)
        )
        contacts += int(has_contact.sum())
        names += int(customer.sum())
        if table == "Nominations":
            for _, r in frame[has_contact].iterrows():
                change.set(table, int(r[ROW]), "Nominator contact", REMOVED)
            for _, r in frame[customer].iterrows():
                change.set(table, int(r[ROW]), "Nominator", pseudonym(r["Nominator"]))
        elif has_contact.any() or customer.any():
            new = frame.copy()
            new.loc[has_contact, "Nominator contact"] = REMOVED
            new.loc[customer, "Nominator"] = new.loc[customer, "Nominator"].map(pseudonym)
            change.history[table] = new
    change.counts = {"contact details": contacts, "customer names": names}
    return change


# Where a person can be named: columns holding a name, and free text that may mention them.
NAME_COLUMNS = {
    "Nominations": ("Nominee", "Nominator"),
    "Conflicts": ("Nominee",),
    "PastWinners": ("Nominee",),
    "Appeals": ("Appellant",),
    "NominationHistory": ("Nominee", "Nominator"),
    "ResultHistory": ("Nominee",),
    "Results": ("Nominee",),
}
TEXT_COLUMNS = {
    "Nominations": ("Evidence", "Customer quote", "Citation"),
    "Scores": ("Comment",),
    "Conflicts": ("Notes",),
    "Appeals": ("Grounds", "Notes"),
    "PanelVotes": ("How decided",),
    "NominationHistory": ("Evidence", "Customer quote", "Citation"),
    "ResultHistory": ("Citation",),
    "ScoreHistory": ("Comment",),
    # Not the Audit log: it is a tamper-evident chain (automation.audit), and rewriting an
    # entry would make every later check report it as edited. The log records what the tool
    # did (kept as the record of processing); the erasure itself is logged without the name.
}
# What was written about a nominee goes, not just their name (a result's citation is a line
# of the evidence or the customer's quote).
ABOUT_NOMINEE = {"Evidence": ERASED, "Customer quote": None, "Line manager": None, "Citation": None}
REWRITTEN = ("NominationHistory", "ResultHistory", "ScoreHistory", "Results")


def erase(data: ProgrammeData, person: str) -> PrivacyChange:
    """Everything that names or describes ``person`` in nominations, results and history.

    Input tables get cell edits; history and tool tables (``REWRITTEN``) come back whole.
    """
    who = key_of(person)
    if not who:
        raise UserError("No person given.", 'Name the person, e.g. --person "Jon Smith".')
    name = f"erased person {_next_number(data, 'erased person')}"
    mention = re.compile(re.escape(person.strip()), re.I)
    change = PrivacyChange()
    rows = 0
    for table in sorted(set(NAME_COLUMNS) | set(TEXT_COLUMNS)):
        frame = data.tables.get(table)
        if frame is None or frame.empty:
            continue
        new = frame.copy()
        touched = pd.Series(False, index=frame.index)
        for column in NAME_COLUMNS.get(table, ()):
            hit = (key(frame[column]) == who).fillna(False)
            new.loc[hit, column] = name
            touched |= hit
            if column == "Nominee":
                for col, value in ABOUT_NOMINEE.items():
                    if col in frame:
                        new.loc[hit, col] = value
            if column == "Nominator" and "Nominator contact" in frame:
                new.loc[hit, "Nominator contact"] = None
        for column in TEXT_COLUMNS.get(table, ()):
            if column not in new:
                continue  # a column an older workbook does not have yet
            text = new[column]
            has = text.notna() & text.astype(str).str.contains(mention)
            new.loc[has, column] = text[has].astype(str).str.replace(mention, name, regex=True)
            touched |= has
        if not touched.any():
            continue
        if table != "Audit":  # a log entry mentioning them is scrubbed but is not their data
            rows += int(touched.sum())
            change.rows_by_table[table] = int(touched.sum())
        change.after[table] = new
        if table in REWRITTEN:
            change.history[table] = new
            continue
        columns = [c for c in new.columns if c != ROW]
        for i in frame.index[touched]:
            for col in columns:
                before, after = frame.at[i, col], new.at[i, col]
                if (
                    not (pd.isna(before) and pd.isna(after))
                    and before is not after
                    and (pd.isna(before) or pd.isna(after) or before != after)
                ):
                    change.set(table, int(frame.at[i, ROW]), col, None if pd.isna(after) else after)
    change.counts = {"rows": rows}
    if not rows:
        raise UserError(
            f"No nomination, result, score comment or conflict names {person}.",
            "Check the spelling (as on the Nominations sheet); nothing was changed.",
        )
    return change
