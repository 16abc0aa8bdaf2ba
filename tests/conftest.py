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
