"""The newsletter article: reviewed text, consent for quotes, wording for one or many winners."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docx

from automation.documents.newsletter import (
    headline,
    newsletter_fields,
    standfirst,
    write_newsletter,
)
from tests.documents_sample import (
    APPRENTICE,
    BRANDING,
    CUSTOMER_CHOICE,
    HERO,
    HERO_RUNNER_UP,
    NEWSLETTER,
    TEAM,
    check_golden,
    describe_docx,
)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_newsletter_matches_reviewed_text(tmp_path: Path) -> None:
    path = write_newsletter(NEWSLETTER, BRANDING, tmp_path / "newsletter.docx")
    check_golden("newsletter.txt", describe_docx(path))


def test_customer_quote_appears_only_with_consent(tmp_path: Path) -> None:
    text = _text(write_newsletter(NEWSLETTER, BRANDING, tmp_path / "n.docx"))
    assert "Ann treated me like a person" in text  # consent recorded
    assert text.count("quoted with their permission") == 2  # Ann and Leah only
    no_consent = dataclasses.replace(
        NEWSLETTER, awards=[dataclasses.replace(HERO, customer_quote=None)]
    )
    text = _text(write_newsletter(no_consent, BRANDING, tmp_path / "n2.docx"))
    assert "Ann treated me like a person" not in text
    assert "permission" not in text


def test_customers_own_evidence_is_not_published(tmp_path: Path) -> None:
    text = _text(write_newsletter(NEWSLETTER, BRANDING, tmp_path / "n.docx"))
    assert "my mum's account" not in text  # customer's nomination text, no consent to publish
    assert "Six customers put Leah O'Brien" in text


def test_runners_up_are_named_once_after_the_winners() -> None:
    ctx = dataclasses.replace(NEWSLETTER, awards=[HERO, HERO_RUNNER_UP])
    fields = newsletter_fields(ctx, BRANDING)
    assert [w["nominee"] for w in fields["winners"]] == ["Ann Patel"]
    assert fields["commended"] == (
        "The judges also highly commended Tomasz Nowak (Customer Hero of the Month), who "
        "received a certificate of commendation."
    )


def test_single_winner_headline_and_standfirst() -> None:
    ctx = dataclasses.replace(NEWSLETTER, awards=[HERO], nominations_received=1)
    assert headline(ctx) == "Ann Patel wins Customer Hero of the Month"
    assert standfirst(ctx) == (
        "Ann Patel is our Customer Hero of the Month for October 2026, chosen from one nomination."
    )


def test_standfirst_counts_people_and_teams() -> None:
    ctx = dataclasses.replace(NEWSLETTER, awards=[HERO, TEAM])
    assert standfirst(ctx).startswith(
        "One colleague and one team were recognised at our October 2026 awards on 23 November"
    )
    ctx = dataclasses.replace(NEWSLETTER, awards=[HERO, APPRENTICE, CUSTOMER_CHOICE])
    assert standfirst(ctx).startswith("Three colleagues were recognised")


def test_one_person_who_won_two_awards_is_named_once() -> None:
    """Luca Rossi won Customer Hero and Customers' Choice in one period: the headline read
    "Luca Rossi, Luca Rossi and the Billing team win", the standfirst "Two colleagues"."""
    twice = dataclasses.replace(CUSTOMER_CHOICE, nominee=HERO.nominee)
    ctx = dataclasses.replace(NEWSLETTER, awards=[HERO, twice, TEAM])
    assert headline(ctx) == f"{HERO.nominee} and the {TEAM.nominee} win our October 2026 awards"
    assert standfirst(ctx).startswith("One colleague and one team were recognised")
    alone = dataclasses.replace(NEWSLETTER, awards=[HERO, twice])
    both = f"{HERO.category} and {CUSTOMER_CHOICE.category}"
    assert headline(alone) == f"{HERO.nominee} wins {both}"
    assert standfirst(alone).startswith(f"{HERO.nominee} is our {both} for October 2026, chosen")


def test_plurals_and_dates_in_thanks_and_next_steps() -> None:
    ctx = dataclasses.replace(
        NEWSLETTER, nominators=1, nominations_received=1, customer_nominations=0,
        next_deadline=None, how_to_nominate="email awards@northgate.example.",
    )  # fmt: skip
    fields = newsletter_fields(ctx, BRANDING)
    assert fields["thanks"].startswith("Thank you to the person who nominated")
    assert "customer" not in fields["thanks"]
    thanks = newsletter_fields(NEWSLETTER, BRANDING)["thanks"]
    # Each figure says what it counts: nominations, the people who sent them, customers' share.
    assert "all 48 nominations for October 2026, sent in by 31 different nominators" in thanks
    assert "Customers sent 12 of the 48" in thanks
    assert fields["next_time"] == (
        "To nominate a colleague or a team, email awards@northgate.example."
    )
    assert newsletter_fields(NEWSLETTER, BRANDING)["next_time"].startswith(
        "Nominations for the next round close on 30 November 2026."
    )


def test_future_ceremony_is_written_in_the_future_tense() -> None:
    ctx = dataclasses.replace(NEWSLETTER, published_on=HERO.presented_on.replace(day=1))
    prize = newsletter_fields(ctx, BRANDING)["winners"][0]["prize"]
    assert prize == (
        "Ann will receive a framed certificate, a £50 voucher and reserved parking for a month "
        "at the ceremony on 23 November 2026, where Priya Shah will present the award."
    )


def _article(ctx) -> str:
    fields = newsletter_fields(ctx, BRANDING)
    parts = [fields["standfirst"], fields["commended"]]
    for w in fields["winners"]:
        parts += [w["story"], w["prize"]]
    return " ".join(parts)


def test_one_tense_for_a_past_or_coming_ceremony() -> None:
    ctx = dataclasses.replace(NEWSLETTER, awards=[*NEWSLETTER.awards, HERO_RUNNER_UP])
    past = _article(ctx)
    assert " will " not in past and "were recognised" in past
    coming = _article(dataclasses.replace(ctx, published_on=HERO.presented_on.replace(day=1)))
    assert " received " not in coming and "presented the award" not in coming
    assert "will be recognised" in coming and "will receive" in coming


def test_sections_open_differently_and_say_what_was_done() -> None:
    fields = newsletter_fields(NEWSLETTER, BRANDING)
    openings = [w["story"].split()[0] for w in fields["winners"]]
    assert len(set(openings[:3])) == 3  # no run of sections starting alike
    text = _article(NEWSLETTER)
    assert "received 1 nomination" not in text and "received 3 nominations" not in text
    hero = fields["winners"][0]["story"]
    assert "stayed on the line for forty minutes" in hero  # drawn from the evidence


def test_article_promises_nothing_the_programme_does_not_do() -> None:
    fields = newsletter_fields(NEWSLETTER, BRANDING)
    assert "hear from their manager" not in fields["thanks"]


def test_a_prize_typed_with_a_capital_reads_inside_the_sentence() -> None:
    hero = dataclasses.replace(HERO, award_description="A framed certificate")
    ctx = dataclasses.replace(
        NEWSLETTER, awards=[hero], published_on=HERO.presented_on.replace(day=1)
    )
    prize = newsletter_fields(ctx, BRANDING)["winners"][0]["prize"]
    assert prize.startswith("Ann will receive a framed certificate at the ceremony")


def test_a_customers_first_person_evidence_is_neither_cited_nor_retold() -> None:
    """A customer who wrote "sorted out my late refund" is not quoted as if the article said
    it; with nothing else to say, the story is the opening alone."""
    from automation.documents.citation import citation, said_of
    from automation.documents.generate import unsaid_notes
    from automation.documents.newsletter import winner_fields

    award = dataclasses.replace(
        HERO,
        evidence="Sorted out my late refund in one call and rang back as promised.",
        nominated_by=("customer",),
        customer_quote=None,
    )
    assert said_of(award) == ""
    assert citation(award).startswith("In recognition of outstanding service")
    story = winner_fields(award, NEWSLETTER)["story"]
    assert "my late refund" not in story and "In recognition" not in story
    assert story.startswith("Ann Patel")
    (note,) = unsaid_notes([award])
    assert "Ann Patel" in note and "Citation column of the Nominations sheet" in note
    assert unsaid_notes([HERO]) == []


def test_a_citation_that_opens_with_its_verb_gets_the_nominee_as_subject() -> None:
    from automation.documents.newsletter import winner_fields

    award = dataclasses.replace(HERO, citation="Covered three shifts without being asked.")
    story = winner_fields(award, NEWSLETTER)["story"]
    assert "Ann covered three shifts without being asked." in story
    team = dataclasses.replace(TEAM, citation="Ran lunchtime sessions on the new billing system.")
    assert "The team ran lunchtime sessions" in winner_fields(team, NEWSLETTER)["story"]
    # A citation that already has its subject is left as it is.
    named = dataclasses.replace(HERO, citation="Ann stayed on the line for forty minutes.")
    assert "Ann stayed on the line for forty minutes." in winner_fields(named, NEWSLETTER)["story"]
