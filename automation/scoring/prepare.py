"""Which scores count: every score row joined to its nomination, criterion and scale, with
the reason it is left out where it is (unknown names, out of scale, conflicts...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automation.keys import key
from automation.model import ProgrammeData
from automation.validate.judging import repeated_scores, scored_frame


def effective_weights(data: ProgrammeData) -> tuple[pd.DataFrame, set[str]]:
    """Criteria with the weight used for scoring, and categories that cannot be scored.

    With the 'normalise with warning' policy a category's weights are rescaled to add to 1;
    with 'error' a category whose weights do not add to 100% is not scored at all.
    """
    crit = data["Criteria"].dropna(subset=["Category", "Criterion", "Weight"]).copy()
    crit["_cat"] = key(crit["Category"])
    sums = crit.groupby("_cat")["Weight"].transform("sum")
    blocked: set[str] = set()
    if data.setting("weights_policy") == "normalise with warning":
        crit["Weight"] = crit["Weight"] / sums.replace(0, np.nan)
    else:
        bad = crit.loc[(sums - 1).abs() > 1e-3, "_cat"]
        blocked = set(bad)
    return crit, blocked


def prepare(data: ProgrammeData) -> pd.DataFrame:
    """One row per score with ``Excluded`` (None when the score counts, else why not).

    Worked out once per read: validation (the linked-judges rule) and scoring both need it."""
    return data.cached("prepared scores", _prepare)


def _prepare(data: ProgrammeData) -> pd.DataFrame:
    f = scored_frame(data)
    crit, blocked = effective_weights(data)
    weights = crit.assign(_c=key(crit["Criterion"]))[["_cat", "_c", "Weight"]]
    f = f.drop(columns=["Weight"]).merge(
        weights.drop_duplicates(["_cat", "_c"]), on=["_cat", "_c"], how="left"
    )
    judges = set(key(data["Judges"]["Judge"]).dropna())
    reason = np.full(len(f), None, dtype=object)
    free = np.ones(len(f), dtype=bool)  # no reason yet: a plain mask, not isna() each time

    def mark(mask: pd.Series, text: str) -> None:
        hit = mask.to_numpy(dtype=bool) & free
        reason[hit] = text
        free[hit] = False

    mark(f["Score"].isna(), "no score")
    mark(~f["_j"].isin(judges), "judge not on the panel")
    mark(f["Category"].isna(), "no such nomination")
    mark(f["Scale max"].isna() | f["Scale min"].isna(), "category has no scale")
    mark(f["_cat"].isin(blocked), "category weights do not add up to 100%")
    mark(f["Weight"].isna(), "criterion not in the category")
    mark((f["Score"] < f["Scale min"]) | (f["Score"] > f["Scale max"]), "outside the scale")
    # The rows of ``f`` are the score rows in order (a left merge keeps them).
    mark(pd.Series(repeated_scores(data)), "repeated score")
    # A score with no reason yet takes its conflict's, "conflict: ..." (else the blank the
    # conflict column holds); formatted for the conflicted rows only, not mapped over all.
    why = f["_conflict"].to_numpy(dtype=object)
    reason[free] = why[free]
    conflicted = np.flatnonzero(free & pd.notna(why))
    reason[conflicted] = [f"conflict: {w}" for w in why[conflicted]]
    f["Excluded"] = pd.Series(reason, index=f.index, dtype=object)
    f["Calibration"] = f["Calibration"].fillna(False).astype(bool)
    f["Fraction"] = (f["Score"] / f["Scale max"]).astype(float)
    return f
