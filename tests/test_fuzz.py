"""Seeded fuzzing of the example workbook: every mutation ends in coded issues or a UserError.

The default run covers 290 cases (280 mutated tables, 10 mutated files run through two
commands); ``pytest -m slow`` runs 1,400 more (1,200 and 200).
A failure message lists each distinct crash with the mutation that caused it, so it can be
turned into a case of its own in test_hostile.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import traceback
import warnings
from pathlib import Path

import pytest

from automation import cli
from automation.documents import generate as g
from automation.documents.evaluation import evaluation_fields
from automation.documents.newsletter import newsletter_fields
from automation.equity import equity_frames
from automation.errors import UserError
from automation.evidence import evaluate, evidence_tables
from automation.history import close_period
from automation.import_job import read_export
from automation.importer import map_headers, plan_import
from automation.io.read import build_data, load_raw_tables
from automation.judging.assign import plan_assignments
from automation.judging.packs import build_packs
from automation.lock import changes as lock_changes
from automation.lock import check_lock
from automation.scoring import score
from automation.tables import issues_frame, results_tables
from automation.validate import validate
from tests.support.fuzz import mutate_file, mutate_raw

TODAY = dt.date(2026, 11, 20)
# A form export imported into each mutated workbook (its periods, IDs and responses vary).
EXPORT = Path(__file__).parent / "fixtures" / "forms" / "google_forms_export.csv"


def _core(raw) -> None:
    """Everything a command does after reading, in memory: checking, scoring and the
    documents' fields, the judging round (assign, packs), the lock, the evidence and equity
    tables, closing the period and importing a form export."""
    data = build_data(raw)
    report = validate(data)
    issues_frame(report)
    results = score(data)
    results_tables(results, data)
    equity_frames(data, results)
    evidence_tables(data, found=evaluate(data, results))
    plan_assignments(data)
    build_packs(data, now=dt.datetime(2026, 11, 20, 9))
    list(check_lock(data))
    lock_changes(data)
    with contextlib.suppress(UserError):  # refused with a message, as the command ends
        close_period(data, results, "2027-01", force=True)
    export = read_export(EXPORT)
    plan_import(data, export, map_headers(list(export.columns)), source="customer")
    period = g.current_period(data, results)
    g.awards(data, results, period)
    brand = g.branding(data)
    newsletter_fields(g.newsletter_context(data, results, period, TODAY), brand)
    evaluation_fields(g.evaluation_context(data, results, period, TODAY), brand)


def _crashes(raw0, seeds: range) -> dict[str, str]:
    found: dict[str, str] = {}
    for seed in seeds:
        raw, what = mutate_raw(raw0, random.Random(seed))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _core(raw)
        except UserError:
            pass
        except Exception as exc:  # a crash: keep the innermost frame of our own code
            ours = [
                f for f in traceback.extract_tb(exc.__traceback__) if "/automation/" in f.filename
            ]
            where = ours[-1] if ours else traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {where.filename.rsplit('/', 2)[-2:]}:{where.lineno}"
            found.setdefault(key, f"seed {seed}: {what}: {exc}")
    return found


@pytest.fixture(scope="module")
def raw_example(built_example):
    return load_raw_tables(built_example)


# In slices, so the test workers share them out.
@pytest.mark.parametrize("first", range(0, 280, 70))
def test_mutated_tables_never_crash_the_core(raw_example, first):
    crashes = _crashes(raw_example, range(first, first + 70))
    assert not crashes, "\n".join(f"{k}\n    {v}" for k, v in crashes.items())


@pytest.mark.slow
@pytest.mark.parametrize("first", range(1000, 2200, 200))
def test_mutated_tables_never_crash_the_core_long_run(raw_example, first):
    crashes = _crashes(raw_example, range(first, first + 200))
    assert not crashes, "\n".join(f"{k}\n    {v}" for k, v in crashes.items())


def _commands_on_mutated_files(built_example, tmp_path, capsys, seeds: range) -> list[str]:
    bad: list[str] = []
    for seed in seeds:
        path = tmp_path / f"fuzz{seed}.xlsx"
        what = mutate_file(built_example, path, random.Random(seed))
        for args in (["validate", path], ["score", path, "--write"]):
            code = cli.main([str(a) for a in args])
            text = capsys.readouterr()
            if code not in (0, 1, 2) or "Traceback" in text.err:
                bad.append(f"seed {seed} ({what}): awards {args[0]} exit {code}: {text.err[-300:]}")
    return bad


def test_mutated_files_end_in_issues_or_a_plain_message(built_example, tmp_path, capsys):
    bad = _commands_on_mutated_files(built_example, tmp_path, capsys, range(10))
    assert not bad, "\n".join(bad)


@pytest.mark.slow
def test_mutated_files_long_run(built_example, tmp_path, capsys):
    bad = _commands_on_mutated_files(built_example, tmp_path, capsys, range(100, 300))
    assert not bad, "\n".join(bad)
