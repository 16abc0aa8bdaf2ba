"""British English wording helpers: dates, lists, plurals, money and names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

# Irregular plurals we are likely to meet in award wording; everything else takes "s".
_IRREGULAR = {
    "person": "people",
    "child": "children",
    "entry": "entries",
    "category": "categories",
    "criterion": "criteria",
}


def long_date(day: date) -> str:
    """Write a date the British way, without a leading zero: ``23 November 2026``."""
    return f"{day.day} {day:%B} {day.year}"


def weekday_date(day: date) -> str:
    """A deadline as a reader looks for it: ``Friday 5 December 2036``."""
    return f"{day:%A} {long_date(day)}"


def join_list(items: Iterable[str], conjunction: str = "and") -> str:
    """Join items as ``A, B and C`` (no Oxford comma, as in most British house styles)."""
    words = [item for item in items if item]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(word: str, count: int | float) -> str:
    """The word in the form that suits ``count``: ``nomination`` or ``nominations``."""
    if count == 1:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "sh", "ch", "x")):
        return word + "es"
    return word + "s"


def count_of(count: int, word: str) -> str:
    """A number with its noun: ``1 nomination``, ``2 nominations``, ``1,204 nominations``."""
    return f"{count:,} {plural(word, count)}"


_SMALL_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_words(count: int) -> str:
    """Spell out nought to nine, as British style guides ask; digits from 10 up."""
    return _SMALL_NUMBERS[count] if 0 <= count < len(_SMALL_NUMBERS) else f"{count:,}"


def count_in_words(count: int, word: str) -> str:
    """A number with its noun, under ten in words: ``two nominations``, ``12 rows``."""
    return f"{number_words(count)} {plural(word, count)}"


def money(amount: float) -> str:
    """Pounds sterling with thousands separators: ``£1,250``, ``£49.50`` or ``−£23.50``
    (a true minus sign, as the report's other negative figures; none for what rounds to 0)."""
    sign = "\u2212" if round(amount, 2) < 0 else ""
    amount = abs(amount)
    if round(amount, 2) == int(amount):
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


def percent(value: float, places: int = 0) -> str:
    """A percentage for prose: ``42%``."""
    return f"{value:.{places}f}%"


def first_name(full_name: str | None) -> str:
    """The first word of a name, for greetings; empty when there is no name."""
    return full_name.split()[0] if full_name and full_name.split() else ""


def capitalise_first(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower-case the rest)."""
    return text[:1].upper() + text[1:] if text else text


# Words a prize is often typed starting with, as at the start of a cell ("A framed
# certificate"), that are lower case inside a sentence; any other first word (a brand, "£75")
# is left as typed.
_MID_SENTENCE_LOWER = frozenset(
    [
        "a",
        "an",
        "the",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "some",
        "our",
        "their",
        "your",
        "each",
        "every",
    ]
)


def mid_sentence(text: str) -> str:
    """``text`` as it reads inside a sentence: "A framed certificate" after "will receive"
    becomes "a framed certificate"; "Amazon vouchers" and "£75" stay as they are."""
    first, _, rest = text.partition(" ")
    # "A" is a word; "THE" or "AN" in capitals is shouting or an acronym: left as typed.
    typed_capital = first[:1].isupper() and (len(first) == 1 or not first.isupper())
    if rest and typed_capital and first.lower() in _MID_SENTENCE_LOWER:
        return f"{first.lower()} {rest}"
    return text
