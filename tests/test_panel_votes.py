"""The panel's vote on a tie for first (PanelVotes table): who wins, what the notes say, what
is reported when a vote is wrong or decides nothing, and that the period can then close."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from automation.scoring import score
from automation.scoring.explain import winners_explained
from automation.validate import validate
from tests.support import small
from tests.support.factory import data_from_rows

D = dt.date


def _tied_rows(**vote) -> dict:
    """N1, N2 and N3 tie for first on every rule (same scores, same day); N4 is behind."""
    rows = small.rows()
    rows["Categories"][0].update(
        {"Min judges": 1, "Tie-break 1": "panel vote", "Tie-break 2": None}
    )
    extra = {**rows["Nominations"][2], "ID": "N4", "Nominee": "Dan Dale", "Nominator": "Cust 9"}
    rows["Nominations"].append(extra)
    rows["Staff"].append({"Name": "Dan Dale", "Team": "Red"})
    rows["Scores"] = [
        {"Judge": "Jo Judge", "Nomination ID": n, "Criterion": c, "Score": s}
        for n, s in {"N1": 4, "N2": 4, "N3": 4, "N4": 2}.items()
        for c in ("Care", "Speed")
    ]
    if vote:
        rows["PanelVotes"] = [{"Period": "Q1 2027", "Category": "Star", **vote}]
    return rows


def _data(rows):
    return data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw", "runners_up": 2})


def _results(rows):
    return score(_data(rows)).nominations.set_index("Nomination ID")


def test_without_a_vote_the_tie_awaits_the_panel():
    from automation.tables import score_summary

    assert score_summary(score(_data(_tied_rows()))).endswith(
        "3 nominations tied for a win need a panel vote (record the panel's choice on the "
        "Appeals sheet's Panel votes table, then score again)"
    )
    res = _results(_tied_rows())
    assert set(res.loc[["N1", "N2", "N3"], "Place"]) == {"panel vote"}
    assert list(res.loc[["N1", "N2", "N3"], "Rank"]) == [1, 1, 1]


def test_the_panels_choice_wins_and_the_rest_of_the_tie_take_the_next_places():
    res = _results(
        _tied_rows(Winner="n2 ", **{"Decided on": D(2027, 4, 2), "How decided": "2 votes to 1."})
    )
    assert res.loc["N2", "Place"] == "winner" and res.loc["N2", "Rank"] == 1
    # The others of the tie share the next rank, in ID order, and fill the runner-up places.
    assert list(res.loc[["N1", "N3"], "Place"]) == ["runner-up", "runner-up"]
    assert list(res.loc[["N1", "N3"], "Rank"]) == [2, 2]
    assert res.index[0] == "N2"  # listed first of its tie
    note = (
        "Tied on 80.0% (N1, N2, N3); the panel chose N2 on 02/04/2027 "
        "(Panel votes table: 2 votes to 1)"
    )
    assert res.loc["N1", "Tie-break"] == res.loc["N2", "Tie-break"] == note
    assert pd.isna(res.loc["N4", "Place"]) and res.loc["N4", "Rank"] == 4
    assert "panel vote" not in res.loc["N2", "Flags"]


def test_why_the_winner_won_names_the_panels_vote():
    results = score(_data(_tied_rows(Winner="N3", **{"Decided on": D(2027, 4, 2)})))
    row = winners_explained(results).set_index("Nomination ID").loc["N3"]
    assert row["Place"] == "winner"
    assert "the panel chose N3 on 02/04/2027" in row["Decided by"]


def test_a_vote_for_a_nomination_not_tied_for_first_is_flagged_and_changes_nothing():
    res = _results(_tied_rows(Winner="N4", **{"Decided on": D(2027, 4, 2)}))
    assert set(res.loc[["N1", "N2", "N3"], "Place"]) == {"panel vote"}
    assert (
        "panel vote recorded but not used: this nomination is not tied for first"
        in (res.loc["N4", "Flags"])
    )


def _codes(rows) -> dict[str, list]:
    report = validate(_data(rows), today=D(2027, 4, 5))
    out: dict[str, list] = {}
    for issue in report.issues:
        if issue.sheet == "Appeals":
            out.setdefault(issue.code, []).append((issue.cell, issue.severity))
    return out


def test_a_vote_naming_an_unknown_or_another_ties_nomination_is_an_error_on_its_cell():
    rows = _tied_rows(Winner="N9", **{"Decided on": D(2027, 4, 2)})
    found = _codes(rows)
    assert list(found) == ["unknown-nomination"]
    assert found["unknown-nomination"][0][1] == "error"
    cell = found["unknown-nomination"][0][0]
    assert cell.startswith("C")  # Winner is the table's third column
    rows = _tied_rows(Winner="N1", **{"Decided on": D(2027, 4, 2)})
    rows["PanelVotes"][0]["Category"] = "Other"
    rows["Categories"].append(small.category("Other"))
    assert "panel-vote-wrong-tie" in _codes(rows)


def test_two_votes_for_one_tie_are_both_reported_and_neither_is_used():
    rows = _tied_rows(Winner="N1", **{"Decided on": D(2027, 4, 2)})
    rows["PanelVotes"].append({**rows["PanelVotes"][0], "Winner": "N2"})
    assert len(_codes(rows)["panel-vote-repeated"]) == 2
    res = _results(rows)
    assert set(res.loc[["N1", "N2", "N3"], "Place"]) == {"panel vote"}


def test_a_vote_without_its_date_is_a_required_cell():
    rows = _tied_rows(Winner="N1")
    assert "required-missing" in _codes(rows)


def test_a_tie_awaiting_the_panel_keeps_the_period_open_until_the_vote_is_recorded():
    from automation.history import results_unlocked

    def reason(rows):
        data = _data(rows)
        results = score(data)
        data.tables["Results"] = results.nominations  # as Score wrote them
        return results_unlocked(data, results, "Q1 2027")

    assert reason(_tied_rows()).startswith("a tie for first needs a panel vote (record")
    # With the vote, the tie is settled: what is left is locking the scores.
    voted = reason(_tied_rows(Winner="N1", **{"Decided on": D(2027, 4, 2)}))
    assert voted.startswith("the scores are not locked")


def test_a_vote_of_a_closed_period_names_a_nomination_now_in_history():
    rows = _tied_rows()
    rows["Periods"].append(
        {"Period": "Q4 2026", "Starts": D(2026, 10, 1), "Ends": D(2026, 12, 31), "Status": "closed"}
    )
    rows["NominationHistory"] = [
        {"ID": "H1", "Period": "Q4 2026", "Category": "Star", "Nominee": "Ann Able"}
    ]
    rows["PanelVotes"] = [
        {"Period": "Q4 2026", "Category": "Star", "Winner": "H1", "Decided on": D(2027, 1, 9)}
    ]
    assert _codes(rows) == {}
    # It has no say in the current period's tie.
    assert set(_results(rows).loc[["N1", "N2", "N3"], "Place"]) == {"panel vote"}


def test_the_score_button_says_a_tie_awaits_the_panel_even_with_no_winner_yet():
    from automation.macros import _winners

    text = _winners(score(_data(_tied_rows())))
    assert text.startswith("4 nominations ranked; no winners yet.")
    assert "3 nominations tied for a win and need a panel vote: record the panel's choice" in text


def test_a_second_row_for_a_tie_counts_as_a_repeat_even_without_a_winner():
    # Validation and scoring agree on what a repeat is: the message says none is used.
    rows = _tied_rows(Winner="N1", **{"Decided on": D(2027, 4, 2)})
    rows["PanelVotes"].append({"Period": "Q1 2027", "Category": "Star"})
    assert len(_codes(rows)["panel-vote-repeated"]) == 2
    assert set(_results(rows).loc[["N1", "N2", "N3"], "Place"]) == {"panel vote"}


def test_the_newsletter_says_an_award_awaiting_the_panel_is_still_to_be_announced(tmp_path):
    """The article left the tied award out without a word; it now says it is to come."""
    import docx

    from automation.documents import generate as g
    from automation.documents.newsletter import newsletter_fields, write_newsletter

    data = _data(_tied_rows())
    results = score(data)
    ctx = g.newsletter_context(data, results, "Q1 2027", D(2027, 4, 20))
    assert ctx.undecided == ("Star",)
    brand = g.branding(data)
    assert newsletter_fields(ctx, brand)["still_to_decide"] == (
        "The Star award will be announced once the judging panel has chosen between the "
        "nominations tied for first place."
    )
    path = write_newsletter(ctx, brand, tmp_path / "news.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "The Star award will be announced once the judging panel has chosen" in text
    # With the vote recorded, nothing is left to announce.
    decided = _data(_tied_rows(**{"Winner": "N2", "Decided on": D(2027, 4, 15)}))
    later = g.newsletter_context(decided, score(decided), "Q1 2027", D(2027, 4, 20))
    assert later.undecided == () and newsletter_fields(later, brand)["still_to_decide"] == ""
