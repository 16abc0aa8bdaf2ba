"""ProgrammeData: the typed tables the core works on, with where each row came from.

Each table is a pandas DataFrame whose columns are the schema's column names, parsed to
their types, plus ``_row`` (the Excel row number) so every issue can point at its cell.
The core (validation, scoring) only ever sees this, never a workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from automation import schema
from automation.issues import Issue, column_letter

ROW = "_row"

# With copy-on-write (always on from pandas 3) a shallow copy is as safe to change as a deep
# one: a frame shared with a cache is copied only when a caller writes to it. A deep copy of
# the 300,000-row score frames was a tenth of a second on every use.
_COPY_ON_WRITE = (
    int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True
)


class TablePending(Exception):
    """A table still loading was asked for: a provisional ProgrammeData, made while the last
    big table loads (``automation.io.read.build_data``'s ``while_waiting``), raises it."""


@dataclass(frozen=True)
class TablePlace:
    """Where a table sits in its sheet: header row and the column letter of each header."""

    sheet: str
    header_row: int
    columns: dict[str, str]  # schema column name -> Excel column letter

    def cell(self, column: str, row: int | None) -> str | None:
        letter = self.columns.get(column)
        return f"{letter}{row}" if letter and row else None


@dataclass
class ProgrammeData:
    """Everything read from one programme workbook."""

    tables: dict[str, pd.DataFrame]
    settings: dict[str, object]
    places: dict[str, TablePlace] = field(default_factory=dict)
    problems: list[Issue] = field(default_factory=list)
    source: Path | None = None
    # Derived frames computed once per read (e.g. scores joined to their criteria), shared by
    # validation and scoring. The core never changes ``tables`` after reading, so it stays valid.
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def place(self, table: str) -> TablePlace:
        """Where a table is; falls back to the schema's own column order."""
        if table in self.places:
            return self.places[table]
        spec = schema.TABLE_BY_NAME[table]
        return TablePlace(
            spec.sheet, 0, {c.name: column_letter(i + 1) for i, c in enumerate(spec.columns)}
        )

    def cached(self, name: str, compute: Callable[[ProgrammeData], pd.DataFrame]) -> pd.DataFrame:
        """``compute(self)`` once per read; each caller gets its own copy to change."""
        if name not in self.cache:
            self.cache[name] = compute(self)
        return self.cache[name].copy(deep=not _COPY_ON_WRITE)

    def setting(self, key: str) -> object:
        return self.settings.get(key, schema.SETTING_BY_KEY[key].default)

    def date_setting(self, key: str) -> dt.date | None:
        """A date setting as a date; None when blank or not a date."""
        value = self.setting(key)
        if value is None or value == "":
            return None
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            return None
        return None if pd.isna(stamp) else stamp.date()

    def period_date(self, period: object, column: str) -> dt.date | None:
        """The period's date in ``column`` of the Periods table (Starts, Ends, Ceremony), the
        period matched as names are; None when it is not there or not a date."""
        from automation.keys import key_of  # keys needs this module

        periods = self.tables.get("Periods")
        if periods is None or column not in periods.columns or "Period" not in periods.columns:
            return None
        hit = periods.loc[periods["Period"].map(key_of) == key_of(period), column]
        days = pd.to_datetime(hit, errors="coerce").dropna()
        return days.iloc[0].date() if len(days) else None


def empty_table(name: str) -> pd.DataFrame:
    """A table with the schema's columns and no rows."""
    spec = schema.TABLE_BY_NAME[name]
    # Input columns only, as the reader gives: formula columns are never read.
    from automation.parse import missing_column  # parse needs schema only; no cycle

    # Typed like a read table (float for numbers, dates as dates) so rules that compare
    # numbers behave the same on a missing table as on an empty one.
    return pd.DataFrame(
        {c.name: missing_column(c, 0) for c in spec.input_columns} | {ROW: pd.Series(dtype="int64")}
    )
