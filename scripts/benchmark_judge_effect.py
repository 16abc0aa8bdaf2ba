"""Benchmark: what the judge-effect fit adds to scoring a big programme.

    python scripts/benchmark_judge_effect.py --nominations 20000 --judges 12 --panel 3

Builds (in memory, with the simulation's programme builder) one category of N nominations,
each scored by a random panel of 3 of the judges on 5 criteria (N x 15 score rows), then
times ``score()`` as it is and with the fit replaced by a stand-in that does nothing, and
the fit alone on the same panel. A benchmark, not a test: it prints timings (best of
``--repeat`` runs) and asserts nothing. Both wall-clock and CPU time (of this process) are
shown: on a shared machine the wall clock mostly measures the other jobs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from automation.scoring import judge_effect, results
from automation.scoring import simulate as sim
from automation.scoring.results import ScoringSettings, score


def _best(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds over ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def _no_fit(panel: pd.DataFrame, **_: object) -> judge_effect.JudgeEffectFit:
    return judge_effect.JudgeEffectFit(
        pd.Series(np.nan, index=panel.index),
        pd.Series(dtype=float),
        pd.DataFrame(columns=judge_effect.JUDGE_COLUMNS),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=20000)
    parser.add_argument("--judges", type=int, default=12)
    parser.add_argument("--panel", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    draw = sim._draw(
        np.random.default_rng(7), args.nominations, args.judges, (args.panel,), 5, 0.8, 0.3, 0.6
    )
    data = sim.programme([("Big", draw, draw.panels[args.panel])], 5)
    print(f"{args.nominations:,} nominations x {args.panel} of {args.judges} judges x 5 criteria")
    settings = ScoringSettings(rank_by="judge-effect")

    with_fit = _best(lambda: score(data, settings), args.repeat)
    real = results.fit_judge_effects
    results.fit_judge_effects = _no_fit
    try:
        without = _best(lambda: score(data, ScoringSettings(rank_by="normalised")), args.repeat)
    finally:
        results.fit_judge_effects = real
    res = score(data, settings)
    panel = res.panel[res.panel["Counted"] == "yes"].assign(
        Category="Big", Weighted=lambda f: f["Weighted"].astype(float)
    )
    alone = _best(lambda: judge_effect.fit_judge_effects(panel), args.repeat)
    additive = _best(lambda: judge_effect.fit_judge_effects(panel, spread_from=0), args.repeat)
    print(f"{'':27}{'wall':>8}{'CPU':>8}")
    for label, (wall, cpu) in (
        ("score() with the fit", with_fit),
        ("score() without the fit", without),
        ("added by the fit", (with_fit[0] - without[0], with_fit[1] - without[1])),
        ("the fit alone (default)", alone),
        ("the fit alone (no spread)", additive),
    ):
        print(f"{label:<27}{wall:7.3f}s{cpu:7.3f}s")


if __name__ == "__main__":
    main()
