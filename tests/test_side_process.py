"""The second process that draws the evaluation charts while the other documents are written."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from automation.documents import side_process
from automation.errors import UserError

forks = pytest.mark.skipif(not side_process.can_fork(), reason="only where the system forks")


def pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def fails(message: str) -> None:
    raise UserError(message, "fix it")


def no_pickle() -> object:
    return lambda: None  # a result that cannot travel back through the pipe


@forks
def test_a_job_runs_in_the_second_process_and_returns_its_result() -> None:
    with side_process.opened() as second:
        job = second.start(pid_and, 21)
        assert job.in_second_process
        pid, value = job.result()
    assert value == 42
    assert pid != os.getpid()


def test_turned_off_the_job_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(side_process.OFF, "1")
    with side_process.opened() as second:
        assert not second.running
        job = second.start(pid_and, 5)
        assert not job.in_second_process
        assert job.result() == (os.getpid(), 10)


def test_an_error_in_the_job_reaches_the_caller_as_itself() -> None:
    with side_process.opened() as second:
        job = second.start(fails, "no logo")
        with pytest.raises(UserError, match="no logo"):
            job.result()


@forks
def test_a_result_that_cannot_come_back_is_worked_out_here() -> None:
    with side_process.opened() as second:
        job = second.start(no_pickle)
        assert callable(job.result())


def test_a_closed_second_process_runs_jobs_here() -> None:
    second = side_process.SecondProcess()
    second.close()
    assert second.start(pid_and, 1).result() == (os.getpid(), 2)


@forks
def test_output_buffered_before_the_fork_is_written_once(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from automation.documents import side_process\n"
        "print('before the fork')\n"  # buffered: stdout is a file, not a terminal
        "with side_process.opened(warm_up=dict) as second:\n"
        "    second.start(dict).result()\n"
    )
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        subprocess.run([sys.executable, "-c", script], stdout=handle, check=True)
    assert out.read_text().count("before the fork") == 1


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_the_report_is_the_same_with_or_without_the_second_process(
    example_data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.documents.generate import generate_all
    from automation.scoring import score

    results = score(example_data)
    made = {}
    for mode in ("0", "1"):
        monkeypatch.setenv(side_process.OFF, mode)
        files = generate_all(example_data, results, tmp_path / mode, progress=False)
        (report,) = [f for f in files if f.name.startswith("evaluation-")]
        made[mode] = _parts(report)
    assert made["0"] == made["1"]
    assert any(n.startswith("word/media/") for n in made["0"])  # the charts are in it


def test_run_hands_over_the_scores_before_anything_is_written(example_copy, tmp_path: Path):
    from automation.pipeline import score_workbook

    dest = tmp_path / "out" / example_copy.name
    seen = []
    outcome = score_workbook(
        example_copy, dest=dest, scored=lambda o: seen.append((dest.exists(), o.results))
    )
    assert seen == [(False, outcome.results)]
    assert dest.exists()


def stuck_unless_here(parent: int) -> int:
    import time

    if os.getpid() != parent:
        time.sleep(30)  # as a child forked into a held lock would be
    return os.getpid()


@forks
def test_a_stuck_job_is_stopped_and_done_here() -> None:
    with side_process.opened() as second:
        job = second.start(stuck_unless_here, os.getpid())
        queued = second.start(pid_and, 3)
        assert job.in_second_process
        assert job.result(patience=0.5) == os.getpid()
        assert not second.running  # the stuck worker was stopped
        assert queued.result() == (os.getpid(), 6)  # and what waited behind it is done here
