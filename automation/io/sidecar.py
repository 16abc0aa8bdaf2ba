"""History that no longer fits on a sheet lives in Parquet files beside the workbook.

A worksheet holds 1,048,576 rows. When a history table (scores of every closed period, say)
grows past ``automation.history.SHEET_ROW_CAP`` rows, its oldest rows move to
``<workbook name> history/<Table>.parquet`` in the workbook's folder and the sheet keeps the
newest. The reader puts the two back together (``attach``), so validation, the cool-off rule and
the evaluation report see one table either way. Keep that folder with the workbook (and its
name in step with the workbook's) when moving or renaming it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from automation import schema
from automation.errors import UserError
from automation.model import ROW, ProgrammeData

HISTORY_TABLES = ("NominationHistory", "ScoreHistory", "AssignmentHistory", "ResultHistory")


def folder(workbook: Path) -> Path:
    """The sidecar folder of a workbook."""
    workbook = Path(workbook)
    return workbook.parent / f"{workbook.stem} history"


def file_for(workbook: Path, table: str) -> Path:
    return folder(workbook) / f"{table}.parquet"


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in types Parquet can hold (object columns of mixed values cannot)."""
    spec = schema.TABLE_BY_NAME[table]
    out = {}
    for col in spec.input_columns:
        s = frame[col.name] if col.name in frame else pd.Series([None] * len(frame))
        t = col.type
        if t in (schema.ColType.DATE, schema.ColType.DATETIME):
            out[col.name] = pd.to_datetime(s, errors="coerce")
        elif t in (
            schema.ColType.INT,
            schema.ColType.DECIMAL,
            schema.ColType.MONEY,
            schema.ColType.PERCENT,
        ):
            out[col.name] = pd.to_numeric(s, errors="coerce").astype(float)
        elif t is schema.ColType.BOOL:
            out[col.name] = s.astype("boolean")
        else:
            out[col.name] = s.astype("string")
    return pd.DataFrame(out).reset_index(drop=True)


def read(workbook: Path) -> dict[str, pd.DataFrame]:
    """The sidecar rows of each history table that has a sidecar file."""
    out = {}
    for table in HISTORY_TABLES:
        path = file_for(workbook, table)
        if not path.exists():
            continue
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise UserError(
                f"Cannot read the history file {path}: {exc}",
                "Restore it from a backup, or move it away to read the workbook without it.",
            ) from exc
        out[table] = frame.astype(object).where(frame.notna(), None)
    return out


def attach(data: ProgrammeData) -> ProgrammeData:
    """Put sidecar rows in front of the sheet's rows of each history table (no sheet row)."""
    if data.source is None:
        return data
    for table, older in read(data.source).items():
        sheet = data.tables.get(table)
        older = older.assign(**{ROW: 0})
        data.tables[table] = (
            pd.concat([older, sheet], ignore_index=True)
            if sheet is not None and len(sheet)
            else older
        )
    return data


def split(frame: pd.DataFrame, cap: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows for the sidecar, rows for the sheet): the sheet keeps the newest ``cap`` rows."""
    if len(frame) <= cap:
        return frame.iloc[0:0], frame
    return frame.iloc[: len(frame) - cap], frame.iloc[len(frame) - cap :]


def prepare(workbook: Path, frames: Mapping[str, pd.DataFrame]) -> list[tuple[Path, Path | None]]:
    """Write each sidecar to a temporary file beside its final place; None removes one.

    Returns (temporary file or the final path for a removal, final path) pairs for ``commit``,
    so nothing is replaced until the workbook itself has been saved.
    """
    pending: list[tuple[Path, Path | None]] = []
    for table, frame in frames.items():
        final = file_for(workbook, table)
        if frame is None or frame.empty:
            if final.exists():
                pending.append((final, None))
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_suffix(".parquet.tmp")
        _typed(frame, table).to_parquet(tmp, index=False)
        pending.append((tmp, final))
    return pending


def commit(pending: list[tuple[Path, Path | None]]) -> list[Path]:
    """Swap the prepared sidecars in (or remove emptied ones); return the files in use."""
    done = []
    for tmp, final in pending:
        if final is None:
            tmp.unlink(missing_ok=True)
            continue
        os.replace(tmp, final)
        done.append(final)
    return done


def discard(pending: list[tuple[Path, Path | None]]) -> None:
    for tmp, final in pending:
        if final is not None:
            tmp.unlink(missing_ok=True)
