"""The newsletter article announcing a period's winners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from automation.documents.citation import summary
from automation.documents.context import Award, Branding, NewsletterContext
from automation.documents.english import (
    capitalise_first,
    count_of,
    first_name,
    join_list,
    long_date,
    number_words,
    plural,
)
from automation.documents.render import DEFAULT_TEMPLATE_DIR, DocxRenderer, clean_text


def _line(text: str) -> str:
    return clean_text(text, single_line=True)


def _sentence(text: str) -> str:
    text = _line(text).rstrip()
    return text if not text or text[-1] in ".!?" else text + "."


def headline(ctx: NewsletterContext) -> str:
    """One winner: ``Ann Patel wins Customer Hero of the Month``; several: a round-up."""
    if len(ctx.awards) == 1:
        award = ctx.awards[0]
        return f"{_line(award.nominee)} wins {_line(award.category)}"
    return f"Meet our {_line(ctx.period)} award winners"


def standfirst(ctx: NewsletterContext) -> str:
    """The bold opening sentence: who was recognised, out of how many nominations."""
    people = sum(1 for award in ctx.awards if not award.is_team)
    teams = len(ctx.awards) - people
    who = join_list(
        [f"{number_words(people)} {plural('colleague', people)}"] * bool(people)
        + [(f"{number_words(teams)} {plural('team', teams)}" if teams > 1 else "one team")]
        * bool(teams)
    )
    out_of = f"chosen from {count_of(ctx.nominations_received, 'nomination')}"
    if len(ctx.awards) == 1:
        award = ctx.awards[0]
        return _sentence(
            f"{_line(award.nominee)} is our {_line(award.category)} for {_line(ctx.period)}, "
            f"{out_of}"
        )
    if not ctx.awards:
        return _sentence(f"Our {_line(ctx.period)} awards, {out_of}")
    verb = "is" if people + teams == 1 else "are"
    return _sentence(
        f"{capitalise_first(who)} {verb} recognised in our {_line(ctx.period)} awards, {out_of}"
    )


def _story(award: Award) -> str:
    if award.is_team:
        name = _line(award.nominee)
        if not name.lower().endswith("team"):
            name += " team"
        lead = name if name.lower().startswith("the ") else f"The {name}"
        if award.site:
            lead += f" in {_line(award.site)}"
    else:
        where = ", ".join(_line(part) for part in (award.team, award.site) if part)
        lead = f"{_line(award.nominee)}" + (f" ({where})" if where else "")
    nominations = count_of(award.nomination_count, "nomination")
    if award.award_kind == "customer-nominated":
        # Customers' own words are published only as the consented quote, never as evidence.
        return f"{lead} received {nominations} from customers."
    return f"{lead} received {nominations}. {summary(award.evidence or '')}".strip()


def _prize(award: Award, published_on: Any) -> str:
    who = "The team" if award.is_team else (first_name(award.nominee) or _line(award.nominee))
    text = f"{who} receives {_line(award.award_description)}" if award.award_description else ""
    text = _sentence(text) if text else ""
    if award.presented_on:
        when = long_date(award.presented_on)
        past = award.presented_on <= published_on
        if award.presented_by:
            verb = "presented" if past else "will present"
            text += f" {_line(award.presented_by)} {verb} the award on {when}."
        else:
            text += f" The award {'was' if past else 'will be'} presented on {when}."
    return text.strip()


def winner_fields(award: Award, published_on: Any) -> dict[str, Any]:
    """The plain values for one winner's section (the template's ``w``)."""
    return {
        "category": _line(award.category),
        "nominee": _line(award.nominee),
        "team": _line(award.team),
        "site": _line(award.site),
        "story": _story(award),
        # Only a quote the customer agreed to publish ever reaches the article.
        "customer_quote": _line(award.customer_quote) if award.customer_quote else "",
        "quote_attribution": "A customer, quoted with their permission",
        "prize": _prize(award, published_on),
        "nominations": award.nomination_count,
    }


def newsletter_fields(ctx: NewsletterContext, branding: Branding) -> dict[str, Any]:
    """Everything the newsletter template shows, as plain values."""
    thanks = (
        f"Thank you to the {count_of(ctx.nominators, 'person')} who sent in "
        f"{count_of(ctx.nominations_received, 'nomination')} for {_line(ctx.period)}"
    )
    if ctx.customer_nominations:
        thanks += f", {ctx.customer_nominations:,} of them from customers"
    thanks += (
        ". Every nomination was read and scored by the judging panel, and every nominee will "
        "hear from their manager about what was said."
    )
    how = _line(ctx.how_to_nominate).rstrip(".") or "ask your team leader"
    # It follows "To nominate someone, ": lower-case a leading capital unless it is an acronym.
    if len(how) > 1 and how[0].isupper() and not how[1].isupper():
        how = how[0].lower() + how[1:]
    next_time = f"To nominate a colleague or a team, {how}."
    if ctx.next_deadline:
        next_time = f"Nominations for the next round close on {long_date(ctx.next_deadline)}. " + (
            next_time
        )
    return {
        "organisation": _line(branding.organisation),
        "period": _line(ctx.period),
        "published_on": ctx.published_on,
        "headline": headline(ctx),
        "standfirst": standfirst(ctx),
        "winners": [
            winner_fields(award, ctx.published_on) for award in ctx.awards if award.is_winner
        ],
        "thanks": thanks,
        "next_time": next_time,
    }


def write_newsletter(
    ctx: NewsletterContext,
    branding: Branding,
    out_path: Path,
    *,
    template: Path | None = None,
) -> Path:
    """Write the newsletter article .docx and return its path."""
    renderer = DocxRenderer(
        Path(template) if template else DEFAULT_TEMPLATE_DIR / "newsletter.docx",
        branding.primary_colour,
        branding.accent_colour,
    )
    return renderer.render(newsletter_fields(ctx, branding), Path(out_path))
