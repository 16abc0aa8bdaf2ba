"""Our interval alpha against the `krippendorff` package on awkward data."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from automation.scoring.agreement import agreement_table, alpha


def _long(wide: np.ndarray) -> pd.DataFrame:
    judges, units = np.nonzero(~np.isnan(wide))
    return pd.DataFrame(
        {
            "Judge": [f"J{j}" for j in judges],
            "Nomination ID": [f"N{u}" for u in units],
            "Score": wide[judges, units],
        }
    )


@pytest.mark.parametrize("seed", range(12))
def test_alpha_equals_the_package_with_missing_values(seed):
    rng = np.random.default_rng(seed)
    judges, units = rng.integers(2, 7), rng.integers(3, 60)
    quality = rng.normal(size=units)
    wide = quality[None, :] + rng.normal(scale=rng.uniform(0.1, 2), size=(judges, units))
    if seed % 2:
        wide = np.round(wide * 2) + 3  # whole points, many ties
    wide[rng.random(wide.shape) < 0.3] = np.nan
    a, n = alpha(_long(wide), "Score")
    assert n == int((np.sum(~np.isnan(wide), axis=0) >= 2).sum())
    expected = krippendorff.alpha(reliability_data=wide, level_of_measurement="interval")
    assert a == pytest.approx(float(expected), rel=1e-12, abs=1e-12)


def test_alpha_not_measurable():
    one_judge = np.array([[1.0, 2.0, 3.0]])
    assert alpha(_long(one_judge), "Score") == (None, 0)
    no_overlap = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, np.nan]])
    assert alpha(_long(no_overlap), "Score") == (None, 0)
    same = np.array([[4.0, 4.0, 4.0], [4.0, 4.0, np.nan]])
    assert alpha(_long(same), "Score") == (None, 2)
    # Values differ, but not among the nominations scored twice: 0 / 0.
    paired_same = np.array([[4.0, 4.0, 1.0], [4.0, 4.0, np.nan]])
    assert alpha(_long(paired_same), "Score") == (None, 2)


def test_agreement_table_per_criterion_and_category():
    rng = np.random.default_rng(7)
    rows, panel = [], []
    for cat, crits in (("Hero", ["Care", "Speed"]), ("Team", ["Results"])):
        for u in range(8):
            for j in ("Ann", "Bob", "Cy"):
                for c in crits:
                    rows.append((cat, c, j, f"{cat}-{u}", float(rng.integers(1, 6)), None))
                panel.append((cat, j, f"{cat}-{u}", rng.random()))
    rows.append(("Hero", "Care", "Ann", "Hero-0", 5.0, "conflict: same team"))
    frame = pd.DataFrame(
        rows, columns=["Category", "Criterion", "Judge", "Nomination ID", "Score", "Excluded"]
    )
    panel = pd.DataFrame(panel, columns=["Category", "Judge", "Nomination ID", "Weighted"])
    table = agreement_table(frame, panel)
    assert list(zip(table["Category"], table["Scope"], strict=True)) == [
        ("Hero", "Care"),
        ("Hero", "Speed"),
        ("Hero", "whole category"),
        ("Team", "Results"),
        ("Team", "whole category"),
    ]
    ok = frame[frame["Excluded"].isna()]
    for cat, scope, a in zip(table["Category"], table["Scope"], table["Alpha"], strict=True):
        if scope == "whole category":
            part = panel[panel["Category"] == cat].assign(Weighted=lambda p: p["Weighted"].round(2))
            value = "Weighted"
        else:
            part, value = ok[(ok["Category"] == cat) & (ok["Criterion"] == scope)], "Score"
        wide = part.pivot(index="Judge", columns="Nomination ID", values=value).to_numpy(float)
        expected = krippendorff.alpha(reliability_data=wide, level_of_measurement="interval")
        assert a == pytest.approx(float(expected), rel=1e-12, abs=1e-12)
    assert set(table["Nominations"]) == {8}
