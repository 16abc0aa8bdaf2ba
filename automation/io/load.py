"""Load a workbook's tables as raw text columns: the only place that reads sheet cells.

Each table is loaded with fastexcel (a Rust reader that hands columns to Arrow) as the block
of cells its definition names, an order of magnitude faster than openpyxl on a long Scores
sheet. Parsing the text by the schema's types is ``automation.io.read``'s job.

This module imports neither pandas nor pyarrow nor the rest of the tool, so the command line
can start loading before it imports them (:func:`start_loading`): the reader releases the
GIL, and on a 300,000-row Scores sheet it spends most of a second inflating and scanning XML,
time in which the main thread imports pandas and the scoring code (about half a second) and
parses the small tables.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from automation import schema
from automation.errors import UserError
from automation.io.package import TableInfo, open_package
from automation.io.package import tables as package_tables
from automation.io.salvage import quiet_stderr, reader_errors, unreadable_table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# Tables whose extra columns (added by the manager) are read too: Staff's become equity
# groupings when the "Equity groups" setting names them.
EXTRA_COLUMNS = ("Staff",)

# A sheet part this big (uncompressed XML) makes a big table, parsed last: the biggest is
# loaded on a thread of its own while the other tables are read.
BIG_PART = 8 * 2**20


class RawTable:
    """One table as found: its headers and raw cell values, before any parsing.

    ``frame`` has the headers as written for columns and the raw values. A table from the
    file reader keeps its cells as Arrow string arrays (``columns``: header and array) and
    builds the frame only when someone asks for it: ``build_data`` parses the arrays
    directly, which on a small workbook saves more time than all the parsing costs.
    """

    def __init__(
        self,
        name: str,
        sheet: str,
        header_row: int,
        first_col: int,
        headers: list[str],
        frame: pd.DataFrame | None = None,
        problem: str | None = None,  # the table is damaged and was not read (see package.py)
        *,
        columns: list[tuple[str, pa.Array]] | None = None,
    ):
        self.name = name
        self.sheet = sheet
        self.header_row = header_row
        self.first_col = first_col
        self.headers = headers
        self.problem = problem
        self.columns = columns
        self._frame = frame
        if frame is None and columns is None:
            self.columns = []

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = _frame_of(self.columns or [])
        return self._frame

    @frame.setter
    def frame(self, value: pd.DataFrame) -> None:
        # A changed frame is the truth from now on: the arrays no longer describe the table.
        self._frame = value
        self.columns = None

    def __repr__(self) -> str:
        return f"RawTable({self.name!r}, {self.sheet!r}, row {self.header_row}, {self.headers})"


def _frame_of(columns: list[tuple[str, pa.Array]]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    # Raw text as pandas has always been handed it by the reader (NaN for an empty cell).
    raw_text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = pd.DataFrame({i: pd.array(arr, dtype=raw_text) for i, (_, arr) in enumerate(columns)})
    frame.columns = [h for h, _ in columns]  # headers may repeat; a dict would merge them
    return frame


def norm(header: object) -> str:
    """A header as matched against the schema: case and runs of spaces do not count."""
    return re.sub(r"\s+", " ", str(header or "")).strip().casefold()


@functools.cache
def _input_norms(name: str) -> frozenset[str]:
    return frozenset(norm(c.name) for c in schema.TABLE_BY_NAME[name].input_columns)


# A table's load: the table, or the UserError that stopped it.
Loaded = tuple[RawTable | None, BaseException | None]


class _Failed(Exception):
    """A load failed: leave the quiet block by an exception, so its output is dropped."""


class Loading:
    """The tables of one workbook being loaded on other threads.

    :meth:`names` gives the tables found, in schema order, and which are big (ready last:
    the biggest loads on a thread of its own, the others after the small tables);
    :meth:`get` waits for one table. A table's failure
    comes back with it rather than being raised, so the caller reports the first in schema
    order.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._opened: Future[tuple[list[str], set[str]]] = Future()
        self._tables: dict[str, Future[Loaded]] = {}
        self._failed = False
        # Not a daemon: while it runs, stderr is redirected, and the interpreter waits for
        # it at exit, so whatever the main thread printed meanwhile is replayed, not lost.
        self.thread = threading.Thread(target=self._run, name="awards-read")
        self.thread.start()

    def _run(self) -> None:
        try:
            with open_package(self.path) as zf:
                found = package_tables(zf)
                sizes = {i.filename: i.file_size for i in zf.infolist()}
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self._opened.set_exception(exc)
            return
        wanted = [found[name] for name in schema.TABLE_BY_NAME if name in found]
        try:
            # Once around the whole load (redirecting costs more than a small table). What
            # Rust printed is replayed, unless a load failed: then it is a panic's backtrace.
            with quiet_stderr():
                self._load(wanted, sizes)
                if self._failed:
                    raise _Failed
        except _Failed:
            pass

    def _load(self, wanted: list[TableInfo], sizes: dict[str, int]) -> None:
        reader = self._reader()
        if reader[1] is not None:
            self._failed = True
            self._opened.set_exception(reader[1])
            return
        big = sorted(
            (i for i in wanted if sizes.get(i.sheet_part, 0) >= BIG_PART),
            key=lambda i: -sizes[i.sheet_part],
        )
        late = {i.name for i in big}
        self._tables = {i.name: Future() for i in wanted}
        self._opened.set_result(([i.name for i in wanted], late))
        if not big:
            for info in wanted:
                self._settle(info.name, self._try_load, reader, info)
            return
        # The biggest table goes to a thread of its own (a reader cannot serve two threads);
        # this one reads the small tables, then the other big ones, biggest first. Queued
        # behind Scores, Nominations was ready a quarter of a second after it, and the main
        # thread had nothing to parse meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(self._settle, big[0].name, self._load_alone, big[0])
            for info in [*(i for i in wanted if i.name not in late), *big[1:]]:
                self._settle(info.name, self._try_load, reader, info)

    def _settle(self, name: str, load: Callable[..., Loaded], *args) -> None:
        try:
            outcome = load(*args)
        except BaseException as exc:  # noqa: BLE001 - a bug; raised where the table is used
            self._failed = True
            self._tables[name].set_exception(exc)
            return
        self._failed |= outcome[1] is not None
        self._tables[name].set_result(outcome)

    def _reader(self) -> tuple[object | None, BaseException | None]:
        try:
            with reader_errors(self.path):
                return _reader(self.path), None
        except UserError as exc:
            return None, exc

    def _load_alone(self, info: TableInfo) -> Loaded:
        return self._try_load(self._reader(), info)

    def _try_load(self, reader, info: TableInfo) -> Loaded:
        opened, exc = reader
        if exc is not None:
            return None, exc
        try:
            return _load_table(opened, self.path, info), None
        except UserError as exc:
            return None, exc

    def names(self) -> tuple[list[str], set[str]]:
        """The tables found in schema order, and which of them are big (ready last).
        Raises what opening the file raised (a UserError for a file that is no workbook)."""
        return self._opened.result()

    def get(self, name: str) -> Loaded:
        return self._tables[name].result()

    def ready(self, name: str) -> bool:
        """Whether :meth:`get` would answer at once."""
        return self._tables[name].done()

    def all(self) -> dict[str, RawTable]:
        """Every table, raising the first failure in schema order."""
        names, _ = self.names()
        out: dict[str, RawTable] = {}
        for name in names:
            table, exc = self.get(name)
            if exc is not None:
                raise exc
            out[name] = table
        return out


def _reader(path: Path):
    import fastexcel

    return fastexcel.read_excel(str(path))


def _load_table(reader, path: Path, info: TableInfo) -> RawTable:
    name = info.name
    if info.problem:
        return RawTable(name, info.sheet, 0, 1, [], problem=info.problem)
    headers = list(info.columns)
    # Formula columns are Excel's business; skipping them keeps long tables fast.
    inputs = _input_norms(name)
    use = [i for i, h in enumerate(headers) if name in EXTRA_COLUMNS or norm(h) in inputs]
    place = (name, info.sheet, info.header_row, info.first_col, headers)
    if info.last_row <= info.header_row:
        return RawTable(*place, columns=[(headers[i], _no_text()) for i in use])
    if not use:
        return RawTable(*place, columns=[])
    # The table's rectangle of the sheet, by absolute position (the table's own ref): loading
    # the sheet so is about a fifth faster than loading the table by name, which has
    # calamine look up every table of the workbook first. Positions, not names, since two
    # headers may be the same.
    with reader_errors(path, info):
        batch = reader.load_sheet(
            info.sheet,
            header_row=info.header_row - 1,
            n_rows=info.last_row - info.header_row,
            use_columns=[info.first_col - 1 + i for i in use],
            dtypes="string",
            eager=True,
        )
    if batch.num_columns != len(use):
        raise unreadable_table(path, info, ValueError("its columns do not match its header"))
    return RawTable(*place, columns=[(headers[i], batch.column(j)) for j, i in enumerate(use)])


@functools.cache
def _no_text() -> pa.Array:
    import pyarrow as pa

    return pa.nulls(0, pa.string())  # (pa.array would import pandas)


# Loads started ahead of time by start_loading, by file (and its size and modification time,
# so a file replaced in between is read afresh).
_started: dict[tuple[str, int, int], Loading] = {}


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def start_loading(path: Path | str) -> None:
    """Start loading ``path``'s tables now, on other threads; the next :func:`loading` of the
    same unchanged file takes them over. Nothing is reported here: a file that cannot be
    read fails when it is read (with the message it always had)."""
    key = _file_key(Path(path))
    if key is not None and key not in _started:
        _started[key] = Loading(Path(path))


def wait_started() -> None:
    """Wait for the loads :func:`start_loading` began: the command line calls it before it
    prints an error, since stderr is redirected while they run."""
    threads = [started.thread for started in _started.values()] + _claimed
    _started.clear()
    _claimed.clear()
    for thread in threads:
        thread.join()


# The threads of started loads already taken over (only the threads: their tables are freed
# once read).
_claimed: list[threading.Thread] = []


def loading(path: Path) -> Loading:
    """The tables of ``path`` being loaded: the load :func:`start_loading` began, or a new one."""
    started = _started.pop(_file_key(path) or ("", 0, 0), None)
    if started is None:
        return Loading(path)
    _claimed.append(started.thread)
    return started


def load_raw_tables(path: Path) -> dict[str, RawTable]:
    """Every schema table present in the file, as raw values (the only file access)."""
    return loading(Path(path)).all()
