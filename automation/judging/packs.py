"""What goes into each judge's pack (pure data; ``pack_file`` lays it out as a workbook).

A pack holds only the judge's own nominations, each with its evidence, the rubric of its
category and one score row per criterion. Conflicted pairs are never packed, even if a
manager assigned them by hand (validation reports those). The signature ties the pack to the
programme, the period, the judge and the exact list it was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from automation.conflicts import conflicted_pairs
from automation.judging.assign import nominations_in_scope
from automation.judging.blind import Masker, nominee_code
from automation.keys import key, key_of
from automation.model import ProgrammeData
from automation.validate.judging import expected_scores

FORMAT = "award-judge-pack/1"
LEVELS = ("Level 1", "Level 2", "Level 3", "Level 4", "Level 5")


def programme_id(data: ProgrammeData) -> str:
    """The programme's identity for packs: the Programme ID setting, else organisation and
    programme name."""
    pid = str(data.setting("programme_id") or "").strip()
    if pid:
        return pid
    org = str(data.setting("organisation") or "").strip()
    name = str(data.setting("programme") or "").strip()
    return f"{org} / {name}".strip(" /") or "award programme"


def current_period(data: ProgrammeData) -> str:
    return str(data.setting("current_period") or "").strip()


def digest(programme: str, period: str, judge: str, items: list[tuple[str, str]]) -> str:
    """Fingerprint of what a pack was made from: who, for which programme and period, and
    every (nomination, criterion) pair in it, in a fixed order."""
    lines = [FORMAT, key_of(programme), key_of(period), key_of(judge)]
    lines += sorted(f"{key_of(n)}|{key_of(c)}" for n, c in items)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass
class Signature:
    """The hidden record a pack carries so it can only be merged where it belongs."""

    programme: str
    period: str
    judge: str
    digest: str
    made: str
    items: list[tuple[str, str, str]]  # (nomination ID, category, criterion)
    format: str = FORMAT

    def verifies(self) -> bool:
        """Whether the digest still matches the rest (a changed judge or list breaks it)."""
        pairs = [(n, c) for n, _, c in self.items]
        return self.digest == digest(self.programme, self.period, self.judge, pairs)


@dataclass
class Pack:
    """One judge's pack, ready to lay out."""

    judge: str
    email: str | None
    programme_name: str
    organisation: str
    period: str
    due: dt.date | None
    blind: bool
    nominations: pd.DataFrame  # one row per nomination, columns as shown to the judge
    rubric: pd.DataFrame  # Category, Criterion, Weight, Scale, Level 1..5
    grid: pd.DataFrame  # Nomination code, Category, Criterion, Weight, Scale, Score, Comment
    scales: dict[str, tuple[int, int]]  # category -> (min, max)
    signature: Signature
    calibration: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.nominations)


def judge_items(data: ProgrammeData, judge: str) -> pd.DataFrame:
    """(Nomination ID, Criterion) the judge should score this period, conflicts left out."""
    exp = data.cached("expected_scores", expected_scores)
    if exp.empty:
        return exp
    scope = set(key(nominations_in_scope(data)["ID"]))
    mine = exp[(key(exp["Judge"]) == key_of(judge)) & key(exp["Nomination ID"]).isin(scope)]
    return mine


def build_pack(
    data: ProgrammeData, judge: str, *, blind: bool | None = None, now: dt.datetime | None = None
) -> Pack:
    """The pack for ``judge``: their nominations, rubric, score grid and signature."""
    blind = bool(data.setting("blind_judging")) if blind is None else blind
    now = now or dt.datetime.now().replace(microsecond=0)
    items = judge_items(data, judge)
    pid = programme_id(data)
    noms = data["Nominations"].drop_duplicates("ID")
    noms = noms[key(noms["ID"]).isin(set(key(items["Nomination ID"])))] if len(items) else noms[:0]
    noms = noms.sort_values(["Category", "ID"], key=lambda s: s.astype(str).str.casefold())
    pairs = conflicted_pairs(data)
    if not pairs.empty:
        bad = set(zip(key(pairs["Judge"]), key(pairs["Nomination ID"]), strict=True))
        # A mask, not a list: an empty list would select no columns instead of no rows.
        allowed = [(key_of(judge), key_of(n)) not in bad for n in noms["ID"]]
        noms = noms[np.asarray(allowed, dtype=bool)]
    masker = Masker.from_data(data)
    shown = []
    for _, r in noms.iterrows():
        row = {"Nomination code": r["ID"], "Category": r["Category"]}
        if _is_calibration(r.get("Calibration")):
            row["Nominee"] = "Practice entry (calibration)"
        elif blind:
            row["Nominee"] = nominee_code(pid, r["Nominee"])
        else:
            row["Nominee"] = r["Nominee"]
        if not blind:
            for col in ("Team", "Site", "Line manager", "Nominator"):
                row[col] = r[col]
        for col in ("Evidence", "Customer quote"):
            text = r[col]
            row[col] = masker.mask(text, r["Nominee"], r["Nominator"]) if blind else text
            if row[col] is not None and not isinstance(row[col], str):
                row[col] = None if row[col] != row[col] else str(row[col])
        shown.append(row)
    nominations = pd.DataFrame(shown)
    cats = data["Categories"].drop_duplicates("Category")
    scales = {
        str(c): (int(lo), int(hi))
        for c, lo, hi in zip(cats["Category"], cats["Scale min"], cats["Scale max"], strict=True)
        if c is not None and lo == lo and hi == hi
    }
    crit = data["Criteria"].dropna(subset=["Category", "Criterion"])
    used = set(key(nominations["Category"])) if len(nominations) else set()
    crit = crit[key(crit["Category"]).isin(used)]
    rubric = pd.DataFrame(
        {
            "Category": crit["Category"],
            "Criterion": crit["Criterion"],
            "Weight": crit["Weight"],
            "Scale": [_scale_text(scales.get(str(c))) for c in crit["Category"]],
            **{lv: crit[lv] for lv in LEVELS},
        }
    ).reset_index(drop=True)
    grid_rows, sig_items = [], []
    keep = set(key(noms["ID"]))
    order = {
        (key_of(c), key_of(k)): i
        for i, (c, k) in enumerate(zip(crit["Category"], crit["Criterion"], strict=True))
    }
    items = items[key(items["Nomination ID"]).isin(keep)] if len(items) else items
    weights = {
        (key_of(c), key_of(k)): (float(w) if w == w else None)
        for c, k, w in zip(crit["Category"], crit["Criterion"], crit["Weight"], strict=True)
    }
    # Scores the judge already gave (a reminder pack): shown, so they only add what is missing.
    sc = data["Scores"]
    mine_sc = sc[(key(sc["Judge"]) == key_of(judge)) & sc["Score"].notna()]
    given = {
        (key_of(n), key_of(c)): (float(v), m if isinstance(m, str) else None)
        for n, c, v, m in zip(
            mine_sc["Nomination ID"],
            mine_sc["Criterion"],
            mine_sc["Score"],
            mine_sc["Comment"],
            strict=True,
        )
    }
    cat_of = dict(zip(key(noms["ID"]), noms["Category"], strict=True))
    # Each nomination's criteria to score, grouped once (not a scan of the items per nomination).
    criteria_of: dict[str, list[str]] = {}
    if len(items):
        for n, c in zip(key(items["Nomination ID"]), items["Criterion"].astype(str), strict=True):
            criteria_of.setdefault(n, []).append(c)
    for nid in noms["ID"]:
        category = cat_of[key_of(nid)]
        crits = sorted(
            criteria_of.get(key_of(nid), []),
            key=lambda c: order.get((key_of(category), key_of(c)), 99),
        )
        for c in crits:
            weight = weights.get((key_of(category), key_of(c)))
            grid_rows.append(
                {
                    "Nomination code": nid,
                    "Category": category,
                    "Criterion": c,
                    "Weight": weight,
                    "Scale": _scale_text(scales.get(str(category))),
                    "Score": given.get((key_of(nid), key_of(c)), (None, None))[0],
                    "Comment": given.get((key_of(nid), key_of(c)), (None, None))[1],
                }
            )
            sig_items.append((str(nid), str(category), c))
    grid = pd.DataFrame(
        grid_rows,
        columns=["Nomination code", "Category", "Criterion", "Weight", "Scale", "Score", "Comment"],
    )
    period = current_period(data)
    signature = Signature(
        pid,
        period,
        judge,
        digest(pid, period, judge, [(n, c) for n, _, c in sig_items]),
        now.isoformat(sep=" "),
        sig_items,
    )
    judges = data["Judges"]
    email = judges.loc[key(judges["Judge"]) == key_of(judge), "Email"]
    calib = [str(r["ID"]) for _, r in noms.iterrows() if _is_calibration(r.get("Calibration"))]
    return Pack(
        judge=judge,
        email=str(email.iloc[0]) if len(email) and isinstance(email.iloc[0], str) else None,
        programme_name=str(data.setting("programme") or ""),
        organisation=str(data.setting("organisation") or ""),
        period=period,
        due=data.date_setting("scores_due"),
        blind=blind,
        nominations=nominations,
        rubric=rubric,
        grid=grid,
        scales=scales,
        signature=signature,
        calibration=calib,
    )


def build_packs(
    data: ProgrammeData, *, blind: bool | None = None, now: dt.datetime | None = None
) -> list[Pack]:
    """A pack for every judge who has something to score this period."""
    judges = [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]
    packs = [build_pack(data, j, blind=blind, now=now) for j in judges]
    return [p for p in packs if len(p.grid)]


def no_pack_lines(data: ProgrammeData, packs: list[Pack]) -> list[str]:
    """``No pack for ...: why.`` for each judge without one, for the command and the button."""
    return [f"No pack for {name}: {why}." for name, why in judges_without_packs(data, packs)]


def judges_without_packs(data: ProgrammeData, packs: list[Pack]) -> list[tuple[str, str]]:
    """The panel's judges who get no pack, each with why: a manager who added a judge
    after assigning expects a pack for them and must be told why there is none."""
    have = {key_of(p.judge) for p in packs}
    assign = data["Assignments"].dropna(subset=["Judge", "Nomination ID"])
    scope = set(key(nominations_in_scope(data)["ID"]))
    this_period = key(assign["Nomination ID"]).isin(scope).to_numpy(dtype=bool)
    assigned = set(key(assign["Judge"][this_period]))
    out = []
    for judge in data["Judges"]["Judge"].dropna().drop_duplicates():
        if key_of(judge) in have:
            continue
        if len(assign) and key_of(judge) not in assigned:
            why = (
                "no nomination of this period is assigned to them on the Assignments table "
                "(to give them some, add their rows there, or run 'awards assign --replace' "
                "before any packs go out)"
            )
        else:
            why = (
                "each nomination they would score is one they have a conflict of interest "
                "with, or one that cannot win"
            )
        out.append((str(judge), why))
    return out


def _scale_text(scale: tuple[int, int] | None) -> str | None:
    return f"{scale[0]} to {scale[1]}" if scale else None


def _is_calibration(value: object) -> bool:
    return value is not None and value is not pd.NA and value == value and bool(value)
