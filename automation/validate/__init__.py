"""validate(data) -> Report: every rule, every issue, never stopping at the first."""

from __future__ import annotations

import datetime as dt

from automation.audit import check_audit
from automation.issues import Report
from automation.lock import check_lock
from automation.model import ProgrammeData
from automation.validate.capacity import check_capacity
from automation.validate.cells import check_cells, missing_table_names
from automation.validate.consistency import check_evidence_subject, check_kpis
from automation.validate.judging import (
    check_assignments,
    check_criteria,
    check_missing,
    check_scores,
)
from automation.validate.linked import check_judges_linked
from automation.validate.nominations import check_nominations
from automation.validate.planning import check_planning, check_settings
from automation.validate.running import check_running


def validate(data: ProgrammeData, *, today: dt.date | None = None) -> Report:
    """Check a programme's data and return every issue found, with its cell and a hint.

    ``today`` decides what counts as overdue (defaults to the real date).
    """
    today = today or dt.date.today()
    report = Report()
    report.extend(check_cells(data))
    report.extend(check_capacity(data))
    report.extend(check_settings(data))
    report.extend(check_criteria(data))
    # Without these tables every score row would be "unknown": the table-missing issue is the
    # one thing to fix, so the score rules wait until it is.
    if not missing_table_names(data) & {
        "Scores",
        "Nominations",
        "Judges",
        "Criteria",
        "Categories",
    }:
        report.extend(check_scores(data))
        report.extend(check_missing(data))
        report.extend(check_assignments(data))
        report.extend(check_judges_linked(data))
    report.extend(check_nominations(data))
    report.extend(check_planning(data, today))
    report.extend(check_kpis(data))
    report.extend(check_evidence_subject(data))
    report.extend(check_audit(data))
    report.extend(check_lock(data))
    report.extend(check_running(data, today))
    return report


__all__ = ["validate"]
