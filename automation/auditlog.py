"""One door into the Audit log for the jobs that change people's data or the period.

New period, import, anonymise and erase record what they did through ``audit_entry`` only, so
the way entries are written (today: ``automation.tables.audit_frame``) can change in one place.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from automation.model import ProgrammeData
from automation.tables import audit_frame


def audit_entry(
    data: ProgrammeData,
    action: str,
    detail: str,
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> pd.DataFrame:
    """The Audit table with one entry for ``action`` appended."""
    return audit_frame(data, action, detail, now=now, user=user)
