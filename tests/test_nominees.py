"""A nomination's blank team, site and line manager come from the Staff and Teams tables."""

from __future__ import annotations

from automation.conflicts import conflicted_pairs
from automation.scoring import score
from tests.support import small
from tests.support.factory import data_from_rows


def _data(mutate=None):
    rows = small.rows()
    rows["Staff"] = [
        {"Name": "Ann Able", "Team": "Red", "Line manager": "Jo Judge"},
        {"Name": "Ben Best", "Team": "Blue", "Line manager": "Max Boss"},
        {"Name": "Cat Cole", "Team": "Red", "Line manager": "Max Boss"},
    ]
    for nom in rows["Nominations"]:
        nom.update({"Team": None, "Site": None, "Line manager": None})
    if mutate:
        mutate(rows)
    return data_from_rows(rows, small.SETTINGS)


def _details(data, nid):
    noms = data["Nominations"].set_index("ID")
    return tuple(noms.loc[nid, c] for c in ("Team", "Site", "Line manager"))


def test_blank_cells_are_filled_from_the_staff_and_teams_tables():
    data = _data()
    assert _details(data, "N1") == ("Red", "Leeds", "Jo Judge")
    assert _details(data, "N2") == ("Blue", "York", "Max Boss")


def test_a_cell_the_manager_filled_in_is_kept():
    def mutate(rows):
        rows["Nominations"][1].update({"Team": "Red", "Line manager": "Someone Else"})

    data = _data(mutate)
    # The site follows the team the nomination gives.
    assert _details(data, "N2") == ("Red", "Leeds", "Someone Else")


def test_a_nominee_not_on_the_staff_table_keeps_blank_cells():
    def mutate(rows):
        rows["Nominations"][2]["Nominee"] = "Dan Dee"

    team, site, manager = _details(_data(mutate), "N3")
    assert all(v is None or v != v for v in (team, site, manager))


def test_a_team_nomination_gets_its_team_and_site_but_no_line_manager():
    def mutate(rows):
        rows["Categories"].append(small.category("Team Star", Type="team"))
        rows["Criteria"].append(dict(rows["Criteria"][0], Category="Team Star", Weight=1.0))
        rows["Nominations"][1].update({"Category": "Team Star", "Nominee": "blue"})

    team, site, manager = _details(_data(mutate), "N2")
    assert (team, site) == ("Blue", "York")
    assert manager is None or manager != manager


def test_the_line_manager_on_the_staff_table_may_not_judge_their_report():
    data = _data()
    pairs = conflicted_pairs(data)
    hit = pairs[(pairs["Judge"] == "Jo Judge") & (pairs["Nomination ID"] == "N1")]
    assert hit["Reason"].tolist() == ["judge is the nominee's line manager"]
    # Scoring leaves the conflicted judge's scores of N1 out, and says why.
    panel = score(data).panel.set_index(["Nomination ID", "Judge"])
    assert (
        panel.loc[("N1", "Jo Judge"), "Counted"] == "conflict: judge is the nominee's line manager"
    )
    assert panel.loc[("N1", "Kim Judge"), "Counted"] == "yes"


def test_an_empty_staff_table_leaves_individuals_blank_and_still_fills_teams():
    def mutate(rows):
        rows["Staff"] = []
        rows["Categories"].append(small.category("Team Star", Type="team"))
        rows["Criteria"].append(dict(rows["Criteria"][0], Category="Team Star", Weight=1.0))
        rows["Nominations"][1].update({"Category": "Team Star", "Nominee": "Blue"})

    data = _data(mutate)
    assert _details(data, "N2")[:2] == ("Blue", "York")
    team, _, manager = _details(data, "N1")
    assert (team is None or team != team) and (manager is None or manager != manager)
