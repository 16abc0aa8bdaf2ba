"""Who may not judge whom: declared conflicts plus the ones the settings infer.

Shared by validation (which reports a conflicted score as an error) and scoring (which
leaves it out), so both always agree on the same pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from automation.keys import codes_in, column_codes, key
from automation.model import ProgrammeData

COLUMNS = ["Judge", "Nomination ID", "Reason"]


def conflicted_pairs(data: ProgrammeData) -> pd.DataFrame:
    """Every (judge, nomination) pair that must not be scored, with the reason.

    Validation, the missing-score and assignment checks and scoring all ask for it, so it is
    worked out once per read.
    """
    return data.cached("conflicted_pairs", _conflicted_pairs)


def _conflicted_pairs(data: ProgrammeData) -> pd.DataFrame:
    noms = data["Nominations"][["ID", "Nominee", "Team", "Line manager", "Nominator"]]
    judges = data["Judges"][["Judge", "Team"]].dropna(subset=["Judge"])
    if noms.empty or judges.empty:
        return pd.DataFrame(columns=COLUMNS)
    frames = []
    declared = data["Conflicts"][["Judge", "Nominee", "Type"]].dropna(subset=["Judge", "Nominee"])
    if not declared.empty:
        d = declared.assign(j=key(declared["Judge"]), n=key(declared["Nominee"]))
        m = noms.assign(n=key(noms["Nominee"])).merge(d, on="n")
        frames.append(
            pd.DataFrame(
                {
                    "Judge": m["Judge"],
                    "Nomination ID": m["ID"],
                    "Reason": "declared conflict (" + m["Type"].fillna("other").astype(str) + ")",
                }
            )
        )
    # Every (nomination, judge) pair as one cell of an n x j grid, in the row order a cross
    # merge gives (nomination by nomination, judges in table order); equal keys are equal
    # integer codes, so each inferred conflict is one comparison over the grid.
    judge_key = key(judges["Judge"])

    def same(column: str, other: pd.Series) -> np.ndarray:
        code, vocab = column_codes(data, "Nominations", column)
        at = codes_in(other, vocab)
        # Only filled keys match: a missing key compares as unknown, never equal.
        at = np.where(other.isna().to_numpy(), -1, at)
        return code[:, None] == at[None, :]

    def found(grid: np.ndarray, reason: str) -> None:
        nom_at, judge_at = np.nonzero(grid)
        frames.append(
            pd.DataFrame(
                {
                    "Judge": judges["Judge"].iloc[judge_at].reset_index(drop=True),
                    "Nomination ID": noms["ID"].iloc[nom_at].reset_index(drop=True),
                    "Reason": reason,
                }
            )
        )

    if data.setting("conflict_line_manager"):
        found(same("Line manager", judge_key), "judge is the nominee's line manager")
    if data.setting("conflict_same_team"):
        found(same("Team", key(judges["Team"])), "judge is in the nominee's team")
    found(
        same("Nominator", judge_key) | same("Nominee", judge_key),
        "judge nominated or is the nominee",
    )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    # One row per pair; the first reason found (declared conflicts come first).
    return out.drop_duplicates(["Judge", "Nomination ID"]).reset_index(drop=True)
