"""Loading a workbook before the job's modules are imported (``load.start_loading``).

The command line starts the load on other threads, imports pandas and the scoring code, and
the job's read takes the load over. What is read must be exactly what a plain read gives,
a broken file must fail with the same message, and nothing printed meanwhile may be lost
(stderr is redirected while the Rust reader runs).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pandas as pd
import pytest

from automation.errors import UserError
from automation.io import load
from automation.io.read import read_workbook
from tests.support.edit import set_cell
from tests.test_hostile import _cell_of


def _same(a, b) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_dtype=True)
    assert a.settings == b.settings
    assert [i.as_dict() for i in a.problems] == [i.as_dict() for i in b.problems]


@pytest.mark.parametrize("big", [False, True], ids=["one thread", "big tables apart"])
def test_a_started_load_reads_what_a_plain_read_reads(example_copy, big, monkeypatch):
    if big:  # every sheet counts as big: each loads on the second thread, last
        monkeypatch.setattr(load, "BIG_PART", 0)
    set_cell(example_copy, "Nominations", "D7", "  renamed  nominee ")  # something to parse
    plain = read_workbook(example_copy)
    load.start_loading(example_copy)
    assert len(load._started) == 1
    early = read_workbook(example_copy)
    assert not load._started  # taken over, not started again
    _same(plain, early)
    load.wait_started()


def test_only_the_biggest_table_loads_apart_and_the_other_big_ones_do_not_wait_for_it(
    example_copy, monkeypatch
):
    """The other big tables are loaded beside the biggest, not queued behind it (Nominations
    was ready only after Scores, and the main thread had nothing to parse meanwhile)."""
    monkeypatch.setattr(load, "BIG_PART", 0)  # every table counts as big
    threads: dict[str, str] = {}
    plain_load = load._load_table

    def recorded(reader, path, info):
        threads[info.name] = threading.current_thread().name
        return plain_load(reader, path, info)

    monkeypatch.setattr(load, "_load_table", recorded)
    load.start_loading(example_copy)
    read_workbook(example_copy)
    load.wait_started()
    apart = [name for name, thread in threads.items() if thread != "awards-read"]
    assert apart == ["Scores"]  # the example's biggest sheet
    assert len(threads) > 20


def test_a_file_changed_after_the_start_is_read_afresh(example_copy):
    load.start_loading(example_copy)
    set_cell(example_copy, "Settings", "B7", "Changed programme name")
    os.utime(example_copy, ns=(1, 1))  # a different size or time, whatever the edit did
    data = read_workbook(example_copy)
    assert "Changed programme name" in set(data.tables["Settings"].astype(str).stack())
    load.wait_started()  # the stale load is waited for and dropped
    assert not load._started


def test_a_broken_file_fails_with_the_plain_message(example_copy, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(UserError) as plain:
        read_workbook(bad)
    load.start_loading(bad)
    with pytest.raises(UserError) as early:
        read_workbook(bad)
    assert str(early.value) == str(plain.value)
    load.wait_started()


# Run the command line in a real process (stderr is a real file there, so it is redirected
# during the load), with the reader slowed so that the load is surely still running when the
# main thread prints.
_SLOW_CLI = (
    "import sys, time\n"
    "from automation.io import load\n"
    "opened = load._reader\n"
    "def slow(path):\n"
    "    time.sleep(float(sys.argv[1]))\n"
    "    return opened(path)\n"
    "load._reader = slow\n"
    "from automation import cli\n"
    "sys.exit(cli.main(sys.argv[2:]))\n"
)


def _awards(*args, slow: float = 0.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _SLOW_CLI, str(slow), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_reader_panic_is_hidden_and_the_cell_named_from_the_command_line(example_copy):
    sheet, ref = _cell_of(example_copy, "Nominations", "Received")
    set_cell(example_copy, sheet, ref, -1e12)
    done = _awards("validate", example_copy)
    assert done.returncode == 2, done.stderr
    assert f"cell {ref}" in done.stderr
    assert "panicked" not in done.stderr and "Traceback" not in done.stderr


def test_an_error_raised_while_the_load_runs_is_printed(example_copy):
    """run refuses --out naming the workbook's own folder before it reads, so while the
    started load still redirects stderr: the message must reach the user all the same."""
    done = _awards("run", example_copy, "--out", example_copy.parent, slow=1.0)
    assert done.returncode == 2
    assert "the copy would replace it" in done.stderr


def test_warnings_printed_while_the_load_runs_are_replayed(example_copy):
    """Whatever the main thread writes to stderr during the load comes out after it."""
    script = (
        "import sys, time\n"
        "from automation.io import load\n"
        "from automation.io.read import read_workbook\n"
        "opened = load._reader\n"
        "load._reader = lambda path: (time.sleep(1.0), opened(path))[1]\n"
        "load.start_loading(sys.argv[1])\n"
        "time.sleep(0.5)\n"
        "print('written during the load', file=sys.stderr, flush=True)\n"
        "read_workbook(sys.argv[1])\n"
        "load.wait_started()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(example_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "written during the load" in done.stderr
