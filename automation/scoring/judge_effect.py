"""Judge-effect model: separate each nomination's quality from each judge's leniency.

Per category, every counted weighted score is modelled as

    S(j, e) = c + leniency(j) + spread(j) * quality(e) + noise

where ``c`` is the mean score of the judges and nominations that can be compared with each
other, ``quality`` is centred on it and ``spread`` is 1 unless the judge gave at least
``spread_from`` scores in the category. It is fitted by least squares with two ridge
penalties, both set by ``shrinkage`` in units of "scores": a judge's leniency is pulled
towards 0 (and their spread towards 1) as if they had also given ``shrinkage`` perfectly
typical scores, so a judge with two scores is barely corrected and one with forty is fully.

Unlike per-judge z-scores this does not assume each judge saw a comparable slice of the
field: a harsh judge who happened to get the strong nominations is compared, nomination by
nomination, with the other judges who scored the same ones. A judge who gave every
nomination the same score still gets a leniency (their scores' distance from what the
others gave the same nominations), and their spread comes out small, so their constant
score carries little weight in the nominations' quality.

How it is solved (numpy only, exact, no iteration for the additive model): for fixed spreads
the qualities can be eliminated (each is the spread-weighted mean of its judges' scores
minus their leniencies), which leaves one small linear system per group of connected
judges, of the size of that group (a judge is a node, two judges are linked when they
scored the same nomination). So 20,000 nominations cost a handful of judge-sized solves.
With the spread term on, spreads and (leniency, quality) are updated in turn until the
spreads settle (block coordinate descent: every step lowers the same objective).

Judges who share no nomination, directly or through other judges, cannot be compared: the
graph falls into groups, each is fitted on its own with its leniencies summing to 0, and
the output names the groups. Scores across groups are then compared as if each group's
average judge were equally lenient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_SHRINKAGE = 1.0
DEFAULT_SPREAD_FROM = 5
# A judge's spread is kept within these bounds: a judge whose scores run against the
# panel's order of merit must not have their scores turned upside down, only discounted.
MIN_SPREAD, MAX_SPREAD = 0.25, 4.0
MAX_ROUNDS = 200
TOLERANCE = 1e-8

JUDGE_COLUMNS = [
    "Category",
    "Judge",
    "Scores",
    "Leniency",
    "Uncertainty",
    "Spread",
    "Group",
    "Note",
]


@dataclass
class JudgeEffectFit:
    """What the fit found.

    ``scores``: per input row (same index), the judge's score put on the typical judge's
    footing, ``c + (S - leniency) / spread``. ``nominations``: each nomination's adjusted
    score, the quality estimate on the scale of the scores (a fraction, like ``Weighted``).
    ``judges``: per category and judge, the leniency and its standard error (fractions of
    the scale: x100 for percentage points), the spread and the group. ``groups``: one
    sentence per category whose judges fall into groups that cannot be compared.
    """

    scores: pd.Series
    nominations: pd.Series
    judges: pd.DataFrame
    groups: list[str] = field(default_factory=list)


def fit_judge_effects(
    panel: pd.DataFrame,
    *,
    shrinkage: float = DEFAULT_SHRINKAGE,
    spread_from: int = DEFAULT_SPREAD_FROM,
) -> JudgeEffectFit:
    """Fit the judge-effect model to ``panel`` (Category, Judge, Nomination ID, Weighted).

    ``shrinkage`` >= 0 pulls leniencies towards 0 and spreads towards 1 (0: plain least
    squares); ``spread_from`` is the number of scores in a category from which a judge gets
    their own spread (0: never). The result does not depend on the order of the rows.
    """
    if shrinkage < 0:
        raise ValueError("shrinkage must be 0 or more")
    lam = float(shrinkage)
    usable = np.isfinite(pd.to_numeric(panel["Weighted"], errors="coerce").to_numpy(dtype=float))
    if not usable.all():
        # A score with no weight behind it (every criterion weighted 0) says nothing.
        fit = fit_judge_effects(panel[usable], shrinkage=shrinkage, spread_from=spread_from)
        fit.scores = fit.scores.reindex(panel.index)
        return fit
    if panel.empty:
        return JudgeEffectFit(
            pd.Series(dtype=float, index=panel.index),
            pd.Series(dtype=float, index=pd.Index([], name="Nomination ID")),
            pd.DataFrame(columns=JUDGE_COLUMNS),
        )
    # Integer codes in sorted-name order, and the rows sorted by them, so that every sum
    # runs in the same order whatever order the rows came in.
    c_code, c_names = pd.factorize(panel["Category"].astype(str).to_numpy(), sort=True)
    jn_code, jn_names = pd.factorize(panel["Judge"].astype(str).to_numpy(), sort=True)
    en_code, en_names = pd.factorize(panel["Nomination ID"].astype(str).to_numpy(), sort=True)
    j_all, j_key = pd.factorize(c_code.astype(np.int64) * len(jn_names) + jn_code, sort=True)
    e_all, e_key = pd.factorize(c_code.astype(np.int64) * len(en_names) + en_code, sort=True)
    # One row per judge and nomination (the panel is built that way), so this key is unique.
    order = np.argsort(j_all.astype(np.int64) * len(e_key) + e_all)
    j, e = j_all[order], e_all[order]
    y = panel["Weighted"].to_numpy(dtype=float)[order]
    n_j, n_e = len(j_key), len(e_key)

    g = _Graph(j, e, n_j, n_e)
    comp_of_judge = g.components()
    n_comp = int(comp_of_judge.max()) + 1
    comp = comp_of_judge[j]
    rows_in = np.bincount(comp, minlength=n_comp).astype(float)
    centre = np.bincount(comp, y, minlength=n_comp) / rows_in
    yc = y - centre[comp]
    scores_per_judge = np.bincount(j, minlength=n_j)

    solver = _Solver(g, comp_of_judge, lam)
    free = scores_per_judge >= spread_from if spread_from > 0 else np.zeros(n_j, dtype=bool)
    a = np.ones(n_j)
    lam_spread = (lam * np.bincount(comp, yc**2, minlength=n_comp) / rows_in)[comp_of_judge]
    anchored = (np.bincount(comp_of_judge, ~free, minlength=n_comp) > 0)[comp_of_judge]
    len_, q = solver.solve(yc, a)
    if free.any():
        for _ in range(MAX_ROUNDS):
            new = _spreads(yc, q[e], j, n_j, lam, lam_spread)
            new = np.where(free, np.clip(new, MIN_SPREAD, MAX_SPREAD), 1.0)
            # With every judge of a group free, spread and quality trade off (twice the
            # spread, half the quality): fix the group's median spread at 1, so that the
            # typical judge reads 1 even when one judge's spread is tiny.
            new = np.where(anchored, new, new / solver.group_median(new))
            new = np.where(free, np.clip(new, MIN_SPREAD, MAX_SPREAD), 1.0)
            change = float(np.max(np.abs(new - a)))
            a = new
            len_, q = solver.solve(yc, a)
            if change < TOLERANCE:
                break

    # The one gauge left (quality up by t, each leniency down by spread x t) does not change
    # the fit: use it to make each group's leniencies add to 0.
    t = np.bincount(comp_of_judge, len_, minlength=n_comp) / np.bincount(
        comp_of_judge, a, minlength=n_comp
    )
    len_ = len_ - a * t[comp_of_judge]
    e_comp = np.zeros(n_e, dtype=np.int64)
    e_comp[e] = comp
    q = q + t[e_comp]

    resid = yc - len_[j] - a[j] * q[e]
    cat_of_judge = j_key // len(jn_names)
    cat_of_nom = e_key // len(en_names)
    se = _standard_errors(resid, j, cat_of_judge, cat_of_nom, comp_of_judge, free, solver)

    row_adjusted = np.empty(len(y))
    row_adjusted[order] = centre[comp] + (yc - len_[j]) / a[j]
    scores = pd.Series(row_adjusted, index=panel.index)
    # Nomination IDs are unique across categories in the workbook; keyed by ID like the rest.
    nominations = pd.Series(
        centre[e_comp] + q,
        index=pd.Index(en_names[e_key % len(en_names)], name="Nomination ID"),
    )
    cats = np.asarray(c_names[cat_of_judge], dtype=object)
    names = np.asarray(jn_names[j_key % len(jn_names)], dtype=object)
    groups_text, group_label, notes = _describe_groups(
        cats, names, comp_of_judge, solver.sizes, scores_per_judge
    )
    judges = pd.DataFrame(
        {
            "Category": cats,
            "Judge": names,
            "Scores": scores_per_judge,
            "Leniency": len_,
            "Uncertainty": se,
            "Spread": a,
            "Group": group_label,
            "Note": notes,
        },
        columns=JUDGE_COLUMNS,
    )
    return JudgeEffectFit(scores, nominations, judges, groups_text)


def _spreads(y, q, j, n_j, lam, lam_spread) -> np.ndarray:
    """Each judge's spread, from a regression of their scores on the current qualities with
    its own intercept (the leniency, penalised like the global one) and the slope pulled
    towards 1. The intercept makes the step independent of where the qualities' zero lies,
    so a constant added to one judge's scores changes nothing but their leniency."""
    n = np.bincount(j, minlength=n_j) + lam
    sq = np.bincount(j, q, minlength=n_j)
    sqq = np.bincount(j, q * q, minlength=n_j) + lam_spread
    sy = np.bincount(j, y, minlength=n_j)
    sqy = np.bincount(j, q * y, minlength=n_j) + lam_spread
    det = n * sqq - sq * sq
    ok = det > 1e-12 * np.maximum(n * sqq, 1e-300)
    return np.where(ok, (n * sqy - sq * sy) / np.where(ok, det, 1.0), 1.0)


class _Graph:
    """Judges and nominations, with nominations grouped by the set of judges who scored them
    (their "panel"): 20,000 nominations shared out among 12 judges use at most a few hundred
    different panels, so the work that depends on pairs of judges is done per panel."""

    def __init__(self, j: np.ndarray, e: np.ndarray, n_j: int, n_e: int):
        self.j, self.e, self.n_j, self.n_e = j, e, n_j, n_e
        by_e = np.argsort(e.astype(np.int64) * n_j + j)
        per_e = np.bincount(e, minlength=n_e)
        first = np.concatenate([[0], np.cumsum(per_e)[:-1]])
        self.panel_of = np.empty(n_e, dtype=np.int64)
        mats, offset = [], 0
        for size in np.unique(per_e[per_e > 0]):
            noms = np.flatnonzero(per_e == size)
            judges = j[by_e[first[noms][:, None] + np.arange(size)[None, :]]]
            if size * np.log2(max(n_j, 2)) < 62:
                # Each panel as one integer (its judges as digits base n_j): hashing those
                # is far quicker than sorting rows.
                codes = judges.astype(np.int64) @ (n_j ** np.arange(size, dtype=np.int64))
                inverse, _ = pd.factorize(codes, sort=True)
                uniq = judges[np.unique(inverse, return_index=True)[1]]
            else:
                uniq, inverse = np.unique(judges, axis=0, return_inverse=True)
            self.panel_of[noms] = offset + inverse.ravel()
            mats.append(uniq)
            offset += len(uniq)
        self.panels = mats  # per panel size: (panels, size) judge codes, sorted
        self.n_panels = offset
        self.panel_count = np.bincount(self.panel_of, minlength=offset).astype(float)
        starts = np.cumsum([0] + [len(m) for m in mats])
        # Every ordered pair of judges on each panel (a judge with itself included).
        pa, pb, pp = [], [], []
        for m, s0 in zip(mats, starts, strict=False):
            size = m.shape[1]
            pa.append(np.repeat(m, size, axis=1).ravel())
            pb.append(np.tile(m, (1, size)).ravel())
            pp.append(np.repeat(np.arange(s0, s0 + len(m)), size * size))
        self.pair_a, self.pair_b, self.pair_panel = (np.concatenate(x) for x in (pa, pb, pp))
        member_panel = [
            np.repeat(np.arange(s0, s0 + len(m)), m.shape[1])
            for m, s0 in zip(mats, starts, strict=False)
        ]
        self.member_panel = np.concatenate(member_panel)
        self.member_judge = np.concatenate([m.ravel() for m in mats])

    def components(self) -> np.ndarray:
        """Connected groups of judges (linked through shared panels), numbered in the order
        of their first judge. Label propagation: each round every panel takes the smallest
        label of its judges and every judge the smallest of its panels'."""
        label = np.arange(self.n_j)
        while True:
            panel = np.full(self.n_panels, self.n_j)
            np.minimum.at(panel, self.member_panel, label[self.member_judge])
            new = label.copy()
            np.minimum.at(new, self.member_judge, panel[self.member_panel])
            if np.array_equal(new, label):
                break
            label = new
        _, comp = np.unique(label, return_inverse=True)
        return comp.ravel()


class _Solver:
    """Leniencies and qualities for fixed spreads, by eliminating the qualities.

    For judge j: (n_j + lambda) l_j - sum_k C_jk l_k = b_j, with
    C_jk = sum over nominations e scored by both of a_j a_k / w_e, w_e = sum of a^2 over e's
    judges, and b_j = sum over j's nominations of (y_je - a_j * ybar_e), ybar_e the
    spread-weighted mean. The system splits into one block per group of connected judges;
    groups of equal size are solved together in one stacked call.
    """

    def __init__(self, g: _Graph, comp_of_judge: np.ndarray, lam: float):
        self.g, self.lam = g, lam
        n_j = g.n_j
        self.count = np.bincount(g.j, minlength=n_j).astype(float)
        order = np.argsort(comp_of_judge, kind="stable")
        sizes = np.bincount(comp_of_judge)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        local = np.empty(n_j, dtype=np.int64)
        local[order] = np.arange(n_j) - np.repeat(starts, sizes)
        self.sizes = sizes[comp_of_judge]  # per judge: the size of their group
        self.comp = comp_of_judge
        block_start = np.concatenate([[0], np.cumsum(sizes**2)[:-1]])
        ca = comp_of_judge[g.pair_a]
        self.pair_cell = block_start[ca] + local[g.pair_a] * sizes[ca] + local[g.pair_b]
        self.diag_cell = block_start[comp_of_judge] + local * (sizes[comp_of_judge] + 1)
        self.cells = int((sizes**2).sum())
        self.stacks = []
        for m in np.unique(sizes):
            groups = np.flatnonzero(sizes == m)
            cells = block_start[groups][:, None] + np.arange(m * m)[None, :]
            members = order[starts[groups][:, None] + np.arange(m)[None, :]]
            self.stacks.append((int(m), cells, members))
        # For group medians: judges sorted by group, then by value, with each group's start.
        self.group_start, self.group_size = starts, sizes
        self.matrix = np.zeros(self.cells)

    def solve(self, y: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = self.g
        aj = a[g.j]
        w_panel = np.bincount(g.member_panel, a[g.member_judge] ** 2, minlength=g.n_panels)
        w = w_panel[g.panel_of]
        ybar = np.bincount(g.e, aj * y, minlength=g.n_e) / w
        b = np.bincount(g.j, y - aj * ybar[g.e], minlength=g.n_j)
        weight = g.panel_count[g.pair_panel] * a[g.pair_a] * a[g.pair_b] / w_panel[g.pair_panel]
        flat = -np.bincount(self.pair_cell, weight, minlength=self.cells)
        flat[self.diag_cell] += self.count + self.lam
        self.matrix = flat
        lens = np.zeros(g.n_j)
        for m, cells, members in self.stacks:
            mats = flat[cells].reshape(len(cells), m, m)
            if self.lam > 0:
                sol = np.linalg.solve(mats, b[members][..., None])[..., 0]
            else:
                # Without shrinkage each block is singular along "every leniency up by its
                # spread x t"; the pseudo-inverse picks the solution with no such shift.
                sol = np.einsum("gij,gj->gi", np.linalg.pinv(mats, hermitian=True), b[members])
            lens[members] = sol
        q = np.bincount(g.e, aj * (y - lens[g.j]), minlength=g.n_e) / w
        return lens, q

    def group_median(self, values: np.ndarray) -> np.ndarray:
        """Per judge, the median of ``values`` over the judge's group."""
        order = np.lexsort((values, self.comp))
        v = values[order]
        lo = self.group_start + (self.group_size - 1) // 2
        hi = self.group_start + self.group_size // 2
        return ((v[lo] + v[hi]) / 2)[self.comp]

    def inverse_diagonal(self) -> np.ndarray:
        """Diagonal of the inverse (pseudo-inverse without shrinkage) of the last matrix."""
        out = np.full(self.g.n_j, np.nan)
        for m, cells, members in self.stacks:
            mats = self.matrix[cells].reshape(len(cells), m, m)
            out[members] = np.diagonal(np.linalg.pinv(mats, hermitian=True), axis1=1, axis2=2)
        return out


def _standard_errors(resid, j, cat_of_judge, cat_of_nom, comp_of_judge, free, solver):
    """Standard error of each leniency: residual variance of its category times the
    diagonal of the inverse system (the spreads taken as known, so slightly optimistic).

    Unknown (nan) where the category leaves no degrees of freedom or the judge shares no
    nomination with another judge (their leniency is not measured at all)."""
    n_c = int(max(cat_of_judge.max(), cat_of_nom.max())) + 1
    row_cat = cat_of_judge[j]
    n = np.bincount(row_cat, minlength=n_c).astype(float)
    rss = np.bincount(row_cat, resid**2, minlength=n_c)
    noms = np.bincount(cat_of_nom, minlength=n_c).astype(float)
    judges = np.bincount(cat_of_judge, minlength=n_c).astype(float)
    first_of_group = np.unique(comp_of_judge, return_index=True)[1]
    groups = np.bincount(cat_of_judge[first_of_group], minlength=n_c).astype(float)
    spreads = np.bincount(cat_of_judge, free, minlength=n_c).astype(float)
    dof = n - noms - (judges - groups) - spreads
    sigma2 = np.where(dof > 0, rss / np.where(dof > 0, dof, 1), np.nan)
    se = np.sqrt(np.clip(solver.inverse_diagonal(), 0, None) * sigma2[cat_of_judge])
    return np.where(solver.sizes == 1, np.nan, se)


def _describe_groups(cats, names, comp_of_judge, group_sizes, scores_per_judge):
    """Group labels per judge, a note per judge, and a sentence per split category."""
    texts: list[str] = []
    label = np.array([""] * len(cats), dtype=object)
    notes = np.array([""] * len(cats), dtype=object)
    for c in dict.fromkeys(cats):
        idx = np.flatnonzero(cats == c)
        comps = list(dict.fromkeys(comp_of_judge[idx]))
        if len(comps) == 1:
            label[idx] = "1 of 1"
            if group_sizes[idx[0]] == 1:
                notes[idx] = "the only judge: nothing to compare with"
            continue
        parts = []
        for i, k in enumerate(comps, 1):
            members = idx[comp_of_judge[idx] == k]
            label[members] = f"{i} of {len(comps)}"
            parts.append(_join([str(n) for n in names[members]]))
            notes[members] = (
                "shares no nomination with another judge: leniency not measured"
                if len(members) == 1
                else f"compared only within group {i}"
            )
        texts.append(
            f"{c}: the judges fall into {len(comps)} groups that share no nomination "
            f"({'; '.join(f'group {i}: {p}' for i, p in enumerate(parts, 1))}). Each group's "
            "leniencies are estimated within the group and average 0, so nominations of "
            "different groups are compared as if the groups were equally lenient; have at "
            "least one judge score nominations of both groups to link them."
        )
    few = scores_per_judge < 3
    notes = np.where(few & (notes == ""), "few scores: leniency pulled towards 0", notes)
    return texts, label, notes


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def judge_groups(panel: pd.DataFrame) -> dict[str, list[list[str]]]:
    """For each category whose judges fall into more than one group that shares no
    nomination, the judges of each group (names as given, groups in order of their first
    judge's name). ``panel`` has Category, Judge and Nomination ID, one row per score."""
    if panel.empty:
        return {}
    cats = panel["Category"].astype(str).to_numpy()
    judges = panel["Judge"].astype(str).to_numpy()
    c_code, c_names = pd.factorize(cats, sort=True)
    jn_code, jn_names = pd.factorize(judges, sort=True)
    en_code, en_names = pd.factorize(panel["Nomination ID"].astype(str).to_numpy(), sort=True)
    j, j_key = pd.factorize(c_code.astype(np.int64) * len(jn_names) + jn_code, sort=True)
    e, e_key = pd.factorize(c_code.astype(np.int64) * len(en_names) + en_code, sort=True)
    comp = _Graph(j, e, len(j_key), len(e_key)).components()
    cat_of_judge = j_key // len(jn_names)
    out: dict[str, list[list[str]]] = {}
    for c in np.unique(cat_of_judge):
        idx = np.flatnonzero(cat_of_judge == c)
        comps = list(dict.fromkeys(comp[idx]))
        if len(comps) > 1:
            out[str(c_names[c])] = [
                [str(jn_names[k % len(jn_names)]) for k in j_key[idx[comp[idx] == g]]]
                for g in comps
            ]
    return out
