"""Judges who cannot be compared: within a category, groups of judges that share no
nomination (directly or through other judges). Normalised and judge-effect scores then
compare the groups as if each were equally lenient on average, so the manager is told."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from automation.issues import WARNING, Issue
from automation.keys import key, key_of
from automation.model import ProgrammeData
from automation.validate.emit import row_issues


def check_judges_linked(data: ProgrammeData) -> Iterator[Issue]:
    """A warning per category whose counted scores split the judges into unlinked groups,
    pointing at the first judge of the second group on the Judges sheet. Silent when
    ranking on raw scores, where judges are never compared with each other."""
    if str(data.setting("rank_by")) == "raw":
        return
    # Imported here: scoring's preparation builds on this package's score checks.
    from automation.scoring.judge_effect import judge_groups
    from automation.scoring.prepare import prepare

    rows = prepare(data)
    counted = rows["Excluded"].isna() & ~rows["Calibration"]
    pairs = distinct_rows(rows.loc[counted, ["Category", "Judge", "Nomination ID"]])
    judges = data["Judges"]
    for category, groups in judge_groups(pairs).items():
        listed = "; ".join(f"group {i}: {', '.join(g)}" for i, g in enumerate(groups, 1))
        same = (key(judges["Judge"]) == key_of(groups[1][0])).fillna(False).astype(bool)
        # The judge's first row only (a repeated judge row is an error of its own).
        first = same & (same.cumsum() == 1)
        text = (
            f"In '{category}' the judges fall into {len(groups)} groups that share no "
            f"nomination ({listed}). Their leniency cannot be compared, so scores from "
            "different groups are compared as if the groups were equally lenient."
        )
        yield from row_issues(
            data,
            "Judges",
            first,
            "Judge",
            "judges-not-linked",
            WARNING,
            lambda _row, text=text: text,
            "Have at least one judge score some nominations of each group (or assign them "
            "so), then score again.",
        )


def distinct_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame.drop_duplicates()``, cheaper on rows that repeat the row before them.

    A judge's scores of one nomination are one row per criterion, usually one after another:
    comparing each row with the one before it drops most repeats in a cheap pass, and only
    the rest are hashed. A row equal to the one before is never the first of its kind, so
    what is kept (and in what order) is what ``drop_duplicates`` keeps. Values that do not
    compare as plain true or false (pd.NA) leave it to ``drop_duplicates`` alone.
    """
    if len(frame) < 2:
        return frame.drop_duplicates()
    same = np.ones(len(frame) - 1, dtype=bool)
    try:
        for column in frame.columns:
            values = frame[column].to_numpy()
            equal = values[1:] == values[:-1]
            if not isinstance(equal, np.ndarray) or equal.dtype != bool:
                return frame.drop_duplicates()
            same &= equal
    except (TypeError, ValueError):
        return frame.drop_duplicates()
    return frame[np.concatenate([[True], ~same])].drop_duplicates()
