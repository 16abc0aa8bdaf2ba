"""Pseudonymise a copy of the programme workbook for the NVQ assessor.

Customers and nominators are not the assessor's business: their names become stable codes
(the same person gets the same code everywhere in the pack), contact details go altogether.
Staff names stay, because the evidence is about how the manager recognised them, unless the
setting *Assessor pack: codes for staff* says otherwise.

Names are found in the data (the Nominations table) and then replaced wherever they appear:
in any cell of any sheet, in cell notes and in the workbook's properties, so a customer's
name typed into a finding or an issue's value does not slip through. The original workbook
is only read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from automation import schema
from automation.keys import key_of
from automation.model import ProgrammeData

REMOVED = "[removed]"
# Contact details that may sit in free text too: emails and UK-style phone numbers.
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w-])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\w)")


@dataclass
class Pseudonyms:
    """Who is replaced by what, and which contact details are removed."""

    codes: dict[str, str] = field(default_factory=dict)  # name as written -> code
    contacts: set[str] = field(default_factory=set)
    staff_coded: bool = False
    # With staff coded, a first name on its own ("Ella rang back...") is replaced too when it
    # belongs to one person only; matched with its capital, so "Will" the name is replaced
    # and "will" the word is not.
    first_names: dict[str, str] = field(default_factory=dict)

    def _compiled(self) -> tuple[re.Pattern[str] | None, dict[str, str], set[str]]:
        # Built once: scrubbing runs over every text cell of the workbook.
        key = (len(self.codes), len(self.contacts))
        cached = getattr(self, "_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        words = sorted({*self.codes, *self.contacts}, key=len, reverse=True)
        pattern = None
        if words:
            alts = "|".join(re.escape(w) for w in words)
            pattern = re.compile(rf"(?<![\w])(?:{alts})(?![\w])", re.IGNORECASE)
        compiled = (
            pattern,
            {key_of(k): v for k, v in self.codes.items()},
            {key_of(c) for c in self.contacts},
        )
        self._cache = (key, compiled)
        return compiled

    def _first_names(self) -> re.Pattern[str] | None:
        if not self.first_names:
            return None
        cached = getattr(self, "_first_cache", None)
        if cached is None:
            alts = "|".join(re.escape(n) for n in sorted(self.first_names, key=len, reverse=True))
            cached = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")
            self._first_cache = cached
        return cached

    def scrub(self, text: str) -> str:
        """``text`` with every name replaced by its code and every contact removed."""
        pattern, by_key, contacts = self._compiled()
        if pattern is not None:

            def swap(m: re.Match[str]) -> str:
                k = key_of(m.group(0))
                return REMOVED if k in contacts else by_key.get(k, m.group(0))

            text = pattern.sub(swap, text)
        first = self._first_names()
        if first is not None:
            text = first.sub(lambda m: self.first_names[m.group(0)], text)
        text = EMAIL.sub(REMOVED, text)
        return PHONE.sub(REMOVED, text)

    def scrub_cell(self, value: str) -> str | None:
        """A cell's text scrubbed; a cell that was only a contact detail becomes empty (and an
        empty text stays an empty cell: openpyxl would save it as a bare inlineStr cell)."""
        if not value or EMAIL.fullmatch(value.strip()) or PHONE.fullmatch(value.strip()):
            return None
        scrubbed = self.scrub(value)
        return None if scrubbed.strip() == REMOVED else scrubbed


def _names(values: Iterable[object]) -> list[str]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        text = str(v).strip()
        if text and text not in out:
            out.append(text)
    return out


def pseudonyms(data: ProgrammeData, *, staff: bool | None = None) -> Pseudonyms:
    """Codes for every customer and nominator (and staff member when ``staff``).

    Codes follow the order nominations arrived in (then their ID), so rebuilding a pack from
    the same workbook gives the same codes. Nominators who are staff keep their name where it
    appears as staff (the Staff list, a nominee, a judge) unless staff are coded too; in the
    Nominator column every nominator becomes a code.
    """
    staff = bool(data.setting("pack_pseudonymise_staff")) if staff is None else staff
    noms = data.tables["Nominations"]
    if len(noms):
        noms = noms.sort_values(["Received", "ID"], kind="stable", na_position="last")
    # Staff are everyone named in a person column of any input table (nominees, judges,
    # line managers, owners, presenters...), the Staff list, and the signatory.
    people: list[object] = [*data.tables["Staff"].get("Name", pd.Series(dtype=object))]
    for spec in schema.TABLES:
        if spec.owner != "user":
            continue
        frame = data.tables.get(spec.name)
        for col in spec.columns:
            if col.type is schema.ColType.PERSON and frame is not None and col.name in frame:
                people += frame[col.name].tolist()
    people.append(data.setting("signatory_name"))
    staff_names = _names(people)
    # Team names are not personal data: a team nominated for a team award keeps its name.
    teams = {key_of(t) for t in _names(data.tables["Teams"].get("Team", pd.Series(dtype=object)))}
    staff_names = [n for n in staff_names if key_of(n) not in teams]
    staff_keys = {key_of(n) for n in staff_names}
    result = Pseudonyms(staff_coded=staff)
    counters = {"CUS": 0, "NOM": 0, "STAFF": 0}
    seen: dict[str, str] = {}

    def code_for(name: str, prefix: str) -> None:
        k = key_of(name)
        if k not in seen:
            counters[prefix] += 1
            seen[k] = f"{prefix}-{counters[prefix]:03d}"
        result.codes[name] = seen[k]

    if staff:  # first, so a colleague who also nominated is STAFF-, not NOM-
        for name in staff_names:
            code_for(name, "STAFF")
        firsts: dict[str, set[str]] = {}
        for name in staff_names:
            parts = name.split()
            if len(parts) > 1 and len(parts[0]) > 2:
                firsts.setdefault(parts[0], set()).add(seen[key_of(name)])
        result.first_names = {f: next(iter(c)) for f, c in firsts.items() if len(c) == 1}
    for kind, name in zip(noms.get("Nominator type", []), noms.get("Nominator", []), strict=True):
        if name is None or (isinstance(name, float) and name != name):
            continue
        name = str(name).strip()
        if key_of(name) in staff_keys and not staff:
            continue  # a colleague: their name stays where it appears as staff
        code_for(name, "CUS" if kind == "customer" else "NOM")
    result.contacts = set(_names(noms.get("Nominator contact", [])))
    for table, column in (("Staff", "Email"), ("Judges", "Email")):
        result.contacts |= set(_names(data.tables[table].get(column, [])))
    return result


# Columns emptied outright in the copy (contact details), and the Nominator column, which
# becomes a code for every nominator, colleague or customer.
CLEARED = {("Nominations", "Nominator contact"), ("Staff", "Email"), ("Judges", "Email")}


def pseudonymise_copy(source: Path, dest: Path, names: Pseudonyms, data: ProgrammeData) -> Path:
    """Write a pseudonymised copy of ``source`` to ``dest`` (openpyxl; the source is only read)."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    nominator_codes = _nominator_codes(data, names)
    for ws in wb.worksheets:
        for table in ws.tables.values():
            _clear_columns(ws, table, nominator_codes)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    cell.value = names.scrub_cell(cell.value)
                if cell.comment is not None:
                    cell.comment.text = names.scrub(cell.comment.text)
                    cell.comment.author = "Award workbook"
    props = wb.properties
    props.creator = props.lastModifiedBy = "Award workbook"
    for attr in ("title", "subject", "description", "keywords"):
        value = getattr(props, attr, None)
        if isinstance(value, str):
            setattr(props, attr, names.scrub(value))
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def people_coded(data: ProgrammeData, names: Pseudonyms) -> int:
    """How many people the copy names by a code: everyone ``names`` codes, and the colleagues
    whose name the Nominator column codes as well."""
    return len(set(_nominator_codes(data, names).values()))


def _nominator_codes(data: ProgrammeData, names: Pseudonyms) -> dict[str, str]:
    """Every nominator's code for the Nominator column (colleagues included)."""
    out = dict(names.codes)
    n = sum(1 for c in set(names.codes.values()) if c.startswith("NOM-"))
    noms = data.tables["Nominations"]
    for name in _names(noms.get("Nominator", [])):
        if name not in out and key_of(name) not in {key_of(k) for k in out}:
            n += 1
            out[name] = f"NOM-{n:03d}"
    return {key_of(k): v for k, v in out.items()}


def _clear_columns(ws, table, nominator_codes: dict[str, str]) -> None:
    from openpyxl.utils.cell import range_boundaries

    name = table.displayName
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = {
        str(ws.cell(row=min_row, column=c).value or "").strip(): c
        for c in range(min_col, max_col + 1)
    }
    for tname, column in CLEARED:
        if tname == name and column in headers:
            for r in range(min_row + 1, max_row + 1):
                ws.cell(row=r, column=headers[column]).value = None
    if name == "Nominations" and "Nominator" in headers:
        for r in range(min_row + 1, max_row + 1):
            cell = ws.cell(row=r, column=headers["Nominator"])
            if isinstance(cell.value, str) and cell.value.strip():
                cell.value = nominator_codes.get(key_of(cell.value), cell.value)
