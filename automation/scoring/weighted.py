"""Each judge's weighted score for each nomination, and the nomination's mean over judges."""

from __future__ import annotations

import numpy as np
import pandas as pd


def judge_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """S(j, e) = sum(w_c * x_c / max_c) / sum(w_c) over the criteria judge j scored on e.

    Only counted rows (``Excluded`` is None) take part. A judge who skipped a criterion is
    judged on the criteria they did score (the weights are re-based), and ``Criteria`` says
    how many that was.
    """
    ok = rows[rows["Excluded"].isna()]
    if ok.empty:
        return pd.DataFrame(columns=["Judge", "Nomination ID", "Weighted", "Criteria"])
    g = ok.assign(_wx=ok["Weight"] * ok["Fraction"]).groupby(["Judge", "Nomination ID"], sort=False)
    out = pd.DataFrame(
        {"_wx": g["_wx"].sum(), "_w": g["Weight"].sum(), "Criteria": g["Criterion"].count()}
    )
    out["Weighted"] = out["_wx"] / out["_w"].replace(0, np.nan)
    return out.drop(columns=["_wx", "_w"]).reset_index()


def panel_mean(grouped, column: str, trim_from: int) -> pd.Series:
    """Mean over each nomination's judges; with ``trim_from`` or more judges (and at least
    three), the highest and lowest are dropped. ``grouped`` is a groupby by nomination.

    A mean (not a sum) so that a judge who abstains does not pull a nomination down.
    """
    total, count = grouped[column].sum(), grouped[column].count()
    hi, lo = grouped[column].max(), grouped[column].min()
    trim = (trim_from > 0) & (count >= max(trim_from, 3))
    return ((total - hi - lo) / (count - 2)).where(trim, total / count.replace(0, np.nan))
