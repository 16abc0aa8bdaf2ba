"""Rules about the plan and business case: SMART objectives, actions, options, settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd

from automation import schema
from automation.issues import ERROR, WARNING, Issue
from automation.model import ROW, ProgrammeData
from automation.privacy import retention_months
from automation.validate.emit import row_issues


def check_planning(data: ProgrammeData, today: dt.date) -> Iterator[Issue]:
    now = pd.Timestamp(today)
    obj = data["Objectives"]
    if not obj.empty:
        higher = obj["Higher is better"].fillna(True).astype(bool)
        no_gain = (
            obj["Baseline"].notna()
            & obj["Target"].notna()
            & (
                (higher & (obj["Target"] <= obj["Baseline"]))
                | (~higher & (obj["Target"] >= obj["Baseline"]))
            )
        )
        yield from row_issues(
            data,
            "Objectives",
            no_gain,
            "Target",
            "target-not-improvement",
            WARNING,
            "The target for '{KPI}' ({Target}) is no better than its baseline ({Baseline}).",
            "Check the target, or the 'Higher is better' column.",
        )
        late = obj["Deadline"].notna() & (obj["Deadline"] < now) & obj["Actual"].isna()
        yield from row_issues(
            data,
            "Objectives",
            late,
            "Actual",
            "objective-not-measured",
            WARNING,
            "The deadline for '{KPI}' has passed but no actual result is recorded.",
            "Record the measured value in Actual so the evaluation can say if it was met.",
        )
    act = data["Actions"]
    if not act.empty:
        before = act["Start"].notna() & act["Due"].notna() & (act["Due"] < act["Start"])
        yield from row_issues(
            data,
            "Actions",
            before,
            "Due",
            "action-due-before-start",
            ERROR,
            "'{Action}' is due ({Due}) before it starts ({Start}).",
            "Correct the start or due date.",
        )
        open_ = ~act["Status"].isin(["done", "cancelled"])
        overdue = act["Due"].notna() & (act["Due"] < now) & open_
        yield from row_issues(
            data,
            "Actions",
            overdue,
            "Status",
            "action-overdue",
            WARNING,
            "'{Action}' was due on {Due} and is not done.",
            "Update the status, or agree a new due date with the person responsible.",
        )
    opts = data["Options"]
    if not opts.empty:
        chosen = opts["Chosen"].fillna(False).astype(bool)
        if not chosen.any():
            yield Issue(
                "no-option-chosen",
                WARNING,
                data.place("Options").sheet,
                "No option is marked as chosen.",
                "Mark the chosen option 'yes' and give the reason (criterion 2.3).",
            )
        no_reason = chosen & opts["Reason"].isna()
        yield from row_issues(
            data,
            "Options",
            no_reason,
            "Reason",
            "option-no-reason",
            WARNING,
            "'{Option}' is chosen but the reason is not given.",
            "Say why it best meets the objectives (criterion 2.3).",
        )
    weights = data["OptionWeights"]
    if not weights.empty and abs(weights["Weight"].fillna(0).sum() - 1) > 1e-3:
        yield from row_issues(
            data,
            "OptionWeights",
            weights.index == weights.index[0],
            "Weight",
            "option-weights-not-100",
            WARNING,
            f"The option weights add up to {weights['Weight'].fillna(0).sum() * 100:.0f}%.",
            "Make the four weights add up to 100%.",
        )
    costs = data["Costs"]
    if not costs.empty:
        over = (
            costs["Actual"].notna() & costs["Budget"].notna() & (costs["Actual"] > costs["Budget"])
        )
        yield from row_issues(
            data,
            "Costs",
            over,
            "Actual",
            "over-budget",
            WARNING,
            "'{Item}' has spent £{Actual} against a budget of £{Budget}.",
            "Explain the overspend in Notes or revise the budget.",
        )


def setting_at(data: ProgrammeData, key: str) -> dict[str, object]:
    """The row and Value cell of one setting, so its issue lights the cell to fill in."""
    frame = data["Settings"]
    label = schema.SETTING_BY_KEY[key].label
    if frame.empty or "Setting" not in frame.columns:
        return {}
    hit = frame[frame["Setting"].astype(str).str.strip() == label]
    if hit.empty or pd.isna(hit[ROW].iloc[0]):
        return {}
    row = int(hit[ROW].iloc[0])
    return {"row": row, "cell": data.place("Settings").cell("Value", row)}


def _due_after_ceremony(data: ProgrammeData, sheet: str, period: object) -> Iterator[Issue]:
    """``due-after-ceremony``: judges would send their scores back after the winners of the
    current period are presented."""
    due = data.date_setting("scores_due")
    ceremony = data.period_date(period, "Ceremony") if period else None
    if due is not None and ceremony is not None and due > ceremony:
        yield Issue(
            "due-after-ceremony",
            WARNING,
            sheet,
            f"Scores are due on {due:%d/%m/%Y}, after the {period} ceremony on "
            f"{ceremony:%d/%m/%Y}: the winners would be presented before the judges "
            "have scored.",
            "Set Scores due to a day before the ceremony, leaving time to score and check the "
            "results, or move the ceremony on the Periods sheet.",
            column="Value",
            value=f"{due:%d/%m/%Y}",
            **setting_at(data, "scores_due"),
        )


def check_settings(data: ProgrammeData) -> Iterator[Issue]:
    sheet = data.place("Settings").sheet
    period = data.setting("current_period")
    known = set(data["Periods"]["Period"].dropna().astype(str))
    if not period:
        yield Issue(
            "setting-missing",
            ERROR,
            sheet,
            "The current period is not set.",
            "Choose the period being judged in Settings (a Period from the Periods sheet).",
            column="Value",
            **setting_at(data, "current_period"),
        )
    elif str(period) not in known:
        yield Issue(
            "unknown-current-period",
            ERROR,
            sheet,
            f"The current period '{period}' is not on the Periods sheet.",
            "Add the period to the Periods table or correct the setting.",
            column="Value",
            value=str(period),
            **setting_at(data, "current_period"),
        )
    yield from _due_after_ceremony(data, sheet, period)
    if retention_months(data) is None:
        yield Issue(
            "bad-setting",
            WARNING,  # scoring is unaffected; anonymise refuses and consent is not checked
            sheet,
            f"The setting 'Retention (months)' should be from 1 to 1,200 months, not "
            f"{data.setting('retention_months')}: the age of consent is not checked, and "
            "'awards anonymise' needs a date (--before) until it is fixed.",
            "Type a whole number of months from 1 to 1,200 (12 keeps a year).",
            column="Value",
            value=str(data.setting("retention_months")),
            **setting_at(data, "retention_months"),
        )
    if not data.setting("organisation"):
        yield Issue(
            "setting-missing",
            WARNING,
            sheet,
            "The organisation name is not set.",
            "Fill in Organisation in Settings; it is printed on certificates.",
            column="Value",
            **setting_at(data, "organisation"),
        )
