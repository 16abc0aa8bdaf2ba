"""Validation rules that need no big table run while the last one (Scores) still loads.

The report must be exactly what validating the whole read gives: a rule that asks for the
table still loading (or its place, or the reading problems) is left for the full run, and so
is a rule that fails.
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import pandas as pd
import pytest

from automation import pipeline, validate
from automation.io import load
from automation.io.package import open_package
from automation.io.package import tables as package_tables
from automation.io.read import read_workbook
from automation.issues import ERROR, Issue
from automation.model import TablePending
from tests.support.edit import set_cell

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def slow_scores(example_copy, monkeypatch):
    """The example with Scores as its one big table, loaded slowly enough that the rest is
    read and parsed before it arrives."""
    with open_package(example_copy) as zf:
        part = package_tables(zf)["Scores"].sheet_part
    with zipfile.ZipFile(example_copy) as zf:
        monkeypatch.setattr(load, "BIG_PART", zf.getinfo(part).file_size)
    plain_load = load._load_table

    def slowly(reader, path, info):
        if info.name == "Scores":
            time.sleep(1.0)
        return plain_load(reader, path, info)

    monkeypatch.setattr(load, "_load_table", slowly)
    return example_copy


def _report(path, monkeypatch, seen=None):
    """read_and_validate's issues, with the loads started as the command line starts them,
    and the provisional read the early rules were given (in ``seen``)."""
    plain_early = validate.validate_early

    def spy(data, *, today=None):
        found = plain_early(data, today=today)
        if seen is not None:
            seen.append((data, found))
        return found

    monkeypatch.setattr(validate, "validate_early", spy)
    load.start_loading(path)
    try:
        data, report = pipeline.read_and_validate(path, TODAY)
    finally:
        load.wait_started()
    return data, [i.as_dict() for i in report]


def test_the_early_rules_find_what_a_plain_validation_finds(slow_scores, monkeypatch):
    set_cell(slow_scores, "Nominations", "D7", "")  # something for the early rules to find
    set_cell(slow_scores, "Scores", "D8", "eleven")  # and for the rest
    plain = [i.as_dict() for i in validate.validate(read_workbook(slow_scores), today=TODAY)]
    seen: list = []
    data, report = _report(slow_scores, monkeypatch, seen)
    assert report == plain
    assert {"required-missing", "not-a-number"} <= {i["code"] for i in report}
    (provisional, found), *_ = seen
    assert "nominations" in found and "settings" in found
    # The provisional read holds the very frames of the full read, and not Scores; what it
    # worked out for the score rules is the full read's.
    assert dict.get(provisional.tables, "Nominations") is data.tables["Nominations"]
    for shared in ("conflicted_pairs", "expected_parts", ("key", "Nominations", "Nominee")):
        assert data.cache[shared] is provisional.cache[shared]
    for ask in (
        lambda: provisional["Scores"],
        lambda: provisional.tables.get("Scores"),
        lambda: "Scores" in provisional.tables,
        lambda: list(provisional.tables.items()),
        lambda: provisional.place("Scores"),
        lambda: list(provisional.problems),
    ):
        with pytest.raises(TablePending):
            ask()


def test_a_rule_that_asks_for_the_table_still_loading_runs_on_the_whole_read(
    slow_scores, monkeypatch
):
    def kpis_counting_scores(data):
        yield Issue("score-rows", ERROR, "Scores", f"{len(data['Scores'])} rows.", "")

    monkeypatch.setattr(validate, "check_kpis", kpis_counting_scores)
    seen: list = []
    data, report = _report(slow_scores, monkeypatch, seen)
    (_, found), *_ = seen
    assert "kpis" not in found and "nominations" in found
    assert [i["message"] for i in report if i["code"] == "score-rows"] == [
        f"{len(data['Scores'])} rows."
    ]


def test_a_rule_that_fails_early_fails_in_its_place(slow_scores, monkeypatch):
    calls = []

    def broken(data, today):
        calls.append(type(data.tables).__name__)
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(validate, "check_running", broken)
    with pytest.raises(RuntimeError, match="a bug in a rule"):
        _report(slow_scores, monkeypatch)
    assert calls == ["_Provisional", "dict"]  # tried early, then raised by the full run


def test_no_early_rules_when_nothing_is_still_loading(example_copy, monkeypatch):
    seen: list = []
    _, report = _report(example_copy, monkeypatch, seen)
    assert seen == []
    plain = [i.as_dict() for i in validate.validate(read_workbook(example_copy), today=TODAY)]
    assert report == plain


def test_only_the_keys_of_shared_frames_are_adopted_when_a_table_was_made_anew():
    """Sidecar history rows make a new frame on each read: then what was cached may have
    come from a frame the full read does not hold, and only the keys of shared frames are
    taken."""
    from automation.keys import adopt_work, column_key
    from automation.model import ProgrammeData

    noms = pd.DataFrame({"Nominee": ["Ann", " ann "]})
    history = pd.DataFrame({"Winner": ["Bo"]})
    early = ProgrammeData({"Nominations": noms, "PastWinners": history}, {})
    column_key(early, "Nominations", "Nominee")
    column_key(early, "PastWinners", "Winner")
    early.cache["derived"] = "from both"
    anew = ProgrammeData({"Nominations": noms, "PastWinners": history.copy()}, {})
    adopt_work(early, anew)
    assert set(anew.cache) == {
        ("key", "Nominations", "Nominee"),
        ("key source", "Nominations", "Nominee"),
    } | ({("codes", "Nominations", "Nominee")} & set(early.cache))
    same = ProgrammeData({"Nominations": noms, "PastWinners": history}, {})
    adopt_work(early, same)
    assert same.cache == early.cache


def test_details_filled_from_the_staff_table_are_shared_with_the_full_read(
    slow_scores, monkeypatch
):
    # N-0001's line manager and site left blank: reading fills them from Staff and Teams.
    set_cell(slow_scores, "Nominations", "F6", "")
    set_cell(slow_scores, "Nominations", "G6", "")
    seen: list = []
    data, report = _report(slow_scores, monkeypatch, seen)
    (provisional, _), *_ = seen
    noms = data.tables["Nominations"]
    assert noms.loc[noms["ID"] == "N-0001", ["Site", "Line manager"]].values.tolist() == [
        ["Leeds", "Marcus Bell"]
    ]
    assert dict.get(provisional.tables, "Nominations") is noms
    assert data.cache["conflicted_pairs"] is provisional.cache["conflicted_pairs"]


def test_staff_details_are_filled_in_once_per_read(slow_scores, monkeypatch):
    from automation.io import read

    calls = []
    plain = read.with_staff_details

    def counted(*args):
        calls.append(1)
        return plain(*args)

    monkeypatch.setattr(read, "with_staff_details", counted)
    set_cell(slow_scores, "Nominations", "F6", "")
    data, _ = _report(slow_scores, monkeypatch)
    assert len(calls) == 1
    noms = data.tables["Nominations"]
    assert noms.loc[noms["ID"] == "N-0001", "Line manager"].tolist() == ["Marcus Bell"]


def test_while_the_staff_table_loads_the_early_rules_are_not_given_the_nominations(
    example_copy, monkeypatch
):
    """The nominations are not complete until their blank details are filled in from the
    Staff table: with Staff the table still loading, the rules that need the nominations wait
    for the full read, which fills them in (a blank line manager no longer hides a
    conflict)."""
    set_cell(example_copy, "Nominations", "F6", "")
    # Staff as the big table read last, still loading when everything else is parsed.
    plain_names = load.Loading.names
    monkeypatch.setattr(load.Loading, "names", lambda self: (plain_names(self)[0], {"Staff"}))
    monkeypatch.setattr(load.Loading, "ready", lambda self, name: name != "Staff")
    seen: list = []
    data, report = _report(example_copy, monkeypatch, seen)
    (provisional, found), *_ = seen
    with pytest.raises(TablePending):
        provisional["Nominations"]
    assert "nominations" not in found
    plain = [i.as_dict() for i in validate.validate(read_workbook(example_copy), today=TODAY)]
    assert report == plain
    noms = data.tables["Nominations"]
    assert noms.loc[noms["ID"] == "N-0001", "Line manager"].tolist() == ["Marcus Bell"]
