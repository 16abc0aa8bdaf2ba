"""A second process for slow, self-contained work, so the main job carries on meanwhile.

The evaluation report's charts (matplotlib: a fifth of a second to import, a tenth or so per
chart) need nothing the other documents make, so ``awards run`` opens a second process as it
starts, which imports matplotlib while the workbook is read and scored, then draws the charts
while the certificates, the article and the email drafts are written.

Only where the system forks (Linux): the child starts as a copy of this process, with the
modules already imported; each job's arguments and result go through a pipe. Where processes
must be spawned instead (Windows, macOS, and so the Excel add-in) a fresh interpreter would
cost more than it saves, so each job runs here, when its result is first asked for. Either
way the result is the same, and any failure of the second process (it could not start, it
died, a result could not be sent back) is met by doing the job here, so an error in the job
itself reaches the user exactly as it would without this module.
``AWARDS_ONE_PROCESS=1`` in the environment turns the second process off.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")

OFF = "AWARDS_ONE_PROCESS"
# A job that has not finished after this long is taken as stuck (a child forked while some
# other thread held a lock can wait forever): the child is stopped and the job redone here.
PATIENCE_S = 120.0


def can_fork() -> bool:
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and os.environ.get(OFF, "") in ("", "0")
    )


class SecondProcess:
    """One worker process (or none, where it would not pay); jobs run in the order started."""

    def __init__(self, warm_up: Callable[[], object] | None = None) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if not can_fork():
            return
        # Anything still buffered here would be written again when the child exits.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError, ValueError):
                stream.flush()
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("fork")
            )
            if warm_up is not None:
                self._pool.submit(warm_up)  # forks the child now, before the data grows
        except Exception:  # noqa: BLE001 - no second process: jobs run here instead
            self.close()

    @property
    def running(self) -> bool:
        return self._pool is not None

    def start(self, fn: Callable[..., T], *args) -> Pending[T]:
        """Begin ``fn(*args)`` there (``fn`` module-level; ``args`` and result must pickle)."""
        future = None
        if self._pool is not None:
            try:
                future = self._pool.submit(fn, *args)
            except Exception:  # noqa: BLE001 - the pool broke: run it here
                self.close()
        return Pending(fn, args, future, self)

    def close(self) -> None:
        """End the worker; a job not yet started is dropped (its result is redone here)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def stop(self) -> None:
        """End the worker now, even in the middle of a job."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor only gains a public way to stop its workers in Python 3.14.
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


class Pending(Generic[T]):
    """A job from :meth:`SecondProcess.start`; :meth:`result` waits for it (or does it)."""

    def __init__(
        self,
        fn: Callable[..., T],
        args: tuple,
        future: Future[T] | None,
        owner: SecondProcess | None = None,
    ) -> None:
        self._fn, self._args, self._future, self._owner = fn, args, future, owner

    @property
    def in_second_process(self) -> bool:
        return self._future is not None

    def result(self, patience: float | None = None) -> T:
        if self._future is not None:
            try:
                return self._future.result(timeout=PATIENCE_S if patience is None else patience)
            except TimeoutError:
                if self._owner is not None:
                    self._owner.stop()
                self._future = None
            except Exception:  # noqa: BLE001 - redone below, where a real error is raised
                self._future = None
        return self._fn(*self._args)


@contextlib.contextmanager
def opened(warm_up: Callable[[], object] | None = None) -> Iterator[SecondProcess]:
    """A :class:`SecondProcess` for the duration of a job, closed however the job ends."""
    second = SecondProcess(warm_up)
    try:
        yield second
    finally:
        second.close()
