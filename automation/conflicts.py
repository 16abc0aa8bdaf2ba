"""Who may not judge whom: declared conflicts plus the ones the settings infer.

Shared by validation (which reports a conflicted score as an error) and scoring (which
leaves it out), so both always agree on the same pairs.
"""

from __future__ import annotations

import pandas as pd

from automation.keys import key
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
    pairs = noms.assign(key=1).merge(
        judges.rename(columns={"Team": "Judge team"}).assign(key=1), on="key"
    )
    if data.setting("conflict_line_manager"):
        lm = pairs[key(pairs["Line manager"]) == key(pairs["Judge"])]
        frames.append(
            pd.DataFrame(
                {
                    "Judge": lm["Judge"],
                    "Nomination ID": lm["ID"],
                    "Reason": "judge is the nominee's line manager",
                }
            )
        )
    if data.setting("conflict_same_team"):
        st = pairs[(key(pairs["Team"]) == key(pairs["Judge team"])) & pairs["Team"].notna()]
        frames.append(
            pd.DataFrame(
                {
                    "Judge": st["Judge"],
                    "Nomination ID": st["ID"],
                    "Reason": "judge is in the nominee's team",
                }
            )
        )
    own = pairs[
        (key(pairs["Nominator"]) == key(pairs["Judge"]))
        | (key(pairs["Nominee"]) == key(pairs["Judge"]))
    ]
    frames.append(
        pd.DataFrame(
            {
                "Judge": own["Judge"],
                "Nomination ID": own["ID"],
                "Reason": "judge nominated or is the nominee",
            }
        )
    )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    # One row per pair; the first reason found (declared conflicts come first).
    return out.drop_duplicates(["Judge", "Nomination ID"]).reset_index(drop=True)
