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
    return _with_status(data)[0]


def _with_status(data: ProgrammeData) -> tuple[pd.DataFrame, pd.Series]:
    """The expected rows with ``scored``, and their judges' keys (costly on 300,000 rows,
    so worked out once)."""
    exp = expected_scores(data)
    if exp.empty:
        return exp.assign(scored=pd.Series(dtype=bool)), pd.Series(dtype="string[pyarrow]")
    f = scored_frame(data)
    f = f[f["Score"].notna()]
    have = pd.MultiIndex.from_arrays([f["_j"], f["_nid"], f["_c"]])
    who = key(exp["Judge"])
    wanted = pd.MultiIndex.from_arrays([who, key(exp["Nomination ID"]), key(exp["Criterion"])])
    return exp.assign(scored=wanted.isin(have)), who


def progress_frame(data: ProgrammeData, collected: dict[str, object] | None = None) -> pd.DataFrame:
    """The JudgeProgress table: one row per judge on the panel.

    ``collected`` maps a judge to when their pack was just collected; other judges keep the
    date the table already showed.
    """
    judges = [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]
    exp, who = _with_status(data)
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
    if exp.empty:
        assigned = scored = missing = pd.Series(dtype=int)
    else:
        # Grouped once by judge key: filtering the expected rows judge by judge re-reads
        # them all for every judge.
        per_nom = exp.groupby([who, exp["Nomination ID"]])["scored"].all()
        assigned = per_nom.groupby(level=0).size()
        scored = per_nom.groupby(level=0).sum()
        missing = (~exp["scored"]).groupby(who).sum()
    rows = [
        {
            "Judge": judge,
            "Assigned": int(assigned.get(key_of(judge), 0)),
            "Scored": int(scored.get(key_of(judge), 0)),
            "Missing scores": int(missing.get(key_of(judge), 0)),
            "Last pack collected": last.get(key_of(judge)),
        }
        for judge in judges
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
