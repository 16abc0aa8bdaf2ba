"""score(data, settings) -> Results: weighted scores, normalisation, flags, ranks and winners.

Pure: it takes ProgrammeData and returns data. The Results sheet, the JSON output and the
documents are all views of the same Results object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from automation.model import ProgrammeData
from automation.parse import as_python
from automation.scoring import tiebreak
from automation.scoring.agreement import agreement_table
from automation.scoring.normalise import normalise
from automation.scoring.prepare import prepare
from automation.scoring.weighted import judge_scores, panel_mean
from automation.validate.nominations import cool_off_blocked

OUTLIER_SD = 2.0


@dataclass(frozen=True)
class ScoringSettings:
    """How scoring behaves; read from the Settings sheet unless given."""

    rank_by: str = "normalised"
    trim_from: int = 4
    disagreement_threshold: float = 0.25
    runners_up: int = 1

    @classmethod
    def from_data(cls, data: ProgrammeData) -> ScoringSettings:
        return cls(
            rank_by=str(data.setting("rank_by") or "normalised"),
            trim_from=int(data.setting("trim_from") or 0),
            disagreement_threshold=float(data.setting("disagreement_threshold") or 0.25),
            runners_up=int(data.setting("runners_up") or 0),
        )


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

    @property
    def winners(self) -> pd.DataFrame:
        return self.nominations[self.nominations["Place"] == "winner"]

    @property
    def placed(self) -> pd.DataFrame:
        return self.nominations[self.nominations["Place"].isin(["winner", "runner-up"])]

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """The tool tables (Results, Panel, JudgeStats, Agreement) in schema columns."""
        panel = self.panel.rename(columns={"Weighted": "Weighted score",
                                           "Normalised": "Normalised score"})
        judges = (self.judges.groupby("Judge", sort=True).apply(_judge_row, include_groups=False)
                  .reset_index() if not self.judges.empty else pd.DataFrame())
        return {"Results": self.nominations, "Panel": panel, "JudgeStats": judges,
                "Agreement": self.agreement}

    def as_json(self) -> dict:
        """Everything the Results and Judging sheets show, as plain data."""

        def records(frame: pd.DataFrame) -> list[dict]:
            return [{k: as_python(v) for k, v in row.items()}
                    for row in frame.to_dict(orient="records")]

        return {
            "settings": self.settings.__dict__,
            "nominations": records(self.nominations),
            "panel": records(self.panel),
            "judges": records(self.judges),
            "agreement": records(self.agreement),
            "excluded_scores": records(self.excluded),
            "calibration": records(self.calibration),
            "fallbacks": self.fallbacks,
        }


def _judge_row(g: pd.DataFrame) -> pd.Series:
    n = int(g["Scored"].sum())
    mean = float((g["Mean"] * g["Scored"]).sum() / n) if n else np.nan
    sds = g["SD"].dropna()
    notes = sorted(set(g["Normalisation"]))
    tendencies = sorted(set(g["Tendency"]) - {"typical"})
    return pd.Series({
        "Scored": n, "Mean": mean, "Spread (SD)": float(sds.mean()) if len(sds) else np.nan,
        "Tendency": ", ".join(tendencies) if tendencies else "typical",
        "Normalisation": "; ".join(f"{c}: {nt}" for c, nt in zip(g["Category"],
                                                                 g["Normalisation"],
                                                                 strict=True))
        if len(notes) > 1 or notes != ["normalised"] else "normalised",
    })


def _key(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.casefold()


def score(data: ProgrammeData, settings: ScoringSettings | None = None) -> Results:
    """Score every nomination, rank each category in each period and pick the winners."""
    settings = settings or ScoringSettings.from_data(data)
    rows = prepare(data)
    noms = data["Nominations"].dropna(subset=["ID"]).drop_duplicates("ID").copy()
    noms["Calibration"] = noms["Calibration"].fillna(False).astype(bool)
    cats = data["Categories"].dropna(subset=["Category"]).drop_duplicates("Category")
    cat_info = cats.set_index(_key(cats["Category"]))

    panel = judge_scores(rows)
    meta = noms.set_index("ID")[["Category", "Period", "Calibration"]]
    panel = panel.join(meta, on="Nomination ID")
    panel = panel[panel["Category"].notna()]
    counted = panel[~panel["Calibration"].astype(bool)]
    counted, stats = normalise(counted) if not counted.empty else (
        counted.assign(Normalised=np.nan), pd.DataFrame(
            columns=["Judge", "Category", "Scored", "Mean", "SD", "Tendency", "Normalisation"]))
    calib = panel[panel["Calibration"].astype(bool)].assign(Normalised=np.nan)
    fallbacks = [f"{r.Judge} ({r.Category}): {r.Normalisation}" for r in stats.itertuples()
                 if r.Normalisation != "normalised"]

    outliers = _outliers(counted)
    counted = counted.assign(Flag=[outliers.get(i, "") for i in counted.index])
    excluded = rows[rows["Excluded"].notna() & (rows["Excluded"] != "no score")]

    blocked = cool_off_blocked(data)
    judges = set(_key(data["Judges"]["Judge"]).dropna())
    ineligible = {}
    for idx, nid in zip(noms.index, noms["ID"], strict=True):
        if blocked.get(idx, False):
            ineligible[nid] = "won this award too recently (cool-off)"
    for nid, nominee in zip(noms["ID"], _key(noms["Nominee"]), strict=True):
        if nominee in judges:
            ineligible[nid] = "nominee is a judge"

    ok_rows = rows[rows["Excluded"].isna() & ~rows["Calibration"]]
    by_crit = ok_rows.groupby(["Nomination ID", "Criterion"], sort=False).agg(
        mean=("Score", "mean"), frac=("Fraction", "mean"), maxv=("Scale max", "first"),
        weight=("Weight", "first"), order=("Tie-break order", "first"))

    result_rows = []
    for (period, category), grp in noms[~noms["Calibration"]].groupby(
            ["Period", "Category"], sort=True, dropna=True):
        info = cat_info.loc[_key(pd.Series([category])).iloc[0]] if _key(
            pd.Series([category])).iloc[0] in cat_info.index else None
        result_rows.extend(_rank_group(period, category, grp, counted, by_crit, info, noms,
                                       settings, ineligible, excluded))
    results = pd.DataFrame(result_rows, columns=_RESULT_COLUMNS)
    panel_out = pd.concat([_panel_view(counted, excluded, noms), _panel_view(
        calib.assign(Flag="calibration entry"), excluded.iloc[0:0], noms)], ignore_index=True)
    return Results(
        nominations=results,
        panel=panel_out,
        judges=stats,
        agreement=agreement_table(rows[~rows["Calibration"]], counted),
        excluded=excluded[["Judge", "Nomination ID", "Criterion", "Score", "Excluded", "_row"]]
        .rename(columns={"_row": "Row"}).reset_index(drop=True),
        calibration=calib[["Judge", "Nomination ID", "Weighted"]].reset_index(drop=True),
        settings=settings,
        fallbacks=fallbacks,
    )


_RESULT_COLUMNS = ["Period", "Category", "Place", "Rank", "Nomination ID", "Nominee", "Team",
                   "Site", "Judges", "Raw score", "Normalised score", "Ranked on", "Tie-break",
                   "Flags", "By criterion", "By judge"]


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
        sd = float(np.sqrt((dev ** 2).sum() / dof))
        if sd < 1e-9:
            continue
        sizes = grp.groupby("Nomination ID")["Judge"].transform("count")
        for idx in grp.index[(dev.abs() > OUTLIER_SD * sd) & (sizes >= 3)]:
            out[idx] = f"outlier: {dev[idx] * 100:+.0f} points from the panel mean"
    return out


def _panel_view(counted: pd.DataFrame, excluded: pd.DataFrame, noms: pd.DataFrame
                ) -> pd.DataFrame:
    view = pd.DataFrame({
        "Period": counted["Period"], "Category": counted["Category"],
        "Nomination ID": counted["Nomination ID"], "Judge": counted["Judge"],
        "Weighted": counted["Weighted"], "Normalised": counted["Normalised"],
        "Counted": "yes", "Flag": counted.get("Flag", ""),
    })
    if not excluded.empty:
        ex = excluded.groupby(["Judge", "Nomination ID"], sort=True)["Excluded"].first()
        ex = ex[ex.str.startswith("conflict")]
        meta = noms.set_index("ID")
        extra = pd.DataFrame({
            "Period": [meta["Period"].get(n) for _, n in ex.index],
            "Category": [meta["Category"].get(n) for _, n in ex.index],
            "Nomination ID": [n for _, n in ex.index], "Judge": [j for j, _ in ex.index],
            "Weighted": np.nan, "Normalised": np.nan, "Counted": list(ex.values), "Flag": "",
        })
        view = pd.concat([view, extra], ignore_index=True)
    return view.sort_values(["Period", "Category", "Nomination ID", "Judge"]).reset_index(
        drop=True)


def _rank_group(period, category, grp, counted, by_crit, info, noms, settings, ineligible,
                excluded):
    trim = settings.trim_from
    min_judges = int(info["Min judges"]) if info is not None and pd.notna(
        info["Min judges"]) else 1
    rules = [r for r in ([info[f"Tie-break {i}"] for i in (1, 2, 3)] if info is not None
                         else []) if isinstance(r, str) and r]
    per = {}
    for nid in grp["ID"]:
        p = counted[counted["Nomination ID"] == nid]
        raw = panel_mean(p["Weighted"], trim)
        norm = panel_mean(p["Normalised"], trim)
        per[nid] = (raw, norm, p)
    basis = "normalised" if settings.rank_by == "normalised" else "raw"
    scores = {n: (v[1] if basis == "normalised" else v[0]) for n, v in per.items()
              if not np.isnan(v[1] if basis == "normalised" else v[0])}

    nominee_of = dict(zip(grp["ID"], grp["Nominee"], strict=True))
    same = noms[(noms["Category"] == category) & (noms["Period"] == period)]

    def independent(n: str) -> tuple:
        who = same[_key(same["Nominee"]) == str(nominee_of[n]).strip().casefold()]
        return (int(_key(who["Nominator"]).nunique()),)

    def customers(n: str) -> tuple:
        who = same[_key(same["Nominee"]) == str(nominee_of[n]).strip().casefold()]
        return (int((who["Nominator type"] == "customer").sum()),)

    def earliest(n: str) -> tuple:
        r = grp.loc[grp["ID"] == n, "Received"].iloc[0]
        return (-(pd.Timestamp(r).value if pd.notna(r) else np.iinfo(np.int64).max),)

    def crit_means(n: str) -> pd.DataFrame:
        try:
            return by_crit.loc[n]
        except KeyError:
            return by_crit.iloc[0:0]

    def in_order(n: str) -> tuple:
        c = crit_means(n).sort_values(["order", "weight"], ascending=[True, False],
                                      na_position="last")
        return tuple(round(float(x), tiebreak.PRECISION) for x in c["frac"])

    def top_weighted(n: str) -> tuple:
        c = crit_means(n).sort_values(["weight", "order"], ascending=[False, True],
                                      na_position="last")
        return (round(float(c["frac"].iloc[0]), tiebreak.PRECISION),) if len(c) else (0.0,)

    keys = {"criteria in tie-break order": in_order, "top-weighted criterion": top_weighted,
            "more independent nominations": independent,
            "more customer nominations": customers, "earliest nomination": earliest}
    describe = {
        "more independent nominations": lambda n: str(independent(n)[0]),
        "more customer nominations": lambda n: str(customers(n)[0]),
        "earliest nomination": lambda n: f"{grp.loc[grp['ID'] == n, 'Received'].iloc[0]:%d/%m/%Y}",
    }
    ranked = tiebreak.rank(scores, rules, keys, describe)
    rank_of = {r.nomination: r for r in ranked}
    order = [r.nomination for r in ranked] + [n for n in grp["ID"] if n not in rank_of]

    places: dict[str, str] = {}
    placed_nominees: set[str] = set()
    slots = ["winner"] + ["runner-up"] * settings.runners_up
    for n in [r.nomination for r in ranked]:
        if not slots:
            break
        p = per[n][2]
        if n in ineligible or len(p) < min_judges:
            continue
        who = str(nominee_of[n]).strip().casefold()
        if who in placed_nominees:
            continue
        r = rank_of[n]
        if r.unresolved and slots[0] == "winner":
            tied = [x.nomination for x in ranked if x.rank == r.rank]
            for t in tied:
                places[t] = "panel vote"
            slots = slots[1:]
            placed_nominees.update(str(nominee_of[t]).strip().casefold() for t in tied)
            continue
        places[n] = slots.pop(0)
        placed_nominees.add(who)

    out = []
    for n in order:
        raw, norm, p = per[n]
        row = grp[grp["ID"] == n].iloc[0]
        flags = []
        if len(p) < min_judges:
            flags.append(f"too few judges ({len(p)} of {min_judges})")
        if len(p) >= 2:
            # Measured on the ranking basis: on normalised scores a lenient and a harsh judge
            # who agree on the order of merit are not counted as disagreeing.
            col = "Normalised" if basis == "normalised" else "Weighted"
            spread = p[col].max() - p[col].min()
            if spread > settings.disagreement_threshold:
                flags.append(f"disagreement: judges {spread * 100:.0f} points apart")
        flags.extend(f for f in p.get("Flag", pd.Series(dtype=object)) if f)
        if n in ineligible:
            flags.append(f"not eligible: {ineligible[n]}")
        partial = p[p["Criteria"] < p["Criteria"].max()] if len(p) else p
        for j in partial["Judge"]:
            flags.append(f"{j} scored only some criteria")
        if not len(p):
            flags.append("no scores counted")
        r = rank_of.get(n)
        c = crit_means(n) if len(p) else by_crit.iloc[0:0]
        by_c = "; ".join(f"{name} {m:.1f}/{mx:g}" for name, m, mx in
                         zip(c.index, c["mean"], c["maxv"], strict=True))
        by_j = "; ".join(f"{j} {w * 100:.0f}%" for j, w in zip(p["Judge"], p["Weighted"],
                                                               strict=True))
        ex = excluded[(excluded["Nomination ID"] == n)
                      & excluded["Excluded"].str.startswith("conflict")]
        for j in sorted(set(ex["Judge"])):
            by_j += f"{'; ' if by_j else ''}{j} excluded (conflict)"
        out.append({
            "Period": period, "Category": category, "Place": places.get(n),
            "Rank": r.rank if r else None, "Nomination ID": n, "Nominee": row["Nominee"],
            "Team": row["Team"], "Site": row["Site"], "Judges": len(p),
            "Raw score": raw, "Normalised score": norm,
            "Ranked on": basis if r else None, "Tie-break": r.tie_note if r else "",
            "Flags": "; ".join(flags), "By criterion": by_c, "By judge": by_j,
        })
    return out
