"""The evaluation report's "how each winner was decided" table, from the same rows as the
Results sheet's WinnersExplained table (so the two never disagree)."""

from __future__ import annotations

import pandas as pd

from automation.scoring.explain import winners_explained

_BASIS_WORDS = {
    "raw": "raw score",
    "normalised": "normalised score",
    "judge-effect": "adjusted score (judge effects)",
}


def _pct(value: object) -> str:
    return f"{float(value) * 100:.1f}%" if pd.notna(value) else "–"


def _first_upper(text: str) -> str:
    # Not str.capitalize(): that would lower-case the names in the sentence.
    return text[:1].upper() + text[1:]


def winner_explanations(results, period: str) -> list[dict[str, str]]:
    """One row per winner of ``period`` as plain strings: category and winner, the scores
    (raw, normalised, adjusted, and which one ranked), the criterion means, each judge's
    score with their leniency, and what decided it.

    ``results`` is a :class:`automation.scoring.results.Results`.
    """
    table = winners_explained(results)
    table = table[table["Period"].astype(str) == str(period)]
    rows = []
    for _, r in table.iterrows():
        basis = str(r["Ranked on"])
        rows.append(
            {
                "category": str(r["Category"]),
                "nominee": str(r["Nominee"]),
                "scores": (
                    f"Raw {_pct(r['Raw score'])}; normalised {_pct(r['Normalised score'])}; "
                    f"adjusted {_pct(r['Adjusted score'])}. Ranked on the "
                    f"{_BASIS_WORDS.get(basis, basis)}."
                ),
                "criteria": str(r["By criterion"] or "–"),
                # A true minus sign, so a line never breaks between it and its number.
                "judges": str(r["By judge, with leniency"] or "–").replace(
                    "leniency -", "leniency \u2212"
                ),
                "decided_by": _first_upper(str(r["Decided by"])),
            }
        )
    return rows
