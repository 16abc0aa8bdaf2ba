"""A name typed in other case than the table it names ('helen okafor', 'customer hero') is
read in that table's spelling, so scoring counts it where it belongs (automation.canonical)."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from automation.io.read import build_data, load_raw_tables
from automation.scoring import score
from automation.validate import validate

RESULT = ["Raw score", "Normalised score", "Adjusted score", "Rank", "Place"]


@pytest.fixture(scope="module")
def raw_example(built_example):
    return load_raw_tables(built_example)


@pytest.fixture(scope="module")
def as_built(raw_example):
    return score(build_data(raw_example)).nominations.set_index("Nomination ID")[RESULT]


def _retyped(raw, table: str, column: str, change, rows: slice):
    """The raw tables with some cells of one column typed differently."""
    raw = dict(raw)
    rt = copy.copy(raw[table])
    frame = rt.frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[frame.index[rows], column] = frame.loc[frame.index[rows], column].map(change)
    rt.frame = frame
    raw[table] = rt
    return raw


@pytest.mark.parametrize(
    ("table", "column", "change", "rows"),
    [
        # Each of these changed the results before, with no error to say so.
        ("Scores", "Nomination ID", str.lower, slice(0, 5)),  # left out of N-0001's score
        ("Scores", "Judge", str.lower, slice(0, 40)),  # a second judge to the normalisation
        ("Scores", "Judge", str.upper, slice(100, 160)),
        ("Nominations", "Category", str.lower, slice(0, 10)),  # a category and winner of its own
        ("Nominations", "Period", str.lower, slice(0, 10)),
        ("Scores", "Criterion", str.upper, slice(0, 40)),
        ("Nominations", "Nominee", str.lower, slice(0, 10)),
    ],
)
def test_a_name_in_other_case_scores_as_typed_right(
    raw_example, as_built, table, column, change, rows
):
    data = build_data(_retyped(raw_example, table, column, change, rows))
    assert not validate(data).errors
    results = score(data).nominations.set_index("Nomination ID")[RESULT]
    pd.testing.assert_frame_equal(results.reindex(as_built.index), as_built)


def test_the_spelling_is_the_named_tables(raw_example):
    data = build_data(_retyped(raw_example, "Nominations", "Nominee", str.upper, slice(0, 3)))
    staff = set(data["Staff"]["Name"])
    first = data["Nominations"]["Nominee"].iloc[:3]
    assert all(name in staff for name in first)  # printed on certificates as the Staff sheet has it


def test_a_name_that_matches_nothing_keeps_what_was_typed(raw_example):
    data = build_data(
        _retyped(raw_example, "Scores", "Judge", lambda _: "Hellen Okafor", slice(0, 1))
    )
    assert data["Scores"]["Judge"].iloc[0] == "Hellen Okafor"
    (issue,) = [i for i in validate(data).errors if i.code == "unknown-judge"]
    assert "'Hellen Okafor'" in issue.message


def test_nothing_is_copied_when_every_name_is_spelled_so(raw_example):
    """The usual case: the tables as read are the very frames the reader parsed."""
    from automation.canonical import with_one_spelling

    data = build_data(raw_example)
    for name in ("Scores", "Nominations", "Assignments", "Conflicts", "Criteria"):
        assert with_one_spelling(name, data[name], data.tables)[0] is None
