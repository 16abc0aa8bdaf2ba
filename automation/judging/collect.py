"""Collect returned judge packs: check each one and work out what it adds to the Scores table.

Pure: it takes the programme data and the packs as read, and returns the new Scores rows,
the changes to existing rows, coded issues for everything refused, and per-judge counts. The
shell writes the result through the part-patching writer. Nothing already in the Scores
table is ever overwritten unless ``accept_changes`` is given, and then every change is listed
for the Audit log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from automation.documents.english import count_of
from automation.history import frame_of
from automation.issues import ERROR, WARNING, Issue, Report, column_letter
from automation.judging.pack_file import GRID, SCORES_SHEET, ReturnedPack
from automation.judging.packs import current_period, judge_items, programme_id
from automation.keys import key, key_of
from automation.model import ROW, ProgrammeData
from automation.validate.judging import scored_frame

# The codes (the contract tests check), one per way a pack or a row is refused.
NOT_A_PACK = "pack-not-a-judge-pack"
OTHER_PROGRAMME = "pack-other-programme"
OTHER_PERIOD = "pack-other-period"
OTHER_JUDGE = "pack-other-judge"
RETURNED_TWICE = "pack-returned-twice"
ASSIGNMENTS_CHANGED = "pack-assignments-changed"
UNKNOWN_NOMINATION = "pack-unknown-nomination"
UNKNOWN_CRITERION = "pack-unknown-criterion"
NOT_A_NUMBER = "pack-score-not-a-number"
NOT_WHOLE = "pack-score-not-whole"
OUT_OF_SCALE = "pack-score-out-of-scale"
MISSING = "pack-missing-score"
CHANGED = "pack-score-changed"
GRID_DAMAGED = "pack-grid-damaged"


@dataclass
class Change:
    """A score that differs from the one already in the Scores table."""

    judge: str
    nomination: str
    criterion: str
    old: float
    new: float
    row: int  # Excel row of the Scores table
    applied: bool


@dataclass
class JudgeTally:
    added: int = 0
    unchanged: int = 0
    changed: int = 0
    rejected: int = 0
    missing: int = 0
    packs: list[str] = field(default_factory=list)

    def line(self, judge: str) -> str:
        text = (
            f"{judge}: {self.added} added, {self.unchanged} unchanged, {self.changed} changed, "
            f"{self.rejected} rejected"
        )
        return text + (f", {self.missing} still missing" if self.missing else "")


@dataclass
class Collected:
    """What collecting the packs means for the workbook."""

    appends: list[dict[str, object]] = field(default_factory=list)
    updates: dict[int, dict[str, object]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    tally: dict[str, JudgeTally] = field(default_factory=dict)
    merged_judges: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.appends or self.updates)

    def nothing_merged(self) -> str:
        """Why a collect that changes nothing merged nothing: the scores are in already, or
        were refused (the problems say why), or both."""
        taken = sum(t.unchanged for t in self.tally.values())
        refused = sum(t.rejected for t in self.tally.values())
        if not taken and (refused or self.report.errors):
            return "Nothing was merged: every pack or score was refused (see the problems above)."
        if refused:
            return (
                "Nothing new to merge: the scores taken are in the Scores table already, and "
                f"{count_of(refused, 'score')} {'was' if refused == 1 else 'were'} refused (see "
                "the problems above)."
            )
        return "Nothing new to merge: the Scores table already holds these scores."

    def summary(self) -> str:
        added = sum(t.added for t in self.tally.values())
        changed = sum(1 for c in self.changes if c.applied)
        unchanged = sum(t.unchanged for t in self.tally.values())
        rejected = sum(t.rejected for t in self.tally.values())
        return (
            f"{count_of(len(self.tally), 'judge pack')}: {count_of(added, 'score')} added, "
            f"{changed} changed, "
            f"{unchanged} unchanged, {rejected} rejected"
        )


def _issue(code: str, severity: str, pack: Path, message: str, hint: str, **where) -> Issue:
    # Issues about a pack name the pack file as their sheet, so they are never mistaken for
    # cells of the workbook (which the Issues sheet lights up).
    sheet = f"{pack.name} {where.pop('sheet', SCORES_SHEET)}".strip()
    column, row = where.get("column"), where.get("row")
    if column in _LETTERS and row:
        where["cell"] = f"{_LETTERS[column]}{row}"  # the cell in the pack, for the manager
    return Issue(code, severity, sheet, message, hint, **where)


_LETTERS = {name: column_letter(i + 1) for i, (name, _w, _f) in enumerate(GRID)}


def _number(value: object) -> float | None | str:
    """A typed score: float, None (blank) or the text it could not be read from."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return None if value != value else float(value)
    text = str(value).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return str(value)


def collect(
    data: ProgrammeData, packs: Sequence[ReturnedPack], *, accept_changes: bool = False
) -> Collected:
    """Check every returned pack and work out the Scores rows to add or change."""
    out = Collected()
    pid, period = programme_id(data), current_period(data)
    closed = set(key(frame_of(data, "PeriodHistory")["Period"]).dropna())
    judges = {key_of(j): str(j) for j in data["Judges"]["Judge"].dropna()}
    noms = data["Nominations"].dropna(subset=["ID"]).drop_duplicates("ID")
    cat_of = dict(zip(key(noms["ID"]), noms["Category"], strict=True))
    id_of = dict(zip(key(noms["ID"]), noms["ID"].astype(str), strict=True))
    cats = data["Categories"].dropna(subset=["Category"])
    scale = {
        key_of(c): (lo, hi)
        for c, lo, hi in zip(cats["Category"], cats["Scale min"], cats["Scale max"], strict=True)
    }
    crit = data["Criteria"].dropna(subset=["Category", "Criterion"])
    crit_name = {
        (key_of(c), key_of(k)): str(k)
        for c, k in zip(crit["Category"], crit["Criterion"], strict=True)
    }
    f = scored_frame(data)
    existing: dict[tuple[str, str, str], tuple[float | None, int]] = {}
    for j, n, c, s, r in zip(f["_j"], f["_nid"], f["_c"], f["Score"], f[ROW], strict=True):
        existing.setdefault((j, n, c), (None if s != s else s, int(r)))
    seen: dict[str, Path] = {}
    # New rows from this run, so two packs of one judge cannot both add the same score.
    added: dict[tuple[str, str, str], float] = {}
    for pack in packs:
        sig = pack.signature
        if sig is None:
            out.report.add(
                _issue(
                    NOT_A_PACK,
                    ERROR,
                    pack.path,
                    f"{pack.path.name} is not a judge pack made by this tool (it has no "
                    "signature), so nothing was taken from it.",
                    "Only return packs made by 'awards packs' or the Judge packs button; copy "
                    "scores from other files into the pack itself.",
                    sheet="",
                )
            )
            continue
        judge = judges.get(key_of(sig.judge))
        tally = out.tally.setdefault(judge or sig.judge, JudgeTally())
        tally.packs.append(pack.path.name)
        refused = _refuse(pack, sig, pid, period, judge, seen, closed)
        if refused is not None:
            out.report.add(refused)
            tally.rejected += int(pack.rows["Score"].notna().sum())
            continue
        seen[sig.digest] = pack.path
        if pack.grid_damage is not None:
            # Read as it is, every score would look blank ("left unscored"), which would
            # send the manager back to a judge who may well have scored everything.
            out.report.add(_damaged(pack, judge))
            continue
        jk = key_of(judge)
        made = {(key_of(n), key_of(c)) for n, _, c in sig.items}
        now_items = judge_items(data, judge)
        current = {
            (key_of(n), key_of(c))
            for n, c in zip(now_items["Nomination ID"], now_items["Criterion"], strict=True)
        }
        if made != current:
            out.report.add(
                _issue(
                    ASSIGNMENTS_CHANGED,
                    WARNING,
                    pack.path,
                    f"{judge}'s assignments changed after this pack was made; scores for "
                    "nominations still assigned to them were taken, the others refused.",
                    "Send the judge a new pack (awards packs) for anything new they should score.",
                    sheet="",
                )
            )
        missing_by_nom: dict[str, list[str]] = {}
        criteria_of = Counter(n for n, _ in made)  # the pack's nominations and their rows
        for _, row in pack.rows.iterrows():
            excel_row = int(row["_row"])
            nid = str(row["Nomination code"] or "").strip()
            crit_text = str(row["Criterion"] or "").strip()
            where = {"row": excel_row}
            nk, ck = key_of(nid), key_of(crit_text)
            category = cat_of.get(nk)
            if category is None or nk not in criteria_of:
                code, what = UNKNOWN_NOMINATION, f"nomination code '{nid}', which is not one"
            elif (nk, ck) not in made:
                code, what = (
                    UNKNOWN_CRITERION,
                    f"criterion '{crit_text}' of {nid}, which is not one",
                )
            elif (nk, ck) not in current:
                code, what = UNKNOWN_NOMINATION, f"{nid}, which is no longer one"
            else:
                code = None
            if code is not None:
                out.report.add(
                    _issue(
                        code,
                        ERROR,
                        pack.path,
                        f"Row {excel_row} of {pack.path.name} has {what} {judge} is asked to "
                        "score; the row was refused.",
                        "Codes and criteria in a pack must not be changed; ask the judge to "
                        "score in an unchanged copy of the pack, or send a new pack if the "
                        "assignments changed.",
                        column="Nomination code" if code == UNKNOWN_NOMINATION else "Criterion",
                        value=nid if code == UNKNOWN_NOMINATION else crit_text,
                        **where,
                    )
                )
                tally.rejected += 1
                continue
            score = _number(row["Score"])
            if score is None:
                held = existing.get((jk, nk, ck))
                if held is None or held[0] is None:  # blank here but already in: not missing
                    missing_by_nom.setdefault(nid, []).append(crit_text)
                continue
            lo, hi = scale.get(key_of(category), (None, None))
            bad = None
            if isinstance(score, str):
                bad = (NOT_A_NUMBER, f"'{score}' is not a number")
            elif not float(score).is_integer():
                bad = (NOT_WHOLE, f"{score:g} is not a whole number")
            elif lo is not None and hi is not None and not lo <= score <= hi:
                bad = (OUT_OF_SCALE, f"{score:g} is outside the {lo:g} to {hi:g} scale")
            if bad:
                out.report.add(
                    _issue(
                        bad[0],
                        ERROR,
                        pack.path,
                        f"{judge}'s score for {nid}, {crit_text}: {bad[1]}; it was refused.",
                        f"Ask {judge} to give a whole number on the category's scale"
                        + (f" ({lo:g} to {hi:g})." if lo is not None else "."),
                        column="Score",
                        value=str(row["Score"]),
                        **where,
                    )
                )
                tally.rejected += 1
                continue
            name = crit_name.get((key_of(category), ck), crit_text)
            triple = (jk, nk, ck)
            comment = row["Comment"]
            comment = None if comment is None or str(comment).strip() == "" else str(comment)
            if triple in existing:
                old, at = existing[triple]
                if old is not None and float(old) == float(score):
                    tally.unchanged += 1
                    continue
                if old is None:
                    # A row the manager started without a score: fill it in.
                    out.updates[at] = {"Score": score} | ({"Comment": comment} if comment else {})
                    tally.added += 1
                    continue
                change = Change(judge, nid, name, float(old), float(score), at, accept_changes)
                out.changes.append(change)
                tally.changed += 1
                if accept_changes:
                    out.updates[at] = {"Score": score}
                else:
                    tally.rejected += 1
                    out.report.add(
                        _issue(
                            CHANGED,
                            ERROR,
                            pack.path,
                            f"{judge} now gives {nid}, {name} {score:g}, but the Scores table "
                            f"already has {old:g} (Scores row {at}); it was not changed.",
                            "If the new score is right, collect again with --accept-changes "
                            "(each change goes in the Audit log); otherwise nothing to do.",
                            column="Score",
                            value=f"{score:g}",
                            **where,
                        )
                    )
                continue
            if triple in added:
                tally.unchanged += 1
                continue
            added[triple] = score
            out.appends.append(
                {
                    "Judge": judge,
                    "Nomination ID": id_of[nk],
                    "Criterion": name,
                    "Score": score,
                    "Comment": comment,
                }
            )
            tally.added += 1
        for nid, crits in missing_by_nom.items():
            tally.missing += len(crits)
            out.report.add(
                _issue(
                    MISSING,
                    WARNING,
                    pack.path,
                    f"{judge} left {nid} unscored."
                    if len(crits) == criteria_of[key_of(nid)]
                    else f"{judge} left {nid} unscored on: {', '.join(crits)}.",
                    f"Ask {judge} to finish the pack and return it again; what was scored "
                    "has been taken.",
                    column="Score",
                    value=nid,
                    sheet=SCORES_SHEET,
                )
            )
        out.merged_judges.append(judge)
    return out


def _damaged(pack: ReturnedPack, judge: str) -> Issue:
    damage = pack.grid_damage
    assert damage is not None
    where = {"cell": damage.cell, "value": damage.value} if damage.cell else {"sheet": ""}
    return _issue(
        GRID_DAMAGED,
        ERROR,
        pack.path,
        f"The scores in {pack.path.name} cannot be read: {damage.what}; nothing was taken.",
        f"Put the pack back as it was sent (undo the change, or copy {judge}'s scores into "
        "an unchanged copy of the pack) and collect it again.",
        **where,
    )


def _refuse(pack, sig, pid, period, judge, seen, closed: set[str]) -> Issue | None:
    """Why a whole pack is refused, or None. ``closed``: the keys of the periods closed
    (PeriodHistory), whose packs can no longer be collected."""
    name = pack.path.name
    if key_of(sig.programme) != key_of(pid):
        return _issue(
            OTHER_PROGRAMME,
            ERROR,
            pack.path,
            f"{name} belongs to the programme '{sig.programme}', not '{pid}'; nothing was taken.",
            "Collect it into the workbook of that programme.",
            sheet="",
            value=sig.programme,
        )
    if key_of(sig.period) != key_of(period):
        if key_of(sig.period) in closed:
            # Setting the period back would not help: its nominations are in the history.
            return _issue(
                OTHER_PERIOD,
                ERROR,
                pack.path,
                f"{name} was made for '{sig.period}', a period already closed (awards "
                "new-period moved its nominations and scores into the history); nothing was "
                "taken.",
                f"Judging of {sig.period} is over and its results stand. If the judge has "
                f"scores to give for {period}, send them a pack for it (awards packs).",
                sheet="",
                value=sig.period,
            )
        return _issue(
            OTHER_PERIOD,
            ERROR,
            pack.path,
            f"{name} was made for the period '{sig.period}', but the current period is "
            f"'{period}'; nothing was taken.",
            "Set Current period on the Settings sheet to the pack's period to collect it, or "
            "send the judge a pack for this period.",
            sheet="",
            value=sig.period,
        )
    if judge is None or not sig.verifies():
        return _issue(
            OTHER_JUDGE,
            ERROR,
            pack.path,
            f"{name} says it is {sig.judge}'s pack, but "
            + (
                "that judge is not on the Judges sheet"
                if judge is None
                else "its signature does not match (it was made for another judge or changed)"
            )
            + "; nothing was taken.",
            "Return the pack exactly as it was sent to that judge; make a new one with "
            "'awards packs' if in doubt.",
            sheet="",
            value=sig.judge,
        )
    if sig.digest in seen:
        return _issue(
            RETURNED_TWICE,
            WARNING,
            pack.path,
            f"{name} is the same pack as {seen[sig.digest].name} (both are {sig.judge}'s); only "
            "the first was taken.",
            "Remove the extra copy from the folder; if the judge sent a corrected copy, collect "
            "that one on its own.",
            sheet="",
            value=sig.judge,
        )
    return None
