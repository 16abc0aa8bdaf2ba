"""Rules every table gets from the schema: required cells, dropdown values, references to
other tables, number ranges and unique keys. All vectorised over whole columns."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pandas as pd

from automation import schema
from automation.issues import ERROR, WARNING, Issue
from automation.keys import column_key
from automation.model import ProgrammeData
from automation.validate.emit import row_issues

# Some missing cells deserve a more telling code than "required-missing".
REQUIRED_CODES = {
    ("Objectives", "KPI"): "objective-not-smart",
    ("Objectives", "Baseline"): "objective-not-smart",
    ("Objectives", "Target"): "objective-not-smart",
    ("Objectives", "Deadline"): "objective-not-smart",
    ("Actions", "Responsible"): "action-no-owner",
    ("Actions", "Start"): "action-no-dates",
    ("Actions", "Due"): "action-no-dates",
    ("Options", "Cost"): "option-no-cost",
}

# IDs the manager types by hand: a missing one is told the next free one (counted over these
# columns, so that an ID is never used twice; the style when there is none yet). A
# nomination's ID counts while anything refers to it: one withdrawn after it was scored, or
# imported, must not be given to another (which would take over its scores).
NEXT_ID = {
    ("Nominations", "ID"): (
        (
            ("Nominations", "ID"),
            ("NominationHistory", "ID"),
            ("ImportedResponses", "Nomination ID"),
            ("Scores", "Nomination ID"),
            ("Assignments", "Nomination ID"),
        ),
        "N-",
        4,
    ),
    ("Appeals", "Appeal ID"): ((("Appeals", "Appeal ID"),), "A-", 3),
}


def ids_in_use(data: ProgrammeData, table: str, column: str) -> list[str]:
    """Every ID ``NEXT_ID`` counts as taken for ``table``'s ``column``."""
    return [
        str(v)
        for t, c in NEXT_ID[table, column][0]
        if (frame := data.tables.get(t)) is not None and c in frame
        for v in frame[c].dropna()
    ]


# The scoring rules give these their own codes (unknown-judge, unknown-nomination).
REFS_CHECKED_ELSEWHERE = {("Scores", "Judge"), ("Scores", "Nomination ID")}
# Appeals may concern a nomination already moved into history (automation.validate.running).
REFS_CHECKED_ELSEWHERE |= {("Appeals", "Nomination ID"), ("PanelVotes", "Winner")}

# A judge who left the panel (taken off the Judges table) is still named where they were
# given nominations and where they declared a conflict: say so, in the table it is in. A
# declared conflict is a record of the judging and stops nothing, so it is only a warning.
LEFT_THE_PANEL = {
    ("Assignments", "Judge"): (
        ERROR,
        "{Judge} is given {Nomination ID} on the Assignments table but is no longer on the "
        "judging panel (the Judges table).",
        "If they have left, click Assign judges (awards assign) to give their nominations to "
        "the others, then delete their rows here; if not, put them back on the Judges table.",
    ),
    ("Conflicts", "Judge"): (
        WARNING,
        "{Judge} declared a conflict on the Conflicts table but is no longer on the judging "
        "panel (the Judges table); the record is kept and changes nothing.",
        "Nothing to do if they have left the panel; if the name is mistyped, pick the judge "
        "from the dropdown.",
    ),
}

_NUMERIC = (
    schema.ColType.INT,
    schema.ColType.DECIMAL,
    schema.ColType.MONEY,
    schema.ColType.PERCENT,
)


def _ref_values(data: ProgrammeData, ref: str) -> set[str]:
    table, column = ref.split(".")
    return set(column_key(data, table, column).dropna())


def missing_table_names(data: ProgrammeData) -> set[str]:
    """Tables the reader could not find (their absence is reported once, as table-missing)."""
    return {p.value for p in data.problems if p.code == "table-missing" and p.value}


def check_cells(data: ProgrammeData) -> Iterator[Issue]:
    yield from data.problems
    missing_tables = missing_table_names(data)
    # Cells the reader could not read ('abc' as a whole number) hold something: they are
    # reported once, as unreadable, not also as required cells left blank.
    unreadable = {(p.sheet, p.cell) for p in data.problems if p.cell}
    for spec in schema.TABLES:
        if spec.owner != "user" or spec.name == "Settings":
            continue
        frame = data[spec.name]
        if frame.empty:
            continue
        for col in spec.input_columns:
            s = frame[col.name]
            if not (col.required or col.choices or col.ref or col.unique) and (
                col.type is not schema.ColType.EMAIL
            ):
                if col.type in _NUMERIC and (col.min is not None or col.max is not None):
                    yield from _range_issues(data, spec, col, s)
                continue
            # Blanks are looked for once per column (a pass over up to 300,000 cells).
            missing = s.isna()
            if col.required:
                code = REQUIRED_CODES.get((spec.name, col.name), "required-missing")
                found = row_issues(
                    data,
                    spec.name,
                    missing,
                    col.name,
                    code,
                    ERROR,
                    f"{col.name} is required in {spec.name}.",
                    f"Fill in {col.name}: {col.help}",
                )
                if found and unreadable:
                    found = [i for i in found if (i.sheet, i.cell) not in unreadable]
                if found and (spec.name, col.name) in NEXT_ID:
                    found = _with_next_ids(data, found, spec.name, col.name)
                yield from found
            present = ~missing
            if col.choices and col.type is not schema.ColType.BOOL:
                allowed = set(schema.LISTS[col.choices])
                bad = present & ~s.isin(allowed)
                yield from row_issues(
                    data,
                    spec.name,
                    bad,
                    col.name,
                    "not-in-list",
                    ERROR,
                    f"'{{{col.name}}}' is not an allowed {col.name}.",
                    "Choose from the dropdown: " + ", ".join(schema.LISTS[col.choices]) + ".",
                )
            if col.ref and (spec.name, col.name) not in REFS_CHECKED_ELSEWHERE:
                table, column = col.ref.split(".")
                if table in missing_tables:
                    continue  # one table-missing issue, not one per row that points at it
                known = _ref_values(data, col.ref)
                bad = present & ~column_key(data, spec.name, col.name).isin(known).fillna(False)
                severity, message, hint = LEFT_THE_PANEL.get(
                    (spec.name, col.name),
                    (
                        ERROR,
                        f"'{{{col.name}}}' is not in the {column} column of the {table} table.",
                        f"Pick a value from the dropdown, or add it to {table} first.",
                    ),
                )
                yield from row_issues(
                    data, spec.name, bad, col.name, "unknown-reference", severity, message, hint
                )
            if col.type in _NUMERIC and (col.min is not None or col.max is not None):
                yield from _range_issues(data, spec, col, s)
            if col.type is schema.ColType.EMAIL:
                bad = present & ~s.astype(str).str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+")
                yield from row_issues(
                    data,
                    spec.name,
                    bad,
                    col.name,
                    "bad-email",
                    WARNING,
                    f"'{{{col.name}}}' does not look like an email address.",
                    "Type a full address such as name@example.org.",
                )
            if col.unique:
                dup = present & column_key(data, spec.name, col.name).duplicated(keep="first")
                yield from row_issues(
                    data,
                    spec.name,
                    dup,
                    col.name,
                    "duplicate-key",
                    ERROR,
                    f"{col.name} '{{{col.name}}}' appears more than once in {spec.name}.",
                    f"Each {col.name} must be unique: rename or delete the repeated row.",
                )


def _range_issues(
    data: ProgrammeData, spec: schema.Table, col: schema.Column, s: pd.Series
) -> list[Issue]:
    num = pd.to_numeric(s, errors="coerce")
    bad = pd.Series(False, index=s.index)
    if col.min is not None:
        bad |= num < col.min
    if col.max is not None:
        bad |= num > col.max
    lo = "" if col.min is None else f"at least {col.min:g}"
    hi = "" if col.max is None else f"at most {col.max:g}"
    return row_issues(
        data,
        spec.name,
        bad,
        col.name,
        "out-of-range",
        ERROR,
        f"{col.name} {{{col.name}}} is out of range.",
        f"{col.name} must be {' and '.join(x for x in (lo, hi) if x)}.",
    )


def _with_next_ids(data: ProgrammeData, found: list[Issue], table: str, column: str) -> list[Issue]:
    """The missing-ID issues, each with the ID to type (the next free ones, in row order)."""
    from automation.importer import next_ids

    _, prefix, width = NEXT_ID[table, column]
    new = next_ids(ids_in_use(data, table, column), len(found), prefix, width)
    return [
        dataclasses.replace(issue, hint=f"Fill in {column}: the next free one is {nid}.")
        for issue, nid in zip(found, new, strict=True)
    ]
