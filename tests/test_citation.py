"""Citations: the manager's own sentence wins; otherwise the tool proposes what the nominee did."""

from __future__ import annotations

import dataclasses

import pytest

from automation.documents.citation import citation, propose
from automation.documents.mail import compose_emails
from tests.documents_sample import BRANDING, CUSTOMER_CHOICE, HERO


@pytest.mark.parametrize(
    ("evidence", "nominee", "expected"),
    [
        (  # the first sentence is the customer's problem, the second what was done
            "Aoife took a call from a customer whose direct debit had failed three times. "
            "They kept the customer updated at every step and followed up a week later.",
            "Aoife Byrne",
            "Aoife kept the customer updated at every step and followed up a week later.",
        ),
        (  # a problem the nominee acted on is the achievement
            "Rhys sorted out a broadband fault that two earlier calls had not fixed. "
            "The customer has since renewed their contract.",
            "Rhys Whitfield",
            "Rhys sorted out a broadband fault that two earlier calls had not fixed.",
        ),
        (  # the name need not be the first word; a sentence leaning on "it" loses
            "In their first year Jordan rewrote the cancellation script; retention rose from 31% "
            "to 38%. Jordan now coaches new starters on it.",
            "Jordan Hughes",
            "In their first year Jordan rewrote the cancellation script; retention rose from 31% "
            "to 38%.",
        ),
        (  # the nominator's own voice ("helped me with my bill") is not proposed
            "Ann helped me with my bill in one call. Ann also found the same error on three "
            "other accounts and fixed them all.",
            "Ann Patel",
            "Ann also found the same error on three other accounts and fixed them all.",
        ),
        (
            "Sam took a call. They were calm and kind throughout the long call.",
            "Sam Lee",
            "Sam was calm and kind throughout the long call.",
        ),
    ],
)
def test_proposal_says_what_the_nominee_did(evidence: str, nominee: str, expected: str) -> None:
    assert propose(evidence, nominee) == expected


def test_customer_award_proposes_the_consented_quote() -> None:
    assert citation(CUSTOMER_CHOICE) == "Leah made a stressful week so much easier. Thank you!"
    no_consent = dataclasses.replace(CUSTOMER_CHOICE, customer_quote=None)
    assert "stressful week" not in citation(no_consent)


def test_managers_citation_is_used_everywhere() -> None:
    own = dataclasses.replace(HERO, citation="Ann turned a distressing call into a payment plan")
    assert citation(own) == "Ann turned a distressing call into a payment plan."
    messages = compose_emails([own], BRANDING).messages
    bodies = [m.get_body(("plain",)).get_content() for m in messages]
    assert all("Ann turned a distressing call into a payment plan." in b for b in bodies)


def test_results_sheet_shows_the_citation_of_each_placed_nomination(example_data) -> None:
    from automation.scoring import score
    from automation.tables import results_tables

    table = results_tables(score(example_data), example_data)["Results"]
    placed = table[table["Place"].isin(["winner", "runner-up"])]
    assert placed["Citation"].notna().all() and placed["Citation"].str.len().gt(20).all()
    assert table.loc[~table.index.isin(placed.index), "Citation"].isna().all()
