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

from automation.audit import record
from automation.digest import tables_digest
from automation.judging.collect import Change
from automation.model import ProgrammeData

SCORE_CHANGED = "score-changed"


def judging_audit(
    data: ProgrammeData,
    action: str,
    detail: str,
    changes: Iterable[Change] = (),
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
    seal: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """The chained Audit entries of a run: the run's own, then one per applied score change.

    Returns the frames to merge into a write (the Audit table, and the seal and lock tables
    when ``seal`` says so; see ``automation.audit.record``). Each change is its own chained
    entry, so removing one is detected like any other edit of the log.
    """
    now = now or dt.datetime.now().replace(microsecond=0)
    # Every entry is over the same input tables: digest them once, not once per change.
    inputs = tables_digest(data)
    frames = record(data, action, detail, now=now, user=user, seal=seal, inputs=inputs)
    for c in changes:
        if not c.applied:
            continue
        text = (
            f"judge {c.judge}; nomination {c.nomination}; criterion {c.criterion}; "
            f"old {c.old:g}; new {c.new:g}"
        )
        step = ProgrammeData(
            {**data.tables, "Audit": frames["Audit"]},
            data.settings,
            data.places,
            source=data.source,
        )
        entry = record(step, SCORE_CHANGED, text, now=now, user=user, seal=seal, inputs=inputs)
        frames = {**frames, **entry}
    return frames
