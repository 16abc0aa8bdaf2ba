"""The newsletter article announcing a period's winners, written as an internal-comms editor would.

What a reader of a staff newsletter expects, and what these functions keep to:

- each winner's section says what they did (the certificate's citation, then one more
  sentence of the nomination when a colleague or manager wrote it); customers' own words
  appear only as a quote they agreed to publish;
- the sections do not all open the same way: each takes the next of a few sentence shapes;
- one tense throughout, decided by the ceremony date against the publication date: "were
  presented" once it has happened, "will receive" before;
- runners-up are named, once, in their own short section;
- the figures say what they count ("60 nominations from 42 different nominators, 31 of them
  from customers"), and the article promises nothing the programme does not do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from automation.documents.citation import first_person, said_of, split_sentences, trim_sentence
from automation.documents.context import Award, Branding, NewsletterContext
from automation.documents.english import (
    capitalise_first,
    count_in_words,
    count_of,
    first_name,
    join_list,
    long_date,
    mid_sentence,
    number_words,
    plural,
)
from automation.documents.render import DEFAULT_TEMPLATE_DIR, DocxRenderer, clean_text


def _line(text: str) -> str:
    return clean_text(text, single_line=True)


def _sentence(text: str) -> str:
    text = _line(text).rstrip()
    return text if not text or text[-1] in ".!?" else text + "."


def _winners(ctx: NewsletterContext) -> list[Award]:
    return [award for award in ctx.awards if award.is_winner]


def _runners_up(ctx: NewsletterContext) -> list[Award]:
    return [award for award in ctx.awards if not award.is_winner]


def team_name(award: Award) -> str:
    """``the Retentions team``; a name that already says "team" is not doubled."""
    name = _line(award.nominee)
    if not name.lower().endswith("team"):
        name += " team"
    return name if name.lower().startswith("the ") else f"the {name}"


def _who(award: Award) -> str:
    """How an award's nominee is named in running text."""
    return team_name(award) if award.is_team else _line(award.nominee)


def _ceremony(ctx: NewsletterContext) -> tuple[date | None, bool]:
    """The period's ceremony date and whether it had happened by publication."""
    days = sorted({a.presented_on for a in _winners(ctx) if a.presented_on})
    when = days[0] if days else None
    return when, bool(when and when <= ctx.published_on)


def _distinct(awards: list[Award]) -> list[Award]:
    """The first award of each winner: one person who won two awards is one winner."""
    seen: dict[tuple[bool, str], Award] = {}
    for award in awards:
        seen.setdefault((award.is_team, _line(award.nominee).casefold()), award)
    return list(seen.values())


def headline(ctx: NewsletterContext) -> str:
    """One winner: ``Ann Patel wins Customer Hero of the Month``; several: the names."""
    winners = _winners(ctx)
    who = _distinct(winners)
    if len(who) == 1:
        categories = join_list(_line(a.category) for a in winners)
        return f"{_line(who[0].nominee)} wins {categories}"
    if 2 <= len(who) <= 3:
        names = capitalise_first(join_list(_who(a) for a in who))
        return f"{names} win our {_line(ctx.period)} awards"
    return f"Meet our {_line(ctx.period)} award winners"


def standfirst(ctx: NewsletterContext) -> str:
    """The bold opening: who was recognised, out of how many nominations, and when."""
    winners = _winners(ctx)
    out_of = f"chosen from {count_in_words(ctx.nominations_received, 'nomination')}"
    if not winners:
        return _sentence(f"Our {_line(ctx.period)} awards, {out_of}")
    when, past = _ceremony(ctx)
    who = _distinct(winners)
    if len(who) == 1:
        categories = join_list(_line(a.category) for a in winners)
        subject = f"{_line(who[0].nominee)} is our {categories} for {_line(ctx.period)}"
        return _sentence(f"{subject}, {out_of}")
    people = sum(1 for award in who if not award.is_team)
    teams = len(who) - people
    who = join_list(
        [count_in_words(people, "colleague")] * bool(people)
        + [count_in_words(teams, "team")] * bool(teams)
    )
    if when and past:
        verb = f"were recognised at our {_line(ctx.period)} awards on {long_date(when)}"
    elif when:
        verb = f"will be recognised at our {_line(ctx.period)} awards on {long_date(when)}"
    else:
        verb = f"are recognised in our {_line(ctx.period)} awards"
    return _sentence(f"{capitalise_first(who)} {verb}, {out_of}")


def _nominated_by(award: Award) -> str:
    """``two customers``, ``a colleague and a manager``: who put the nominee forward."""
    kinds = [k for k in award.nominated_by if k]
    if not kinds:
        if award.award_kind == "customer-nominated":
            kinds = ["customer"] * max(award.nomination_count, 1)
        else:
            return ""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    parts = []
    for kind, n in counts.items():
        noun = "themselves" if kind == "self" else plural(kind, n)
        if kind == "self":
            parts.append("a self-nomination")
        elif n == 1:
            parts.append(f"{'an' if kind[0] in 'aeiou' else 'a'} {noun}")
        else:
            parts.append(f"{number_words(n)} {noun}")
    return join_list(parts)


def _more_of_the_story(award: Award, cited: str) -> str:
    """One more sentence of what a colleague or manager wrote, if it adds something."""
    if award.award_kind == "customer-nominated" or (
        award.nominated_by and set(award.nominated_by) == {"customer"}
    ):
        return ""  # customers' own words are published only as a consented quote
    for sentence in split_sentences(award.evidence or ""):
        if first_person(sentence):
            continue  # the nominator's voice: "helped me" is not the article's
        text = trim_sentence(sentence)
        if text.rstrip(".") in cited or cited.rstrip(".") in text:
            continue
        if len(text.split()) < 7 or text.lower().startswith(
            ("everyone", "this is", "her team", "his team")
        ):
            continue  # "Everyone in the team played a part." says nothing about what was done
        return text
    return ""


def _where(award: Award) -> str:
    """``the Retentions team in Leeds`` for a person; empty when neither is known."""
    team = f"the {_line(award.team)} team" if award.team else ""
    site = _line(award.site)
    if team and site:
        return f"{team} in {site}"
    return team or site


def _opening(award: Award, index: int, avoid: str = "") -> str:
    """The section's first sentence. Shapes rotate with ``index``, skipping any that starts
    with ``avoid`` (the previous section's first word), so no two sections open alike."""
    where = _where(award)
    of = f" of {where}" if where else ""
    by = _nominated_by(award)
    count = award.nomination_count
    counted = count_in_words(count, "nomination")
    name = _line(award.nominee)
    if award.is_team:
        site = f" in {_line(award.site)}" if award.site else ""
        after = f" after {counted} from {by}" if by else ""
        nominated = f", nominated by {by}" if by else ""
        shapes = [
            f"{capitalise_first(team_name(award))}{site} impressed the judges{after}.",
            f"It was a whole-team effort for {team_name(award)}{site}{nominated}.",
        ]
    elif award.award_kind == "customer-nominated":
        took = f": {by} took the time to nominate" if by else ""
        shapes = [
            f"Customers chose {name}{of}{took}.",
            f"{capitalise_first(by) if by else 'Customers'} put {name}{of} forward for this award.",
        ]
    else:
        after = f" after {'a nomination' if count == 1 else 'nominations'} from {by}" if by else ""
        second = (
            f"Nominated by {by}, {name}{of} caught the panel's eye."
            if by
            else f"The panel's choice was {name}{of}."
        )
        shapes = [
            f"{name}{' from ' + where if where else ''} stood out to the judges{after}.",
            second,
            f"For {name}{of}, the judges' scores put the nomination at the top.",
        ]
    ordered = shapes[index % len(shapes) :] + shapes[: index % len(shapes)]
    for shape in ordered:
        if shape.split()[0].lower() != avoid.lower():
            return shape
    return ordered[0]


# Irregular past tenses a citation may open with; regular ones end in -ed.
_PAST_TENSES = {
    "brought", "built", "caught", "cut", "found", "gave", "got", "held", "kept", "led", "made",
    "met", "put", "ran", "rang", "sent", "set", "spent", "stood", "taught", "took", "told",
    "went", "won", "wrote", "rewrote",
}  # fmt: skip


def _with_subject(cited: str, award: Award) -> str:
    """A citation that opens with its verb, as certificates often do ("Covered three shifts
    without being asked."), gets the nominee as its subject in the article, where it follows
    a sentence about something else: "Zed covered three shifts without being asked."."""
    first, _, rest = cited.partition(" ")
    word = first.lower()
    own = "" if award.is_team else first_name(award.nominee).lower()
    verb = word in _PAST_TENSES or (word.endswith("ed") and len(word) > 4)
    if not rest or not first.isalpha() or word == own or not verb:
        return cited
    who = "The team" if award.is_team else (first_name(award.nominee) or _line(award.nominee))
    return f"{who} {word} {rest}"


def _story(award: Award, index: int, avoid: str = "") -> str:
    """What the winner did: an opening, the citation, and one more sentence if it adds some."""
    parts = [_opening(award, index, avoid)]
    if award.award_kind == "customer-nominated":
        return parts[0]  # the consented quote follows as its own paragraph
    # The certificate's plain fallback ("In recognition of...") says nothing in an article.
    cited = original = said_of(award)
    if award.is_team:
        # The opening has just named the team: "The Retentions team ran..." -> "The team ran..."
        for name in (f"the {_line(award.nominee)} team ", f"{_line(award.nominee)} "):
            if cited.lower().startswith(name.lower()):
                cited = "The team " + cited[len(name) :]
                break
    if cited:
        parts.append(_with_subject(cited, award))
    more = _more_of_the_story(award, original)
    if more:
        parts.append(more)
    return " ".join(parts)


def _prize(award: Award, ctx: NewsletterContext) -> str:
    """What the winner receives and when, in the one tense the article uses."""
    who = "The team" if award.is_team else (first_name(award.nominee) or _line(award.nominee))
    what = mid_sentence(_line(award.award_description).rstrip("."))  # "will receive a ..."
    when, _ = _ceremony(ctx)
    day = award.presented_on or when
    presenter = _line(award.presented_by or "")
    if day and day <= ctx.published_on:
        text = f"{who} received {what}" if what else f"{who} was presented with the award"
        text += f" at the ceremony on {long_date(day)}"
        return text + (f", where {presenter} presented the award." if presenter else ".")
    if not what and not day:
        return ""
    text = f"{who} will receive {what}" if what else f"{who} will be presented with the award"
    if day:
        text += f" at the ceremony on {long_date(day)}"
        text += f", where {presenter} will present the award" if presenter else ""
    return text + "."


def winner_fields(
    award: Award, ctx: NewsletterContext, index: int = 0, avoid: str = ""
) -> dict[str, Any]:
    """The plain values for one winner's section (the template's ``w``)."""
    return {
        "category": _line(award.category),
        "nominee": _line(award.nominee),
        "team": _line(award.team),
        "site": _line(award.site),
        "story": _story(award, index, avoid),
        # Only a quote the customer agreed to publish ever reaches the article.
        "customer_quote": _line(award.customer_quote) if award.customer_quote else "",
        "quote_attribution": "A customer, quoted with their permission",
        "prize": _prize(award, ctx),
        "nominations": award.nomination_count,
    }


def commended(ctx: NewsletterContext) -> str:
    """The runners-up, named once: ``The judges also highly commended Rhys Whitfield
    (Customer Hero) and the Digital Channels team (Team of the Quarter).``"""
    runners = _runners_up(ctx)
    if not runners:
        return ""
    names = join_list(f"{_who(a)} ({_line(a.category)})" for a in runners)
    _, past = _ceremony(ctx)  # the article's one tense
    several = len(runners) > 1
    if past:
        verb = "each received" if several else "received"
    else:
        verb = "will each receive" if several else "will receive"
    return _sentence(
        f"The judges also highly commended {names}, who {verb} a certificate of commendation"
    )


def thanks(ctx: NewsletterContext) -> str:
    """Thanks to the nominators, with figures that say what they count."""
    received = count_in_words(ctx.nominations_received, "nomination")
    text = (
        f"Thank you to everyone who took the time to nominate. The panel read and scored all "
        f"{received} for {_line(ctx.period)}"
        if ctx.nominations_received != 1
        else f"Thank you to the person who nominated: the panel read and scored the one "
        f"nomination for {_line(ctx.period)}"
    )
    if ctx.nominations_received > 1 and ctx.nominators:
        text += (
            f", sent in by {count_of(ctx.nominators, 'different nominator')}"
            if ctx.nominators != ctx.nominations_received
            else ", each from a different nominator"
        )
    text += "."
    if ctx.customer_nominations:
        share = ctx.customer_nominations
        text += (
            f" Customers sent {number_words(share)} of the "
            f"{number_words(ctx.nominations_received)}: our customers "
            "notice good service, and say so."
            if share != ctx.nominations_received
            else " Every one of them came from a customer."
        )
    return text


def _winner_sections(ctx: NewsletterContext) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for index, award in enumerate(_winners(ctx)):
        avoid = sections[-1]["story"].split()[0] if sections and sections[-1]["story"] else ""
        sections.append(winner_fields(award, ctx, index, avoid))
    return sections


def newsletter_fields(ctx: NewsletterContext, branding: Branding) -> dict[str, Any]:
    """Everything the newsletter template shows, as plain values."""
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
        "winners": _winner_sections(ctx),
        "commended": commended(ctx),
        "thanks": thanks(ctx),
        "next_time": next_time,
        "still_to_decide": still_to_decide(ctx),
    }


def still_to_decide(ctx: NewsletterContext) -> str:
    """A sentence for the awards whose winner the panel has still to choose (else "")."""
    if not ctx.undecided:
        return ""
    names = join_list(_line(c) for c in ctx.undecided)
    award = "award" if len(ctx.undecided) == 1 else "awards"
    return (
        f"The {names} {award} will be announced once the judging panel has chosen between "
        "the nominations tied for first place."
    )


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


__all__: Sequence[str] = ("headline", "newsletter_fields", "standfirst", "write_newsletter")
