"""Matching names the way a person would: ignoring case and stray spaces.

One definition, used wherever a judge, nominee, category or ID typed in one table is looked
up in another. Arrow-backed string operations keep this fast on 300,000-row columns.
"""

from __future__ import annotations

import pandas as pd


def key(s: pd.Series) -> pd.Series:
    """Lower-case, trimmed text for matching; missing stays missing."""
    return s.astype("string[pyarrow]").str.strip().str.lower()


def key_of(value: object) -> str:
    """The same key for a single value."""
    return str(value or "").strip().lower()
