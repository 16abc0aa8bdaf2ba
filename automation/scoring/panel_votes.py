"""The panel's votes on ties for first: the PanelVotes table (Appeals sheet), by tie.

A category's tie-break chain can end in a tie for first that only the panel can settle (the
'panel vote' rule, or rules that run out). The Results sheet then shows every tied
nomination as 'panel vote', and the period cannot be closed. Once the panel has chosen,
the manager records the choice here and scores again: the chosen nomination wins, the
others tied with it take the next places, and the tie note says who decided and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from automation.keys import key, key_of
from automation.model import ProgrammeData

# What to do about a tie awaiting the panel, as the messages that report one say it.
RECORD_VOTE = "record the panel's choice on the Appeals sheet's Panel votes table"


@dataclass(frozen=True)
class PanelVote:
    """The nomination the panel chose for one category and period, and when."""

    winner: str  # as key_of gives it
    decided_on: dt.date | None
    how: str = ""  # the table's How decided, as typed

    def note(self, shown_id: str) -> str:
        when = f" on {self.decided_on:%d/%m/%Y}" if self.decided_on else ""
        how = f": {self.how}" if self.how else ""
        return f"the panel chose {shown_id}{when} (Panel votes table{how})"


def ties_voted(votes: pd.DataFrame) -> pd.Series:
    """Each vote's tie as (period key, category key)."""
    return pd.Series(
        list(zip(key(votes["Period"]), key(votes["Category"]), strict=True)), index=votes.index
    )


def repeated_votes(votes: pd.DataFrame) -> pd.Series:
    """Rows naming a tie that another row names too: none of them is used."""
    named = votes["Period"].notna() & votes["Category"].notna()
    return named & ties_voted(votes).duplicated(keep=False)


def panel_votes(data: ProgrammeData) -> dict[tuple[str, str], PanelVote]:
    """(period key, category key) -> the panel's vote. A tie with two rows is left out: the
    validation rule ``panel-vote-repeated`` asks the manager to keep one."""
    votes = data.tables.get("PanelVotes")
    if votes is None or votes.empty:
        return {}
    rows = votes[~repeated_votes(votes)].dropna(subset=["Period", "Category", "Winner"])
    out: dict[tuple[str, str], PanelVote] = {}
    for pair, winner, decided, said in zip(
        ties_voted(rows), rows["Winner"], rows["Decided on"], rows["How decided"], strict=True
    ):
        day = pd.Timestamp(decided).date() if pd.notna(decided) else None
        text = " ".join(str(said).split()) if isinstance(said, str) else ""
        out[pair] = PanelVote(key_of(winner), day, text.rstrip("."))
    return out
