"""Turn free-text nomination evidence into short, readable sentences for certificates and news."""

from __future__ import annotations

import re

from automation.documents.context import Award
from automation.documents.english import capitalise_first
from automation.documents.render import clean_text

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


def citation(award: Award, limit: int = CITATION_LIMIT) -> str:
    """One readable sentence for the certificate, taken from the nomination evidence.

    The first sentence of the evidence is used (a long one is trimmed at a clause or word
    boundary). With no evidence, a plain sentence in recognition of the award is used instead.
    """
    sentences = split_sentences(award.evidence or "")
    if not sentences:
        return f"In recognition of outstanding service to our customers in {award.period}."
    return trim_sentence(sentences[0], limit)


def summary(text: str, max_sentences: int = 2, limit: int = 420) -> str:
    """The first few sentences of a text, within ``limit`` characters, for the newsletter."""
    chosen: list[str] = []
    for sentence in split_sentences(text):
        if chosen and (len(chosen) >= max_sentences or len(" ".join([*chosen, sentence])) > limit):
            break
        chosen.append(trim_sentence(sentence, limit))
    return " ".join(chosen)
