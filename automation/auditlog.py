"""One door into the Audit log for the jobs that change people's data or the period.

New period, import, anonymise and erase record what they did through ``audit_entry`` only, so
the way entries are written (``automation.audit.record``: chained and sealed) can change in one place.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from automation import schema
from automation.audit import LOCK_TABLES, record
from automation.model import ProgrammeData


def audit_entry(
    data: ProgrammeData,
    action: str,
    detail: str,
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
    clear_lock: bool = False,
) -> dict[str, pd.DataFrame]:
    """The frames that record ``action``: the chained Audit table and its seal (file jobs).

    ``clear_lock``: a new period starts with judging open, so the closed period's score lock
    (whose rows have just moved to history) is cleared with it.
    """
    frames = record(data, action, detail, now=now, user=user, seal=True)
    if clear_lock:
        for name in LOCK_TABLES:
            frames[name] = pd.DataFrame(columns=list(schema.TABLE_BY_NAME[name].names))
    return frames
