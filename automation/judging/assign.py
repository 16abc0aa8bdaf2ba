"""Who scores what: fill the Assignments table, fairly and without conflicts.

Per category, each nomination gets N judges (the *Judges per nomination* setting, or all
judges when there are fewer), never one with a conflict of interest (declared, the nominee's
line manager, same team, their own nomination), and the work is spread so that within a
category no judge has more than one nomination more than another wherever the conflicts
allow it. The calibration entry goes to every judge of its category, so the panel can compare
how they read the rubric. The same seed always gives the same assignments.

Rows a manager already typed are kept and count toward the N and the balance; ``replace``
starts again from nothing. Where a nomination cannot get N judges, an issue says which and
why. A nomination that cannot win (its nominee won the award too recently, or is a judge)
goes to no judge, so nobody scores it for nothing; an issue names it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from automation.conflicts import conflicted_pairs
from automation.documents.english import count_of
from automation.issues import ERROR, WARNING, Issue, Report
from automation.keys import key, key_of
from automation.model import ROW, ProgrammeData
from automation.validate.nominations import (
    COOL_OFF,
    COOL_OFF_FIX,
    ERASED_NOMINEE,
    JUDGE_FIX,
    JUDGE_NOMINATED,
    cannot_win,
    current_period_only,
)

COLUMNS = ["Judge", "Nomination ID"]


@dataclass
class CategoryLoad:
    """How the work of one category was shared out."""

    category: str
    nominations: int
    per_nomination: int
    load: dict[str, int]  # judge -> regular nominations in this category (kept and new)

    @property
    def spread(self) -> int:
        return max(self.load.values()) - min(self.load.values()) if self.load else 0


@dataclass
class AssignPlan:
    """The result of :func:`plan_assignments`: rows to add (or the whole table, on replace)."""

    rows: pd.DataFrame  # Judge, Nomination ID: the new rows
    kept: int  # manual rows kept (0 on replace)
    replace: bool
    report: Report = field(default_factory=Report)
    categories: list[CategoryLoad] = field(default_factory=list)

    def rows_summary(self) -> str:
        text = count_of(len(self.rows), "new assignment row")
        if self.replace:
            text += " (replacing the old ones)"
        if self.kept:
            text += f", {self.kept:,} kept"
        return text

    def summary(self) -> str:
        text = self.rows_summary()
        return text + (f"; {self.report.summary()}" if len(self.report) else "")


def nominations_in_scope(data: ProgrammeData) -> pd.DataFrame:
    """Nominations of the current period (all nominations when no period is set)."""
    noms = data["Nominations"].dropna(subset=["ID", "Category"])
    return noms[current_period_only(data, key(noms["Period"]), np.ones(len(noms), dtype=bool))]


def plan_assignments(
    data: ProgrammeData,
    per_nomination: int | None = None,
    *,
    seed: int = 0,
    replace: bool = False,
) -> AssignPlan:
    """Work out the Assignments rows for the current period (see the module docstring)."""
    n_wanted = int(per_nomination or data.setting("judges_per_nomination") or 3)
    report = Report()
    judges = [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]
    noms = nominations_in_scope(data)
    if not judges:
        report.add(
            Issue(
                "assign-no-judges",
                ERROR,
                "Judges",
                "There are no judges on the Judges sheet, so nothing can be assigned.",
                "Add the judging panel to the Judges table first.",
            )
        )
        return AssignPlan(pd.DataFrame(columns=COLUMNS), 0, replace, report)
    pairs = conflicted_pairs(data)
    reasons: dict[tuple[str, str], str] = {
        (key_of(j), key_of(n)): r
        for j, n, r in zip(pairs["Judge"], pairs["Nomination ID"], pairs["Reason"], strict=True)
    }
    existing = data["Assignments"].dropna(subset=["Judge", "Nomination ID"])
    kept_pairs: set[tuple[str, str]] = set()
    if not replace:
        kept_pairs = {
            (key_of(j), key_of(n))
            for j, n in zip(existing["Judge"], existing["Nomination ID"], strict=True)
        }
    cats = data["Categories"]
    min_judges = dict(zip(key(cats["Category"]), cats["Min judges"], strict=True))
    place = data.place("Nominations")
    total: dict[str, int] = dict.fromkeys(judges, 0)
    new_rows: list[tuple[str, str]] = []
    loads: list[CategoryLoad] = []
    calib = noms["Calibration"].fillna(False).astype(bool)
    out_of_it = cannot_win(data, noms[~calib])
    for nid, why in out_of_it.items():
        report.add(_not_assigned(place, noms[noms["ID"] == nid].iloc[0], why))
    for category in sorted(noms["Category"].astype(str).unique(), key=str.casefold):
        in_cat = noms[key(noms["Category"]) == key_of(category)]
        regular = in_cat[~calib.loc[in_cat.index] & ~in_cat["ID"].isin(list(out_of_it))]
        regular = regular.sort_values("ID")
        target = min(n_wanted, len(judges))
        rng = random.Random(f"{seed}|{key_of(category)}")
        order = judges[:]
        rng.shuffle(order)
        rank = {j: i for i, j in enumerate(order)}
        load = dict.fromkeys(judges, 0)
        have: dict[str, set[str]] = {}
        manual: dict[str, set[str]] = {}
        eligible: dict[str, list[str]] = {}
        for nid in regular["ID"].astype(str):
            ok = [j for j in judges if (key_of(j), key_of(nid)) not in reasons]
            eligible[nid] = ok
            mine = {j for j in ok if (key_of(j), key_of(nid)) in kept_pairs}
            have[nid], manual[nid] = set(mine), set(mine)
            for j in mine:
                load[j] += 1
        for nid in sorted(eligible, key=lambda n: (len(eligible[n]), n)):
            need = target - len(have[nid])
            if need <= 0:
                continue
            free = [j for j in eligible[nid] if j not in have[nid]]
            free.sort(key=lambda j: (load[j], total[j], rank[j]))
            for j in free[:need]:
                have[nid].add(j)
                load[j] += 1
                total[j] += 1
        _balance(eligible, have, manual, load, rank)
        for nid in sorted(have):
            row = regular.loc[regular["ID"].astype(str) == nid].iloc[0]
            got = len(have[nid])
            if got < target:
                report.add(_too_few(data, place, row, got, target, judges, reasons, min_judges))
            new_rows.extend((j, nid) for j in sorted(have[nid] - manual[nid], key=rank.get))
        panel = {j for nid in have for j in have[nid]}
        for nid in in_cat.loc[calib.loc[in_cat.index], "ID"].astype(str):
            for j in sorted(panel, key=rank.get):
                pair = (key_of(j), key_of(nid))
                if pair not in kept_pairs and pair not in reasons:
                    new_rows.append((j, nid))
        loads.append(CategoryLoad(category, len(regular), target, load))
    rows = pd.DataFrame(new_rows, columns=COLUMNS)
    kept = 0 if replace else len(existing)
    return AssignPlan(rows, kept, replace, report, loads)


def _balance(
    eligible: dict[str, list[str]],
    have: dict[str, set[str]],
    manual: dict[str, set[str]],
    load: dict[str, int],
    rank: dict[str, int],
) -> None:
    """Move new assignments from the busiest judges to the least busy while that helps.

    The greedy pass above already spreads the work; conflicts can leave a judge two or more
    nominations ahead, and moving one of their new (never a manual) assignments to a judge
    who may score that nomination fixes it wherever such a move exists.
    """
    for _ in range(10_000):
        moved = False
        by_load = sorted(load, key=lambda j: (load[j], rank[j]))
        for hi in reversed(by_load):
            for lo in by_load:
                if load[hi] - load[lo] <= 1:
                    break
                for nid in sorted(have):
                    if (
                        hi in have[nid]
                        and hi not in manual[nid]
                        and lo in eligible[nid]
                        and lo not in have[nid]
                    ):
                        have[nid].discard(hi)
                        have[nid].add(lo)
                        load[hi] -= 1
                        load[lo] += 1
                        moved = True
                        break
                if moved:
                    break
            if moved:
                break
        if not moved:
            return


# Why a nomination that cannot win went to no judge, and what to do, by cannot_win's reason.
_CANNOT_WIN = {
    JUDGE_NOMINATED: ("{Nominee} is a judge", JUDGE_FIX),
    COOL_OFF: ("{Nominee} won {Category} too recently (cool-off)", COOL_OFF_FIX),
    ERASED_NOMINEE: (
        "{Nominee}'s personal data was erased on request, so they cannot be announced",
        "Nothing to do: the nomination stays in the counts but is not judged.",
    ),
}


def _not_assigned(place, row, why: str) -> Issue:
    excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
    nid = str(row["ID"])
    because, fix = _CANNOT_WIN[why]
    because = because.format(Nominee=row["Nominee"], Category=row["Category"])
    return Issue(
        "assign-cannot-win",
        WARNING,
        place.sheet,
        f"{nid} ({row['Nominee']}, {row['Category']}) was given to no judge, as it cannot win: "
        f"{because}.",
        fix,
        row=excel_row,
        column="ID",
        cell=place.cell("ID", excel_row),
        value=nid,
    )


def _too_few(data, place, row, got, target, judges, reasons, min_judges) -> Issue:
    nid = str(row["ID"])
    why = [
        f"{j}: {reasons[(key_of(j), key_of(nid))]}"
        for j in judges
        if (key_of(j), key_of(nid)) in reasons
    ]
    needed = min_judges.get(key_of(row["Category"]))
    severe = needed is not None and needed == needed and got < int(needed)
    excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
    return Issue(
        "assign-too-few-judges",
        ERROR if severe else WARNING,
        place.sheet,
        f"{nid} ({row['Category']}) can have only {got} of {target} judges: the others may "
        f"not score it ({'; '.join(why) or 'no other judge is free'}).",
        "Add judges without a conflict to the panel, or lower 'Judges per nomination'"
        + (f"; {row['Category']} needs at least {int(needed)}." if severe else "."),
        row=excel_row,
        column="ID",
        cell=place.cell("ID", excel_row),
        value=nid,
    )
