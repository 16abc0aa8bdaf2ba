"""Why each winner won: the Results sheet's WinnersExplained table, the Judging sheet's
JudgeEffects table and the evaluation report's rows, checked against the scores."""

from __future__ import annotations

import pandas as pd
import pytest

from automation import schema
from automation.documents.generate import evaluation_context
from automation.documents.winners_explained import winner_explanations
from automation.scoring import score
from automation.scoring.explain import winners_explained
from automation.tables import results_tables
from tests.support import small
from tests.support.factory import data_from_rows


@pytest.fixture(scope="module")
def example_results(example_data):
    return score(example_data)


def test_every_winner_is_explained_from_its_own_scores(example_results):
    table = winners_explained(example_results)
    winners = example_results.winners
    assert sorted(table["Nomination ID"]) == sorted(winners["Nomination ID"])
    noms = example_results.nominations
    effects = example_results.effects.set_index(["Category", "Judge"])
    for _, row in table.iterrows():
        basis = {"raw": "Raw score", "normalised": "Normalised score"}.get(
            row["Ranked on"], "Adjusted score"
        )
        group = noms[(noms["Category"] == row["Category"]) & (noms["Period"] == row["Period"])]
        runner = group[group["Rank"] == 2].iloc[0]
        assert row["Next best"] == f"{runner['Nominee']} ({runner['Nomination ID']})"
        won = group.set_index("Nomination ID").loc[row["Nomination ID"]]
        assert row["Margin (points)"] == pytest.approx((won[basis] - runner[basis]) * 100)
        assert row["Decided by"].startswith(f"higher {row['Ranked on']} score: ")
        # Every counted judge is listed with the leniency the Judging sheet shows.
        panel = example_results.panel
        counted = panel[
            (panel["Nomination ID"] == row["Nomination ID"]) & (panel["Counted"] == "yes")
        ]
        text = row["By judge, with leniency"]
        assert text.count("leniency") == len(counted)
        for judge in counted["Judge"]:
            lv = round(effects.loc[(row["Category"], judge), "Leniency"] * 100, 1) + 0.0
            assert f"{judge} " in text and f"leniency {lv:+.1f}" in text


def test_a_leniency_that_rounds_to_zero_reads_plus_zero():
    from automation.scoring.explain import _points

    assert _points(-0.0004) == "+0.0"
    assert _points(-0.0006) == "-0.1"
    assert _points(0.0) == "+0.0"
    assert _points(0.0123) == "+1.2"


def test_tables_have_the_schema_columns(example_results):
    tables = results_tables(example_results)
    for name in ("WinnersExplained", "JudgeEffects"):
        assert list(tables[name].columns) == list(schema.TABLE_BY_NAME[name].names)
    effects = tables["JudgeEffects"]
    # One row per judge and category, leniency in points, and adding to 0 per category.
    assert not effects.duplicated(["Category", "Judge"]).any()
    assert effects.groupby("Category")["Leniency (points)"].sum().abs().max() < 1e-9
    assert (effects["Uncertainty (points)"] > 0).all()
    # The example's harsh and lenient judges are found (the Judging sheet's Tendency agrees).
    by_judge = effects.groupby("Judge")["Leniency (points)"].mean()
    assert by_judge.idxmin() == "Aisha Rahman" and by_judge.idxmax() == "Marcus Bell"


def test_tie_break_rule_is_the_explanation():
    rows = small.rows()
    rows["Categories"][0]["Min judges"] = 1
    rows["Scores"] = [
        {"Judge": "Jo Judge", "Nomination ID": n, "Criterion": c, "Score": s}
        for n, pair in {"N1": (4, 4), "N2": (5, 2.5), "N3": (3, 3)}.items()
        for c, s in zip(("Care", "Speed"), pair, strict=True)
    ]
    results = score(data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw"}))
    row = winners_explained(results).iloc[0]
    assert row["Nomination ID"] == "N2"
    assert row["Decided by"] == "tie-break rule: criteria in tie-break order"
    assert row["Margin (points)"] == pytest.approx(0)


def test_panel_vote_rows_are_explained_too():
    rows = small.rows()
    rows["Categories"][0].update(
        {"Min judges": 1, "Tie-break 1": "panel vote", "Tie-break 2": None}
    )
    rows["Scores"] = [
        {"Judge": "Jo Judge", "Nomination ID": n, "Criterion": c, "Score": s}
        for n, pair in {"N1": (4, 4), "N2": (4, 4), "N3": (1, 1)}.items()
        for c, s in zip(("Care", "Speed"), pair, strict=True)
    ]
    table = winners_explained(score(data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw"})))
    assert set(table["Place"]) == {"panel vote"} and len(table) == 2
    assert table["Decided by"].str.contains("panel decides").all()


def test_winner_below_an_ineligible_nomination_says_so():
    rows = small.rows()
    rows["Categories"][0]["Min judges"] = 3
    rows["Scores"] = [
        r for r in rows["Scores"] if not (r["Nomination ID"] == "N1" and r["Judge"] == "Jo Judge")
    ]
    results = score(data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw"}))
    row = winners_explained(results).iloc[0]
    assert row["Nomination ID"] != "N1"
    assert "N1" in row["Decided by"] and "could not be placed" in row["Decided by"]


def test_next_best_is_another_nominee():
    """The winner's own second nomination (its nominee typed differently) is not the next
    best: the first nomination below of another nominee is, and the margin is to it."""
    rows = small.rows()
    rows["Nominations"][2]["Nominee"] = "ann able "  # N3 (0.64) is Ann's too; N2 is 0.6
    results = score(data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw"}))
    row = winners_explained(results).iloc[0]
    assert row["Nomination ID"] == "N1"
    assert row["Next best"] == "Ben Best (N2)"
    assert row["Margin (points)"] == pytest.approx((0.92 - 0.6) * 100)
    assert row["Decided by"] == "higher raw score: 32.0 points ahead of Ben Best"


def test_evaluation_report_rows_match_the_sheet(example_data, example_results, today):
    period = str(example_results.winners["Period"].iloc[0])
    rows = winner_explanations(example_results, period)
    sheet = winners_explained(example_results)
    assert [r["nominee"] for r in rows] == list(sheet["Nominee"])
    assert all(
        r["judges"] == j.replace("leniency -", "leniency \u2212")
        for r, j in zip(rows, sheet["By judge, with leniency"], strict=True)
    )
    # Names keep their capitals (the sentence's first letter is raised, nothing lowered).
    for r, decided in zip(rows, sheet["Decided by"], strict=True):
        assert r["decided_by"][1:] == decided[1:] and r["decided_by"][0].isupper()
    assert rows[0]["scores"].startswith("Raw ") and "Ranked on the" in rows[0]["scores"]
    ctx = evaluation_context(example_data, example_results, period, today)
    assert ctx.winner_explanations == rows
    assert winner_explanations(example_results, "no such period") == []


def test_no_winners_no_rows():
    rows = small.rows()
    rows["Scores"] = []
    results = score(data_from_rows(rows, small.SETTINGS))
    assert winners_explained(results).empty
    assert isinstance(results.to_tables()["JudgeEffects"], pd.DataFrame)


def _row(name: str, raw: float, normalised: float, adjusted: float, **more) -> pd.Series:
    return pd.Series(
        {
            "Nominee": name,
            "Nomination ID": name[0],
            "Place": more.get("place"),
            "Tie-break": "",
            "Rank": more.get("rank", 1),
            "Raw score": raw,
            "Normalised score": normalised,
            "Adjusted score": adjusted,
        }
    )


@pytest.mark.parametrize(
    ("rival", "said"),
    [
        # A clear lead that every score agrees with: nothing more to say.
        ((0.80, 0.81, 0.82), "higher judge-effect score: 8.0 points ahead of Ben"),
        # A narrow lead: whether the other scores agree tells how sure it is.
        (
            (0.85, 0.86, 0.8996),
            "higher judge-effect score: 0.04 points ahead of Ben, a narrow lead; Ann is also "
            "ahead on the raw and normalised scores",
        ),
        # Behind on one score and level on another: the way of ranking decided it.
        (
            (0.92, 0.88, 0.85),
            "higher judge-effect score: 5.0 points ahead of Ben; on the raw score Ben is ahead "
            "by 2.0 points; on the normalised score the two are level, so ranking on the "
            "judge-effect score decided it",
        ),
    ],
)
def test_decided_by_says_how_the_other_scores_compare(rival, said):
    from automation.scoring.explain import _decided_by

    ann, ben = _row("Ann", 0.90, 0.88, 0.90, place="winner"), _row("Ben", *rival, rank=2)
    margin = (ann["Adjusted score"] - ben["Adjusted score"]) * 100
    assert _decided_by(ann, "judge-effect", ben, margin, ann.to_frame().T.iloc[0:0]) == said


def test_a_score_not_worked_out_is_not_compared():
    from automation.scoring.explain import _decided_by

    ann = _row("Ann", 0.90, float("nan"), 0.905, place="winner")
    ben = _row("Ben", 0.95, 0.90, 0.90, rank=2)
    text = _decided_by(ann, "judge-effect", ben, 0.5, ann.to_frame().T.iloc[0:0])
    assert "normalised" not in text
    assert text.endswith(
        "on the raw score Ben is ahead by 5.0 points, so ranking on the "
        "judge-effect score decided it"
    )


def test_the_example_says_when_the_way_of_ranking_decided_a_winner(example_results):
    noms = example_results.nominations.set_index("Nomination ID")
    for _, row in winners_explained(example_results).iterrows():
        won = noms.loc[row["Nomination ID"]]
        rival = noms.loc[row["Next best"].rsplit(" (", 1)[1].rstrip(")")]
        behind = [
            c
            for c in ("Raw score", "Normalised score", "Adjusted score")
            if round(won[c] - rival[c], 11) <= 0
        ]
        decided = "decided it" in row["Decided by"]
        assert decided == bool(behind), row["Decided by"]
        assert ("a narrow lead" in row["Decided by"]) == (not behind and row["Margin (points)"] < 1)
