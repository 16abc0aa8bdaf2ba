"""Which scores count: every score row joined to its nomination, criterion and scale, with
the reason it is left out where it is (unknown names, out of scale, conflicts...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automation.keys import key
from automation.model import ProgrammeData
from automation.validate.judging import scored_frame


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
    mark(_repeated(f[["_j", "_nid", "_c"]]), "repeated score")
    conflict = f["_conflict"].map(lambda why: f"conflict: {why}", na_action="ignore")
    reason = pd.Series(reason, index=f.index, dtype=object)
    reason = reason.where(reason.notna(), conflict)
    f["Excluded"] = reason
    f["Calibration"] = f["Calibration"].fillna(False).astype(bool)
    f["Fraction"] = (f["Score"] / f["Scale max"]).astype(float)
    return f


def _repeated(keys: pd.DataFrame) -> pd.Series:
    """``keys.duplicated()`` (missing equals missing), on integer codes of each column: the
    Arrow key columns factorise far faster than a frame of strings is hashed row by row."""
    combined = np.zeros(len(keys), dtype=np.int64)
    for col in keys.columns:
        codes, uniques = pd.factorize(keys[col])
        # Re-coded after each column so that the product never overflows.
        combined = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    return pd.Series(pd.Series(combined).duplicated().to_numpy(), index=keys.index)
