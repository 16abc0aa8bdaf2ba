"""Blind judging: hide who was nominated, and by whom, from the judges.

A blind pack shows a stable code instead of the nominee, leaves out team, site, line manager
and nominator, and masks the names of people inside the free text (evidence and customer
quote): the nominee becomes ``[nominee]`` (``[nominee team]`` for a team award), the
nominator ``[nominator]``, any other member of staff ``[colleague]``, anyone else the workbook
names (a customer who nominated someone else) ``[person]``, a team ``[team]`` and a site
``[site]``. Names are taken from the
Staff, Teams and Nominations tables; full names are replaced first, then first names and
surnames on their own, as whole words and with their capital letter, so "Grace" the person is
masked but "grace" the word is not.

Masking is a safeguard for fairness, not anonymisation in the data-protection sense: a
judge who knows the team may still recognise a story.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pandas as pd

from automation.keys import key_of
from automation.model import ProgrammeData

NOMINEE = "[nominee]"
NOMINATOR = "[nominator]"
COLLEAGUE = "[colleague]"
TEAM = "[team]"
SITE = "[site]"
PERSON = "[person]"
TEAM_NOMINEE = "[nominee team]"


def nominee_code(programme: str, nominee: object) -> str:
    """A stable code for a nominee: the same person always gets the same code."""
    digest = hashlib.sha256(f"{programme}|{key_of(nominee)}".encode()).hexdigest()
    return f"Nominee {digest[:6].upper()}"


class Masker:
    """Replaces the names of everyone the workbook knows about in a nomination's text.

    One pattern matches every known full name (any case) and one every first name or surname
    (with its capital), so masking a pack costs two passes per text whatever the staff size.
    Each match is then given its role for *this* nomination: its nominee, its nominator, a
    member of staff, or another person the workbook knows (a customer who nominated someone
    else).
    """

    def __init__(
        self,
        staff: Iterable[str],
        teams: Iterable[str],
        sites: Iterable[str],
        others: Iterable[str],
    ) -> None:
        teams, sites = list(teams), list(sites)
        self.teams = {key_of(t) for t in teams}
        self.staff = {key_of(n) for n in staff}
        self.staff_parts = {p for n in self.staff for p in _parts(n)}
        # A team award's nominee is a team: it is masked as a place name, with its capitals.
        people = {
            str(n).strip()
            for n in [*staff, *others]
            if str(n).strip() and key_of(n) not in self.teams
        }
        self._full = _alternation(people, re.IGNORECASE)
        self._part = _alternation({p for n in people for p in str(n).split() if len(p) > 1}, 0)
        self._places = _alternation({*map(str, teams), *map(str, sites)}, 0)

    @classmethod
    def from_data(cls, data: ProgrammeData) -> Masker:
        def names(*cols: pd.Series) -> list[str]:
            out: set[str] = set()
            for col in cols:
                out |= {str(v).strip() for v in col.dropna() if str(v).strip()}
            return sorted(out)

        staff, teams, noms = data["Staff"], data["Teams"], data["Nominations"]
        return cls(
            staff=names(
                staff["Name"],
                staff["Line manager"],
                teams["Team leader"],
                noms["Line manager"],
                data["Judges"]["Judge"],
            ),
            teams=names(teams["Team"], staff["Team"], noms["Team"]),
            sites=names(teams["Site"], noms["Site"]),
            others=names(noms["Nominator"], noms["Nominee"]),
        )

    def mask(self, text: object, nominee: object, nominator: object) -> str | None:
        """``text`` with every known name replaced by its role in this nomination."""
        if text is None or (isinstance(text, float) and text != text):
            return None
        nominee_k, nominator_k = key_of(nominee), key_of(nominator)
        nominee_parts, nominator_parts = _parts(nominee_k), _parts(nominator_k)

        def full(m: re.Match) -> str:
            k = key_of(m.group("name"))
            if k == nominee_k:
                token = NOMINEE
            elif k == nominator_k:
                token = NOMINATOR
            else:
                token = COLLEAGUE if k in self.staff else PERSON
            return token + (m.group("s") or "")

        def part(m: re.Match) -> str:
            k = m.group("name").casefold()
            if k in nominee_parts:
                token = NOMINEE
            elif k in nominator_parts:
                token = NOMINATOR
            else:
                token = COLLEAGUE if k in self.staff_parts else PERSON
            return token + (m.group("s") or "")

        def place(m: re.Match) -> str:
            k = key_of(m.group("name"))
            token = TEAM_NOMINEE if k == nominee_k else TEAM if k in self.teams else SITE
            return token + (m.group("s") or "")

        out = str(text)
        for pattern, repl in ((self._full, full), (self._places, place), (self._part, part)):
            if pattern is not None:
                out = pattern.sub(repl, out)
        return out


def _parts(name: str) -> set[str]:
    return {p.casefold() for p in str(name).split() if len(p) > 1}


def _alternation(words: Iterable[str], flags: int) -> re.Pattern | None:
    """One pattern for all ``words`` as whole words (longest first), with an optional 's."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    body = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w\[])(?P<name>{body})(?P<s>'s)?(?![\w\]])", flags)
