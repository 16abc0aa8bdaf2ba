"""`awards new-period`: close the current period in a workbook file and open the next one.

Reads the workbook, lets ``automation.history.close_period`` decide every change, and writes
them in one atomic save with a backup: the input tables (Nominations, Scores, Assignments,
Periods, PastWinners, Settings) are edited in place by ``automation.io.patch``; the history and
tool sheets are rewritten; history past the sheet's row cap goes to the sidecar files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from automation import schema
from automation.auditlog import audit_entry
from automation.errors import UserError
from automation.history import SHEET_ROW_CAP, PeriodChange, close_period, columns
from automation.io import sidecar
from automation.io.patch import TableEdit, write_changes
from automation.io.read import read_workbook
from automation.io.write import WriteResult
from automation.keys import key_of
from automation.model import ROW, ProgrammeData
from automation.scoring import score
from automation.validate.nominations import NOT_RUN


@dataclass
class PeriodOutcome:
    change: PeriodChange
    written: WriteResult
    sidecars: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts of plain values for the writer (missing values as None)."""
    frame = frame.drop(columns=[ROW], errors="ignore")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def last_row(data: ProgrammeData, table: str) -> int | None:
    rows = data[table][ROW]
    rows = rows[rows > 0]
    return int(rows.max()) if len(rows) else None


def setting_edit(data: ProgrammeData, values: dict[str, object]) -> TableEdit:
    """Set Settings values by key: the row's Value cell, or a new row if the setting is absent."""
    frame = data["Settings"]
    rows = {key_of(label): int(r) for label, r in zip(frame["Setting"], frame[ROW], strict=True)}
    edit = TableEdit("Settings", last_data_row=last_row(data, "Settings"))
    for k, value in values.items():
        spec = schema.SETTING_BY_KEY[k]
        row = rows.get(key_of(spec.label))
        if row is None:
            if value is not None:  # nothing to clear
                edit.append.append({"Setting": spec.label, "Value": value, "Help": spec.help})
        else:
            edit.cells[(row, "Value")] = value
    return edit


def _same(a: object, b: object) -> bool:
    """Two cell values alike, blanks (None, NaN, NaT) alike too."""
    return (pd.isna(a) and pd.isna(b)) if pd.isna(a) or pd.isna(b) else a == b


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=columns(name))


def new_period_workbook(
    path: Path | str,
    period: str,
    *,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    ceremony: dt.date | None = None,
    force: bool = False,
    dest: Path | str | None = None,
    row_cap: int = SHEET_ROW_CAP,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> PeriodOutcome:
    """Close the current period of the workbook at ``path`` and open ``period`` (see module)."""
    path = Path(path)
    data = read_workbook(path)
    results = score(data)
    change = close_period(
        data,
        results,
        period,
        starts=starts,
        ends=ends,
        ceremony=ceremony,
        force=force,
        today=now.date() if now else None,
    )

    edits: dict[str, TableEdit] = {}
    for name, keep in change.keep.items():
        edits[name] = TableEdit(
            name,
            clear=True,
            append=records(keep),
            blank_rows=schema.TABLE_BY_NAME[name].blank_rows,
        )
    edits["PastWinners"] = TableEdit(
        "PastWinners",
        append=records(change.past_winners),
        last_data_row=last_row(data, "PastWinners"),
        blank_rows=5,
    )
    # A period added to a full table leaves rows to type the next one into: a protected
    # sheet's table cannot grow by typing below it.
    periods = TableEdit("Periods", last_data_row=last_row(data, "Periods"), blank_rows=3)
    for _, r in change.periods.iterrows():
        row = change.period_rows.get(key_of(r["Period"]))
        if row is None:
            periods.append.append({c: r[c] for c in columns("Periods")})
            continue
        old = data["Periods"].loc[data["Periods"][ROW] == row]
        for column in ("Status", "Ceremony"):
            if len(old) and not _same(old[column].iloc[0], r[column]):
                periods.cells[(row, column)] = r[column]
    edits["Periods"] = periods
    edits["Settings"] = setting_edit(data, change.settings)

    target = Path(dest) if dest else path
    sheet_history, overflow = {}, {}
    for name, frame in change.history.items():
        older, newer = sidecar.split(frame, row_cap)
        sheet_history[name] = newer.reset_index(drop=True)
        overflow[name] = older
    frames = tool_frames(data, change, sheet_history, now=now, user=user)
    if target != path and sidecar.folder(path).exists() and not sidecar.folder(target).exists():
        # A copy of the workbook needs its own copy of the history kept beside it.
        import shutil

        shutil.copytree(sidecar.folder(path), sidecar.folder(target))
    pending = sidecar.prepare(target, overflow)
    try:
        written = write_changes(path, edits, frames, dest=dest, now=now)
    except BaseException:
        sidecar.discard(pending)
        raise
    files = sidecar.commit(pending)
    out = PeriodOutcome(change, written, files)
    out.lines.append(f"Closed {change.closed} and opened {change.opened} in {written.path}.")
    out.lines.append(f"Moved into history: {change.moved_text()}.")
    if len(change.past_winners):
        names = "; ".join(
            f"{r['Category']}: {r['Nominee']}" for _, r in change.past_winners.iterrows()
        )
        out.lines.append(f"Added to PastWinners (the cool-off rule now applies): {names}.")
    out.lines.extend(f"Warning: {w}." for w in change.warnings)
    out.lines.extend(f"{n}." for n in change.notes)
    if files:
        out.lines.append(
            "History too long for a sheet is kept beside the workbook in "
            f"{sidecar.folder(target)} (keep that folder with the workbook)."
        )
    out.lines += written.backup_lines()
    return out


def next_period(data: ProgrammeData) -> str:
    """The period after the current one on the Periods sheet (what the button opens)."""
    periods = data["Periods"].dropna(subset=["Period", "Starts"]).sort_values("Starts")
    current = key_of(data.setting("current_period"))
    ends = periods.loc[periods["Period"].map(key_of) == current, "Ends"]
    later = periods[
        (periods["Starts"] > (ends.iloc[0] if len(ends) else pd.Timestamp.min))
        & ~periods["Status"].fillna("").astype(str).str.lower().isin(["closed", NOT_RUN])
        & (periods["Period"].map(key_of) != current)
    ]
    if later.empty:
        raise UserError(
            "There is no next period on the Periods sheet to open.",
            "Add the next period (its name, first and last day, status planned) to the Periods "
            "table, then click New period again.",
        )
    return str(later["Period"].iloc[0])


def tool_frames(
    data: ProgrammeData,
    change: PeriodChange,
    history: dict[str, pd.DataFrame],
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The tool tables a new period writes: history, the History view, emptied results."""
    return {
        **history,
        **change.views,
        "Results": _empty("Results"),
        "Panel": _empty("Panel"),
        "JudgeStats": _empty("JudgeStats"),
        "Agreement": _empty("Agreement"),
        "Issues": _empty("Issues"),
        "Equity": _empty("Equity"),
        "Participation": _empty("Participation"),
        **audit_entry(data, "new-period", change.summary(), now=now, user=user, clear_lock=True),
    }


def live_change(
    data: ProgrammeData, results, period: str | None, *, force: bool = False
) -> tuple[PeriodChange, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The change for the New period button: (change, input table frames, tool table frames).

    A live workbook has no sidecar files, so history that would not fit on a sheet is refused.
    """
    change = close_period(data, results, period or next_period(data), force=force)
    too_long = [n for n, f in change.history.items() if len(f) > SHEET_ROW_CAP]
    if too_long:
        raise UserError(
            f"The history in {', '.join(too_long)} is too long for a sheet.",
            "Close the workbook and run 'awards new-period' from the command line, which "
            "keeps the oldest history in a file beside the workbook.",
        )
    settings = data["Settings"].drop(columns=[ROW]).copy()
    for k, value in change.settings.items():
        spec = schema.SETTING_BY_KEY[k]
        hit = settings["Setting"].map(key_of) == key_of(spec.label)
        if hit.any():
            settings.loc[hit, "Value"] = value
        elif value is not None:
            settings = pd.concat(
                [
                    settings,
                    pd.DataFrame([{"Setting": spec.label, "Value": value, "Help": spec.help}]),
                ]
            )
    inputs = {
        **{name: keep.drop(columns=[ROW]) for name, keep in change.keep.items()},
        "Periods": change.periods.drop(columns=[ROW]),
        "PastWinners": pd.concat(
            [data["PastWinners"].drop(columns=[ROW]), change.past_winners], ignore_index=True
        ),
        "Settings": settings,
    }
    return change, inputs, tool_frames(data, change, change.history)
