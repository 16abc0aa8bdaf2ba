"""Judge progress: how many nominations each judge has, has scored, and what is missing.

Worked out from the same expected scores the missing-score check uses (assignments, or
everyone scores everything, minus conflicts), so the JudgeProgress table beside the Judges
table and the Issues sheet always agree.
"""

from __future__ import annotations

import pandas as pd

from automation import schema
from automation.keys import key, key_of
from automation.model import ProgrammeData
from automation.validate.judging import expected_scores, scored_frame

COLUMNS = list(schema.TABLE_BY_NAME["JudgeProgress"].names)


def expected_with_status(data: ProgrammeData) -> pd.DataFrame:
    """Expected (judge, nomination, criterion) rows with ``scored`` True where a score is in."""
    exp = expected_scores(data)
    if exp.empty:
        return exp.assign(scored=pd.Series(dtype=bool))
    f = scored_frame(data)
    f = f[f["Score"].notna()]
    have = set(zip(f["_j"], f["_nid"], f["_c"], strict=True))
    keys = zip(key(exp["Judge"]), key(exp["Nomination ID"]), key(exp["Criterion"]), strict=True)
    return exp.assign(scored=[k in have for k in keys])


def progress_frame(data: ProgrammeData, collected: dict[str, object] | None = None) -> pd.DataFrame:
    """The JudgeProgress table: one row per judge on the panel.

    ``collected`` maps a judge to when their pack was just collected; other judges keep the
    date the table already showed.
    """
    judges = [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]
    exp = expected_with_status(data)
    old = data.tables.get("JudgeProgress")
    last: dict[str, object] = {}
    if old is not None and not old.empty:
        last = {
            key_of(j): v
            for j, v in zip(old["Judge"], old["Last pack collected"], strict=True)
            if j is not None and v is not None and v == v
        }
    for judge, when in (collected or {}).items():
        last[key_of(judge)] = when
    rows = []
    for judge in judges:
        mine = exp[key(exp["Judge"]) == key_of(judge)] if not exp.empty else exp
        per_nom = mine.groupby("Nomination ID")["scored"].all() if not mine.empty else pd.Series()
        rows.append(
            {
                "Judge": judge,
                "Assigned": int(len(per_nom)),
                "Scored": int(per_nom.sum()) if len(per_nom) else 0,
                "Missing scores": int((~mine["scored"]).sum()) if not mine.empty else 0,
                "Last pack collected": last.get(key_of(judge)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
