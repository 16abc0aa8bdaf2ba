"""Broken and hostile files: every one ends in a plain message (exit 2) or coded issues.

Each case here was once a Python traceback (see the hardening issue); the test runs the real
command and checks the exit code and that the message names what is wrong.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from automation import cli
from automation.io import safe_save
from automation.io.read import read_workbook
from automation.io.write import write_tool_tables
from automation.validate import validate
from tests.support.edit import set_cell, table_rows
from tests.support.package_edit import (
    BILLION_LAUGHS,
    XXE,
    rewrite_parts,
    sheet_part,
    table_part,
    with_doctype,
)


def _awards(capsys, *args: object) -> tuple[int, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _plain_refusal(capsys, *args: object) -> str:
    code, text = _awards(capsys, *args)
    assert code == 2, text
    assert "Traceback" not in text and "unexpected error" not in text, text
    return text


# --- not a workbook at all ----------------------------------------------------------------------
def test_a_word_document_renamed_xlsx(tmp_path, capsys):
    doc = tmp_path / "letter.xlsx"
    buffer = io.BytesIO()
    Document().save(buffer)
    doc.write_bytes(buffer.getvalue())
    assert "Word document" in _plain_refusal(capsys, "validate", doc)


def test_a_zip_without_a_workbook_part(tmp_path, capsys):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("holiday.txt", "not a workbook")
    assert "no workbook part" in _plain_refusal(capsys, "score", path)


def test_a_folder_given_as_the_workbook(tmp_path, capsys):
    folder = tmp_path / "programme.xlsx"
    folder.mkdir()
    assert "is a folder" in _plain_refusal(capsys, "validate", folder)


def test_malformed_workbook_xml(example_copy, tmp_path, capsys):
    bad = rewrite_parts(example_copy, tmp_path / "bad.xlsx", {"xl/workbook.xml": b"<workbook"})
    text = _plain_refusal(capsys, "validate", bad)
    assert "damaged" in text and "xl/workbook.xml" in text


def test_a_truncated_sheet_names_the_table(example_copy, tmp_path, capsys):
    part = sheet_part(example_copy, "Nominations")
    bad = rewrite_parts(example_copy, tmp_path / "cut.xlsx", {part: lambda x: x[: len(x) // 2]})
    text = _plain_refusal(capsys, "validate", bad)
    assert "Nominations" in text


@pytest.mark.parametrize("doctype", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_in_the_workbook_part_are_refused(example_copy, tmp_path, capsys, doctype):
    bad = rewrite_parts(
        example_copy,
        tmp_path / "entities.xlsx",
        {"xl/workbook.xml": lambda x: with_doctype(x, doctype)},
    )
    assert "entities" in _plain_refusal(capsys, "validate", bad)


@pytest.mark.parametrize("doctype", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_in_a_sheet_do_not_expand(example_copy, tmp_path, capsys, doctype):
    part = sheet_part(example_copy, "Nominations")
    bad = rewrite_parts(
        example_copy, tmp_path / "entities.xlsx", {part: lambda x: with_doctype(x, doctype)}
    )
    code, text = _awards(capsys, "validate", bad)
    assert code in (0, 1, 2) and "Traceback" not in text and "unexpected error" not in text
    assert "root:" not in text  # nothing of /etc/passwd was read into the workbook


def test_a_table_range_narrower_than_its_columns(example_copy, tmp_path, capsys):
    part = table_part(example_copy, "Periods")

    def narrow(xml: bytes) -> bytes:
        import re

        return re.sub(rb'ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', rb'ref="\1\2:\1\4"', xml, count=1)

    bad = rewrite_parts(example_copy, tmp_path / "narrow.xlsx", {part: narrow})
    report = validate(read_workbook(bad))
    assert "table-damaged" in {i.code for i in report}
    code, text = _awards(capsys, "score", bad)
    assert code == 1 and "Periods" in text and "Traceback" not in text  # named, as an error


# --- zip bombs ----------------------------------------------------------------------------------
def _peak_mb(*args: str) -> tuple[int, str, float]:
    code = (
        "import re, sys\n"
        "from automation import cli\n"
        "rc = cli.main(sys.argv[1:])\n"
        # VmHWM is this process's own peak (ru_maxrss would include the forking parent's).
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
        "print('PEAK', int(hwm.group(1)) / 1024)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    peak = float(done.stdout.rsplit("PEAK", 1)[1]) if "PEAK" in done.stdout else float("inf")
    return done.returncode, done.stdout + done.stderr, peak


def test_a_sheet_that_inflates_to_hundreds_of_mb_is_refused_in_bounded_memory(
    example_copy, tmp_path
):
    part = sheet_part(example_copy, "Results")
    spaces = b" " * (400 * 2**20)
    bad = rewrite_parts(example_copy, tmp_path / "bomb.xlsx", {part: spaces}, level=9)
    assert bad.stat().st_size < 5 * 2**20
    code, text, peak = _peak_mb("score", str(bad), "--write")
    assert code == 2, text
    assert "would unpack" in text and "Traceback" not in text
    assert peak < 500, f"peak memory {peak:.0f} MB"


def test_a_blown_up_small_part_is_refused_in_bounded_memory(example_copy, tmp_path):
    part = table_part(example_copy, "Nominations")
    blown = b"<table" + b" " * (100 * 2**20) + b"/>"
    bad = rewrite_parts(example_copy, tmp_path / "bomb.xlsx", {part: blown}, level=9)
    code, text, peak = _peak_mb("validate", str(bad))
    assert code == 2 and "would unpack" in text, text
    assert peak < 500, f"peak memory {peak:.0f} MB"


# --- values no reader expected ------------------------------------------------------------------
def _cell_of(path: Path, table: str, column: str, row_offset: int = 1) -> tuple[str, str]:
    """(sheet, cell ref) of ``column`` in the ``row_offset``-th data row of ``table``."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for ws in wb.worksheets:
        if table in ws.tables:
            first = ws[ws.tables[table].ref.split(":")[0]]
            header, _ = table_rows(path, table)
            col = first.column + header.index(column)
            return ws.title, ws.cell(first.row + row_offset, col).coordinate
    raise KeyError(table)


def test_a_date_cell_far_outside_the_calendar_is_named(example_copy, capsys):
    sheet, ref = _cell_of(example_copy, "Nominations", "Received")
    set_cell(example_copy, sheet, ref, -1e12)
    text = _plain_refusal(capsys, "validate", example_copy)
    assert f"cell {ref}" in text and "panicked" not in text


@pytest.mark.parametrize("typed", [".5", "01/01/0001", -3e6, "9999-12-31"])
def test_impossible_dates_are_not_a_date(example_copy, typed):
    sheet, ref = _cell_of(example_copy, "Nominations", "Received")
    set_cell(example_copy, sheet, ref, typed)
    report = validate(read_workbook(example_copy))
    assert any(i.code == "not-a-date" and i.cell == ref for i in report)


def _setting_cell(path: Path, label: str) -> tuple[str, str]:
    header, rows = table_rows(path, "Settings")
    i = next(k for k, r in enumerate(rows) if r[header.index("Setting")] == label)
    return _cell_of(path, "Settings", "Value", i + 1)


@pytest.mark.parametrize("value", ["", " ", float("nan")], ids=["empty", "space", "nan"])
def test_a_blank_setting_means_the_default(example_copy, value):
    sheet, ref = _setting_cell(example_copy, "Line manager is a conflict")
    set_cell(example_copy, sheet, ref, value)
    data = read_workbook(example_copy)
    assert data.setting("conflict_line_manager") is True  # the default
    assert not [i for i in data.problems if i.cell == ref]


def test_a_line_break_in_the_from_address_is_a_bad_setting(example_copy, tmp_path, capsys):
    sheet, ref = _setting_cell(example_copy, "From address")
    set_cell(example_copy, sheet, ref, "awards@example.org\r\nBcc: everyone@example.org")
    data = read_workbook(example_copy)
    assert any(i.code == "bad-setting" and i.cell == ref for i in validate(data))
    assert data.setting("from_address") == ""
    code, text = _awards(capsys, "email", example_copy, "--out", tmp_path / "mail")
    assert code == 0 and "Traceback" not in text
    for eml in (tmp_path / "mail" / "emails").glob("*.eml"):
        assert "Bcc" not in eml.read_text(encoding="utf-8")


@pytest.mark.parametrize("months", [-1e12, -5, 0, 5000])
def test_a_retention_period_the_tool_cannot_use_is_named(example_copy, tmp_path, capsys, months):
    """Once an OverflowError (a huge period) or worse: a negative one would have anonymised
    every nomination. Validation names the cell (a warning: scores are unaffected);
    anonymise refuses unless given a date."""
    sheet, ref = _setting_cell(example_copy, "Retention (months)")
    set_cell(example_copy, sheet, ref, months)
    hit = [i for i in validate(read_workbook(example_copy)) if i.code == "bad-setting"]
    assert [i.cell for i in hit] == [ref] and hit[0].severity == "warning"
    text = _plain_refusal(capsys, "anonymise", example_copy, "--out", tmp_path / "anon")
    assert "Retention (months)" in text and "--before" in text
    assert not (tmp_path / "anon").exists()


def test_a_huge_number_of_runners_up_is_a_bad_setting(example_copy, tmp_path, capsys):
    """Found by fuzzing: Runners-up = 1e20 raised OverflowError building the places to fill.
    Now it is named and the default (1) is used."""
    sheet, ref = _setting_cell(example_copy, "Runners-up")
    set_cell(example_copy, sheet, ref, 10**20)
    data = read_workbook(example_copy)
    assert [i.code for i in data.problems if i.cell == ref] == ["bad-setting"]
    assert data.setting("runners_up") == 1
    code, text = _awards(capsys, "run", example_copy, "--no-documents", "--out", tmp_path / "o")
    assert "Traceback" not in text and "unexpected error" not in text, text
    assert "Runners-up" in text and "from 0 to 100" in text


def test_with_no_period_known_anywhere_the_cool_off_check_still_runs(example_data):
    """Found by fuzzing (seed 22509): the Periods table deleted and PastWinners' Period
    column gone left no period end at all, and the cool-off check raised a TypeError inside
    pandas. Now nothing is blocked and validation and scoring go on."""
    import dataclasses

    from automation.scoring import score
    from automation.validate.nominations import cool_off_blocked

    tables = dict(example_data.tables)
    tables["Periods"] = tables["Periods"].iloc[0:0]
    tables["PastWinners"] = tables["PastWinners"].assign(Period=None)
    data = dataclasses.replace(example_data, tables=tables, cache={})
    assert not cool_off_blocked(data).any()
    assert "repeat-winner" not in validate(data).codes()
    assert len(score(data).nominations) == len(score(example_data).nominations)


def test_a_logo_file_name_too_long_to_look_up_is_a_plain_message(example_copy, tmp_path, capsys):
    sheet, ref = _setting_cell(example_copy, "Logo file")
    set_cell(example_copy, sheet, ref, "x" * 5000)  # the system refuses to look it up (OSError)
    text = _plain_refusal(capsys, "run", example_copy, "--out", tmp_path / "out")
    assert "logo file" in text and "Logo file" in text


@pytest.mark.parametrize("typed", [float("inf"), "1e400", float("nan"), "many"])
def test_a_history_count_that_is_no_number_counts_as_none(typed):
    from automation.documents.generate import _count

    assert _count(typed) == 0
    assert _count(7.0) == 7


def test_a_huge_loop_in_an_email_template_is_a_template_error(example_copy, tmp_path, capsys):
    folder = tmp_path / "mine"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", folder)
    winner = folder / "email" / "winner.txt"
    winner.write_text(
        winner.read_text(encoding="utf-8") + "{% for i in range(10**9) %}.{% endfor %}\n",
        encoding="utf-8",
    )
    sheet, ref = _setting_cell(example_copy, "Templates folder")
    set_cell(example_copy, sheet, ref, str(folder))
    text = _plain_refusal(capsys, "email", example_copy, "--out", tmp_path / "mail")
    assert "email template" in text


def test_headers_differing_only_in_case_are_reported(example_copy):
    from openpyxl import load_workbook

    wb = load_workbook(example_copy)
    ws = wb["Nominations"]
    t = ws.tables["Nominations"]
    first = ws[t.ref.split(":")[0]]
    header, _ = table_rows(example_copy, "Nominations")
    dup = ws.cell(first.row, first.column + header.index("Nominator contact"))
    dup.value = "nominee "  # same as 'Nominee' once case and spaces are ignored
    t.tableColumns[header.index("Nominator contact")].name = "nominee "
    wb.save(example_copy)
    data = read_workbook(example_copy)
    found = [i for i in data.problems if i.code == "duplicate-column"]
    assert found and found[0].cell == dup.coordinate
    # The first 'Nominee' column is the one read: no flood of required-missing errors.
    assert not [i for i in validate(data) if i.code == "required-missing" and i.column == "Nominee"]


# --- saving: permissions, disk full, backups, orphans -------------------------------------------
def test_a_read_only_workbook_is_not_overwritten(example_copy, capsys):
    before = example_copy.read_bytes()
    example_copy.chmod(0o444)
    try:
        text = _plain_refusal(capsys, "score", example_copy, "--write")
    finally:
        example_copy.chmod(0o644)
    assert "read-only" in text
    assert example_copy.read_bytes() == before


def test_run_with_out_in_the_workbooks_own_folder_is_refused(example_copy, capsys):
    before = example_copy.read_bytes()
    text = _plain_refusal(capsys, "run", example_copy, "--out", example_copy.parent)
    assert "--in-place" in text
    assert example_copy.read_bytes() == before


def _no_leftovers(folder: Path) -> None:
    assert not [p for p in folder.rglob("*.tmp")], list(folder.rglob("*"))


@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, "No space left on device"), PermissionError(13, "denied")]
)
def test_a_failed_save_leaves_no_half_file_and_the_original_intact(
    example_copy, monkeypatch, capsys, error
):
    before = example_copy.read_bytes()
    real = zipfile.ZipFile.writestr

    def failing(self, *args, **kwargs):
        if str(self.filename).endswith(".tmp") and len(self.filelist) > 3:
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    text = _plain_refusal(capsys, "score", example_copy, "--write")
    assert "Nothing was changed" in text
    assert example_copy.read_bytes() == before
    _no_leftovers(example_copy.parent)
    assert not list((example_copy.parent / "backups").glob("*.xlsx"))


def test_a_backup_that_does_not_match_is_never_kept(example_copy, monkeypatch, capsys):
    before = example_copy.read_bytes()
    real_copy = shutil.copy2

    def truncating(src, dst, *a, **k):
        real_copy(src, dst, *a, **k)
        with open(dst, "r+b") as fh:
            fh.truncate(1000)

    monkeypatch.setattr(safe_save.shutil, "copy2", truncating)
    _plain_refusal(capsys, "score", example_copy, "--write")
    assert example_copy.read_bytes() == before
    backups = example_copy.parent / "backups"
    assert not list(backups.glob("*.xlsx"))
    _no_leftovers(example_copy.parent)


def test_orphan_temp_files_are_cleaned_and_never_counted_as_backups(example_copy, built_example):
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    orphan = example_copy.parent / f".{example_copy.stem}.pid{dead}.abc.tmp"
    orphan.write_bytes(b"half a workbook")
    backups = example_copy.parent / "backups"
    backups.mkdir()
    orphan_backup = backups / f".{example_copy.stem} 2026-01-01 000000.pid{dead}.x.tmp"
    orphan_backup.write_bytes(b"half a backup")
    data = read_workbook(example_copy)
    from automation.scoring import score
    from automation.tables import results_tables

    result = write_tool_tables(example_copy, results_tables(score(data), data))
    assert not orphan.exists()
    assert result.backup is not None and result.backup.read_bytes() == built_example.read_bytes()
    assert [p.name for p in backups.iterdir() if not p.name.startswith(".")] == [result.backup.name]


def test_the_scored_copy_is_readable_by_colleagues(example_copy, tmp_path, capsys):
    old = os.umask(0o022)
    try:
        code, text = _awards(capsys, "run", example_copy, "--out", tmp_path / "out")
    finally:
        os.umask(old)
    assert code == 0, text
    mode = stat.S_IMODE((tmp_path / "out" / example_copy.name).stat().st_mode)
    assert mode == 0o644
    example_copy.chmod(0o664)
    assert _awards(capsys, "score", example_copy, "--write")[0] == 0
    assert stat.S_IMODE(example_copy.stat().st_mode) == 0o664


# --- killed while saving ------------------------------------------------------------------------
def test_killed_during_save_leaves_the_original_or_the_new_file(example_copy):
    import hashlib
    import signal
    import time

    original = hashlib.sha256(example_copy.read_bytes()).hexdigest()
    script = (
        "import sys\n"
        "from automation.io.read import read_workbook\n"
        "from automation.scoring import score\n"
        "from automation.tables import results_tables\n"
        "from automation.io.write import write_tool_tables\n"
        "data = read_workbook(sys.argv[1])\n"
        "frames = results_tables(score(data), data)\n"
        "print('ready', flush=True)\n"
        "for _ in range(40):\n"
        "    write_tool_tables(sys.argv[1], frames)\n"
    )
    outcomes = set()
    for delay in (0.0, 0.05, 0.15, 0.3, 0.6):
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(example_copy)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = read_workbook(example_copy)  # always a whole, readable workbook
        digest = hashlib.sha256(example_copy.read_bytes()).hexdigest()
        outcomes.add("original" if digest == original else "replaced")
        assert not data.problems or all(p.severity != "error" for p in data.problems)
        for backup in (example_copy.parent / "backups").glob("*.xlsx"):
            read_workbook(backup)  # every named backup is whole
    # The next save cleans what the killed runs left behind.
    data = read_workbook(example_copy)
    from automation.scoring import score
    from automation.tables import results_tables

    write_tool_tables(example_copy, results_tables(score(data), data))
    _no_leftovers(example_copy.parent)
    assert json.dumps(sorted(outcomes))
