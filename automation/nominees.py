"""A nomination's team, site and line manager, taken from the Staff and Teams tables where
the nomination leaves them blank.

A nomination typed by hand often names only the nominee; the forms import fills these cells
from the Staff table, and so does reading. Without it a blank line manager would let the
nominee's own manager judge them (the conflict rules compare these cells), and the results,
certificates and emails would have no team, site or manager to show. A cell the manager
filled in is never changed.
"""

from __future__ import annotations

import pandas as pd

from automation.keys import key


def _first_by_key(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows of ``frame`` with a ``column``, the first of each key (as the tables' lookups)."""
    frame = frame.dropna(subset=[column])
    keys = key(frame[column])
    return frame.assign(_key=keys)[~keys.duplicated()]


def _looked_up(keys: pd.Series, table: pd.DataFrame, column: str) -> pd.Series:
    """``column`` of ``table``'s row for each key (missing where there is none)."""
    found = dict(zip(table["_key"], table[column], strict=True))
    # Object, whatever was found: an empty table would make the lookups numbers (NaN).
    return keys.map(found).astype(object)


def _filled(values: pd.Series, found: pd.Series) -> tuple[pd.Series, bool]:
    """``values`` with its blanks replaced by what was found (where something was), and
    whether anything was."""
    take = values.isna() & found.notna()
    if not take.any():
        return values, False
    out = values.astype(object).copy()
    out[take] = found[take]
    return out, True


def with_staff_details(
    noms: pd.DataFrame, staff: pd.DataFrame, teams: pd.DataFrame, categories: pd.DataFrame
) -> pd.DataFrame:
    """``noms`` with blank Team, Site and Line manager cells filled in: an individual's team
    and line manager from their Staff row, a team nomination's team from the Teams table,
    and the site from the team's row on the Teams table."""
    if noms.empty or not noms[["Team", "Site", "Line manager"]].isna().any().any():
        return noms
    people = _first_by_key(staff, "Name")
    groups = _first_by_key(teams, "Team")
    cats = categories.dropna(subset=["Category"])
    team_awards = set(key(cats.loc[cats["Type"].astype(object) == "team", "Category"]))
    nominee = key(noms["Nominee"])
    for_team = key(noms["Category"]).isin(team_awards)
    team, new_team = _filled(
        noms["Team"],
        _looked_up(nominee, people, "Team").where(~for_team, _looked_up(nominee, groups, "Team")),
    )
    site, new_site = _filled(noms["Site"], _looked_up(key(team), groups, "Site"))
    manager, new_manager = _filled(
        noms["Line manager"], _looked_up(nominee, people, "Line manager").where(~for_team)
    )
    if not (new_team or new_site or new_manager):
        return noms  # nothing to fill: the very frame read (the early rules' work is on it)
    return noms.assign(Team=team, Site=site, **{"Line manager": manager})
