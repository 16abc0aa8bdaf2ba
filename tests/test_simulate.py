"""The scoring simulation: deterministic, sane numbers, and it tells the methods apart.

Runs are kept small (a few to a few dozen trials). The statistical assertions use a fixed
seed, and each test says on which other seeds the same assertion was checked to hold, so a
pass is not the luck of one seed. Nothing here is timed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from automation.scoring import simulate as sim
from automation.scoring.results import ScoringSettings, score


@pytest.fixture(scope="module")
def small() -> sim.SimulationReport:
    return sim.simulate(6, seed=7, nominations=8, judges=4, panel_size=2)


def test_same_seed_same_report(small: sim.SimulationReport) -> None:
    again = sim.simulate(6, seed=7, nominations=8, judges=4, panel_size=2)
    assert again == small
    assert sim.format_report(again) == sim.format_report(small)


def test_batching_does_not_change_results(
    small: sim.SimulationReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many rounds share one score() call as separate categories; this only holds if the
    # scorer keeps categories fully apart, so check against one round per call.
    monkeypatch.setattr(sim, "BATCH", 1)
    assert sim.simulate(6, seed=7, nominations=8, judges=4, panel_size=2) == small


def test_report_shape_and_ranges(small: sim.SimulationReport) -> None:
    assert [s.name for s in small.scenarios] == ["partial", "full"]
    assert [s.panel_size for s in small.scenarios] == [2, 4]
    for s in small.scenarios:
        assert [m.method for m in s.methods] == ["raw", "normalised"]
        for m in s.methods:
            assert 0.0 <= m.winner_share <= m.top3_share <= 1.0
            assert -1.0 <= m.mean_spearman <= 1.0
            # Shares are whole trials out of six.
            assert math.isclose(m.winner_share * 6, round(m.winner_share * 6))


def test_format_report_is_readable(small: sim.SimulationReport) -> None:
    text = sim.format_report(small)
    assert "partial (2 of 4)" in text and "full (4 of 4)" in text
    assert text.count("normalised ") >= 2 and "Reading:" in text
    assert "6 trials (seed 7)" in text


def test_programme_is_real_data_the_scorer_accepts() -> None:
    draw = sim._draw(np.random.default_rng(0), 6, 4, 2, 3, 0.5, 0.3)
    data = sim.programme([("R", draw, draw.panels)], 5)
    for frame in data.tables.values():
        assert "_row" in frame.columns
    res = score(data, ScoringSettings(rank_by="raw"))
    assert len(res.nominations) == 6 and not res.excluded.size
    assert (res.nominations["Judges"] == 2).all()
    assert (res.winners["Category"] == "R").all() and len(res.winners) == 1


def test_invalid_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        sim.simulate(0)
    with pytest.raises(ValueError):
        sim.simulate(1, judges=3, panel_size=4)


def test_fair_judges_and_tiny_noise_find_the_true_winner() -> None:
    # A 1-1000 scale so rounding does not merge close nominations into ties. Checked on seeds
    # 1 to 6: every share below was 0.92 or 1.
    r = sim.simulate(12, seed=1, nominations=10, leniency_sd=0.0, noise_sd=0.01, scale_max=1000)
    full = r.scenario("full")
    assert full.method("raw").winner_share >= 0.9
    assert full.method("normalised").winner_share >= 0.9
    assert r.scenario("partial").method("raw").winner_share >= 0.9
    # Normalised scoring on partial panels is deliberately not asserted here: with no
    # leniency to remove it only adds error (each judge's z-scores depend on the mix of
    # nominations they happened to get), and it misses the true best in a quarter to a third
    # of such trials. The README records this.


def test_normalising_helps_with_lenient_and_harsh_judges_on_partial_panels() -> None:
    # Leniency SD 1 scale point and 15 nominations per judge (30 x 3 of 6), so each judge's
    # z-scores rest on enough nominations. Picking the single best is a noisy measure: these
    # parameters kept normalised >= raw on it (and on top three) on every seed from 1 to 15
    # (seed 1: 47% against 27%); 20 trials, or panels of 2 of 3 judges, did not.
    r = sim.simulate(30, seed=1, nominations=30, leniency_sd=1.0, noise_sd=0.3)
    part = r.scenario("partial")
    raw, norm = part.method("raw"), part.method("normalised")
    assert norm.winner_share >= raw.winner_share
    assert norm.top3_share >= raw.top3_share
    # The whole ranking is a far steadier measure: ahead by more than 0.04 on every one of those seeds.
    assert norm.mean_spearman > raw.mean_spearman + 0.02
