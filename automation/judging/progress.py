"""Judge progress: how many nominations each judge has, has scored, and what is missing.

Worked out from the same expected scores the missing-score check uses (assignments, or
everyone scores everything, minus conflicts), so the JudgeProgress table beside the Judges
table and the Issues sheet always agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from automation import schema
from automation.keys import key, key_of
from automation.model import ProgrammeData
from automation.validate.judging import expected_parts, expected_scored, expected_scores

COLUMNS = list(schema.TABLE_BY_NAME["JudgeProgress"].names)


def expected_with_status(data: ProgrammeData) -> pd.DataFrame:
    """Expected (judge, nomination, criterion) rows with ``scored`` True where a score is in."""
    exp = expected_scores(data)
    if exp.empty:
        return exp.assign(scored=pd.Series(dtype=bool))
    return exp.assign(scored=expected_scored(data))


def judge_counts(data: ProgrammeData) -> dict[str, tuple[int, int, int]]:
    """Per judge key: nominations expected, nominations fully scored, and scores missing.

    Counted on integer codes of each expected row's judge key and nomination ID, taken from
    the short columns they came from (``expected_parts``), and the missing-score rule's own
    "scored?" flags: keying and grouping the 300,000 expected rows' texts was most of the time.
    A nomination is told apart by its exact ID, as grouping the rows by ID did.
    """
    exp, sources = expected_parts(data)
    if exp.empty:
        return {}
    (judges, judge_rows), (ids, id_rows), _ = sources
    judge_code, judge_keys = pd.factorize(key(judges))
    id_code, _ = pd.factorize(ids.to_numpy())
    j, n = judge_code[judge_rows], id_code[id_rows]
    unscored = ~expected_scored(data)
    if (j < 0).any() or (n < 0).any():  # a missing key is in no group, as groupby drops it
        keep = (j >= 0) & (n >= 0)
        j, n, unscored = j[keep], n[keep], unscored[keep]
    width = int(id_code.max(initial=0)) + 1
    pairs, pair_of_row = np.unique(j.astype(np.int64) * width + n, return_inverse=True)
    pair_judge = pairs // width
    pair_complete = np.bincount(pair_of_row, weights=unscored, minlength=len(pairs)) == 0
    size = len(judge_keys)
    assigned = np.bincount(pair_judge, minlength=size)
    scored = np.bincount(pair_judge, weights=pair_complete, minlength=size)
    missing = np.bincount(j, weights=unscored, minlength=size)
    return {
        str(k): (int(a), int(s), int(m))
        for k, a, s, m in zip(judge_keys, assigned, scored, missing, strict=True)
    }


def progress_frame(data: ProgrammeData, collected: dict[str, object] | None = None) -> pd.DataFrame:
    """The JudgeProgress table: one row per judge on the panel.

    ``collected`` maps a judge to when their pack was just collected; other judges keep the
    date the table already showed.
    """
    judges = [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]
    counts = judge_counts(data)
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
        assigned, scored, missing = counts.get(key_of(judge), (0, 0, 0))
        rows.append(
            {
                "Judge": judge,
                "Assigned": assigned,
                "Scored": scored,
                "Missing scores": missing,
                "Last pack collected": last.get(key_of(judge)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
