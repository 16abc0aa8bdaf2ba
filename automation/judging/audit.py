"""Audit log entries of the judging workflow, made in one place.

Every change collect makes to a score already in the Scores table is one entry (judge,
nomination, criterion, old and new score), after the entry for the run itself. Keeping them
in this one function means the Audit log's format (or a future tamper-evident chain) is
changed here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from automation.judging.collect import Change
from automation.model import ProgrammeData
from automation.tables import audit_frame

SCORE_CHANGED = "score-changed"


def judging_audit(
    data: ProgrammeData,
    action: str,
    detail: str,
    changes: Iterable[Change] = (),
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> pd.DataFrame:
    """The Audit table with the run's entry and one entry per applied score change."""
    now = now or dt.datetime.now().replace(microsecond=0)
    frame = audit_frame(data, action, detail, now=now, user=user)
    extra = [
        {
            **frame.iloc[-1].to_dict(),
            "Action": SCORE_CHANGED,
            "Detail": (
                f"judge {c.judge}; nomination {c.nomination}; criterion {c.criterion}; "
                f"old {c.old:g}; new {c.new:g}"
            ),
        }
        for c in changes
        if c.applied
    ]
    if not extra:
        return frame
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
