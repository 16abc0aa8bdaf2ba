"""Closing one award period and opening the next: what moves into history, and the History view.

Pure functions over ProgrammeData and Results. ``close_period`` works out every change a new
period makes (rows that move into the history tables, winners added to PastWinners, the
period's status, the current-period setting) and returns them as data; the shell
(``automation.periods_io``) turns that into one atomic write of the workbook. The cool-off rule
needs nothing more: it already reads PastWinners, which now holds the closed period's winners.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from automation import schema
from automation.appeals import open_appeals
from automation.documents.english import count_of, join_list
from automation.errors import UserError
from automation.keys import key, key_of
from automation.kpis import staff_nominated, staff_total
from automation.model import ROW, ProgrammeData
from automation.scoring import Results
from automation.scoring.panel_votes import RECORD_VOTE
from automation.validate.nominations import NOT_RUN

# A sheet holds 1,048,576 rows; history beyond this many rows of one table goes to a sidecar
# file beside the workbook (see automation.sidecar), leaving room for the title and header.
SHEET_ROW_CAP = 1_000_000

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


def columns(name: str) -> list[str]:
    """The input columns of a table, in schema order."""
    return [c.name for c in schema.TABLE_BY_NAME[name].input_columns]


def frame_of(data: ProgrammeData, name: str) -> pd.DataFrame:
    """A table's rows in its schema columns, without the reader's row numbers."""
    frame = data.tables.get(name)
    if frame is None:
        return pd.DataFrame(columns=columns(name))
    return frame.reindex(columns=columns(name)).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Period names and dates
# ---------------------------------------------------------------------------------------------
def period_dates(name: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period named like 2027-01, January 2027, Q1 2027 or 2027."""
    text = name.strip().lower()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        return _month(year, month) if 1 <= month <= 12 else None
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text)
    if m and m.group(1) in _MONTHS:
        return _month(int(m.group(2)), _MONTHS[m.group(1)])
    m = re.fullmatch(r"q([1-4])\s*(\d{4})|(\d{4})[\s-]*q([1-4])", text)
    if m:
        q, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        first = (int(q) - 1) * 3 + 1
        return dt.date(int(year), first, 1), _month(int(year), first + 2)[1]
    m = re.fullmatch(r"(\d{4})", text)
    if m:
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    return None


def _citations(data: ProgrammeData, results: pd.DataFrame) -> list[str | None]:
    from automation.tables import placed_citations

    if results.empty:
        return []
    return placed_citations(data, results.reset_index(drop=True))


def _refuse_overlap(periods: pd.DataFrame, name: str, starts: dt.date, ends: dt.date) -> None:
    """A new period must not share days with one on the Periods sheet: "2027-02" beside
    "Feb 2027" made two Februaries, the imported nominations went to the listed one, and
    closing the new one moved nothing into history and filed no winners."""
    known = periods.dropna(subset=["Period", "Starts", "Ends"])
    for _, p in known.iterrows():
        first, last = pd.Timestamp(p["Starts"]).date(), pd.Timestamp(p["Ends"]).date()
        if starts <= last and first <= ends:
            same = (first, last) == (starts, ends)
            raise UserError(
                f"{name} would {'cover the same days as' if same else 'overlap'} "
                f"{p['Period']} on the Periods sheet ({first:%d/%m/%Y} to {last:%d/%m/%Y}).",
                f'Open {p["Period"]} instead (--period "{p["Period"]}")'
                if same
                else "Give dates that follow the periods already listed (--starts and --ends), "
                f"or open {p['Period']}.",
            )


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------
# Is the current period ready to close?
# ---------------------------------------------------------------------------------------------
def unscored_nominations(data: ProgrammeData, period: str) -> list[str]:
    """IDs of the period's nominations (not calibration) that no judge has scored."""
    noms = data["Nominations"]
    mine = noms[
        (key(noms["Period"]) == key_of(period)) & ~noms["Calibration"].fillna(False).astype(bool)
    ]
    scored = set(key(data["Scores"].dropna(subset=["Score"])["Nomination ID"]).dropna())
    return [str(i) for i in mine["ID"] if key_of(i) not in scored]


def results_unlocked(data: ProgrammeData, results: Results, period: str) -> str | None:
    """Why the period's results are not final yet, or None when they are.

    Final means written and locked: the Results sheet holds this period's placings exactly as
    scoring gives them now, and the scores are locked (``awards lock``), so what moves into
    history is what was announced.
    """

    def placed(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
        rows = frame[
            (key(frame["Period"].astype("string")) == key_of(period))
            & frame["Place"].isin(["winner", "runner-up", "panel vote"])
        ]
        return {
            (key_of(r["Category"]), str(r["Place"]), key_of(r["Nomination ID"]))
            for _, r in rows.iterrows()
        }

    written = data.tables.get("Results")
    now = placed(results.nominations)
    if not now and (written is None or not placed(written)):
        return None  # nothing was nominated or placed: nothing to make final
    if written is None or written.empty or not placed(written):
        return "the results have not been written to the Results sheet (run Score first)"
    if placed(written) != now:
        return "the Results sheet is out of date with the scores (run Score again)"
    if any(p == "panel vote" for _, p, _ in now):
        return f"a tie for first needs a panel vote ({RECORD_VOTE}, then score again)"
    from automation.lock import is_locked

    if not is_locked(data):
        return "the scores are not locked (lock them once the winners are agreed: awards lock)"
    return None


# ---------------------------------------------------------------------------------------------
# The change a new period makes
# ---------------------------------------------------------------------------------------------
@dataclass
class PeriodChange:
    """Everything ``close_period`` decided, as data for the writer."""

    closed: str
    opened: str
    keep: dict[str, pd.DataFrame]  # input tables' rows that stay (other periods' rows)
    history: dict[str, pd.DataFrame]  # full history tables after the move
    past_winners: pd.DataFrame  # rows to append to PastWinners
    periods: pd.DataFrame  # the Periods table after the change (status, new row)
    period_rows: dict[str, int]  # Excel row of each period already in Periods
    views: dict[str, pd.DataFrame]  # PeriodHistory and KpiHistory
    moved: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Settings values to change, by key (the current period; a stale Scores due cleared).
    settings: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the manager should know of them

    def moved_text(self) -> str:
        """What went into history, as "61 nominations, 1,179 scores, 0 assignments"."""
        return ", ".join(count_of(n, what) for what, n in self.moved.items())

    def summary(self) -> str:
        return (
            f"closed {self.closed} and opened {self.opened}; moved into history: "
            f"{self.moved_text()}; {count_of(len(self.past_winners), 'winner')} added to "
            "PastWinners"
        )


def _clear_stale_due(data: ProgrammeData, change: PeriodChange, today: dt.date) -> None:
    """A *Scores due* date that has passed, or that is not after the closed period's ceremony,
    was the closed round's: cleared, so the next packs do not ask for scores by a date gone
    by. A later date (the manager may have set the next round's already) stays."""
    due = data.date_setting("scores_due")
    if due is None:
        return
    ceremony = data.period_date(change.closed, "Ceremony")
    if due < today or (ceremony is not None and due <= ceremony):
        change.settings["scores_due"] = None
        change.notes.append(
            f"Scores due ({due:%d/%m/%Y}) was the date for {change.closed}, so it was cleared: "
            f"set the date for {change.opened} on the Settings sheet before making the judge "
            "packs"
        )


def _note_stale_figures(data: ProgrammeData, change: PeriodChange) -> None:
    """The KPI actuals, survey results and findings were the closed period's; they stay (a
    figure measured continuously, like CSAT, is still the latest, and a finding's action is
    for the period now opening), but unless the manager updates them the next evaluation
    report gives the closed period's as its own."""
    obj = data["Objectives"].dropna(subset=["KPI"])
    parts = []
    measured = int(obj["Actual"].notna().sum())
    if measured:
        parts.append(f"the Actual figures of {count_of(measured, 'KPI')} on the Programme sheet")
    survey = len(data["Survey"].dropna(subset=["Result"]))
    findings = len(data["Findings"].dropna(subset=["Finding"]))
    on_evaluation = [
        count_of(n, what) for n, what in ((survey, "survey result"), (findings, "finding")) if n
    ]
    if on_evaluation:
        parts.append(f"the {join_list(on_evaluation)} on the Evaluation sheet")
    if not parts:
        return
    kept = " (the History sheet keeps the KPI figures)" if measured else ""
    what = ", and ".join(parts) + ("," if len(parts) > 1 else "")
    change.notes.append(
        f"{what[0].upper()}{what[1:]} are still those of "
        f"{change.closed}{kept}: bring them up to date as {change.opened} is measured, or the "
        f"{change.opened} evaluation report will show {change.closed}'s"
    )


def close_period(
    data: ProgrammeData,
    results: Results,
    new_period: str,
    *,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    ceremony: dt.date | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> PeriodChange:
    """Close the current period and open ``new_period``; raise UserError if it is not ready.

    Refuses (unless ``force``) while the current period has unscored nominations, results that
    are not final (``results_unlocked``) or open appeals. The new period must be in the
    Periods table, or be named so its dates follow (2027-01, January 2027, Q1 2027), or come
    with ``starts`` and ``ends``. ``ceremony``: the day its winners are presented.
    """
    current = str(data.setting("current_period") or "").strip()
    if not current:
        raise UserError(
            "The workbook has no current period to close.",
            "Set 'Current period' on the Settings sheet to the period being judged.",
        )
    new_period = new_period.strip()
    if key_of(new_period) == key_of(current):
        raise UserError(
            f"{new_period} is already the current period.",
            "Give the name of the next period, e.g. --period 2027-01.",
        )
    periods = data["Periods"].dropna(subset=["Period"])
    by_key = {key_of(p): i for i, p in zip(periods.index, periods["Period"], strict=True)}
    if key_of(current) not in by_key:
        raise UserError(
            f"The current period {current} is not on the Periods sheet.",
            "Add it to the Periods table (with its dates) or correct the Settings value.",
        )
    if key_of(new_period) in by_key:
        status = str(periods.loc[by_key[key_of(new_period)], "Status"] or "").lower()
        if status == "closed":
            raise UserError(
                f"{new_period} is already closed on the Periods sheet.",
                "Choose a period that has not been judged yet.",
            )
    problems = []
    unscored = unscored_nominations(data, current)
    if unscored:
        problems.append(
            f"{count_of(len(unscored), 'nomination')} of {current} "
            f"{'has' if len(unscored) == 1 else 'have'} no scores "
            f"({', '.join(unscored[:5])}{'...' if len(unscored) > 5 else ''}: have the judges "
            "score them, then score again)"
        )
    reason = results_unlocked(data, results, current)
    if reason:
        problems.append(reason)
    appeals = open_appeals(data, current)
    if appeals:
        problems.append(
            f"{'an appeal is' if len(appeals) == 1 else 'appeals are'} still open "
            f"({', '.join(appeals)}: record the outcome on the Appeals sheet)"
        )
    if problems and not force:
        raise UserError(
            f"{current} cannot be closed yet: " + "; ".join(problems) + ".",
            "Do what each reason says, or add --force to close it anyway (what is missing is "
            "then kept in history as it stands).",
        )

    noms = data["Nominations"]
    mine = key(noms["Period"]) == key_of(current)
    ids = set(key(noms.loc[mine, "ID"]).dropna())
    scores, assigns = data["Scores"], data["Assignments"]
    score_mine = key(scores["Nomination ID"]).isin(ids)
    assign_mine = key(assigns["Nomination ID"]).isin(ids)
    res = results.nominations
    res_mine = res[key(res["Period"].astype("string")) == key_of(current)]

    new_rows = {
        "NominationHistory": noms[mine].reindex(columns=columns("NominationHistory")),
        "ScoreHistory": scores[score_mine]
        .assign(Period=current)
        .reindex(columns=columns("ScoreHistory")),
        "AssignmentHistory": assigns[assign_mine]
        .assign(Period=current)
        .reindex(columns=columns("AssignmentHistory")),
        # With the citation the documents used, as the Results sheet shows it.
        "ResultHistory": res_mine.assign(Citation=_citations(data, res_mine)).reindex(
            columns=columns("ResultHistory")
        ),
    }
    history = {}
    for name, rows in new_rows.items():
        old = frame_of(data, name)
        # History is appended once per period: closing a period twice must not double it.
        old = old[key(old["Period"].astype("string")) != key_of(current)]
        history[name] = pd.concat([old, rows], ignore_index=True) if len(old) else rows
        history[name] = history[name].reset_index(drop=True)

    winners = res_mine[res_mine["Place"] == "winner"]
    ends_of_current = periods.loc[by_key[key_of(current)], "Ends"]
    known = {
        (key_of(r["Period"]), key_of(r["Category"]), key_of(r["Nominee"]))
        for _, r in data["PastWinners"].iterrows()
    }
    past = pd.DataFrame(
        [
            {
                "Period": current,
                "Category": w["Category"],
                "Nominee": w["Nominee"],
                "Period ends": ends_of_current,
            }
            for _, w in winners.iterrows()
            if (key_of(current), key_of(w["Category"]), key_of(w["Nominee"])) not in known
        ],
        columns=columns("PastWinners"),
    )

    table = data["Periods"].copy()
    period_rows = {key_of(p): int(r) for p, r in zip(table["Period"], table[ROW], strict=True)}
    table.loc[key(table["Period"]) == key_of(current), "Status"] = "closed"
    if key_of(new_period) in by_key:
        hit = key(table["Period"]) == key_of(new_period)
        table.loc[hit & (table["Status"].fillna("") != "judging"), "Status"] = "open"
        if ceremony is not None:
            table.loc[hit, "Ceremony"] = pd.Timestamp(ceremony)
    else:
        if starts is None or ends is None:
            guessed = period_dates(new_period)
            if guessed is None:
                raise UserError(
                    f"{new_period} is not on the Periods sheet and its dates cannot be worked "
                    "out from its name.",
                    "Add it to the Periods table first, or give --starts and --ends "
                    "(YYYY-MM-DD), or name it like 2027-01, January 2027 or Q1 2027.",
                )
            starts, ends = starts or guessed[0], ends or guessed[1]
        if ends < starts:
            raise UserError(
                f"{new_period} would end ({ends:%d/%m/%Y}) before it starts ({starts:%d/%m/%Y}).",
                "Check --starts and --ends.",
            )
        _refuse_overlap(table, new_period, starts, ends)
        row = {c: None for c in table.columns if c != ROW}
        row |= {
            "Period": new_period,
            "Starts": pd.Timestamp(starts),
            "Ends": pd.Timestamp(ends),
            "Status": "open",
            "Ceremony": pd.Timestamp(ceremony) if ceremony is not None else None,
        }
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    opened = table[key(table["Period"]) == key_of(new_period)].iloc[0]
    if ceremony is not None and pd.notna(opened["Starts"]) and ceremony < opened["Starts"].date():
        raise UserError(
            f"The {new_period} ceremony ({ceremony:%d/%m/%Y}) would be before the period "
            f"starts ({opened['Starts']:%d/%m/%Y}).",
            "Give the day its winners are presented, after the period's nominations are judged.",
        )

    skipped_notes = _mark_not_run(table, current, new_period, noms)

    change = PeriodChange(
        closed=current,
        opened=new_period,
        keep={
            "Nominations": noms[~mine],
            "Scores": scores[~score_mine],
            "Assignments": assigns[~assign_mine],
        },
        history=history,
        past_winners=past,
        periods=table,
        period_rows=period_rows,
        views={},
        moved={
            "nomination": int(mine.sum()),
            "score": int(score_mine.sum()),
            "assignment": int(assign_mine.sum()),
            "result": len(res_mine),
        },
        warnings=[f"closed although {p}" for p in problems],
        settings={"current_period": new_period},
    )
    _clear_stale_due(data, change, today or dt.date.today())
    if pd.isna(opened.get("Ceremony")):
        # Without it the emails and the newsletter cannot say when the awards are presented.
        change.notes.append(
            f"{new_period} has no ceremony date yet: set it in the Ceremony column of the "
            "Periods sheet, so the emails and the newsletter can say when the awards are "
            "presented"
        )
    change.notes += skipped_notes
    _note_stale_figures(data, change)
    change.views = history_views(data, change)
    return change


def _mark_not_run(
    table: pd.DataFrame, current: str, new_period: str, noms: pd.DataFrame
) -> list[str]:
    """Mark "not run" the periods listed between the one closing and the one opening (a month
    the programme skipped), in ``table``; notes saying so. Left open, such a period counted
    towards every cool-off and stood on the Periods sheet as open for good. One that holds
    nominations is left as it is, and the note says so."""
    dated = table.dropna(subset=["Period", "Starts", "Ends"])
    at = {key_of(p): i for i, p in zip(dated.index, dated["Period"], strict=True)}
    if key_of(current) not in at or key_of(new_period) not in at:
        return []
    after = dated.loc[at[key_of(current)], "Ends"]
    before = dated.loc[at[key_of(new_period)], "Starts"]
    status = dated["Status"].fillna("").astype(str).str.strip().str.lower()
    between = dated[
        (dated["Starts"] > after) & (dated["Ends"] < before) & ~status.isin(["closed", NOT_RUN])
    ].sort_values("Starts")
    waiting = key(noms["Period"]).value_counts()
    skipped, kept = [], []
    for i, row in between.iterrows():
        n = int(waiting.get(key_of(row["Period"]), 0))
        if n:
            kept.append(f"{row['Period']} ({count_of(n, 'nomination')})")
        else:
            table.loc[i, "Status"] = NOT_RUN
            skipped.append(str(row["Period"]))
    notes = []
    if skipped:
        notes.append(
            f"{join_list(skipped)}, between {current} and {new_period}, "
            f"{'was' if len(skipped) == 1 else 'were'} not run: marked '{NOT_RUN}' on the "
            f"Periods sheet, so {'it does' if len(skipped) == 1 else 'they do'} not count "
            "towards any award's cool-off"
        )
    if kept:
        notes.append(
            f"{join_list(kept)}, between {current} and {new_period}, "
            f"{'holds' if len(kept) == 1 else 'hold'} nominations that were never judged: give "
            "them a period being judged (their Period, and a Received date in it), or withdraw "
            "them"
        )
    return notes


# ---------------------------------------------------------------------------------------------
# The History view
# ---------------------------------------------------------------------------------------------
def period_summary(
    data: ProgrammeData,
    period: str,
    nominations: pd.DataFrame,
    scores: pd.DataFrame,
    results: pd.DataFrame,
) -> dict[str, object]:
    """One row of the History view for ``period`` from its nominations, scores and results."""
    noms = nominations[~nominations["Calibration"].fillna(False).astype(bool)]
    # Counted as the KPI and the report's participation section count them (out of the
    # Teams headcount), so a period's row agrees with what its report said.
    nominated = staff_nominated(data, noms)
    staff = staff_total(data)
    periods = data["Periods"].dropna(subset=["Period"])
    row = periods[key(periods["Period"]) == key_of(period)]
    appeals = data.tables.get("Appeals")
    ids = set(key(nominations["ID"]).dropna())
    n_appeals = int(key(appeals["Nomination ID"]).isin(ids).sum()) if appeals is not None else 0
    kpis = kpi_rows(data, period)
    return {
        "Period": period,
        "Starts": row["Starts"].iloc[0] if len(row) else None,
        "Ends": row["Ends"].iloc[0] if len(row) else None,
        "Nominations": len(noms),
        "Customer nominations": int((noms["Nominator type"] == "customer").sum()),
        "Nominators": int(key(noms["Nominator"]).dropna().nunique()),
        "Staff nominated": nominated,
        "Share of staff nominated": nominated / staff if staff else None,
        "Winners": int((results["Place"] == "winner").sum()) if len(results) else 0,
        "Judges": int(key(scores["Judge"]).dropna().nunique()) if len(scores) else 0,
        "Scores": int(scores["Score"].notna().sum()) if len(scores) else 0,
        "Appeals": n_appeals,
        "KPI actuals": "; ".join(
            f"{k['KPI']}: {_figure(k['Actual'], k['Unit'])}"
            for k in kpis.to_dict("records")
            if k["Actual"] is not None and k["Actual"] == k["Actual"]
        )
        or None,
    }


def _figure(value: object, unit: object) -> str:
    v = float(value)
    text = f"{v:g}"
    unit = "" if unit is None or unit != unit else str(unit).strip()  # NaN: no unit
    return f"{text}{unit}" if unit == "%" else (f"{text} {unit}" if unit else text)


def kpi_rows(data: ProgrammeData, period: str) -> pd.DataFrame:
    """Each objective's KPI as it stands now, labelled with ``period``."""
    from automation.documents.context import ObjectiveResult

    obj = data["Objectives"].dropna(subset=["KPI"])
    # As the evaluation report says it: short of a target whose deadline is after the
    # period's end is "not yet", not "no".
    periods = data["Periods"].dropna(subset=["Period"])
    ends = pd.to_datetime(
        periods.loc[key(periods["Period"]) == key_of(period), "Ends"], errors="coerce"
    ).dropna()
    on = ends.iloc[0].date() if len(ends) else dt.date.today()
    words = {"met": "yes", "missed": "no", "not yet": "not yet", "no result": None}
    rows = []
    for _, o in obj.iterrows():
        met = None
        if pd.notna(o["Actual"]) and pd.notna(o["Target"]):
            higher = True if pd.isna(o["Higher is better"]) else bool(o["Higher is better"])
            deadline = pd.to_datetime(o["Deadline"], errors="coerce")
            objective = ObjectiveResult(
                "",
                "",
                0.0,
                float(o["Target"]),
                float(o["Actual"]),
                higher_is_better=higher,
                deadline=deadline.date() if pd.notna(deadline) else None,
            )
            met = words[objective.standing(on)]
        rows.append(
            {
                "Period": period,
                "KPI": o["KPI"],
                "Baseline": o["Baseline"],
                "Target": o["Target"],
                "Actual": o["Actual"] if pd.notna(o["Actual"]) else None,
                "Unit": o["Unit"],
                "Met": met,
            }
        )
    return pd.DataFrame(rows, columns=columns("KpiHistory"))


def history_views(data: ProgrammeData, change: PeriodChange) -> dict[str, pd.DataFrame]:
    """PeriodHistory and KpiHistory after ``change``: earlier rows kept, the closed period added."""
    period = change.closed
    h = change.history
    p = key_of(period)
    row = period_summary(
        data,
        period,
        h["NominationHistory"][key(h["NominationHistory"]["Period"].astype("string")) == p],
        h["ScoreHistory"][key(h["ScoreHistory"]["Period"].astype("string")) == p],
        h["ResultHistory"][key(h["ResultHistory"]["Period"].astype("string")) == p],
    )
    old = frame_of(data, "PeriodHistory")
    old = old[key(old["Period"].astype("string")) != p]
    ph = (
        pd.concat([old, pd.DataFrame([row])], ignore_index=True)
        if len(old)
        else pd.DataFrame([row], columns=columns("PeriodHistory"))
    )
    old_k = frame_of(data, "KpiHistory")
    old_k = old_k[key(old_k["Period"].astype("string")) != p]
    new_k = kpi_rows(data, period)
    kh = pd.concat([old_k, new_k], ignore_index=True) if len(old_k) else new_k
    return {"PeriodHistory": ph.reset_index(drop=True), "KpiHistory": kh.reset_index(drop=True)}


def trend(data: ProgrammeData, results: Results | None = None) -> pd.DataFrame:
    """The History view plus the current period as it stands, oldest first (for the chart)."""
    past = frame_of(data, "PeriodHistory")
    current = str(data.setting("current_period") or "").strip()
    rows = [past]
    if current and key_of(current) not in set(key(past["Period"].astype("string")).dropna()):
        noms = data["Nominations"]
        mine = noms[key(noms["Period"]) == key_of(current)]
        ids = set(key(mine["ID"]).dropna())
        scores = data["Scores"][key(data["Scores"]["Nomination ID"]).isin(ids)]
        res = results.nominations if results is not None else pd.DataFrame(columns=["Place"])
        if results is not None:
            res = res[key(res["Period"].astype("string")) == key_of(current)]
        rows.append(pd.DataFrame([period_summary(data, current, mine, scores, res)]))
    frame = (
        pd.concat([r for r in rows if len(r)], ignore_index=True)
        if any(len(r) for r in rows)
        else past
    )
    if "Ends" in frame and len(frame):
        frame = frame.sort_values("Ends", kind="stable", na_position="last")
    return frame.reset_index(drop=True)
