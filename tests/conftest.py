"""Shared fixtures: the example and template workbooks built once per test session."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from automation.build.example import AS_OF, build_example, content
from automation.build.workbook import build_workbook
from automation.io.read import read_workbook

TODAY = AS_OF.date()


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> Path:
    return build_example(tmp_path_factory.mktemp("example") / "example_programme.xlsx")


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("template") / "award_programme.xlsx")


@pytest.fixture
def example_copy(built_example, tmp_path) -> Path:
    """A private copy a test may change."""
    dest = tmp_path / "programme.xlsx"
    shutil.copyfile(built_example, dest)
    return dest


@pytest.fixture(scope="session")
def example_data(built_example):
    return read_workbook(built_example)


@pytest.fixture(scope="session")
def example_content():
    return content()


@pytest.fixture
def today() -> dt.date:
    return TODAY


# --- the judging workflow (tests/test_judging*.py), built once per session ------------------
JUDGING_NOW = dt.datetime(2026, 11, 20, 9, 0)
# Far ahead, so a pack made on the real day (the command line has no clock to set) is never
# refused for a due date gone by.
JUDGING_DUE = dt.date(2036, 12, 5)


@pytest.fixture(scope="session")
def judging_unscored(tmp_path_factory) -> Path:
    """The worked example before judging: no scores, due date and programme ID set."""
    tables, settings = content()
    tables = dict(tables) | {"Scores": []}
    settings = settings | {"programme_id": "NCC-STARS", "scores_due": JUDGING_DUE}
    path = tmp_path_factory.mktemp("unscored") / "programme.xlsx"
    return build_workbook(path, tables, settings, spare_rows=10)


@pytest.fixture(scope="session")
def judging_assigned(judging_unscored, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("assigned") / "programme.xlsx"
    shutil.copyfile(judging_unscored, path)
    from automation.judging.jobs import assign_workbook

    assign_workbook(path, seed=7, now=JUDGING_NOW, user="test")
    return path


@pytest.fixture(scope="session")
def judging_packs(judging_assigned, tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("packs")
    from automation.judging.jobs import packs_workbook

    return packs_workbook(judging_assigned, out, now=JUDGING_NOW).files
