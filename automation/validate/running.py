"""Rules for running the programme over time: appeals, consent kept too long, equity groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd

from automation.appeals import all_nominations, outcome_of
from automation.issues import ERROR, WARNING, Issue
from automation.keys import column_key, key, key_of
from automation.model import ProgrammeData
from automation.privacy import retention_cutoff, retention_months
from automation.validate.emit import row_issues


def _judged(data: ProgrammeData) -> set[tuple[str, str]]:
    """(judge, nomination ID) pairs of everyone who scored or was assigned a nomination."""
    pairs: set[tuple[str, str]] = set()
    for table in ("Scores", "Assignments", "ScoreHistory", "AssignmentHistory"):
        frame = data.tables.get(table)
        if frame is None or frame.empty:
            continue
        pairs |= set(
            zip(
                column_key(data, table, "Judge").fillna(""),
                column_key(data, table, "Nomination ID").fillna(""),
                strict=True,
            )
        )
    return pairs


def check_appeals(data: ProgrammeData) -> Iterator[Issue]:
    appeals = data.tables.get("Appeals")
    if appeals is None or appeals.empty:
        return
    known = set(key(all_nominations(data)["ID"]).dropna())
    ids = key(appeals["Nomination ID"])
    yield from row_issues(
        data,
        "Appeals",
        appeals["Nomination ID"].notna() & ~ids.isin(known),
        "Nomination ID",
        "unknown-nomination",
        ERROR,
        "{Appeal ID} is about {Nomination ID}, which is not a nomination in this workbook.",
        "Check the ID against the Nominations sheet (or the Nomination history).",
    )
    judged = _judged(data)
    pairs = pd.Series(
        list(zip(key(appeals["Reviewer"]).fillna(""), ids.fillna(""), strict=True)),
        index=appeals.index,
    )
    yield from row_issues(
        data,
        "Appeals",
        appeals["Reviewer"].notna() & pairs.map(lambda p: p in judged),
        "Reviewer",
        "reviewer-was-judge",
        ERROR,
        "{Reviewer} judged {Nomination ID}, so cannot review the appeal against it.",
        "Ask someone who did not judge that nomination (another manager, or an independent "
        "panel member) to review the appeal.",
    )
    outcome = outcome_of(appeals)
    yield from row_issues(
        data,
        "Appeals",
        outcome == "open",
        "Outcome",
        "appeal-open",
        WARNING,
        "{Appeal ID} is still open: the results it concerns cannot be made final.",
        "Review the appeal, record the outcome and the date decided.",
    )
    decided = outcome != "open"
    yield from row_issues(
        data,
        "Appeals",
        decided & appeals["Decided on"].isna(),
        "Decided on",
        "appeal-no-decision-date",
        WARNING,
        "{Appeal ID} has an outcome but no date it was decided.",
        "Add the date the outcome was decided.",
    )
    yield from row_issues(
        data,
        "Appeals",
        decided & appeals["Reviewer"].isna(),
        "Reviewer",
        "appeal-no-reviewer",
        WARNING,
        "{Appeal ID} was decided without a reviewer recorded.",
        "Record who reviewed it, so the decision can be justified.",
    )
    yield from row_issues(
        data,
        "Appeals",
        appeals["Decided on"].notna()
        & appeals["Received"].notna()
        & (appeals["Decided on"] < appeals["Received"]),
        "Decided on",
        "appeal-decided-before-received",
        ERROR,
        "{Appeal ID} was decided before it was received.",
        "Check both dates.",
    )


def check_consent_age(data: ProgrammeData, today: dt.date) -> Iterator[Issue]:
    """Consent to publish given longer ago than the retention period is a warning."""
    months = retention_months(data)  # None when out of range: check_settings reports that
    noms = data["Nominations"]
    if months is None or noms.empty:
        return
    cutoff = pd.Timestamp(retention_cutoff(data, today))
    consent = noms["Consent to publish"].fillna(False).astype(bool)
    old = consent & noms["Consent date"].notna() & (noms["Consent date"] < cutoff)
    yield from row_issues(
        data,
        "Nominations",
        old,
        "Consent date",
        "consent-expired",
        WARNING,
        lambda r: (
            f"{r['ID']}'s consent to publish dates from {r['Consent date']:%d/%m/%Y}, longer ago "
            f"than the retention period ({months} months)."
        ),
        "Ask again before publishing the quote, or run 'awards anonymise' to remove it.",
    )


def check_equity_groups(data: ProgrammeData) -> Iterator[Issue]:
    from automation.equity import groupings

    _, missing = groupings(data)
    for name in missing:
        yield Issue(
            "unknown-equity-group",
            WARNING,
            "Settings",
            f"The Equity groups setting names '{name}', which is not a column of the Staff table.",
            "Add that column to the Staff table, or correct the setting.",
            column="Value",
            value=name,
        )


def _keys(values: pd.Series) -> np.ndarray:
    """Key texts as a plain array, "" for a blank (so comparing never meets pd.NA)."""
    return np.array([k if isinstance(k, str) else "" for k in key(values)], dtype=object)


def check_panel_votes(data: ProgrammeData) -> Iterator[Issue]:
    """A panel vote must name a nomination of its own category and period, once per tie.
    (Whether that nomination was tied for first is known only when scoring: a vote that
    decides nothing is flagged on the Results sheet.)"""
    votes = data.tables.get("PanelVotes")
    if votes is None or votes.empty:
        return
    # Imported here: the scoring package imports this one (and validating needs no scoring).
    from automation.scoring.panel_votes import repeated_votes

    noms = all_nominations(data, ("ID", "Period", "Category")).dropna(subset=["ID"])
    noms = noms.assign(_id=key(noms["ID"])).drop_duplicates("_id").set_index("_id")
    winner = key(votes["Winner"])
    named = votes["Winner"].notna()
    known = winner.isin(noms.index)
    yield from row_issues(
        data,
        "PanelVotes",
        named & ~known,
        "Winner",
        "unknown-nomination",
        ERROR,
        "The panel vote for {Category} ({Period}) names {Winner}, which is not a nomination "
        "in this workbook.",
        "Type the ID the Results sheet shows for the nomination the panel chose.",
    )
    found = noms.reindex(winner.where(known))
    elsewhere = (
        named
        & known
        & (
            (_keys(found["Period"]) != _keys(votes["Period"]))
            | (_keys(found["Category"]) != _keys(votes["Category"]))
        )
    )
    yield from row_issues(
        data,
        "PanelVotes",
        elsewhere,
        "Winner",
        "panel-vote-wrong-tie",
        ERROR,
        lambda r: (
            f"The panel vote for {r['Category']} ({r['Period']}) names {r['Winner']}, a "
            f"nomination for {found.loc[key_of(r['Winner']), 'Category']} "
            f"({found.loc[key_of(r['Winner']), 'Period']})."
        ),
        "Check the ID, the Category and the Period of the vote against the Results sheet.",
    )
    yield from row_issues(
        data,
        "PanelVotes",
        repeated_votes(votes),
        "Category",
        "panel-vote-repeated",
        ERROR,
        "{Category} ({Period}) has more than one panel vote, so none of them is used.",
        "Keep the one row the panel agreed and delete the others.",
    )


def check_running(data: ProgrammeData, today: dt.date) -> Iterator[Issue]:
    yield from check_appeals(data)
    yield from check_panel_votes(data)
    yield from check_consent_age(data, today)
    yield from check_equity_groups(data)
