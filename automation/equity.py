"""Equity and participation: who gets nominated and who wins, per eligible member of staff.

For each grouping (team, site and any Staff column named in the *Equity groups* setting) every
group's nominations and wins are divided by the staff in it who can be nominated, and compared
with the best-served group of that grouping. A ratio under 0.8 is flagged (the "four-fifths"
rule of thumb); a group of fewer than 5 staff carries a small-sample warning, because one
nomination more or less swings its rate. This is a screening aid that says where to look, not
a finding of unfairness.

Only individual nominations count (a team award has no one member of staff to credit), and
calibration entries never do. With fewer than ``FEW_WINS`` wins in a grouping a single win
decides every win ratio, so those are shown but not flagged; likewise nomination ratios with
fewer than ``FEW_NOMINATIONS`` individual nominations (early in a period, two nominations
would flag every group without one). Pure functions over ProgrammeData and Results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from automation.keys import key, key_of
from automation.kpis import staff_total
from automation.model import ProgrammeData
from automation.scoring import Results

FOUR_FIFTHS = 0.8
SMALL_GROUP = 5
# With fewer wins than this in a grouping, one win decides every ratio: win ratios are shown
# but not flagged.
FEW_WINS = 5
# The same for nominations: with fewer individual nominations than this in all, nomination
# ratios are shown but not flagged.
FEW_NOMINATIONS = 10


@dataclass(frozen=True)
class GroupRate:
    """One group's nominations and wins per eligible member of staff."""

    grouping: str
    group: str
    eligible: int
    nominations: int
    wins: int
    nomination_rate: float | None
    nomination_ratio: float | None
    win_rate: float | None
    win_ratio: float | None
    flags: tuple[str, ...] = ()

    @property
    def below(self) -> bool:
        """True when a ratio was flagged as under four-fifths of the best group."""
        return any("four-fifths" in f for f in self.flags)


@dataclass
class Equity:
    """Everything the Equity tables and the report's equity section show."""

    groups: list[GroupRate]
    sources: dict[str, int]
    staff_total: int
    staff_nominated: int
    panel: dict[str, dict[str, int]]  # "team"/"site" -> group -> judges
    judges: int
    missing_groupings: list[str] = field(default_factory=list)
    # The Teams table's headcount (kpis.staff_total), which the report's participation
    # figures use; the rates here can only count the people listed on the Staff sheet.
    headcount: int = 0
    # Nominations of listed staff for individual awards: the count every ratio rests on.
    individual_nominations: int = 0
    # People on the Staff sheet who judge, so cannot be nominated: not in staff_total.
    judges_left_out: int = 0

    @property
    def flagged(self) -> list[GroupRate]:
        return [g for g in self.groups if g.below]


def groupings(data: ProgrammeData) -> tuple[list[str], list[str]]:
    """(Staff columns to group by, named groupings that Staff does not have)."""
    wanted = [g.strip() for g in str(data.setting("equity_groups") or "").split(";") if g.strip()]
    staff_cols = {key_of(c): c for c in data["Staff"].columns}
    found = [staff_cols[key_of(g)] for g in wanted if key_of(g) in staff_cols]
    missing = [g for g in wanted if key_of(g) not in staff_cols]
    return found, missing


def _staff_frame(data: ProgrammeData, extra: list[str]) -> pd.DataFrame:
    staff = data["Staff"].dropna(subset=["Name"])
    teams = data["Teams"].dropna(subset=["Team"])
    site_of = dict(zip(key(teams["Team"]), teams["Site"], strict=True))
    frame = pd.DataFrame(
        {
            "key": key(staff["Name"]).to_numpy(),
            "Team": staff["Team"].to_numpy(),
            "Site": key(staff["Team"]).map(site_of).to_numpy(),
        }
    )
    for col in extra:
        frame[col] = staff[col].to_numpy()
    return frame.drop_duplicates("key")


def period_nominations(data: ProgrammeData, period: str | None) -> pd.DataFrame:
    """Nominations of ``period`` (all in the table when None), without calibration entries."""
    noms = data["Nominations"]
    noms = noms[~noms["Calibration"].fillna(False).astype(bool)]
    if period:
        noms = noms[key(noms["Period"]) == key_of(period)]
    return noms


def equity(data: ProgrammeData, results: Results | None, period: str | None = None) -> Equity:
    """Nomination and win rates by group, sources, staff nominated and the panel's make-up."""
    extra, missing = groupings(data)
    staff = _staff_frame(data, extra)
    # A judge cannot be nominated (nominee-is-judge), so is not eligible: counted in, a judge
    # would lower their team's nomination rate for a reason that has nothing to do with equity.
    judges = set(key(data["Judges"]["Judge"]).dropna())
    judging = staff["key"].isin(judges)
    staff = staff[~judging]
    noms = period_nominations(data, period)
    cats = data["Categories"]
    team_cats = set(key(cats.loc[cats["Type"] == "team", "Category"]).dropna())
    individual = noms[~key(noms["Category"]).isin(team_cats)]
    nominated = key(individual["Nominee"])
    nominated = nominated[nominated.isin(set(staff["key"]))]
    nom_counts = nominated.value_counts()
    win_counts = pd.Series(dtype="int64")
    if results is not None and len(results.nominations):
        res = results.nominations
        res = res[res["Place"] == "winner"]
        if period:
            res = res[key(res["Period"].astype("string")) == key_of(period)]
        res = res[~key(res["Category"]).isin(team_cats)]
        win_counts = key(res["Nominee"]).value_counts()
    staff = staff.assign(
        _n=staff["key"].map(nom_counts).fillna(0).astype(int),
        _w=staff["key"].map(win_counts).fillna(0).astype(int),
    )
    groups: list[GroupRate] = []
    for grouping in ["Team", "Site", *extra]:
        g = (
            # As objects first: a grouping with no value at all (no team has a site) is a
            # float column, which pandas will no longer fill with text.
            staff.assign(_g=staff[grouping].astype(object).fillna("(not recorded)").astype(str))
            .groupby("_g", sort=True)
            .agg(eligible=("key", "size"), n=("_n", "sum"), w=("_w", "sum"))
        )
        nrate = g["n"] / g["eligible"]
        wrate = g["w"] / g["eligible"]
        best_n, best_w = nrate.max(), wrate.max()
        best_n_group = nrate.idxmax() if len(nrate) else None
        best_w_group = wrate.idxmax() if len(wrate) else None
        few_wins = int(g["w"].sum()) < FEW_WINS
        few_noms = int(g["n"].sum()) < FEW_NOMINATIONS
        for name, row in g.iterrows():
            n_ratio = float(nrate[name] / best_n) if best_n > 0 else None
            w_ratio = float(wrate[name] / best_w) if best_w > 0 else None
            flags = []
            if n_ratio is not None and n_ratio < FOUR_FIFTHS and not few_noms:
                flags.append(f"nominations below four-fifths of {best_n_group}")
            if w_ratio is not None and w_ratio < FOUR_FIFTHS and not few_wins:
                flags.append(f"wins below four-fifths of {best_w_group}")
            if row["eligible"] < SMALL_GROUP:
                flags.append(f"small group ({int(row['eligible'])} staff)")
            groups.append(
                GroupRate(
                    grouping=grouping,
                    group=str(name),
                    eligible=int(row["eligible"]),
                    nominations=int(row["n"]),
                    wins=int(row["w"]),
                    nomination_rate=float(nrate[name]),
                    nomination_ratio=n_ratio,
                    win_rate=float(wrate[name]),
                    win_ratio=w_ratio,
                    flags=tuple(flags),
                )
            )
    judges = data["Judges"].dropna(subset=["Judge"])
    panel = {
        "team": {
            str(k): int(v)
            for k, v in judges["Team"].fillna("(not recorded)").value_counts().items()
        },
        "site": {
            str(k): int(v)
            for k, v in judges["Site"].fillna("(not recorded)").value_counts().items()
        },
    }
    return Equity(
        groups=groups,
        sources={str(k): int(v) for k, v in noms["Nominator type"].value_counts().items()},
        staff_total=len(staff),
        judges_left_out=int(judging.sum()),
        staff_nominated=int(nominated.nunique()),
        panel=panel,
        judges=len(judges),
        missing_groupings=missing,
        headcount=staff_total(data),
        individual_nominations=int(staff["_n"].sum()),
    )


def equity_tables(eq: Equity) -> dict[str, pd.DataFrame]:
    """The Equity and Participation tables (on the Evaluation sheet)."""
    rows = [
        {
            "Grouping": g.grouping,
            "Group": g.group,
            "Eligible staff": g.eligible,
            "Nominations": g.nominations,
            "Nomination rate": g.nomination_rate,
            "Nomination ratio": g.nomination_ratio,
            "Wins": g.wins,
            "Win rate": g.win_rate,
            "Win ratio": g.win_ratio,
            "Flag": "; ".join(g.flags) or None,
        }
        for g in eq.groups
    ]
    rows += [
        {
            "Grouping": name,
            "Flag": f"'{name}' is named in the Equity groups setting but is not a Staff column",
        }
        for name in eq.missing_groupings
    ]
    total = sum(eq.sources.values())
    part = [
        {
            "Measure": "Nominations by source",
            "Group": s,
            "Count": n,
            "Out of": total,
            "Share": n / total if total else None,
        }
        for s, n in eq.sources.items()
    ]
    part.append(
        {
            "Measure": "Staff nominated at least once",
            "Group": "staff on the Staff sheet who can be nominated",
            "Count": eq.staff_nominated,
            "Out of": eq.staff_total,
            "Share": eq.staff_nominated / eq.staff_total if eq.staff_total else None,
        }
    )
    if eq.headcount > eq.staff_total:  # the figure the report's participation section gives
        part.append(
            {
                "Measure": "Staff nominated at least once",
                "Group": "all staff (Teams headcount)",
                "Count": eq.staff_nominated,
                "Out of": eq.headcount,
                "Share": eq.staff_nominated / eq.headcount,
            }
        )
    for dim, counts in eq.panel.items():
        part += [
            {
                "Measure": f"Judging panel by {dim}",
                "Group": g,
                "Count": n,
                "Out of": eq.judges,
                "Share": n / eq.judges if eq.judges else None,
            }
            for g, n in counts.items()
        ]
    from automation.history import columns

    return {
        "Equity": pd.DataFrame(rows, columns=columns("Equity")),
        "Participation": pd.DataFrame(part, columns=columns("Participation")),
    }


def equity_frames(data: ProgrammeData, results: Results | None) -> dict[str, pd.DataFrame]:
    """The Equity tables for the current period (or every nomination when none is set).

    Nothing for a workbook made before the Equity tables existed: scoring it still writes
    its results (``equity_missing`` says what to add to get the figures).
    """
    if equity_missing(data):
        return {}
    period = str(data.setting("current_period") or "").strip() or None
    if period and not (key(data["Nominations"]["Period"]) == key_of(period)).any():
        period = None
    return equity_tables(equity(data, results, period))


def equity_missing(data: ProgrammeData) -> bool:
    """True when the workbook read has no Equity or Participation table to write into."""
    return bool(data.places) and not {"Equity", "Participation"} <= set(data.places)
