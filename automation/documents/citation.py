"""Turn free-text nomination evidence into short, readable sentences for certificates and news."""

from __future__ import annotations

import re

from automation.documents.context import Award
from automation.documents.english import capitalise_first, first_name
from automation.documents.text import clean_text

CITATION_LIMIT = 200  # characters: two lines of 13 pt italic on a landscape certificate

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "vs", "approx", "etc", "e.g", "i.e", "eg", "ie",
    "dept", "ref", "tel", "ext", "mins", "hrs", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_BOUNDARY = re.compile(r"([.!?]+)([\"'”’)\]]*)\s+(?=[\"'“‘(]?[A-Z0-9£])")
# A trimmed sentence must not end on a word that promises more to come.
_DANGLING = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "her", "his", "in", "into", "its",
    "of", "on", "or", "our", "so", "that", "the", "their", "then", "to", "was", "were", "which",
    "who", "with", "while",
}  # fmt: skip
_QUOTES = "\"'“”‘’"


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, not breaking after ``Mr.``, ``e.g.`` or ``£4.50``."""
    text = clean_text(text, single_line=True)
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].split()
        last_word = before[-1].lower().rstrip(".") if before else ""
        if match.group(1) == "." and last_word in _ABBREVIATIONS:
            continue
        if match.group(1) == "." and len(last_word) == 1 and last_word.isalpha():
            continue  # an initial, as in "J. Smith"
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _finish(sentence: str) -> str:
    sentence = sentence.strip().strip(_QUOTES).strip()
    sentence = capitalise_first(sentence)
    if sentence and sentence[-1] not in ".!?…":
        sentence = sentence.rstrip(",;:–—- ") + "."
    return sentence


def trim_sentence(sentence: str, limit: int = CITATION_LIMIT) -> str:
    """Shorten one sentence to at most ``limit`` characters without cutting a word in half.

    It prefers to stop at a clause boundary (a comma, semicolon or dash) in the second half of
    the allowance, ending with a full stop; otherwise it stops between words, drops a dangling
    "and"/"the"/"to" and ends with an ellipsis so the reader can see it was shortened.
    """
    sentence = sentence.strip().strip(_QUOTES).strip()
    if len(sentence) <= limit:
        return _finish(sentence)
    window = sentence[: limit - 1]
    clause_end = max(window.rfind(mark) for mark in (", ", "; ", " – ", " — ", " - ", ": "))
    if clause_end >= limit // 2:
        return _finish(window[:clause_end])
    words = window[: window.rfind(" ")].split() if " " in window else [window]
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return capitalise_first(" ".join(words).rstrip(",;:–—-. ")) + "…"


# Words that describe the customer's problem rather than what the nominee did about it.
_PROBLEM_WORDS = re.compile(
    r"\b(whose|failed|fail|fault|complaint|complained|overcharged|upset|angry|confused|"
    r"escalated|missing|problem|could not|couldn't|had not|hadn't|lost|broken|wrong)\b",
    re.I,
)
# Verbs of doing something about it: a sentence with one of these says what the nominee did.
_ACTION_WORDS = re.compile(
    r"\b(sorted|fixed|resolved|solved|turned round|turned around|found|cleared|cut|raised|"
    r"set up|helped|arranged|explained|rang|called|spotted|noticed|chased|covered|ran|taught|"
    r"rewrote|coached|kept|followed up|shared|trained|built|saved|stayed|went)\b",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(r"^(They|She|He)\s+(\w+)")
# The nominator writing of themselves ("sorted out my refund", "helped me"): on a certificate
# the "my" would read as the nominee's. Such a sentence is never proposed.
_FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)\b")
_AGREE = {"were": "was", "are": "is", "have": "has", "do": "does"}


def _subject_score(sentence: str, name: str, team: bool) -> int:
    words = [w.strip(_QUOTES + ",;:").lower() for w in sentence.split()]
    first = words[0] if words else ""
    lowered = sentence.lower()
    if team and (lowered.startswith(("the team", f"the {name.lower()}", name.lower()))):
        return 3
    own = first_name(name).lower() if name else ""
    if not team and own and first == own:
        return 3
    if not team and own and own in words[:6]:
        return 2  # "In their first year Jordan rewrote..."
    if first in {"they", "she", "he"}:
        return 2
    return 0


def _as_named(sentence: str, name: str, team: bool) -> str:
    """Put the nominee's name in place of an opening pronoun: "They kept" -> "Aoife kept"."""
    m = _PRONOUN_SUBJECT.match(sentence)
    if not m:
        return sentence
    who = "The team" if team else (first_name(name) or name)
    verb, rest = m.group(2), sentence[m.end() :]
    if verb.lower() in {"then", "also"}:  # "They then shared" follows a sentence we dropped
        verb, _, rest = rest.strip().partition(" ")
        rest = " " + rest
    if not team:
        verb = _AGREE.get(verb.lower(), verb)
    return f"{who} {verb}{rest}"


def first_person(sentence: str) -> bool:
    """Whether the nominator writes of themselves in it ("sorted out my refund")."""
    return bool(_FIRST_PERSON.search(sentence))


def propose(
    evidence: str,
    nominee: str,
    *,
    team: bool = False,
    quote: str | None = None,
    customer_nominated: bool = False,
) -> str:
    """The tool's proposed citation: the sentence of the evidence that says what the nominee
    did, or for a customer-nominated award the customer's quote (only pass a consented one).
    A sentence in the nominator's first person ("sorted out my refund") is never proposed.

    Each sentence scores for naming the nominee (or "they"/"she"/"he") as its subject and for
    a verb of doing something, and loses for words describing the customer's problem; the
    first best sentence wins. "Aoife took a call from a customer whose direct debit had
    failed" loses to "They kept the customer updated...", which is given Aoife's name. Empty
    when there is nothing to propose from.
    """
    if customer_nominated and quote and quote.strip():
        return trim_sentence(quote)
    sentences = split_sentences(evidence or "")
    if not sentences:
        return ""

    def score(sentence: str) -> int:
        points = _subject_score(sentence, nominee, team)
        acted = bool(_ACTION_WORDS.search(sentence))
        # A problem the nominee acted on ("turned round a complaint") costs less than one that
        # is only described ("took a call from a customer whose debit had failed").
        points += 1 if acted else 0
        points -= min(len(_PROBLEM_WORDS.findall(sentence)), 1 if acted else 2)
        points -= 2 if len(sentence.split()) < 6 else 0
        points += 1 if re.search(r"\d", sentence) else 0  # a measured result: "31% to 38%"
        # "...coaches new starters on it" leans on a sentence the certificate leaves out.
        points -= 1 if re.search(r"\b(it|this|that|them)\W*$", sentence, re.I) else 0
        return points

    # In the nominator's own voice: left for the manager to put in the nominee's terms.
    usable = [i for i, s in enumerate(sentences) if not first_person(s)]
    if not usable:
        return ""
    best = max(usable, key=lambda i: (score(sentences[i]), -i))
    return trim_sentence(_as_named(sentences[best], nominee, team))


def said_of(award: Award, limit: int = CITATION_LIMIT) -> str:
    """What the nomination says the nominee did: the manager's own Citation (the nomination's
    column) when there is one, else the tool's proposal from the evidence or consented quote
    (:func:`propose`); empty when there is neither."""
    own = clean_text(award.citation or "", single_line=True).strip()
    if own:
        return _finish(own) if len(own) <= limit else trim_sentence(own, limit)
    return propose(
        award.evidence,
        award.nominee,
        team=award.is_team,
        quote=award.customer_quote,
        customer_nominated=award.award_kind == "customer-nominated",
    )


def citation(award: Award, limit: int = CITATION_LIMIT) -> str:
    """The sentence the certificate and emails use for an award: :func:`said_of`, or with
    nothing to say, a plain sentence in recognition of the award."""
    return said_of(award, limit) or (
        f"In recognition of outstanding service to our customers in {award.period}."
    )


def summary(text: str, max_sentences: int = 2, limit: int = 420) -> str:
    """The first few sentences of a text, within ``limit`` characters, for the newsletter."""
    chosen: list[str] = []
    for sentence in split_sentences(text):
        if chosen and (len(chosen) >= max_sentences or len(" ".join([*chosen, sentence])) > limit):
            break
        chosen.append(trim_sentence(sentence, limit))
    return " ".join(chosen)
