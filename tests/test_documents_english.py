"""British English helpers, citations and file names."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from automation.documents.citation import citation, split_sentences, summary, trim_sentence
from automation.documents.english import (
    count_of,
    join_list,
    long_date,
    mid_sentence,
    money,
    plural,
)
from automation.documents.filenames import slugify, unique_stem
from tests.documents_sample import HERO


@pytest.mark.parametrize(
    ("day", "text"),
    [(date(2026, 11, 23), "23 November 2026"), (date(2026, 3, 1), "1 March 2026")],
)
def test_long_date_has_no_leading_zero(day: date, text: str) -> None:
    assert long_date(day) == text


@pytest.mark.parametrize(
    ("items", "text"),
    [([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")],
)
def test_join_list_without_oxford_comma(items: list[str], text: str) -> None:
    assert join_list(items) == text


def test_plurals() -> None:
    assert count_of(1, "nomination") == "1 nomination"
    assert count_of(2, "nomination") == "2 nominations"
    assert count_of(0, "nomination") == "0 nominations"
    assert count_of(1204, "nomination") == "1,204 nominations"
    assert plural("person", 3) == "people"
    assert plural("category", 2) == "categories"
    assert plural("box", 2) == "boxes"


def test_money() -> None:
    assert money(1250) == "£1,250"
    assert money(49.5) == "£49.50"
    assert money(-23.5) == "\u2212£23.50"
    assert money(-0.001) == "£0"


def test_sentences_split_at_real_ends_only() -> None:
    text = "Mr. Smith rang at 9.30 about a £4.50 refund, e.g. the fee. Ann fixed it! Was it J. Bloggs? Yes"
    assert split_sentences(text) == [
        "Mr. Smith rang at 9.30 about a £4.50 refund, e.g. the fee.",
        "Ann fixed it!",
        "Was it J. Bloggs?",
        "Yes",
    ]


def test_citation_is_the_first_sentence() -> None:
    assert citation(HERO) == (
        "Ann stayed on the line for forty minutes with an elderly customer whose direct debit "
        "had failed twice, set up a payment plan and rang her back the next morning to check "
        "the letter had arrived."
    )


def test_citation_adds_a_full_stop_and_capital() -> None:
    award = dataclasses.replace(HERO, evidence="  always   calm with\nangry callers  ")
    assert citation(award) == "Always calm with angry callers."


def test_long_sentence_stops_at_a_clause() -> None:
    sentence = (
        "Ann stayed on the line for ninety minutes with an elderly customer whose heating had "
        "failed in the middle of a cold snap, arranged an emergency engineer through our partner "
        "network and then called back the following morning to make sure everything was working"
    )
    assert trim_sentence(sentence, 200) == (
        "Ann stayed on the line for ninety minutes with an elderly customer whose heating had "
        "failed in the middle of a cold snap."
    )


def test_long_sentence_without_clauses_stops_between_words() -> None:
    sentence = "Ann " + "really " * 40 + "helped the customer"
    trimmed = trim_sentence(sentence, 100)
    assert len(trimmed) <= 100
    assert trimmed.endswith("really…")
    assert all(word in {"Ann", "really", "really…"} for word in trimmed.split())


def test_trimmed_sentence_drops_dangling_words() -> None:
    sentence = "Jordan rewrote the script for the retention team and the " + "x" * 200
    assert trim_sentence(sentence, 80) == "Jordan rewrote the script for the retention team…"


def test_empty_evidence_gets_a_plain_citation() -> None:
    assert citation(dataclasses.replace(HERO, evidence=" ")) == (
        "In recognition of outstanding service to our customers in October 2026."
    )


def test_summary_keeps_two_sentences() -> None:
    assert summary("One. Two. Three.") == "One. Two."


def test_slugs_and_unique_names() -> None:
    assert slugify("Zoë & Bob's Team") == "zoe-bob-s-team"
    assert slugify("<>") == "item"
    assert slugify("CON") == "con"
    taken: set[str] = set()
    assert unique_stem(["Hero", "Ann"], taken) == "hero-ann"
    assert unique_stem(["Hero", "ANN"], taken) == "hero-ann-2"
    assert len(slugify("x" * 500)) <= 60


@pytest.mark.parametrize(
    ("typed", "inside"),
    [
        ("A framed certificate", "a framed certificate"),
        ("The trophy for a month", "the trophy for a month"),
        ("Two cinema tickets", "two cinema tickets"),
        ("Amazon vouchers", "Amazon vouchers"),  # a name keeps its capital
        ("£75 and a card", "£75 and a card"),
        ("THE trophy", "THE trophy"),  # capitals typed on purpose are left alone
        ("a certificate", "a certificate"),
        ("A", "A"),
    ],
)
def test_mid_sentence_lowers_only_a_leading_article_or_number(typed: str, inside: str) -> None:
    assert mid_sentence(typed) == inside


def test_count_in_words_spells_out_numbers_under_ten():
    from automation.documents.english import count_in_words

    assert count_in_words(1, "nomination") == "one nomination"
    assert count_in_words(2, "criterion") == "two criteria"
    assert count_in_words(12, "row") == "12 rows"
    assert count_in_words(1204, "score") == "1,204 scores"


def test_weekday_date_has_no_leading_zero():
    import datetime as dt

    from automation.documents.english import weekday_date

    assert weekday_date(dt.date(2036, 12, 5)) == "Friday 5 December 2036"
