"""How far the judges agree: Krippendorff's alpha (interval), which copes with missing scores.

Interval alpha has a closed form in sums of squares, so it is computed here with numpy for
every scope at once (the `krippendorff` package, whose cost grows with the square of the
number of distinct values, is kept as the tests' oracle):

    alpha = 1 - (n - 1) / n * sum_u [m_u / (m_u - 1) * SS_u] / SS

over the units (nominations) with at least two values, where m_u is a unit's number of
values, SS_u their sum of squared deviations from the unit's mean, n the number of those
values and SS their squared deviations from their overall mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GOOD, TENTATIVE = 0.8, 0.667
# Below this many nominations scored by two or more judges, alpha swings widely with each
# nomination (two nominations can give -0.2 where the next two give 0.9), so its reading
# says it is too early to judge the descriptors instead of telling the manager to rewrite them.
FEW_UNITS = 10


def alphas(
    scope: np.ndarray, judge: np.ndarray, unit: np.ndarray, value: np.ndarray, n_scopes: int
) -> tuple[list[float | None], np.ndarray]:
    """Alpha and the number of units judged by two or more, for each of ``n_scopes`` scopes.

    One entry per score: integer codes of its scope, judge and unit (nomination) and its
    value (NaN when missing); a judge's several values for one unit count as their mean.
    Alpha is None where it cannot be measured: fewer than two judges or two such units, or
    no spread in the values.
    """
    scope = np.asarray(scope, dtype=np.int64)
    judge = np.asarray(judge, dtype=np.int64)
    unit = np.asarray(unit, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    n_judge, n_unit = int(judge.max(initial=0)) + 1, int(unit.max(initial=0)) + 1
    cell, cell_key = pd.factorize((scope * n_judge + judge) * n_unit + unit)
    cell_scope = cell_key // (n_judge * n_unit)
    cell_unit = cell_key % n_unit
    n_judges = np.bincount(pd.unique(cell_key // n_unit) // n_judge, minlength=n_scopes)
    known = ~np.isnan(value)
    count = np.bincount(cell[known], minlength=len(cell_key))
    filled = count > 0
    s, u = cell_scope[filled], cell_unit[filled]
    v = np.bincount(cell[known], value[known], minlength=len(cell_key))[filled] / count[filled]
    uid, first = pd.factorize(s * n_unit + u)
    m = np.bincount(uid).astype(float)
    unit_scope = first // n_unit
    pair = m[uid] >= 2
    units = np.bincount(unit_scope[m >= 2], minlength=n_scopes)
    dev_u = v - (np.bincount(uid, v) / m)[uid]
    within = np.bincount(uid, dev_u**2)
    within = np.bincount(
        unit_scope, np.where(m >= 2, within * m / np.maximum(m - 1, 1), 0.0), minlength=n_scopes
    )
    sp, vp = s[pair], v[pair]
    n = np.bincount(sp, minlength=n_scopes).astype(float)
    mean = np.bincount(sp, vp, minlength=n_scopes) / np.maximum(n, 1)
    total = np.bincount(sp, (vp - mean[sp]) ** 2, minlength=n_scopes)
    # No spread among the paired values (or none at all) leaves alpha undefined (0 / 0).
    lo, hi = np.full(n_scopes, np.inf), np.full(n_scopes, -np.inf)
    np.minimum.at(lo, sp, vp)
    np.maximum.at(hi, sp, vp)
    measurable = (n_judges >= 2) & (units >= 2) & (hi > lo)
    a = 1 - (n - 1) / np.maximum(n, 1) * within / np.where(measurable, total, 1.0)
    return [float(x) if ok else None for x, ok in zip(a, measurable, strict=True)], units


def alpha(frame: pd.DataFrame, value: str) -> tuple[float | None, int]:
    """Alpha over a long frame of (Judge, Nomination ID, value); None when not measurable."""
    frame = frame.dropna(subset=["Judge", "Nomination ID"])
    judge = pd.factorize(frame["Judge"].to_numpy(dtype=object))[0]
    unit = pd.factorize(frame["Nomination ID"].to_numpy(dtype=object))[0]
    value_ = frame[value].to_numpy(dtype=float)
    a, units = alphas(np.zeros(len(frame), dtype=np.int64), judge, unit, value_, 1)
    return a[0], int(units[0])


def alpha_text(a: float) -> str:
    """Alpha to two places, as the readings and the report show it: a small negative alpha
    shows as 0.00, not -0.00."""
    text = f"{a:.2f}"
    return "0.00" if text == "-0.00" else text


def reading(scope: str, a: float | None, units: int | None = None) -> str:
    """A plain-English reading of alpha, using Krippendorff's usual thresholds; ``units`` is
    the number of nominations scored by two or more judges that it comes from."""
    if a is None:
        return f"Not enough overlapping scores to measure agreement on '{scope}'."
    if units is not None and units < FEW_UNITS:
        return (
            f"Agreement on '{scope}' (alpha {alpha_text(a)}) comes from only {units} nominations "
            "scored by two or more judges, too few to rely on: look at it again when more have "
            "been scored."
        )
    if a >= GOOD:
        return f"Judges agree well on '{scope}' (alpha {alpha_text(a)})."
    if a >= TENTATIVE:
        return (
            f"Judges agree only moderately on '{scope}' (alpha {alpha_text(a)}): talk through the "
            "descriptors at the next calibration."
        )
    if a >= 0.4:
        return (
            f"Judges agree poorly on '{scope}' (alpha {alpha_text(a)}): compare scored examples "
            "and recalibrate before relying on this criterion."
        )
    return (
        f"Judges barely agree on '{scope}' (alpha {alpha_text(a)}): scores are close to what "
        "chance would give; rewrite the descriptors and recalibrate."
    )


def agreement_table(rows: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Alpha per criterion (on raw scores) and per category (on weighted scores).

    Categories in name order; within each, its criteria in the order they first appear in
    the scores, then the whole category.
    """
    columns = ["Category", "Scope", "Alpha", "Nominations", "Reading"]
    # One mask, and only the columns used: filtering every column of 300,000 rows twice cost
    # more than the alphas.
    keep = (
        rows["Excluded"].isna() & rows["Category"].notna() & rows["Criterion"].notna()
    ).to_numpy(dtype=bool)
    ok = rows.loc[keep, ["Category", "Criterion", "Judge", "Nomination ID"]]
    score = rows["Score"].to_numpy(dtype=float)[keep]
    if ok.empty:
        return pd.DataFrame(columns=columns)
    # Integer codes for everything, factorised once: grouping 300,000 rows by four text
    # columns costs more than the rest of the work.
    cat_code, cat_names = pd.factorize(ok["Category"].to_numpy(dtype=object), sort=True)
    crit_code, crit_names = pd.factorize(ok["Criterion"].to_numpy(dtype=object))
    # Scopes: each category (by name) with its criteria in order of first appearance.
    pair = cat_code.astype(np.int64) * len(crit_names) + crit_code
    first = pd.unique(pair)
    first = first[np.argsort(first // len(crit_names), kind="stable")]
    scope_of_pair = pd.Series(np.arange(len(first)), index=first)
    whole = panel[panel["Category"].isin(set(cat_names))]
    whole_cat = pd.Index(cat_names).get_indexer(whole["Category"])
    judge, _ = pd.factorize(
        np.concatenate([ok["Judge"].to_numpy(dtype=object), whole["Judge"].to_numpy(dtype=object)])
    )
    unit, _ = pd.factorize(
        np.concatenate(
            [
                ok["Nomination ID"].to_numpy(dtype=object),
                whole["Nomination ID"].to_numpy(dtype=object),
            ]
        )
    )
    scope = np.concatenate([scope_of_pair.reindex(pair).to_numpy(), len(first) + whole_cat])
    # Weighted scores are rounded to whole percentage points, as when the package (whose
    # cost grew with the number of distinct values) computed them: the figures stay the same.
    value = np.concatenate([score, whole["Weighted"].round(2).to_numpy(dtype=float)])
    a, units = alphas(scope, judge, unit, value, len(first) + len(cat_names))
    out = []
    scope_cat = first // len(crit_names)
    for c, cat in enumerate(cat_names):
        for i in np.flatnonzero(scope_cat == c):
            crit = crit_names[first[i] % len(crit_names)]
            out.append([cat, crit, a[i], int(units[i]), reading(crit, a[i], int(units[i]))])
        i = len(first) + c
        out.append([cat, "whole category", a[i], int(units[i]), reading(cat, a[i], int(units[i]))])
    return pd.DataFrame(out, columns=columns)
