"""Even out lenient and harsh judges: z-scores per judge, rescaled to the raw scale.

Within each category, a judge's weighted scores are turned into z = (S - mean_j) / sd_j and
then put back on the category's own scale as mean_c + z * sd_c, so a normalised score reads
like a raw one. A judge with fewer than two scores, or who gave every nomination the same
score, cannot be normalised: their raw scores are used unchanged, and the output says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_SCORES = 2


def normalise(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``Normalised`` to a panel (Judge, Nomination ID, Category, Weighted) and return
    per judge and category statistics with the fallback taken, if any."""
    panel = panel.copy()
    panel["Normalised"] = np.nan
    stats = []
    for cat, grp in panel.groupby("Category", sort=True):
        m_c = grp["Weighted"].mean()
        sd_c = grp["Weighted"].std(ddof=1) if len(grp) > 1 else 0.0
        sd_c = 0.0 if np.isnan(sd_c) else sd_c
        for judge, jg in grp.groupby("Judge", sort=True):
            n = len(jg)
            mean_j = jg["Weighted"].mean()
            sd_j = jg["Weighted"].std(ddof=1) if n > 1 else np.nan
            if n < MIN_SCORES:
                note = f"raw kept: only {n} score in this category"
                norm = jg["Weighted"]
            elif not sd_j or np.isnan(sd_j) or sd_j < 1e-9:
                note = "raw kept: every nomination got the same score"
                norm = jg["Weighted"]
            elif sd_c < 1e-9:
                note = "raw kept: no spread in the category to rescale to"
                norm = jg["Weighted"]
            else:
                note = "normalised"
                norm = m_c + (jg["Weighted"] - mean_j) / sd_j * sd_c
            panel.loc[jg.index, "Normalised"] = norm.clip(0, 1)
            tendency = "typical"
            if sd_c > 1e-9 and n >= MIN_SCORES:
                if mean_j - m_c > 0.5 * sd_c:
                    tendency = "lenient"
                elif m_c - mean_j > 0.5 * sd_c:
                    tendency = "harsh"
            stats.append(
                {
                    "Judge": judge,
                    "Category": cat,
                    "Scored": n,
                    "Mean": mean_j,
                    "SD": sd_j,
                    "Tendency": tendency,
                    "Normalisation": note,
                }
            )
    return panel, pd.DataFrame(
        stats, columns=["Judge", "Category", "Scored", "Mean", "SD", "Tendency", "Normalisation"]
    )
