"""score(data, settings) -> Results: weighted scores, normalisation, flags, ranks and winners.

Pure: it takes ProgrammeData and returns data. The Results sheet, the JSON output and the
documents are all views of the same Results object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from automation import schema
from automation.keys import key, key_of
from automation.model import ProgrammeData
from automation.parse import as_python
from automation.scoring import tiebreak
from automation.scoring.agreement import agreement_table
from automation.scoring.explain import judge_effects_table, winners_explained
from automation.scoring.judge_effect import JUDGE_COLUMNS, fit_judge_effects
from automation.scoring.normalise import normalise
from automation.scoring.panel_votes import PanelVote, panel_votes
from automation.scoring.prepare import prepare
from automation.scoring.weighted import judge_scores, panel_mean
from automation.validate.nominations import cannot_win

OUTLIER_SD = 2.0
# Each "Rank by" setting and the nomination statistic it ranks on.
BASIS_COLUMN = {"raw": "Raw", "normalised": "Normalised", "judge-effect": "Adjusted"}


@dataclass(frozen=True)
class ScoringSettings:
    """How scoring behaves; read from the Settings sheet unless given."""

    rank_by: str = "judge-effect"
    trim_from: int = 4
    disagreement_threshold: float = 0.25
    runners_up: int = 1
    # Judge-effect model: ridge strength (in scores) and the scores from which a judge gets
    # their own spread term (0 = never).
    shrinkage: float = 1.0
    spread_from: int = 5

    @classmethod
    def from_data(cls, data: ProgrammeData) -> ScoringSettings:
        rank_by = str(data.setting("rank_by") or "judge-effect")
        return cls(
            # A value that is none of the choices (validation reports it) ranks on raw scores,
            # and everything that says how the ranking was made says raw.
            rank_by=rank_by if rank_by in BASIS_COLUMN else "raw",
            trim_from=int(data.setting("trim_from") or 0),
            disagreement_threshold=float(data.setting("disagreement_threshold") or 0.25),
            runners_up=int(data.setting("runners_up") or 0),
            shrinkage=_number(data.setting("judge_shrinkage"), 1.0),
            spread_from=int(_number(data.setting("judge_spread_from"), 5)),
        )


def _number(value: object, default: float) -> float:
    """A numeric setting, or ``default`` when it is blank (0 is kept: it means "off")."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if np.isnan(number) else max(number, 0.0)


@dataclass
class Results:
    """Everything scoring found, as tables named like the workbook's tool tables."""

    nominations: pd.DataFrame  # Results table rows
    panel: pd.DataFrame  # per judge and nomination
    judges: pd.DataFrame  # per judge (and category) statistics
    agreement: pd.DataFrame
    excluded: pd.DataFrame  # scores left out, with why
    calibration: pd.DataFrame  # practice entries: scored, not ranked
    settings: ScoringSettings
    fallbacks: list[str] = field(default_factory=list)
    # Judge-effect model: per category and judge, and the categories whose judges fall into
    # groups that share no nomination (one sentence each).
    effects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=JUDGE_COLUMNS))
    judge_groups: list[str] = field(default_factory=list)

    @property
    def winners(self) -> pd.DataFrame:
        return self.nominations[self.nominations["Place"] == "winner"]

    @property
    def placed(self) -> pd.DataFrame:
        return self.nominations[self.nominations["Place"].isin(["winner", "runner-up"])]

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """The tool tables (Results, Panel, JudgeStats, Agreement) in schema columns."""
        panel = self.panel.rename(
            columns={
                "Weighted": "Weighted score",
                "Normalised": "Normalised score",
                "Adjusted": "Adjusted score",
            }
        )
        judges = (
            self.judges.groupby("Judge", sort=True)
            .apply(_judge_row, include_groups=False)
            .reset_index()
            if not self.judges.empty
            else pd.DataFrame()
        )
        return {
            "Results": self.nominations,
            "Panel": panel,
            "JudgeStats": judges,
            "Agreement": self.agreement,
            "JudgeEffects": judge_effects_table(self.effects),
            "WinnersExplained": winners_explained(self),
        }

    def as_json(self) -> dict:
        """Everything the Results and Judging sheets show, as plain data."""

        def records(frame: pd.DataFrame) -> list[dict]:
            return [
                {k: as_python(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
            ]

        return {
            "settings": self.settings.__dict__,
            "nominations": records(self.nominations),
            "panel": records(self.panel),
            "judges": records(self.judges),
            "agreement": records(self.agreement),
            "excluded_scores": records(self.excluded),
            "calibration": records(self.calibration),
            "fallbacks": self.fallbacks,
            "judge_effects": records(self.effects),
            "judge_groups": self.judge_groups,
            "winners_explained": records(winners_explained(self)),
        }


def _judge_row(g: pd.DataFrame) -> pd.Series:
    n = int(g["Scored"].sum())
    mean = float((g["Mean"] * g["Scored"]).sum() / n) if n else np.nan
    sds = g["SD"].dropna()
    notes = sorted(set(g["Normalisation"]))
    tendencies = sorted(set(g["Tendency"]) - {"typical"})
    return pd.Series(
        {
            "Scored": n,
            "Mean": mean,
            "Spread (SD)": float(sds.mean()) if len(sds) else np.nan,
            "Tendency": ", ".join(tendencies) if tendencies else "typical",
            "Normalisation": "; ".join(
                f"{c}: {nt}" for c, nt in zip(g["Category"], g["Normalisation"], strict=True)
            )
            if len(notes) > 1 or notes != ["normalised"]
            else "normalised",
        }
    )


def score(data: ProgrammeData, settings: ScoringSettings | None = None) -> Results:
    """Score every nomination, rank each category in each period and pick the winners."""
    settings = settings or ScoringSettings.from_data(data)
    rows = prepare(data)
    noms = data["Nominations"].dropna(subset=["ID"]).drop_duplicates("ID").copy()
    noms["Calibration"] = noms["Calibration"].fillna(False).astype(bool)
    cats = data["Categories"].dropna(subset=["Category"]).drop_duplicates("Category")
    cat_info = cats.set_index(key(cats["Category"]))

    panel = judge_scores(rows)
    meta = noms.set_index("ID")[["Category", "Period", "Calibration"]]
    panel = panel.join(meta, on="Nomination ID")
    panel = panel[panel["Category"].notna()]
    counted = panel[~panel["Calibration"].astype(bool)]
    counted, stats = (
        normalise(counted)
        if not counted.empty
        else (
            counted.assign(Normalised=np.nan),
            pd.DataFrame(
                columns=["Judge", "Category", "Scored", "Mean", "SD", "Tendency", "Normalisation"]
            ),
        )
    )
    fit = fit_judge_effects(counted, shrinkage=settings.shrinkage, spread_from=settings.spread_from)
    counted = counted.assign(Adjusted=fit.scores)
    calib = panel[panel["Calibration"].astype(bool)].assign(Normalised=np.nan, Adjusted=np.nan)
    fallbacks = [
        f"{r.Judge} ({r.Category}): {r.Normalisation}"
        for r in stats.itertuples()
        if r.Normalisation != "normalised"
    ]

    outliers = _outliers(counted)
    flag = np.full(len(counted), "", dtype=object)
    flag[counted.index.get_indexer(list(outliers))] = list(outliers.values())
    counted = counted.assign(Flag=flag.tolist())  # a list, so the column's type is inferred
    excluded = rows[rows["Excluded"].notna() & (rows["Excluded"] != "no score")]

    ineligible = cannot_win(data, noms)

    # Only the columns used (a mask over all twenty columns copied each of 300,000 rows).
    ok_rows = rows.loc[
        (rows["Excluded"].isna() & ~rows["Calibration"]).to_numpy(dtype=bool),
        [
            "Nomination ID",
            "Criterion",
            "Score",
            "Fraction",
            "Scale max",
            "Weight",
            "Tie-break order",
        ],
    ]
    by_crit = ok_rows.groupby(["Nomination ID", "Criterion"], sort=False).agg(
        mean=("Score", "mean"),
        frac=("Fraction", "mean"),
        maxv=("Scale max", "first"),
        weight=("Weight", "first"),
        order=("Tie-break order", "first"),
    )

    per = nomination_stats(counted, by_crit, excluded, settings.trim_from)
    per["Adjusted"] = fit.nominations.reindex(per.index)
    crit_keys = criterion_keys(by_crit)
    columns: dict[str, list] = {c: [] for c in _ROW_COLUMNS}
    votes = panel_votes(data)
    for (period, category), grp in noms[~noms["Calibration"]].groupby(
        ["Period", "Category"], sort=True, dropna=True
    ):
        ckey = key_of(category)
        info = cat_info.loc[ckey] if ckey in cat_info.index else None
        vote = votes.get((key_of(period), ckey))
        part = _rank_group(
            period, category, grp, per, crit_keys, info, noms, settings, ineligible, vote
        )
        for c in _ROW_COLUMNS:
            columns[c].extend(part[c])
    results = (
        pd.DataFrame(columns) if columns["Period"] else pd.DataFrame([], columns=_ROW_COLUMNS)
    ).reindex(columns=_RESULT_COLUMNS)
    results["Raw rank"] = raw_rank(results)
    panel_out = pd.concat(
        [
            _panel_view(counted, excluded, noms),
            _panel_view(calib.assign(Flag="calibration entry"), excluded.iloc[0:0], noms),
        ],
        ignore_index=True,
    )
    return Results(
        nominations=results,
        panel=panel_out,
        judges=stats,
        agreement=agreement_table(
            rows.loc[
                ~rows["Calibration"].to_numpy(dtype=bool),
                ["Category", "Criterion", "Judge", "Nomination ID", "Score", "Excluded"],
            ],
            counted,
        ),
        excluded=excluded[["Judge", "Nomination ID", "Criterion", "Score", "Excluded", "_row"]]
        .rename(columns={"_row": "Row"})
        .reset_index(drop=True),
        calibration=calib[["Judge", "Nomination ID", "Weighted"]].reset_index(drop=True),
        settings=settings,
        fallbacks=fallbacks,
        effects=fit.judges,
        judge_groups=fit.groups,
    )


# The Results table's own columns, as the schema declares them (Excel computes the rest).
_RESULT_COLUMNS = [c.name for c in schema.TABLE_BY_NAME["Results"].input_columns]
# The columns of each row _rank_group gives, in its order.
_ROW_COLUMNS = [
    "Period",
    "Category",
    "Place",
    "Rank",
    "Nomination ID",
    "Nominee",
    "Team",
    "Site",
    "Judges",
    "Raw score",
    "Normalised score",
    "Adjusted score",
    "Ranked on",
    "Tie-break",
    "Flags",
    "By criterion",
    "By judge",
]


def raw_rank(results: pd.DataFrame) -> pd.Series:
    """1 + how many nominations of the same category and period have a higher raw score.

    The same rule as the Excel raw rank beside it (scores equal to nine decimal places tie),
    so a reader can see the two agree; Rank itself follows Rank by and the tie-breaks.
    """
    if results.empty:
        return pd.Series(dtype="Int64")
    raw = results["Raw score"].astype(float).round(9)
    ranks = raw.groupby([results["Period"], results["Category"]]).rank(
        method="min", ascending=False
    )
    return ranks.astype("Int64")


def _outliers(counted: pd.DataFrame) -> dict:
    """Judge scores far from the nomination's mean, measured against the category's typical
    within-nomination spread (with three or four judges a score can never be 2 SD from a
    mean it is part of, so the nomination's own SD would never flag anything)."""
    out = {}
    for _, grp in counted.groupby("Category"):
        dev = grp["Weighted"] - grp.groupby("Nomination ID")["Weighted"].transform("mean")
        n_noms = grp["Nomination ID"].nunique()
        dof = len(grp) - n_noms
        if dof < 2:
            continue
        sd = float(np.sqrt((dev**2).sum() / dof))
        if sd < 1e-9:
            continue
        sizes = grp.groupby("Nomination ID")["Judge"].transform("count")
        for idx in grp.index[(dev.abs() > OUTLIER_SD * sd) & (sizes >= 3)]:
            out[idx] = f"outlier: {dev[idx] * 100:+.0f} points from the panel mean"
    return out


def _panel_view(counted: pd.DataFrame, excluded: pd.DataFrame, noms: pd.DataFrame) -> pd.DataFrame:
    view = pd.DataFrame(
        {
            "Period": counted["Period"],
            "Category": counted["Category"],
            "Nomination ID": counted["Nomination ID"],
            "Judge": counted["Judge"],
            "Weighted": counted["Weighted"],
            "Normalised": counted["Normalised"],
            "Adjusted": counted.get("Adjusted", np.nan),
            "Counted": "yes",
            "Flag": counted.get("Flag", ""),
        }
    )
    if not excluded.empty:
        ex = excluded.groupby(["Judge", "Nomination ID"], sort=True)["Excluded"].first()
        ex = ex[ex.str.startswith("conflict")]
        meta = noms.set_index("ID")
        extra = pd.DataFrame(
            {
                "Period": [meta["Period"].get(n) for _, n in ex.index],
                "Category": [meta["Category"].get(n) for _, n in ex.index],
                "Nomination ID": [n for _, n in ex.index],
                "Judge": [j for j, _ in ex.index],
                "Weighted": np.nan,
                "Normalised": np.nan,
                "Adjusted": np.nan,
                "Counted": list(ex.values),
                "Flag": "",
            }
        )
        view = pd.concat([view, extra], ignore_index=True)
    return view.sort_values(["Period", "Category", "Nomination ID", "Judge"]).reset_index(drop=True)


def nomination_stats(
    counted: pd.DataFrame, by_crit: pd.DataFrame, excluded: pd.DataFrame, trim_from: int
) -> pd.DataFrame:
    """Per nomination: judges, raw and normalised panel scores, spreads and the text columns.

    Computed for all nominations at once (grouped, not filtered one by one) so that ranking
    20,000 nominations stays linear.
    """
    cols = [
        "Judges",
        "Raw",
        "Normalised",
        "Spread raw",
        "Spread normalised",
        "Adjusted",
        "Spread adjusted",
        "Outliers",
        "Partial",
        "By judge",
        "By criterion",
        "Conflicted",
    ]
    if counted.empty:
        return pd.DataFrame(columns=cols)
    g = counted.groupby("Nomination ID", sort=False)
    out = pd.DataFrame(
        {
            "Judges": g["Judge"].count(),
            "Raw": panel_mean(g, "Weighted", trim_from),
            "Normalised": panel_mean(g, "Normalised", trim_from),
            "Spread raw": g["Weighted"].max() - g["Weighted"].min(),
            "Spread normalised": g["Normalised"].max() - g["Normalised"].min(),
        }
    )
    if "Adjusted" in counted:
        out["Spread adjusted"] = g["Adjusted"].max() - g["Adjusted"].min()
    flagged = counted[counted["Flag"] != ""]
    out["Outliers"] = listed(flagged["Flag"], flagged["Nomination ID"])
    partial = counted[counted["Criteria"] < g["Criteria"].transform("max")]
    out["Partial"] = listed(partial["Judge"], partial["Nomination ID"])
    # The texts are put together and joined by Arrow: Python string operations on 100,000
    # rows cost more than all the statistics.
    judge_text = pc.binary_join_element_wise(
        _texts(counted["Judge"]), _formatted_arrow(counted["Weighted"] * 100, "{:.0f}%"), " "
    )
    # Numbered like the rows of ``out`` (the same grouping, in order of first appearance).
    group = g.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    out["By judge"] = _join_groups(judge_text, group, len(out))
    if not by_crit.empty:
        crit = by_crit.reset_index()
        score_text = pc.binary_join_element_wise(
            _formatted_arrow(crit["mean"], "{:.1f}"), _formatted_arrow(crit["maxv"], "{:g}"), "/"
        )
        text = pc.binary_join_element_wise(_texts(crit["Criterion"]), score_text, " ")
        nomination, ids = pd.factorize(crit["Nomination ID"])
        out["By criterion"] = pd.Series(
            _join_groups(text, nomination, len(ids)), index=ids, dtype=object
        )
    conflicts = excluded[excluded["Excluded"].astype(str).str.startswith("conflict")]
    out["Conflicted"] = conflicts.groupby("Nomination ID")["Judge"].agg(lambda j: sorted(set(j)))
    return out.reindex(columns=cols)


def _format_each(values: pd.Series | np.ndarray, fmt) -> tuple[np.ndarray, list[str]]:
    """Each value's code and the text of each distinct value (by bit pattern for floats:
    factorize takes -0.0 for 0.0, and "{:.0f}" tells them apart)."""
    array = np.asarray(values)
    text = fmt if callable(fmt) else fmt.format
    if array.dtype == np.float64:
        codes, bits = pd.factorize(np.ascontiguousarray(array).view(np.int64))
        uniques = bits.view(np.float64).tolist()
    else:
        codes, uniques = pd.factorize(array, use_na_sentinel=False)
    return codes, [text(u) for u in uniques]


def formatted(values: pd.Series | np.ndarray, fmt: str | Callable[[object], str]) -> np.ndarray:
    """``fmt.format(v)`` (or ``fmt(v)``) for each value, formatting each distinct value once
    (scores take few distinct values, and formatting is the costly part)."""
    codes, texts = _format_each(values, fmt)
    return np.asarray(texts, dtype=object)[codes]


def _formatted_arrow(values: pd.Series, fmt: str) -> pa.Array:
    """:func:`formatted` as an Arrow string array."""
    codes, texts = _format_each(values, fmt)
    return pa.array(texts, type=pa.string()).take(pa.array(codes))


def _texts(values: pd.Series) -> pa.Array:
    """``str(v)`` for each value as an Arrow string array (as it is, for a text column the
    reader gave as Arrow strings)."""
    return pa.array(values.astype(str)).cast(pa.string())


def _join_groups(texts: pa.Array, codes: np.ndarray, n: int) -> np.ndarray:
    """The texts of each of ``n`` groups joined with "; " in row order (codes 0 to n - 1 give
    each row's group; -1 leaves a row out). Arrow joins them, not a Python call per group."""
    keep = codes >= 0
    order = np.flatnonzero(keep)[np.argsort(codes[keep], kind="stable")]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(codes[keep], minlength=n), out=offsets[1:])
    lists = pa.ListArray.from_arrays(pa.array(offsets), texts.take(pa.array(order)))
    return pc.binary_join(lists, "; ").to_numpy(zero_copy_only=False)


def joined(texts: np.ndarray | pa.Array, by: pd.Series) -> pd.Series:
    """The texts of each group joined with "; " in row order, like ``agg("; ".join)`` (groups
    in sorted order, missing keys left out)."""
    codes, uniques = pd.factorize(by.to_numpy(dtype=object), sort=True)
    if not isinstance(texts, pa.Array):
        texts = pa.array(np.asarray(texts, dtype=object), type=pa.string())
    return pd.Series(
        _join_groups(texts, codes, len(uniques)),
        index=pd.Index(uniques, name=by.name),
        dtype=object,
    )


def listed(values: pd.Series, by: pd.Series) -> pd.Series:
    """Each group's values as a list in row order, like ``groupby(by).agg(list)`` (groups in
    sorted order, missing keys left out) but sliced from one sort instead of a Python call
    per group."""
    codes, uniques = pd.factorize(by.to_numpy(dtype=object), sort=True)
    keep = codes >= 0
    order = np.argsort(codes[keep], kind="stable")
    items = values.to_numpy(dtype=object)[keep][order].tolist()
    sizes = np.bincount(codes[keep], minlength=len(uniques))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    return pd.Series(
        [items[a:b] for a, b in zip(starts, ends, strict=True)],
        index=pd.Index(uniques, name=by.name),
        dtype=object,
    )


@dataclass
class CriterionKeys:
    """Per nomination, the criterion means the tie-break rules compare.

    ``in_order``: mean score fractions in tie-break order (then by weight); ``top``: the mean
    on the top-weighted criterion (ties in weight broken by tie-break order). Kept as arrays
    and turned into keys only for the nominations a rule is reached for.
    """

    nominations: pd.Index
    starts: np.ndarray  # each nomination's run in ``fracs``
    ends: np.ndarray
    fracs: np.ndarray
    parts: list[str]  # each of ``fracs`` as a tie note shows it
    top_frac: np.ndarray

    def _runs(self, nominations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each nomination's run in ``fracs`` starts and how long it is (empty for a
        nomination with no criterion means)."""
        at = self.nominations.get_indexer(nominations)
        found = at >= 0
        starts, sizes = np.zeros(len(at), dtype=np.int64), np.zeros(len(at), dtype=np.int64)
        starts[found] = self.starts[at[found]]
        sizes[found] = self.ends[at[found]] - starts[found]
        return starts, sizes

    def in_order(self, nominations: np.ndarray) -> np.ndarray | list[tuple]:
        """The keys as rows of a matrix, a shorter key padded with +inf (see tiebreak.KeyFn);
        as tuples when a fraction is not a finite number (a scale of 0), compared as before."""
        starts, sizes = self._runs(nominations)
        fracs = self.fracs
        if not np.isfinite(fracs).all():
            return [tuple(fracs[a : a + k].tolist()) for a, k in zip(starts, sizes, strict=True)]
        keys = np.full((len(sizes), int(sizes.max(initial=0))), np.inf)
        for k in range(keys.shape[1]):
            has = sizes > k
            keys[has, k] = fracs[starts[has] + k]
        return keys

    def in_order_text(self, nominations: np.ndarray) -> list[str]:
        parts = self.parts
        starts, sizes = self._runs(nominations)
        return [
            "/".join(parts[a : a + k]) for a, k in zip(starts.tolist(), sizes.tolist(), strict=True)
        ]

    def top(self, nominations: np.ndarray) -> np.ndarray:
        at = self.nominations.get_indexer(nominations)
        return np.where(at >= 0, self.top_frac[at], 0.0)

    def top_text(self, nominations: np.ndarray) -> list[str]:
        return formatted(self.top(nominations), tiebreak.key_part).tolist()


def criterion_keys(by_crit: pd.DataFrame) -> CriterionKeys:
    """The criterion keys of every nomination, from one sort of the criterion means for each
    key (a stable sort, as the tables were sorted before: equal weights keep their order)."""
    if by_crit.empty:
        none = np.zeros(0, dtype=np.int64)
        return CriterionKeys(pd.Index([], dtype=object), none, none, np.zeros(0), [], np.zeros(0))
    c = by_crit.reset_index()
    frac = c["frac"].round(tiebreak.PRECISION).to_numpy(dtype=float)
    order = c["order"].fillna(np.inf).to_numpy(dtype=float)
    weight = c["weight"].to_numpy(dtype=float)
    nom, nominations = pd.factorize(c["Nomination ID"].to_numpy(dtype=object))
    # The runs of each nomination: where the rows sorted by nomination (codes in order of
    # first appearance) start and end.
    sizes = np.bincount(nom, minlength=len(nominations))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    in_order = np.lexsort((-weight, order, nom))
    by_weight = np.lexsort((order, -weight, nom))
    # The first known fraction of each nomination (groupby's first skips NaN).
    known = by_weight[~np.isnan(frac[by_weight])]
    top_frac = np.full(len(nominations), np.nan)
    first_nom, first = np.unique(nom[known], return_index=True)
    top_frac[first_nom] = frac[known[first]]
    return CriterionKeys(
        nominations=pd.Index(nominations),
        starts=starts,
        ends=ends,
        fracs=frac[in_order],
        parts=formatted(frac[in_order], tiebreak.key_part).tolist(),
        top_frac=top_frac,
    )


_LAST = np.iinfo(np.int64).max  # the "earliest nomination" key of one with no date


def _earliest(received: pd.Series) -> np.ndarray:
    """Minus each nomination's received time in nanoseconds (earlier wins), no date last."""
    if received.dtype == np.dtype("datetime64[ns]"):
        ns = received.to_numpy().view(np.int64)
        return -np.where(received.isna().to_numpy(), _LAST, ns)
    return np.array(
        [-(pd.Timestamp(r).value if pd.notna(r) else _LAST) for r in received], dtype=np.int64
    )


def _dates(received: pd.Series) -> list[str]:
    """Each received date as a tie note shows it (dd/mm/yyyy; "no date" where it is missing,
    which :func:`_earliest` ranks last)."""

    def shown(r) -> str:
        return f"{pd.Timestamp(r):%d/%m/%Y}" if pd.notna(r) else "no date"

    if received.dtype == np.dtype("datetime64[ns]"):
        return formatted(received, shown).tolist()  # each distinct date formatted once
    return [shown(r) for r in received]


def _rank_group(
    period, category, grp, per, crit_keys, info, noms, settings, ineligible, vote: PanelVote | None
):
    min_judges = int(info["Min judges"]) if info is not None and pd.notna(info["Min judges"]) else 1
    rules = [
        r
        for r in ([info[f"Tie-break {i}"] for i in (1, 2, 3)] if info is not None else [])
        if isinstance(r, str) and r
    ]
    stats = per.reindex(grp["ID"])
    basis = settings.rank_by if settings.rank_by in BASIS_COLUMN else "raw"
    col = BASIS_COLUMN[basis]
    ids_all = grp["ID"].to_numpy(dtype=object)
    score_all = stats[col].to_numpy(dtype=float)
    known = np.flatnonzero(~np.isnan(score_all))
    ids = ids_all[known]
    judges_of = stats["Judges"].fillna(0).astype(int).to_numpy()
    nominee = grp["Nominee"].to_numpy(dtype=object)
    received = grp["Received"]
    same = noms[(noms["Category"] == category) & (noms["Period"] == period)]
    same_key = key(same["Nominee"])
    n_nominators = key(same["Nominator"]).groupby(same_key).nunique().to_dict()
    n_customers = (same["Nominator type"] == "customer").groupby(same_key).sum().to_dict()

    nominee_keys: list[str] = []  # worked out when a rule first needs them

    # Each key function gets positions into ``ids`` (the ranked nominations).
    def counted_in(table: dict):
        def counts(at: np.ndarray) -> np.ndarray:
            if not nominee_keys:
                nominee_keys.extend(key_of(v) for v in nominee[known])
            return np.array([int(table.get(nominee_keys[i], 0)) for i in at], dtype=np.int64)

        return counts

    independent, customers = counted_in(n_nominators), counted_in(n_customers)
    keys = {
        "criteria in tie-break order": lambda at: crit_keys.in_order(ids[at]),
        "top-weighted criterion": lambda at: crit_keys.top(ids[at]),
        "more independent nominations": independent,
        "more customer nominations": customers,
        "earliest nomination": lambda at: _earliest(received.iloc[known[at]]),
    }
    describe = {
        "criteria in tie-break order": lambda at: crit_keys.in_order_text(ids[at]),
        "top-weighted criterion": lambda at: crit_keys.top_text(ids[at]),
        "more independent nominations": lambda at: [str(v) for v in independent(at).tolist()],
        "more customer nominations": lambda at: [str(v) for v in customers(at).tolist()],
        "earliest nomination": lambda at: _dates(received.iloc[known[at]]),
    }
    ranking = tiebreak.rank(ids.tolist(), score_all[known].tolist(), rules, keys, describe)
    ranked = known[ranking.order]  # positions into grp, best first
    ranks, unresolved = ranking.rank.tolist(), ranking.unresolved.tolist()

    places: dict[int, str] = {}
    placed_nominees: set[str] = set()
    slots = ["winner"] + ["runner-up"] * settings.runners_up
    vote_used = False

    def placeable(t: int) -> bool:
        return (
            ids_all[t] not in ineligible
            and judges_of[t] >= min_judges
            and key_of(nominee[t]) not in placed_nominees
        )

    for i, p in enumerate(ranked.tolist()):
        if not slots:
            break
        if not placeable(p):
            continue
        if unresolved[i] and slots[0] == "winner":
            tied_slots = np.flatnonzero(ranking.rank == ranks[i])
            tied = ranked[tied_slots].tolist()
            chosen = next(
                (t for t in tied if vote and key_of(ids_all[t]) == vote.winner and placeable(t)),
                None,
            )
            if chosen is None:
                for t in tied:
                    places[t] = "panel vote"
                slots = slots[1:]
                placed_nominees.update(key_of(nominee[t]) for t in tied)
                continue
            # The panel's choice wins; the others tied with it go on to the next places.
            places[chosen] = slots.pop(0)
            placed_nominees.add(key_of(nominee[chosen]))
            vote_used = True
            # It ranks first of the tie, the others share the next rank; the note says why.
            decided = vote.note(str(ids_all[chosen]))
            run = tied_slots.tolist()
            first = run[tied.index(chosen)]
            order = [first] + [s for s in run if s != first]
            ranked[run] = ranked[order]
            ranking.note[run[0] : run[-1] + 1] = [
                ranking.note[s].split("; ", 1)[0] + "; " + decided for s in order
            ]
            ranks[run[0] + 1 : run[-1] + 1] = [ranks[i] + 1] * (len(run) - 1)
            if p == chosen or not slots or not placeable(p):
                continue
        places[p] = slots.pop(0)
        placed_nominees.add(key_of(nominee[p]))
    # A vote that decided nothing is shown on the nomination it names, not dropped silently.
    unused_vote: dict[int, str] = {}
    if vote is not None and not vote_used:
        for t in np.flatnonzero([key_of(v) == vote.winner for v in ids_all]).tolist():
            unused_vote[t] = "panel vote recorded but not used: " + (
                "this nomination cannot be placed"
                if places.get(t) == "panel vote"
                else "this nomination is not tied for first"
            )

    # Column by column: a Python loop builds text only for the rows that have flags (or a
    # conflicted judge); everything else is taken from the statistics by position.
    unranked = np.flatnonzero(np.isnan(score_all))  # kept in their order, after the ranked
    at = np.concatenate([ranked, unranked])
    n_unranked = len(unranked)
    count = stats["Judges"].fillna(0).astype(int).to_numpy()[at]
    spread = stats["Spread " + col.lower()].to_numpy(dtype=float)[at]
    outliers, partial = stats["Outliers"].to_numpy()[at], stats["Partial"].to_numpy()[at]
    by_judge, conflicted = stats["By judge"].to_numpy()[at], stats["Conflicted"].to_numpy()[at]
    by_crit = stats["By criterion"].to_numpy()[at]
    ids = ids_all[at]
    flagged = (
        (count < min_judges)
        | (count == 0)
        | ((count >= 2) & (spread > settings.disagreement_threshold))
        | pd.Series(ids).isin(list(ineligible)).to_numpy()
        | _is_list(outliers)
        | _is_list(partial)
    )
    flags = [""] * len(at)
    if unused_vote:
        flagged |= np.isin(at, list(unused_vote))
    for k in np.flatnonzero(flagged):
        flags[k] = "; ".join(
            _flags(
                count[k],
                spread[k],
                outliers[k],
                partial[k],
                ineligible.get(ids[k]),
                min_judges,
                settings,
            )
            + ([unused_vote[at[k]]] if at[k] in unused_vote else [])
        )
    by_j = [v if isinstance(v, str) else "" for v in by_judge]
    for k in np.flatnonzero(_is_list(conflicted)):
        by_j[k] = "; ".join(
            [x for x in [by_j[k]] if x] + [f"{j} excluded (conflict)" for j in conflicted[k]]
        )
    return {
        "Period": [period] * len(at),
        "Category": [category] * len(at),
        "Place": [places.get(p) for p in at.tolist()],
        "Rank": ranks + [None] * n_unranked,
        "Nomination ID": ids.tolist(),
        "Nominee": grp["Nominee"].to_numpy()[at].tolist(),
        "Team": grp["Team"].to_numpy()[at].tolist(),
        "Site": grp["Site"].to_numpy()[at].tolist(),
        "Judges": count.tolist(),
        "Raw score": stats["Raw"].to_numpy(dtype=float)[at].tolist(),
        "Normalised score": stats["Normalised"].to_numpy(dtype=float)[at].tolist(),
        "Adjusted score": stats["Adjusted"].to_numpy(dtype=float)[at].tolist(),
        "Ranked on": [basis] * len(ranks) + [None] * n_unranked,
        "Tie-break": ranking.note + [""] * n_unranked,
        "Flags": flags,
        "By criterion": [v if isinstance(v, str) else "" for v in by_crit],
        "By judge": by_j,
    }


def _is_list(values: np.ndarray) -> np.ndarray:
    return np.fromiter((isinstance(v, list) for v in values), dtype=bool, count=len(values))


def _flags(count, spread, outliers, partial, ineligible, min_judges, settings) -> list[str]:
    """The Flags of one nomination, in their fixed order."""
    flags = []
    if count < min_judges:
        flags.append(f"too few judges ({count} of {min_judges})")
    # Measured on the ranking basis: on normalised scores a lenient and a harsh judge who
    # agree on the order of merit are not counted as disagreeing.
    if count >= 2 and spread > settings.disagreement_threshold:
        flags.append(f"disagreement: judges {spread * 100:.0f} points apart")
    if isinstance(outliers, list):
        flags.extend(outliers)
    if ineligible is not None:
        flags.append(f"not eligible: {ineligible}")
    if isinstance(partial, list):
        flags.extend(f"{j} scored only some criteria" for j in partial)
    if not count:
        flags.append("no scores counted")
    return flags
