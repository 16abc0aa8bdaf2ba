"""How often each scoring method picks the right winner, when the truth is known.

Real programmes never know which nomination was truly best, so this simulates ones that do:
each nomination has a true quality, each judge a leniency (some generous, some harsh) and a
spread (some use the whole scale, some bunch their marks), and scores are whole points on
the scale. Every trial builds a real ProgrammeData and runs the real ``score()`` once per
ranking method (raw, normalised, judge-effect), so what is measured is the code the
programme uses, not a re-implementation of it.

Each trial is scored under several panel designs on the same draws (common random numbers):
full panels (every judge scores everything) and partial panels of each requested size, each
with the drawn judges and again with fair judges (no leniency, no spread difference), which
shows what a correction costs when there is nothing to correct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

from automation import schema
from automation.model import ROW, ProgrammeData, empty_table
from automation.scoring.results import ScoringSettings, score

METHODS = ("raw", "normalised", "judge-effect")
PERIOD = "Simulation"
# The chain the example's Customer Hero award uses, minus the nominator-based rules (every
# simulated nomination has one nominator). Earliest-received dates are a random permutation,
# so a tie that reaches that rule is settled by chance, as it would be in practice.
TIE_BREAKS = ("criteria in tie-break order", "top-weighted criterion", "earliest nomination")
# Rounds scored per score() call. The scorer's cost is mostly per category, so batching saves
# only its fixed overhead.
BATCH = 25
# A judge's spread factor is kept above this: a judge whose marks run against quality is a
# different problem from one who marks narrowly.
MIN_SPREAD = 0.1


@dataclass(frozen=True)
class MethodResult:
    """How one ranking basis did over every trial of a scenario."""

    method: str  # "raw", "normalised" or "judge-effect"
    winner_share: float  # trials where the truly best nomination was the winner
    top3_share: float  # trials where it was ranked in the top three
    mean_spearman: float  # mean rank correlation between true quality and the ranking


@dataclass(frozen=True)
class ScenarioResult:
    """One panel design: who scores what, and whether the judges differ."""

    name: str
    panel_size: int
    fair: bool
    methods: tuple[MethodResult, ...]

    def method(self, name: str) -> MethodResult:
        return next(m for m in self.methods if m.method == name)


@dataclass(frozen=True)
class SimulationReport:
    """The parameters used and each scenario's results."""

    trials: int
    seed: int
    nominations: int
    judges: int
    panel_sizes: tuple[int, ...]
    criteria: int
    leniency_sd: float
    spread_sd: float
    noise_sd: float
    scale_max: int
    scenarios: tuple[ScenarioResult, ...]

    def scenario(self, panel_size: int, fair: bool = False) -> ScenarioResult:
        return next(s for s in self.scenarios if s.panel_size == panel_size and s.fair == fair)


@dataclass(frozen=True)
class _Draw:
    """One trial's random draws, shared by every scenario so they differ only in design."""

    quality: np.ndarray  # (nominations,) in [0, 1]
    leniency: np.ndarray  # (judges,) in scale points
    spread: np.ndarray  # (judges,) factor on the distance from the middle of the scale
    noise: np.ndarray  # (nominations, judges, criteria) in scale points
    panels: dict[int, np.ndarray]  # panel size -> (nominations, judges) bool
    received: np.ndarray  # (nominations,) day offsets, a permutation

    def fair(self) -> _Draw:
        """The same trial with judges who neither lean nor spread differently."""
        return replace(
            self, leniency=np.zeros_like(self.leniency), spread=np.ones_like(self.spread)
        )


def _draw(
    rng: np.random.Generator,
    nominations: int,
    judges: int,
    panel_sizes: Sequence[int],
    criteria: int,
    leniency_sd: float,
    spread_sd: float,
    noise_sd: float,
) -> _Draw:
    quality = rng.uniform(0.0, 1.0, nominations)
    leniency = rng.normal(0.0, leniency_sd, judges)
    spread = np.maximum(1.0 + rng.normal(0.0, spread_sd, judges), MIN_SPREAD)
    noise = rng.normal(0.0, noise_sd, (nominations, judges, criteria))
    # One random ordering of judges per nomination; a panel of k takes its first k, so the
    # panel of 2 is part of the panel of 3 (the designs differ only in who was dropped).
    order = np.argsort(rng.random((nominations, judges)), axis=1)
    panels = {}
    for size in panel_sizes:
        chosen = np.zeros((nominations, judges), dtype=bool)
        np.put_along_axis(chosen, order[:, :size], True, axis=1)
        panels[size] = chosen
    panels[judges] = np.ones((nominations, judges), dtype=bool)
    received = rng.permutation(nominations)
    return _Draw(quality, leniency, spread, noise, panels, received)


def _frame(name: str, columns: dict[str, object], n: int) -> pd.DataFrame:
    """A table as the reader builds it: every input column (blank unless given) and ``_row``.

    Formula columns are left out, as ``read_workbook`` leaves them out: the scorer joins
    Scores to Categories and Criteria itself, and a Scores ``Category`` column would clash.
    """
    spec = schema.TABLE_BY_NAME[name]
    blank = pd.Series([None] * n, dtype=object)
    frame = pd.DataFrame(
        {c.name: columns.get(c.name, blank) for c in spec.input_columns}, index=range(n)
    )
    frame[ROW] = np.arange(2, n + 2)
    return frame


def weights(criteria: int) -> np.ndarray:
    """Unequal criterion weights adding to 1 (5 criteria: 30%, 25%, 20%, 15%, 10%)."""
    raw = np.arange(criteria, 0, -1, dtype=float) + criteria
    return raw / raw.sum()


def programme(rounds: Sequence[tuple[str, _Draw, np.ndarray]], scale_max: int) -> ProgrammeData:
    """A minimal but complete ProgrammeData holding each (label, draw, panels) round as its
    own category, so one ``score()`` call scores many rounds.

    This is sound because the scorer keeps categories apart at every step: weights, judge
    normalisation, the judge-effect fit, outliers, agreement and ranking are all computed
    within a category. Judge names repeat across categories, but a judge's statistics are per
    category too, so "Judge 1" in one round and in another are in effect different people.
    """
    noms, crits, cats, scores = [], [], [], []
    start = pd.Timestamp("2026-01-01")
    middle = (1 + scale_max) / 2
    for label, draw, panels in rounds:
        n_noms, n_judges, n_crit = draw.noise.shape
        ids = np.array(_ids(label, n_noms), dtype=object)
        crit_names = np.array([f"Criterion {c + 1}" for c in range(n_crit)], dtype=object)
        cats.append(label)
        crits.append(
            pd.DataFrame(
                {
                    "Category": label,
                    "Criterion": crit_names,
                    "Weight": weights(n_crit),
                    "Tie-break order": np.arange(1.0, n_crit + 1),
                }
            )
        )
        noms.append(
            pd.DataFrame(
                {
                    "ID": ids,
                    "Category": label,
                    "Nominee": [f"Nominee {i + 1}" for i in range(n_noms)],
                    "Nominator": [f"Nominator {i + 1}" for i in range(n_noms)],
                    "Received": start + pd.to_timedelta(draw.received, unit="D"),
                }
            )
        )
        true_points = 1 + draw.quality * (scale_max - 1)
        raw = (
            middle
            + draw.leniency[None, :, None]
            + draw.spread[None, :, None] * (true_points[:, None, None] - middle)
            + draw.noise
        )
        points = np.clip(np.rint(raw), 1, scale_max)
        nom_i, judge_i, crit_i = np.nonzero(np.broadcast_to(panels[:, :, None], points.shape))
        scores.append(
            pd.DataFrame(
                {
                    "Judge": np.char.add("Judge ", (judge_i + 1).astype(str)).astype(object),
                    "Nomination ID": ids[nom_i],
                    "Criterion": crit_names[crit_i],
                    "Score": points[nom_i, judge_i, crit_i],
                }
            )
        )
    n_judges = max(d.noise.shape[1] for _, d, _ in rounds)
    noms_f, crits_f, scores_f = (pd.concat(x, ignore_index=True) for x in (noms, crits, scores))

    tables = dict(_empty_tables())
    tables["Categories"] = _frame(
        "Categories",
        {
            "Category": cats,
            "Type": "individual",
            "Scale min": 1.0,
            "Scale max": float(scale_max),
            "Min judges": 1.0,
            "Cool-off periods": 0.0,
            **{f"Tie-break {i + 1}": rule for i, rule in enumerate(TIE_BREAKS)},
        },
        len(cats),
    )
    tables["Criteria"] = _frame("Criteria", dict(crits_f.items()), len(crits_f))
    tables["Judges"] = _frame(
        "Judges",
        {
            "Judge": [f"Judge {j + 1}" for j in range(n_judges)],
            "Team": "Judging panel",
            "Independent": True,
        },
        n_judges,
    )
    tables["Nominations"] = _frame(
        "Nominations",
        {
            **dict(noms_f.items()),
            "Period": PERIOD,
            "Team": "Team",
            "Site": "Site",
            "Nominator type": "colleague",
            "Calibration": False,
        },
        len(noms_f),
    )
    tables["Scores"] = _frame("Scores", dict(scores_f.items()), len(scores_f))
    return ProgrammeData(tables, {s.key: s.default for s in schema.SETTINGS})


def _ids(label: str, n: int) -> list[str]:
    # Prefixed by the round so IDs stay unique when many rounds share one ProgrammeData.
    return [f"{label}/N{i + 1:03d}" for i in range(n)]


@cache
def _empty_tables() -> tuple[tuple[str, pd.DataFrame], ...]:
    # Built once: the scorer never modifies its input, so rounds can share these frames.
    return tuple((name, empty_table(name)) for name in schema.TABLE_BY_NAME)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rho as the Pearson correlation of average ranks (scipy is not a dependency)."""
    ra, rb = a.rank().to_numpy(dtype=float), b.rank().to_numpy(dtype=float)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _outcomes(
    results: pd.DataFrame, rounds: Sequence[tuple[str, _Draw, np.ndarray]]
) -> dict[str, tuple[bool, bool, float]]:
    """Per round label: (true best won, true best ranked in the top three, Spearman rho)."""
    by_cat = dict(iter(results.groupby("Category", sort=False)))
    out = {}
    for label, draw, _ in rounds:
        truth = pd.Series(draw.quality, index=_ids(label, len(draw.quality)))
        best = truth.idxmax()
        res = by_cat[label].set_index("Nomination ID")
        rank = res["Rank"].reindex(truth.index).astype(float)
        won = bool((res["Place"].get(best) or "") == "winner")
        # Rank 1 is best, so quality is correlated with the negated rank.
        out[label] = (won, bool(rank[best] <= 3), _spearman(truth, -rank))
    return out


def _design_label(size: int, judges: int, fair: bool) -> str:
    text = f"full ({judges} of {judges})" if size == judges else f"{size} of {judges}"
    return text + (", fair judges" if fair else "")


def simulate(
    trials: int = 1500,
    *,
    seed: int = 1,
    nominations: int = 20,
    judges: int = 6,
    panel_sizes: Sequence[int] = (3, 2),
    criteria: int = 5,
    leniency_sd: float = 0.8,
    spread_sd: float = 0.3,
    noise_sd: float = 0.6,
    scale_max: int = 5,
    fair: bool = True,
) -> SimulationReport:
    """Run ``trials`` simulated rounds under full panels and partial panels of each of
    ``panel_sizes`` judges, with the drawn judges and (``fair``) with fair ones, and compare
    the ranking methods.

    Deterministic for a given ``seed``: trial ``t`` draws from a generator seeded with
    ``(seed, t)``, so results do not depend on batching, and every scenario of a trial shares
    its draws (common random numbers), so the comparison between them is not blurred by
    different luck.
    """
    sizes = tuple(dict.fromkeys(int(k) for k in panel_sizes))
    if trials < 1:
        raise ValueError("trials must be at least 1")
    if not sizes or not all(1 <= k < judges for k in sizes):
        raise ValueError("each panel size must be between 1 and one less than the judges")
    if nominations < 3 or criteria < 1 or scale_max < 2:
        raise ValueError("need at least 3 nominations, 1 criterion and a scale of at least 1-2")
    if min(leniency_sd, spread_sd, noise_sd) < 0:
        raise ValueError("standard deviations cannot be negative")
    designs = [(judges, False), *[(k, False) for k in sizes]]
    if fair:
        designs += [(judges, True), *[(k, True) for k in sizes]]
    tallies: dict[tuple[int, bool, str], list[tuple[bool, bool, float]]] = {
        (k, f, m): [] for k, f in designs for m in METHODS
    }
    for first in range(0, trials, BATCH):
        rounds = []
        for t in range(first, min(first + BATCH, trials)):
            draw = _draw(
                np.random.default_rng([seed, t]),
                nominations,
                judges,
                sizes,
                criteria,
                leniency_sd,
                spread_sd,
                noise_sd,
            )
            fair_draw = draw.fair()
            rounds += [
                (f"T{t}|{k}|{int(f)}", fair_draw if f else draw, draw.panels[k]) for k, f in designs
            ]
        data = programme(rounds, scale_max)
        for method in METHODS:
            results = score(data, ScoringSettings(rank_by=method)).nominations
            for label, outcome in _outcomes(results, rounds).items():
                _, k, f = label.split("|")
                tallies[(int(k), f == "1", method)].append(outcome)

    def summarise(method: str, outcomes: list[tuple[bool, bool, float]]) -> MethodResult:
        won, top3, rho = (np.array(x, dtype=float) for x in zip(*outcomes, strict=True))
        # rho is undefined (nan) if a whole ranking is one tie or a nomination went unranked;
        # such trials are left out of the mean rather than counted as zero.
        mean_rho = float(np.nanmean(rho)) if not np.isnan(rho).all() else float("nan")
        return MethodResult(method, float(won.mean()), float(top3.mean()), mean_rho)

    scenarios = tuple(
        ScenarioResult(
            _design_label(k, judges, f),
            k,
            f,
            tuple(summarise(m, tallies[(k, f, m)]) for m in METHODS),
        )
        for k, f in designs
    )
    return SimulationReport(
        trials,
        seed,
        nominations,
        judges,
        sizes,
        criteria,
        leniency_sd,
        spread_sd,
        noise_sd,
        scale_max,
        scenarios,
    )


def format_report(report: SimulationReport) -> str:
    """The parameters, a Markdown table (readable as text too) and a paragraph saying what it
    shows."""
    r = report
    lines = [
        f"Simulated rounds: {r.trials} trials (seed {r.seed}), {r.nominations} nominations, "
        f"{r.judges} judges, {r.criteria} weighted criteria scored 1-{r.scale_max} in whole "
        "points.",
        f"Judge leniency SD {r.leniency_sd:g} scale points, judge spread SD {r.spread_sd:g}, "
        f"scoring noise SD {r.noise_sd:g}.",
        "",
        "| Panels | Ranked on | Picks the true best | True best in top 3 | Rank correlation |",
        "|---|---|---|---|---|",
    ]
    for s in r.scenarios:
        for m in s.methods:
            lines.append(
                f"| {s.name} | {m.method} | {m.winner_share:.1%} | {m.top3_share:.1%} | "
                f"{m.mean_spearman:.3f} |"
            )
    lines += ["", _reading(r)]
    return "\n".join(lines)


# Differences smaller than these are within the table's rounding.
SHARE_TOLERANCE = 0.005
RHO_TOLERANCE = 0.002


def judge_effect_verdict(r: SimulationReport) -> tuple[bool, list[str]]:
    """Whether judge-effect ranking is at least as good as normalised (z-score) ranking with
    full panels and better with every partial one, with the reasons where it is not.

    "At least as good" and "better" are judged on the three measures together: judge-effect
    must not fall behind on any measure by more than the rounding tolerance, and (for
    partial panels) must be ahead on the rank correlation, the steadiest of the three.
    """
    reasons = []
    for s in (x for x in r.scenarios if not x.fair):
        je, z = s.method("judge-effect"), s.method("normalised")
        behind = [
            name
            for name, a, b, tol in (
                ("picking the true best", je.winner_share, z.winner_share, SHARE_TOLERANCE),
                ("top three", je.top3_share, z.top3_share, SHARE_TOLERANCE),
                ("rank correlation", je.mean_spearman, z.mean_spearman, RHO_TOLERANCE),
            )
            if a < b - tol
        ]
        if behind:
            reasons.append(f"{s.name}: behind z-scores on {', '.join(behind)}")
        elif s.panel_size < r.judges and je.mean_spearman <= z.mean_spearman + RHO_TOLERANCE:
            reasons.append(f"{s.name}: not ahead of z-scores on rank correlation")
    return not reasons, reasons


def _reading(r: SimulationReport) -> str:
    """The table in words, a line per scenario and the verdict, worded from the numbers so it
    never contradicts the table (one paragraph of six scenarios was too long to read)."""
    text = []
    for s in r.scenarios:
        raw, z, je = (s.method(m) for m in METHODS)
        best = max(s.methods, key=lambda m: (m.mean_spearman, m.winner_share))
        text.append(
            f"{s.name}: the true best won {je.winner_share:.0%} of trials ranked on judge "
            f"effects, {z.winner_share:.0%} on z-scores and {raw.winner_share:.0%} on raw "
            f"scores; the order closest to the truth came from {best.method} ranking "
            f"(rank correlation {best.mean_spearman:.3f})."
        )
    ok, reasons = judge_effect_verdict(r)
    if ok:
        text.append(
            "Judge-effect ranking was at least as good as z-scores with full panels and better "
            "with partial ones."
        )
    else:
        text.append(
            "Judge-effect ranking did not beat z-scores everywhere: " + "; ".join(reasons) + "."
        )
    *scenarios, verdict = text
    return "\n".join(["Reading:", *(f"- {line}" for line in scenarios), "", verdict])
