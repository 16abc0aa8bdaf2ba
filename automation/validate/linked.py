"""Judges who cannot be compared: within a category, groups of judges that share no
nomination (directly or through other judges). Normalised and judge-effect scores then
compare the groups as if each were equally lenient on average, so the manager is told."""

from __future__ import annotations

from collections.abc import Iterator

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
    counted = rows[rows["Excluded"].isna() & ~rows["Calibration"]]
    pairs = counted[["Category", "Judge", "Nomination ID"]].drop_duplicates()
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
