"""validate(data) -> Report: every rule, every issue, never stopping at the first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from automation.audit import check_audit
from automation.conflicts import conflicted_pairs
from automation.issues import Issue, Report
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
    expected_parts,
)
from automation.validate.linked import check_judges_linked
from automation.validate.nominations import check_nominations
from automation.validate.planning import check_planning, check_settings
from automation.validate.running import check_running


def _rules(today: dt.date) -> dict[str, Callable[[ProgrammeData], Iterable[Issue]]]:
    """Every rule, in the order the report lists what they find."""
    return {
        "cells": check_cells,
        "capacity": check_capacity,
        "settings": check_settings,
        "criteria": check_criteria,
        "scores": check_scores,
        "missing": check_missing,
        "assignments": check_assignments,
        "linked": check_judges_linked,
        "nominations": check_nominations,
        "planning": lambda data: check_planning(data, today),
        "kpis": check_kpis,
        "evidence subject": check_evidence_subject,
        "audit": check_audit,
        "lock": check_lock,
        "running": lambda data: check_running(data, today),
    }


# Without these tables every score row would be "unknown": the table-missing issue is the one
# thing to fix, so the score rules wait until it is.
_SCORE_RULES = ("scores", "missing", "assignments", "linked")
_SCORE_TABLES = {"Scores", "Nominations", "Judges", "Criteria", "Categories"}
# Rules that may need no big table: tried on the tables read while Scores still loads.
_EARLY_RULES = (
    "settings",
    "criteria",
    "nominations",
    "planning",
    "kpis",
    "evidence subject",
    "audit",
    "lock",
    "running",
)


def validate(
    data: ProgrammeData,
    *,
    today: dt.date | None = None,
    early: Mapping[str, list[Issue]] | None = None,
) -> Report:
    """Check a programme's data and return every issue found, with its cell and a hint.

    ``today`` decides what counts as overdue (defaults to the real date). ``early``: what
    :func:`validate_early` found for the same read, with the same ``today``.
    """
    today = today or dt.date.today()
    early = early or {}
    skip = _SCORE_RULES if missing_table_names(data) & _SCORE_TABLES else ()
    report = Report()
    for name, rule in _rules(today).items():
        if name not in skip:
            report.extend(early[name] if name in early else rule(data))
    return report


def validate_early(data: ProgrammeData, *, today: dt.date | None = None) -> dict[str, list[Issue]]:
    """The rules that can run on a provisional read (``read_workbook``'s ``while_waiting``),
    by name: a rule that asks for a table still loading is left for :func:`validate`, and so
    is one that fails (it fails again there, in its place). What the other rules share and
    can work out already goes into ``data.cache``."""
    today = today or dt.date.today()
    rules = _rules(today)
    found: dict[str, list[Issue]] = {}
    for name in _EARLY_RULES:
        try:
            found[name] = list(rules[name](data))
        except Exception:  # noqa: BLE001 - TablePending, or a failure raised again later
            continue
    # What the score rules share and can work out without the scores: kept in data.cache.
    for shared in (conflicted_pairs, expected_parts):
        try:
            shared(data)
        except Exception:  # noqa: BLE001 - TablePending, or a failure raised again later
            continue
    return found


__all__ = ["validate", "validate_early"]
