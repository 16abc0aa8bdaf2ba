"""A small, valid programme to mutate in rule tests (rows as plain dicts)."""

from __future__ import annotations

import copy
import datetime as dt

D = dt.date
SETTINGS = {"organisation": "Test Org", "current_period": "Q1 2027"}

JUDGES = ["Jo Judge", "Kim Judge", "Lee Judge"]
NOMINEES = [("Ann Able", "Red"), ("Ben Best", "Blue"), ("Cat Cole", "Red")]


def category(name: str, **overrides: object) -> dict:
    """A complete, valid Categories row; ``overrides`` use the column names."""
    row = {
        "Category": name,
        "Type": "individual",
        "What the award is": "x",
        "Frequency": "quarterly",
        "Eligibility": "x",
        "Judging procedure": "x",
        "How presented": "x",
        "How publicised": "x",
        "Scale min": 1,
        "Scale max": 5,
        "Min judges": 2,
        "Cool-off periods": 1,
        "Tie-break 1": "criteria in tie-break order",
        "Tie-break 2": "earliest nomination",
    }
    return row | overrides


def rows() -> dict[str, list[dict]]:
    noms = [
        {
            "ID": f"N{i + 1}",
            "Period": "Q1 2027",
            "Category": "Star",
            "Nominee": name,
            "Team": team,
            "Site": "Leeds",
            "Line manager": "Max Boss",
            "Nominator type": "customer",
            "Nominator": f"Customer {i}",
            "Evidence": "Helped a customer.",
            "Received": D(2027, 1, 10 + i),
        }
        for i, (name, team) in enumerate(NOMINEES)
    ]
    crit = [
        {
            "Category": "Star",
            "Criterion": "Care",
            "Weight": 0.6,
            "Tie-break order": 1,
            "Level 1": "a",
            "Level 3": "c",
            "Level 5": "e",
        },
        {
            "Category": "Star",
            "Criterion": "Speed",
            "Weight": 0.4,
            "Tie-break order": 2,
            "Level 1": "a",
            "Level 3": "c",
            "Level 5": "e",
        },
    ]
    base = {"N1": (5, 4), "N2": (3, 3), "N3": (4, 2)}
    scores = [
        {"Judge": j, "Nomination ID": n, "Criterion": c, "Score": s[k]}
        for j in JUDGES
        for n, s in base.items()
        for k, c in enumerate(("Care", "Speed"))
    ]
    return copy.deepcopy(
        {
            "Periods": [
                {
                    "Period": "Q1 2027",
                    "Starts": D(2027, 1, 1),
                    "Ends": D(2027, 3, 31),
                    "Status": "judging",
                }
            ],
            "Categories": [category("Star")],
            "Criteria": crit,
            "Teams": [
                {"Team": "Red", "Site": "Leeds", "Headcount": 5},
                {"Team": "Blue", "Site": "York", "Headcount": 4},
            ],
            "Staff": [{"Name": n, "Team": t} for n, t in NOMINEES],
            "Nominations": noms,
            "Judges": [{"Judge": j, "Team": "Panel"} for j in JUDGES],
            "Scores": scores,
            "Objectives": [
                {
                    "Objective": "Raise CSAT",
                    "KPI": "CSAT",
                    "Baseline": 80,
                    "Target": 85,
                    "Higher is better": "yes",
                    "Deadline": D(2027, 6, 30),
                    "Owner": "Max",
                }
            ],
            "Actions": [
                {
                    "Action": "Launch",
                    "Responsible": "Max",
                    "Start": D(2027, 1, 1),
                    "Due": D(2027, 1, 5),
                    "Status": "done",
                }
            ],
            "Options": [
                {
                    "Option": "Awards",
                    "Cost": 100,
                    "Benefit score": 4,
                    "Drawback score": 4,
                    "Cost score": 4,
                    "Fit score": 4,
                    "Chosen": "yes",
                    "Reason": "Best fit",
                }
            ],
            "OptionWeights": [
                {"Factor": "Benefit", "Weight": 0.25},
                {"Factor": "Drawbacks", "Weight": 0.25},
                {"Factor": "Cost", "Weight": 0.25},
                {"Factor": "Fit with objectives", "Weight": 0.25},
            ],
        }
    )
