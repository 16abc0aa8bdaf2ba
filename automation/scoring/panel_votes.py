"""The panel's votes on ties for first: the PanelVotes table (Appeals sheet), by tie.

A category's tie-break chain can end in a tie for first that only the panel can settle (the
'panel vote' rule, or rules that run out). The Results sheet then shows every tied
nomination as 'panel vote', and the period cannot be closed. Once the panel has chosen,
the manager records the choice here and scores again: the chosen nomination wins, the
others tied with it take the next places, and the tie note says who decided and when.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from automation.keys import key, key_of
from automation.model import ProgrammeData


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


def panel_votes(data: ProgrammeData) -> dict[tuple[str, str], PanelVote]:
    """(period key, category key) -> the panel's vote. A tie with two rows is left out: the
    validation rule ``panel-vote-repeated`` asks the manager to keep one."""
    votes = data.tables.get("PanelVotes")
    if votes is None or votes.empty:
        return {}
    rows = votes.dropna(subset=["Period", "Category", "Winner"])
    pairs = list(zip(key(rows["Period"]), key(rows["Category"]), strict=True))
    counts = Counter(pairs)
    out: dict[tuple[str, str], PanelVote] = {}
    how = rows["How decided"] if "How decided" in rows else pd.Series(None, index=rows.index)
    for pair, winner, decided, said in zip(
        pairs, rows["Winner"], rows["Decided on"], how, strict=True
    ):
        if counts[pair] == 1:
            day = pd.Timestamp(decided).date() if pd.notna(decided) else None
            text = " ".join(str(said).split()) if isinstance(said, str) else ""
            out[pair] = PanelVote(key_of(winner), day, text.rstrip("."))
    return out
