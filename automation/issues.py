"""Problems as data: each carries a fixed code, severity and the cell it is about.

Codes are the contract (tests check them); messages and hints are for people and may be
reworded. Shells render issues: an Issues sheet and lit cells in Excel, a table or JSON in
the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


def column_letter(index: int) -> str:
    """1-based column index to Excel letters (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Issue:
    """One problem found in the workbook, with its coordinates and a hint how to fix it."""

    code: str
    severity: str
    sheet: str
    message: str
    hint: str = ""
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: str | None = None

    @property
    def key(self) -> str:
        """``Sheet!Cell``: the text the workbook's conditional formatting looks for."""
        return f"{self.sheet}!{self.cell}" if self.cell else ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """Every issue found; never stops at the first."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


def alike(issues: Iterable[Issue]) -> list[list[Issue]]:
    """The issues in groups of the same problem in different cells (same severity, code,
    sheet, message and hint), in the order each group first appears: the console prints a
    judge who left the panel once, not once per score row."""
    groups: dict[tuple, list[Issue]] = {}
    for i in issues:
        groups.setdefault((i.severity, i.code, i.sheet, i.message, i.hint), []).append(i)
    return list(groups.values())


def other_cells(group: list[Issue], shown: int = 5) -> str | None:
    """``the same in 7 more cells: A17, A18, A19, A20, A21 and 2 more``, for the rest of a
    group after its first issue; None when it has no other cell."""
    from automation.documents.english import count_of

    cells = [i.cell for i in group[1:] if i.cell]
    if not cells:
        return None
    rest = len(cells) - shown
    more = f" and {rest} more" if rest > 0 else ""
    return f"the same in {count_of(len(cells), 'more cell')}: {', '.join(cells[:shown])}{more}"
