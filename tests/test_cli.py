"""The `awards` shell: every command has help with an example, user errors are plain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from automation import cli
from automation.io.read import read_workbook


def test_every_command_has_help_ending_with_an_example(capsys):
    parser = cli.build_parser()
    assert set(cli.COMMANDS) >= {
        "template",
        "example",
        "run",
        "validate",
        "score",
        "documents",
        "email",
        "summary",
        "simulate",
        "excel",
    }
    for name in cli.COMMANDS:
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([name, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert out.strip().splitlines()[-1].startswith("Example: awards " + name), name


def test_python_m_automation_works_like_awards():
    done = subprocess.run(
        [sys.executable, "-m", "automation", "--help"], capture_output=True, text=True, check=True
    )
    assert "awards" in done.stdout and "validate" in done.stdout


def _awards(*argv: str) -> subprocess.CompletedProcess:
    """``python -m automation ARGV`` in a fresh process, its output through pipes."""
    return subprocess.run(
        [sys.executable, "-m", "automation", *argv], capture_output=True, text=True
    )


def test_the_quick_exit_keeps_every_line_and_the_exit_code(built_example, tmp_path, capsys):
    # The command skips the interpreter's teardown (cli.entry): what it printed into a pipe,
    # which buffers, must still arrive, with the code main returned.
    checked = _awards("validate", str(built_example))
    assert checked.returncode == 0, checked.stderr
    assert cli.main(["validate", str(built_example)]) == 0
    assert checked.stdout == capsys.readouterr().out
    assert checked.stdout.endswith(f"Checked {built_example.name}: 0 errors, 4 warnings.\n")
    missing = _awards("validate", str(tmp_path / "nowhere.xlsx"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("awards: ") and "nowhere.xlsx" in missing.stderr


def test_a_run_through_the_quick_exit_writes_whole_files(built_example, tmp_path, capsys):
    done = _awards("run", str(built_example), "--out", str(tmp_path / "quick"))
    assert done.returncode == 0, done.stderr
    assert cli.main(["run", str(built_example), "--out", str(tmp_path / "normal")]) == 0
    capsys.readouterr()
    quick, normal = (
        sorted(p.relative_to(tmp_path / d) for p in (tmp_path / d).rglob("*.*"))
        for d in ("quick", "normal")
    )
    assert quick == normal and len(quick) > 10
    scored = read_workbook(tmp_path / "quick" / built_example.name)
    assert scored.tables["Results"].equals(
        read_workbook(tmp_path / "normal" / built_example.name).tables["Results"]
    )
    assert scored.tables["Audit"]["Action"].iloc[-1] == "documents"
    for path in quick:
        if path.suffix in (".docx", ".xlsx"):  # each a whole zip: its directory comes last
            assert zipfile.is_zipfile(tmp_path / "quick" / path), path


# Libraries only some jobs need (workbook building, documents, Excel): every other command must
# start without loading them, and --help without pandas too.
HEAVY = {"openpyxl", "matplotlib", "docx", "docxtpl", "jinja2", "lxml", "PIL", "xlwings"}


def _loaded_by(*argv: str) -> set[str]:
    """The top-level modules a fresh Python has loaded after ``awards ARGV``."""
    code = (
        "import json, sys\n"
        "from automation import cli\n"
        "try:\n"
        f"    cli.main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_help_loads_neither_pandas_nor_the_heavy_libraries():
    assert not _loaded_by("--help") & (HEAVY | {"pandas", "numpy"})


@pytest.mark.parametrize("command", ["validate", "score"])
def test_checking_and_scoring_load_none_of_the_heavy_libraries(command, built_example):
    loaded = _loaded_by(command, str(built_example))
    assert "pandas" in loaded  # the check did run
    assert not loaded & HEAVY


def test_a_run_without_documents_loads_none_of_the_heavy_libraries(built_example, tmp_path):
    loaded = _loaded_by("run", str(built_example), "--out", str(tmp_path), "--no-documents")
    assert (tmp_path / built_example.name).exists()
    assert not loaded & HEAVY


def test_missing_workbook_is_a_plain_message(capsys, tmp_path):
    code = cli.main(["validate", str(tmp_path / "nope.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "No workbook at" in err and "Traceback" not in err


def test_validate_exit_codes_and_json(capsys, built_example, today):
    assert cli.main(["validate", str(built_example), "--today", today.isoformat()]) == 0
    assert (
        cli.main(["validate", str(built_example), "--format", "json", "--today", today.isoformat()])
        == 0
    )
    out = capsys.readouterr().out
    payload = json.loads(out[out.index("{") :])
    assert {i["code"] for i in payload["issues"]} == {
        "missing-score",
        "duplicate-nomination",
        "quote-without-consent",
        "action-overdue",
    }


def test_validate_exits_1_on_errors(capsys, example_copy):
    from tests.support.edit import rewrite_table, table_rows

    header, rows = table_rows(example_copy, "Scores")
    rows[0][header.index("Score")] = 42
    rewrite_table(example_copy, "Scores", header, rows)
    assert cli.main(["validate", str(example_copy), "--write"]) == 1
    issues = read_workbook(example_copy)["Issues"]
    assert "score-out-of-scale" in set(issues["Code"])
    assert (example_copy.parent / "backups").exists()


def test_score_json_has_what_the_results_sheet_shows(capsys, built_example):
    assert cli.main(["score", str(built_example), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    noms = payload["nominations"]
    assert len(noms) == 60
    first = noms[0]
    for key in ("Raw score", "Normalised score", "Rank", "Place", "Tie-break", "Flags"):
        assert key in first
    assert {"judges", "agreement", "fallbacks", "panel", "excluded_scores"} <= set(payload)
    assert sum(1 for n in noms if n["Place"] == "winner") == 3


def test_run_writes_a_scored_copy_and_documents(built_example, tmp_path, capsys, today):
    out = tmp_path / "out"
    before = built_example.read_bytes()
    assert (
        cli.main(["run", str(built_example), "--out", str(out), "--today", today.isoformat()]) == 0
    )
    assert built_example.read_bytes() == before
    scored = read_workbook(out / built_example.name)
    assert len(scored["Results"]) == 60
    # The example's own scoring, then this run's scoring and its documents.
    assert scored["Audit"]["Action"].tolist() == ["score", "score", "documents"]
    assert sorted(p.name for p in (out / "certificates").glob("*.docx"))
    assert list(out.glob("newsletter-*.docx")) and list(out.glob("evaluation-*.docx"))
    assert len(list((out / "emails").glob("*.eml"))) >= 7
    text = capsys.readouterr().out
    assert "winners:" in text and "documents" in text


def test_excel_commands_say_linux_has_no_excel(capsys):
    if sys.platform.startswith("linux"):
        assert cli.main(["excel", "install"]) == 2
        assert "not available on Linux" in capsys.readouterr().err


def test_unexpected_errors_are_logged_not_shown(monkeypatch, capsys, built_example):
    import automation.pipeline as pipeline

    def broken(*a, **k):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(pipeline, "check_workbook", broken)
    assert cli.main(["validate", str(built_example)]) == 3
    err = capsys.readouterr().err
    assert "a bug, not your mistake" in err and "ZeroDivisionError" not in err


def test_building_over_a_workbook_keeps_the_old_one(tmp_path, capsys):
    path = tmp_path / "mine.xlsx"
    assert cli.main(["template", str(path)]) == 0
    first = path.read_bytes()
    assert cli.main(["template", str(path)]) == 0
    (backup,) = (tmp_path / "backups").iterdir()
    assert backup.read_bytes() == first
    assert "Kept a copy" in capsys.readouterr().out


def test_run_names_errors_exits_1_and_still_writes_the_workbook(tmp_path, capsys, built_template):
    out = tmp_path / "out"
    assert cli.main(["run", str(built_template), "--out", str(out)]) == 1
    text = capsys.readouterr().out
    # The error is named with its sheet and cell and how to fix it, not just counted.
    assert "Settings!B8" in text and "Fix:" in text
    assert (out / built_template.name).is_file()  # the Issues sheet shows what to fix
    assert not (out / "certificates").exists() and not (out / "emails").exists()


def test_run_without_scores_table_is_an_error_not_a_ranking(tmp_path, capsys, example_copy):
    from tests.support.edit import delete_table

    delete_table(example_copy, "Scores")
    assert cli.main(["run", str(example_copy), "--out", str(tmp_path / "out")]) == 1
    text = capsys.readouterr().out
    assert "table 'Scores'" in text and "0 of 60 nominations ranked" in text


def test_failed_run_leaves_no_empty_output_folder(tmp_path, capsys):
    out = tmp_path / "out" / "deeper"
    assert cli.main(["run", str(tmp_path / "missing.xlsx"), "--out", str(out)]) == 2
    assert not (tmp_path / "out").exists()


def test_scored_copy_keeps_the_workbooks_mode(tmp_path, capsys, example_copy, today):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        cli.main(["run", str(example_copy), "--out", str(out), "--no-documents"])
        assert stat.S_IMODE((out / example_copy.name).stat().st_mode) == 0o644  # new file
        example_copy.chmod(0o664)
        cli.main(["run", str(example_copy), "--in-place", "--no-documents"])
        assert stat.S_IMODE(example_copy.stat().st_mode) == 0o664  # in place: kept as it was
    finally:
        os.umask(old)


def test_score_exits_1_and_names_errors_like_run(capsys, built_template):
    assert cli.main(["score", str(built_template)]) == 1
    assert "Settings!B8" in capsys.readouterr().out


@pytest.mark.parametrize("preset", [None, "mimalloc"])
def test_the_command_line_uses_the_system_allocator_unless_told_otherwise(example_copy, preset):
    script = (
        "import sys\n"
        "from automation import cli\n"
        "code = cli.main(['validate', sys.argv[1]])\n"
        "import pyarrow\n"
        "print('POOL', pyarrow.default_memory_pool().backend_name)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    done = subprocess.run(
        [sys.executable, "-c", script, str(example_copy)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert f"POOL {preset or 'system'}" in done.stdout, done.stdout + done.stderr


def test_validate_prints_a_problem_repeated_in_many_cells_once(capsys):
    from automation.issues import ERROR, WARNING, Issue, Report

    report = Report()
    for row in range(16, 24):  # a judge who left the panel, still on eight score rows
        report.add(
            Issue(
                "unknown-judge",
                ERROR,
                "Scores",
                "'Dee' is not on the Judges sheet.",
                "Fix.",
                row=row,
                cell=f"A{row}",
            )
        )
    report.add(
        Issue(
            "unknown-judge",
            ERROR,
            "Scores",
            "'Ed' is not on the Judges sheet.",
            "Fix.",
            row=30,
            cell="A30",
        )
    )
    report.add(Issue("action-overdue", WARNING, "Plan", "Late.", None, row=9, cell="H9"))
    cli._print_issues(report)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines if line.startswith(("error", "warning"))] == [
        "Scores!A16",
        "Scores!A30",
        "Plan!H9",
    ]
    (same,) = [line.strip() for line in lines if "the same in" in line]
    assert same == "the same in 7 more cells: A17, A18, A19, A20, A21 and 2 more"


def test_run_names_the_first_few_problems_each_once():
    from automation.issues import ERROR, Issue, Report
    from automation.pipeline import error_lines

    report = Report()
    for row in range(16, 24):
        report.add(
            Issue(
                "unknown-judge",
                ERROR,
                "Scores",
                "'Dee' is not a judge.",
                "Fix.",
                row=row,
                cell=f"A{row}",
            )
        )
    for row in range(2, 8):  # six other problems, one cell each
        report.add(
            Issue(
                "required-missing",
                ERROR,
                "Staff",
                f"Row {row} has no name.",
                None,
                row=row,
                cell=f"A{row}",
            )
        )
    header, *named, last = error_lines(report, shown=5)
    assert header.startswith("There are 14 errors")
    assert named[0] == (
        "  - Scores!A16: 'Dee' is not a judge. Fix: Fix. (the same in 7 more cells: A17, A18, "
        "A19, A20, A21 and 2 more)"
    )
    assert [line.split(":")[0] for line in named[1:]] == [f"  - Staff!A{r}" for r in range(2, 6)]
    assert last == "  ...and 2 more: see the Issues sheet or run 'awards validate'."


def test_summary_lists_each_sheets_tables_with_their_rows(built_example, capsys):
    from automation.io.read import read_workbook

    data = read_workbook(built_example)
    assert cli.main(["summary", str(built_example)]) == 0
    lines = capsys.readouterr().out.splitlines()
    judges = next(line for line in lines if line.strip().startswith("Judges "))
    assert judges.split()[1:3] == ["Judges", f"{len(data['Judges'])},"]
    scores = next(line for line in lines if line.strip().startswith("Scores "))
    assert scores.split()[-1] == f"{len(data['Scores']):,}" and len(data["Scores"]) >= 1000
