"""Why each winner won, in one table; and the judge-effect estimates as the Judging sheet shows
them. Pure views of what ``score()`` found: nothing here changes a rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automation.documents.english import join_list, plural
from automation.keys import key_of

EXPLAINED_COLUMNS = [
    "Period",
    "Category",
    "Place",
    "Nomination ID",
    "Nominee",
    "Raw score",
    "Normalised score",
    "Adjusted score",
    "Ranked on",
    "Next best",
    "Margin (points)",
    "By criterion",
    "By judge, with leniency",
    "Decided by",
]

EFFECT_COLUMNS = [
    "Category",
    "Judge",
    "Scores",
    "Leniency (points)",
    "Uncertainty (points)",
    "Spread",
    "Group",
    "Note",
]

SCORE_COLUMN = {
    "raw": "Raw score",
    "normalised": "Normalised score",
    "judge-effect": "Adjusted score",
}
# What is looked at of the nominations a winner is compared with.
RIVAL_COLUMNS = ["Rank", "Nomination ID", "Nominee", *SCORE_COLUMN.values()]


def judge_effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """Per category and judge: leniency and its standard error in percentage points of the
    weighted score, the spread factor, the group and a note."""
    if effects.empty:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    return pd.DataFrame(
        {
            "Category": effects["Category"],
            "Judge": effects["Judge"],
            "Scores": effects["Scores"].astype(int),
            "Leniency (points)": effects["Leniency"].astype(float) * 100,
            "Uncertainty (points)": effects["Uncertainty"].astype(float) * 100,
            "Spread": effects["Spread"].astype(float),
            "Group": effects["Group"],
            "Note": effects["Note"],
        }
    ).sort_values(["Category", "Judge"], kind="stable", ignore_index=True)


def _points(value: float) -> str:
    # Rounded first and added to +0.0, so a leniency of -0.0004 reads "+0.0", not "-0.0".
    return f"{round(value * 100, 1) + 0.0:+.1f}"


def winners_explained(results) -> pd.DataFrame:
    """One row per winner (and per nomination tied for a win that awaits a panel vote): its
    raw, normalised and adjusted scores, which one ranked it, the next best nomination and
    the margin on that basis, the criterion means, each judge's score with that judge's
    leniency, and what decided it (the margin, or the tie-break rule that separated a tie).

    ``results`` is a :class:`automation.scoring.results.Results`.
    """
    noms = results.nominations
    top = noms[noms["Place"].isin(["winner", "panel vote"])]
    if top.empty:
        return pd.DataFrame(columns=EXPLAINED_COLUMNS)
    effects = results.effects
    leniency = {
        (key_of(c), key_of(j)): (float(lv), float(se))
        for c, j, lv, se in zip(
            effects["Category"],
            effects["Judge"],
            effects["Leniency"],
            effects["Uncertainty"],
            strict=True,
        )
    }
    panel = results.panel
    # Only the few top nominations and their own categories are looked at: splitting all
    # 20,000 nominations into groups would cost far more than the explanations.
    counted = panel[(panel["Counted"] == "yes") & panel["Nomination ID"].isin(top["Nomination ID"])]
    by_nom = dict(iter(counted.groupby("Nomination ID", sort=False)))
    rivals_of: dict[tuple, tuple[pd.DataFrame, np.ndarray, np.ndarray]] = {}
    rows = []
    for _, w in top.iterrows():
        basis = w["Ranked on"] if isinstance(w["Ranked on"], str) else "raw"
        col = SCORE_COLUMN.get(basis, "Raw score")
        group = (w["Period"], w["Category"])
        if group not in rivals_of:
            keep = (
                (noms["Period"] == w["Period"])
                & (noms["Category"] == w["Category"])
                & noms["Rank"].notna()
                & (noms["Place"] != "panel vote")
            )
            # Only the columns an explanation shows: taking every column of a category's
            # rows costs more than the rest.
            same = noms[RIVAL_COLUMNS][keep.to_numpy(dtype=bool)]
            same = same.sort_values("Rank", kind="stable")
            rank = same["Rank"].to_numpy(dtype=float)
            rivals_of[group] = (same, rank, same["Nominee"].to_numpy(dtype=object))
        same, rank, nominee = rivals_of[group]
        # The rivals are the group's other nominees: those ranked above the winner (few) and
        # the first one below it, found by walking down from the winner's rank (a whole
        # group's nominee keys and row filters would cost more than all the explanations).
        who = key_of(w["Nominee"])
        above_end = int(np.searchsorted(rank, w["Rank"], side="left"))
        above = same.iloc[[i for i in range(above_end) if key_of(nominee[i]) != who]]
        below = range(int(np.searchsorted(rank, w["Rank"], side="right")), len(rank))
        nxt = next((same.iloc[i] for i in below if key_of(nominee[i]) != who), None)
        margin = (
            float(w[col] - nxt[col]) * 100
            if nxt is not None and pd.notna(w[col]) and pd.notna(nxt[col])
            else np.nan
        )
        rows.append(
            {
                "Period": w["Period"],
                "Category": w["Category"],
                "Place": w["Place"],
                "Nomination ID": w["Nomination ID"],
                "Nominee": w["Nominee"],
                "Raw score": w["Raw score"],
                "Normalised score": w["Normalised score"],
                "Adjusted score": w["Adjusted score"],
                "Ranked on": basis,
                "Next best": f"{nxt['Nominee']} ({nxt['Nomination ID']})"
                if nxt is not None
                else "",
                "Margin (points)": margin,
                "By criterion": w["By criterion"],
                "By judge, with leniency": "; ".join(
                    x
                    for x in [
                        _by_judge(by_nom.get(w["Nomination ID"]), w["Category"], leniency),
                        *_conflicted(w["By judge"]),
                    ]
                    if x
                ),
                "Decided by": _decided_by(w, basis, nxt, margin, above),
            }
        )
    return pd.DataFrame(rows, columns=EXPLAINED_COLUMNS)


def _by_judge(rows: pd.DataFrame | None, category: str, leniency: dict) -> str:
    if rows is None or rows.empty:
        return ""
    parts = []
    for _, r in rows.sort_values("Judge", kind="stable").iterrows():
        text = f"{r['Judge']} {r['Weighted'] * 100:.0f}%"
        lv = leniency.get((key_of(category), key_of(r["Judge"])))
        if lv is not None:
            lv_text = f"leniency {_points(lv[0])}"
            if not np.isnan(lv[1]):
                lv_text += f" ± {lv[1] * 100:.1f}"
            text += f" ({lv_text}, adjusted {r['Adjusted'] * 100:.0f}%)"
        parts.append(text)
    return "; ".join(parts)


def _conflicted(by_judge: object) -> list[str]:
    """The "excluded (conflict)" parts of the Results sheet's By judge text."""
    if not isinstance(by_judge, str):
        return []
    return [p for p in by_judge.split("; ") if p.endswith("excluded (conflict)")]


# A lead under one percentage point is narrow: in a category of five equal criteria scored 1 to
# 5, one judge marking one criterion a step higher moves the mean of 3 or 4 judges by 1 to 1.3.
NARROW_LEAD = 1.0


def _lead(points: float) -> str:
    # A lead under a tenth of a point still shows as a number, not as "0.0".
    return f"{points:.1f}" if abs(points) >= 0.1 else f"{abs(points):.2g}"


def _other_bases(w: pd.Series, basis: str, nxt: pd.Series, margin: float) -> str:
    """How the winner and the next best compare on the scores the rank was not based on: said
    when the winner is not ahead on one of them (the way of ranking decided the award), or when
    the lead is narrow (then whether the other scores agree tells how sure it is)."""
    ahead, not_ahead = [], []
    for other, column in SCORE_COLUMN.items():
        if other == basis or pd.isna(w[column]) or pd.isna(nxt[column]):
            continue
        lead = round((float(w[column]) - float(nxt[column])) * 100, 9)
        (ahead if lead > 0 else not_ahead).append((other, lead))
    if not_ahead:
        parts = [
            f"on the {other} score {nxt['Nominee']} is ahead by {_lead(-lead)} points"
            if lead < 0
            else f"on the {other} score the two are level"
            for other, lead in not_ahead
        ]
        return f"; {'; '.join(parts)}, so ranking on the {basis} score decided it"
    if ahead and margin < NARROW_LEAD:
        others = join_list(other for other, _ in ahead)
        return (
            f", a narrow lead; {w['Nominee']} is also ahead on the {others} "
            f"{plural('score', len(ahead))}"
        )
    return ""


def _decided_by(
    w: pd.Series, basis: str, nxt: pd.Series | None, margin: float, above: pd.DataFrame
) -> str:
    note = w["Tie-break"] if isinstance(w["Tie-break"], str) else ""
    if w["Place"] == "panel vote":
        return "tied for first and not separated by the tie-break rules: the panel decides"
    if note and "separated by " in note:
        text = "tie-break rule: " + note.split("; separated by ", 1)[1].split(" (", 1)[0]
    elif note:
        text = note
    elif nxt is None:
        text = "the only nomination ranked"
    elif np.isnan(margin):
        text = f"higher {basis} score"
    else:
        text = f"higher {basis} score: {_lead(margin)} points ahead of {nxt['Nominee']}"
        text += _other_bases(w, basis, nxt, margin)
    if len(above):
        skipped = ", ".join(f"{r['Nominee']} ({r['Nomination ID']})" for _, r in above.iterrows())
        text += (
            f"; ranked {int(w['Rank'])}: {skipped} ranked higher but could not be placed "
            "(see Flags)"
        )
    return text
