"""How far the judges agree: Krippendorff's alpha (interval), which copes with missing scores.

We use the `krippendorff` package rather than our own implementation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GOOD, TENTATIVE = 0.8, 0.667


def alpha(frame: pd.DataFrame, value: str) -> tuple[float | None, int]:
    """Alpha over a long frame of (Judge, Nomination ID, value); None when not measurable."""
    import krippendorff

    wide = frame.groupby(["Judge", "Nomination ID"], sort=True)[value].mean().unstack()
    units = int((wide.notna().sum(axis=0) >= 2).sum())
    if wide.shape[0] < 2 or units < 2:
        return None, units
    data = wide.to_numpy(dtype=float)
    if np.nanstd(data) == 0:
        return None, units
    try:
        a = float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))
    except (ValueError, ZeroDivisionError):
        return None, units
    return (None if np.isnan(a) else a), units


def reading(scope: str, a: float | None) -> str:
    """A plain-English reading of alpha, using Krippendorff's usual thresholds."""
    if a is None:
        return f"Not enough overlapping scores to measure agreement on '{scope}'."
    if a >= GOOD:
        return f"Judges agree well on '{scope}' (alpha {a:.2f})."
    if a >= TENTATIVE:
        return (
            f"Judges agree only moderately on '{scope}' (alpha {a:.2f}): talk through the "
            "descriptors at the next calibration."
        )
    if a >= 0.4:
        return (
            f"Judges agree poorly on '{scope}' (alpha {a:.2f}): compare scored examples and "
            "recalibrate before relying on this criterion."
        )
    return (
        f"Judges barely agree on '{scope}' (alpha {a:.2f}): scores are close to what chance "
        "would give; rewrite the descriptors and recalibrate."
    )


def agreement_table(rows: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Alpha per criterion (on raw scores) and per category (on weighted scores)."""
    out = []
    ok = rows[rows["Excluded"].isna()]
    for cat, grp in ok.groupby("Category", sort=True):
        for crit, cg in grp.groupby("Criterion", sort=False):
            a, n = alpha(cg, "Score")
            out.append(
                {
                    "Category": cat,
                    "Scope": crit,
                    "Alpha": a,
                    "Nominations": n,
                    "Reading": reading(crit, a),
                }
            )
        # Weighted scores are continuous; the package's cost grows with the square of the
        # number of distinct values, so whole percentage points are used (alpha barely moves).
        cat_panel = panel[panel["Category"] == cat]
        a, n = alpha(cat_panel.assign(Weighted=cat_panel["Weighted"].round(2)), "Weighted")
        out.append(
            {
                "Category": cat,
                "Scope": "whole category",
                "Alpha": a,
                "Nominations": n,
                "Reading": reading(cat, a),
            }
        )
    return pd.DataFrame(out, columns=["Category", "Scope", "Alpha", "Nominations", "Reading"])
