"""The worked example: Northgate Contact Centre, two sites, three awards, one quarter.

Everything is generated from a fixed seed so `awards example` always builds the same workbook.
It deliberately contains a handful of things the validator should point out (see
``DELIBERATE_ISSUES``), so a new user sees what the Issues sheet looks like.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from automation.build.workbook import build_workbook

D = dt.date
SEED = 2026
ORGANISATION = "Northgate Contact Centre"
PERIOD = "Q3 2026"

# What the validator reports on the example, and why each is there (documented in README).
DELIBERATE_ISSUES = {
    "quote-without-consent": "N-0017 has a customer quote but the customer did not agree to "
    "publication, so the quote must stay out of the newsletter.",
    "duplicate-nomination": "N-0042 repeats N-0041: the same customer nominated the same "
    "person twice; it counts once.",
    "missing-score": "David Lowe left one criterion of N-0009 unscored; the nomination is "
    "scored on the judges who completed it.",
    "action-overdue": "One plan action (staff survey reminder) is past its due date and not done.",
}

SETTINGS = {
    "organisation": ORGANISATION,
    "programme": "Northgate Service Stars",
    "current_period": PERIOD,
    "signatory_name": "Priya Shah",
    "signatory_title": "Head of Customer Service",
    "how_to_nominate": "Use the Service Stars form on the intranet, tell your team leader, or "
    "(for customers) reply to any of our emails with 'Service Star' in the subject.",
    "comms_email": "internal.comms@northgate.example",
    "from_address": "service.stars@northgate.example",
    "smtp_host": "",
    "programme_id": "NCC-STARS",
    "scores_due": D(2026, 10, 9),  # the last day of the judging meeting on the Plan
}

TEAMS = [
    ("Billing", "Leeds", "Marcus Bell", 14),
    ("Technical Support", "Leeds", "Grace Adeyemi", 16),
    ("Retentions", "Leeds", "Tom Harris", 10),
    ("Customer Care", "Sunderland", "Nadia Kowalski", 18),
    ("Complaints Resolution", "Sunderland", "Owen Price", 9),
    ("Digital Channels", "Sunderland", "Lily Chen", 11),
]

FIRST = [
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farah",
    "George",
    "Hannah",
    "Isaac",
    "Jasmine",
    "Jordan",
    "Kieran",
    "Leah",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Poppy",
    "Rhys",
    "Sophie",
    "Tariq",
    "Uma",
    "Vikram",
    "Willow",
    "Yusuf",
    "Zara",
    "Callum",
    "Megan",
    "Ravi",
    "Sam",
    "Evie",
    "Joel",
    "Aoife",
    "Kwame",
    "Holly",
    "Luca",
    "Maisie",
]
LAST = [
    "Pike",
    "Hughes",
    "Ahmed",
    "Walsh",
    "Turner",
    "Begum",
    "Robson",
    "Doyle",
    "Clarke",
    "Singh",
    "Foster",
    "Murray",
    "Iqbal",
    "Bennett",
    "Kaur",
    "Wood",
    "Lister",
    "Whitfield",
    "Hussain",
    "Graham",
    "Owusu",
    "Fraser",
    "Patel",
    "Nolan",
    "Shaw",
    "Reid",
    "Ellis",
    "Barker",
    "Quinn",
    "Dixon",
    "Marsh",
    "Byrne",
    "Mensah",
    "Holt",
    "Rossi",
    "Carr",
]

JUDGES = [
    (
        "Helen Okafor",
        "Head of Customer Experience",
        "Leadership",
        "Leeds",
        "helen.okafor@northgate.example",
        "yes",
    ),
    (
        "Marcus Bell",
        "Team Leader, Billing",
        "Billing",
        "Leeds",
        "marcus.bell@northgate.example",
        "no",
    ),
    (
        "Aisha Rahman",
        "Quality and Training Lead",
        "Quality",
        "Sunderland",
        "aisha.rahman@northgate.example",
        "yes",
    ),
    (
        "David Lowe",
        "Customer panel member",
        "Customer panel",
        "",
        "david.lowe@panel.example",
        "yes",
    ),
]
LENIENCY = {"Helen Okafor": 0.0, "Marcus Bell": 0.7, "Aisha Rahman": -0.6, "David Lowe": 0.2}

CATEGORIES = [
    {
        "Category": "Customer Hero",
        "Type": "individual",
        "What the award is": "a framed certificate, a £75 voucher and an extra day of leave",
        "Frequency": "quarterly",
        "Eligibility": "Any adviser or team leader with three months' service; not judges.",
        "Judging procedure": "Four judges score each nomination blind to the nominator on five "
        "weighted criteria (three where a judge works in the nominee's team: a conflict, "
        "declared and excluded); ties broken by the chain shown.",
        "How presented": "At the quarterly town hall by the Head of Customer Service.",
        "How publicised": "Staff newsletter, site screens and a customer-facing blog post.",
        "Senior presenter": "Priya Shah",
        "Scale min": 1,
        "Scale max": 5,
        "Min judges": 3,
        "Cool-off periods": 2,
        "Tie-break 1": "criteria in tie-break order",
        "Tie-break 2": "more independent nominations",
        "Tie-break 3": "earliest nomination",
    },
    {
        "Category": "Team of the Quarter",
        "Type": "team",
        "What the award is": "a team lunch, the trophy on the team's desk for a quarter and a certificate",
        "Frequency": "quarterly",
        "Eligibility": "Any team; nominations from managers or other teams.",
        "Judging procedure": "Panel scores on five weighted criteria; team leaders do not judge "
        "their own team.",
        "How presented": "Trophy handed over at the team's huddle by the Operations Director.",
        "How publicised": "Newsletter, LinkedIn post and the site screens.",
        "Senior presenter": "Robert Kane",
        "Scale min": 1,
        "Scale max": 5,
        "Min judges": 3,
        "Cool-off periods": 1,
        "Tie-break 1": "top-weighted criterion",
        "Tie-break 2": "more independent nominations",
        "Tie-break 3": "panel vote",
    },
    {
        "Category": "Customers' Choice",
        "Type": "customer-nominated",
        "What the award is": "a certificate and a handwritten card from the customer panel",
        "Frequency": "quarterly",
        "Eligibility": "Any colleague nominated by a customer in the quarter.",
        "Judging procedure": "Panel scores the customers' words on five weighted criteria.",
        "How presented": "Certificate presented at the town hall; customer thanked by letter.",
        "How publicised": "Newsletter and, with consent, quoted on our website.",
        "Senior presenter": "Priya Shah",
        "Scale min": 1,
        "Scale max": 5,
        "Min judges": 3,
        "Cool-off periods": 0,
        "Tie-break 1": "more customer nominations",
        "Tie-break 2": "criteria in tie-break order",
        "Tie-break 3": "earliest nomination",
    },
]

CRITERIA = {
    "Customer Hero": [
        ("Ownership", 0.30, 1, "owning a customer's problem through to a fix"),
        ("Empathy", 0.20, 2, "understanding and responding to how the customer felt"),
        ("Going the extra mile", 0.20, 3, "effort beyond what the process asked"),
        ("Outcome for the customer", 0.20, 4, "a result the customer valued"),
        ("Living our values", 0.10, 5, "honesty, respect and teamwork while doing it"),
    ],
    "Team of the Quarter": [
        ("Service results", 0.30, 1, "measurable gains in satisfaction or resolution"),
        ("Collaboration", 0.25, 2, "helping other teams and each other"),
        ("Improvement", 0.20, 3, "changing how work is done for the better"),
        ("Customer feedback", 0.15, 4, "praise and fewer complaints from customers"),
        ("Wellbeing and inclusion", 0.10, 5, "looking after and including every member"),
    ],
    "Customers' Choice": [
        ("Impact on the customer", 0.30, 2, "how much difference it made to the customer"),
        ("Warmth", 0.20, 3, "making the customer feel valued"),
        ("Clarity", 0.20, 4, "explaining things simply and accurately"),
        ("Reliability", 0.20, 1, "doing what was promised, when promised"),
        ("Above and beyond", 0.10, 5, "effort the customer did not expect"),
    ],
}

LEVELS = (
    "No real evidence of {f}.",
    "Some evidence of {f}, but limited or a one-off.",
    "Clear evidence of {f} within the normal job.",
    "Strong evidence of {f}, repeated or beyond the role.",
    "Exceptional evidence of {f}, with a lasting effect confirmed by others.",
)

EVIDENCE_OPENINGS = [
    "took a call from a customer whose direct debit had failed three times",
    "stayed on the line with an elderly customer who could not get online",
    "spotted that a customer had been overcharged for six months",
    "helped a bereaved customer close an account without repeating the story",
    "rang a customer back on a day off to confirm an engineer visit",
    "sorted out a broadband fault that two earlier calls had not fixed",
    "noticed a vulnerable customer was confused and arranged a home visit",
    "turned round a complaint that had been escalated to the chief executive",
    "explained a complicated bill in plain words and set up a payment plan",
    "found a missing refund and chased finance until it was paid the same week",
]
EVIDENCE_FOLLOW = [
    "They kept the customer updated at every step and followed up a week later.",
    "The customer wrote in afterwards to say it was the best service they had ever had.",
    "They then shared what they learned with the team so the fix is now standard.",
    "They stayed calm and kind throughout, even when the customer was upset.",
    "The customer has since renewed their contract for two more years.",
]
TEAM_EVIDENCE = [
    "cut repeat calls by 18% in the quarter by rewriting the first-contact checklist",
    "covered for another site during a storm outage and kept answer times under a minute",
    "ran lunchtime sessions to teach other teams the new billing system",
    "raised the team's customer satisfaction score from 78% to 86%",
    "set up a buddy scheme that halved the time new starters take to be confident",
    "cleared a backlog of 600 emails in a fortnight without overtime",
]
# A second nomination of the same team tells a different story (the same words twice would be
# a copy, and an assessor would ask why they scored apart).
TEAM_EVIDENCE_SECOND = [
    "answered every call on the day the phone system failed, using mobiles and a shared list",
    "mentored two apprentices through their first quarter on the phones",
    "rewrote the complaint letters in plain English and halved follow-up calls",
    "kept a vulnerable customer's account open while a bereavement claim was sorted out",
    "volunteered for the weekend rota so the other site could train its new starters",
    "found the fault behind a week of repeat contacts and had it fixed at the source",
]
QUOTES = [
    "Nothing was too much trouble and I felt listened to.",
    # No "he" or "she": the same quotes go to nominees of any gender.
    "Sorted in ten minutes what had taken me weeks.",
    "Kind, patient and clear from start to finish.",
    "Called me back exactly when promised.",
    "I will be telling all my friends about this service.",
]


def _people(rng: random.Random) -> list[dict]:
    names = [f"{f} {s}" for f, s in zip(FIRST, LAST, strict=True)]
    rng.shuffle(names)
    staff = []
    for i, name in enumerate(names):
        team, _site, leader, _ = TEAMS[i % len(TEAMS)]
        staff.append(
            {
                "Name": name,
                "Team": team,
                "Role": "Customer Adviser" if i % 7 else "Apprentice",
                "Line manager": leader,
                "Email": name.lower().replace(" ", ".") + "@northgate.example",
                "Started": D(2019 + i % 7, 1 + i % 12, 1 + i % 27),
            }
        )
    for team, _site, leader, _ in TEAMS:
        staff.append(
            {
                "Name": leader,
                "Team": team,
                "Role": "Team Leader",
                "Line manager": "Robert Kane",
                "Email": leader.lower().replace(" ", ".") + "@northgate.example",
                "Started": D(2016, 4, 1),
            }
        )
    return staff


def _conflicted(judge: str, nominee: dict) -> bool:
    """Whether the example's judges stay off a nomination (mirrors the default settings)."""
    info = {j[0]: j for j in JUDGES}[judge]
    return nominee.get("Team") == info[2] or nominee.get("Line manager") == judge


def _nominations(rng: random.Random, staff: list[dict]) -> list[dict]:
    team_site = {t[0]: t[1] for t in TEAMS}
    advisers = [s for s in staff if s["Role"] != "Team Leader"]
    noms: list[dict] = []
    start = D(2026, 7, 1)

    def add(
        category: str,
        person: dict | None,
        team: str,
        kind: str,
        nominator: str,
        evidence: str,
        quote: str | None,
        consent: str | None,
    ) -> dict:
        n = len(noms) + 1
        received = start + dt.timedelta(days=rng.randrange(0, 90))
        row = {
            "ID": f"N-{n:04d}",
            "Period": PERIOD,
            "Category": category,
            "Nominee": person["Name"] if person else team,
            "Team": team,
            "Site": team_site[team],
            "Line manager": person["Line manager"] if person else None,
            "Nominator type": kind,
            "Nominator": nominator,
            "Nominator contact": nominator.lower().replace(" ", ".") + "@mail.example"
            if kind == "customer"
            else None,
            "Evidence": evidence,
            "Customer quote": quote,
            "Received": received,
            "Consent to publish": consent,
            "Consent date": received if consent == "yes" else None,
            "Calibration": None,
        }
        noms.append(row)
        return row

    customers = [f"{f} {s}" for f, s in zip(reversed(FIRST), LAST, strict=True)]
    for i in range(26):
        p = advisers[i % len(advisers)]
        kind = ("customer", "colleague", "manager")[i % 3]
        nominator = (
            customers[i]
            if kind == "customer"
            else (
                p["Line manager"]
                if kind == "manager"
                else advisers[(i + 5) % len(advisers)]["Name"]
            )
        )
        ev = f"{p['Name'].split()[0]} {EVIDENCE_OPENINGS[i % 10]}. {EVIDENCE_FOLLOW[i % 5]}"
        add("Customer Hero", p, p["Team"], kind, nominator, ev, None, None)
    judges = {j[0] for j in JUDGES}
    for i in range(12):
        team = TEAMS[i % len(TEAMS)][0]
        kind = "manager" if i < 6 else "colleague"
        leader = TEAMS[(i + 1) % len(TEAMS)][2]
        others = [a["Name"] for a in advisers if a["Team"] != team]
        nominator = leader if kind == "manager" and leader not in judges else others[i]
        stories = TEAM_EVIDENCE if i < len(TEAMS) else TEAM_EVIDENCE_SECOND
        ev = f"The {team} team {stories[i % len(stories)]}. Everyone in the team played a part."
        add("Team of the Quarter", None, team, kind, nominator, ev, None, None)
    for i in range(22):
        p = advisers[(i * 3 + 1) % len(advisers)]
        ev = (
            f"{p['Name'].split()[0]} {EVIDENCE_OPENINGS[(i + 3) % 10]}. "
            f"{EVIDENCE_FOLLOW[(i + 2) % 5]}"
        )
        quote = QUOTES[i % len(QUOTES)] if i % 2 == 0 else None
        consent = "yes" if quote else None
        add(
            "Customers' Choice",
            p,
            p["Team"],
            "customer",
            customers[(i + 7) % len(customers)],
            ev,
            quote,
            consent,
        )
    # Deliberate: a quote with no consent to publish.
    noms[16]["Consent to publish"], noms[16]["Consent date"] = "no", None
    noms[16]["Customer quote"] = "Best call I have ever had with any company."
    # Deliberate: the same customer nominated the same person twice.
    dup = dict(noms[40])
    dup["ID"] = "N-0042"
    dup["Received"] = noms[40]["Received"] + dt.timedelta(days=2)
    noms[41] = dup
    # A practice entry every judge scores to calibrate; excluded from results.
    cal = dict(noms[0])
    cal.update(
        {
            "ID": "N-CAL1",
            "Nominee": "Practice Entry",
            "Team": None,
            "Site": None,
            "Line manager": None,
            "Nominator": "Award coordinator",
            "Calibration": "yes",
            "Nominator type": "manager",
            "Nominator contact": None,
            "Evidence": "A made-up nomination used to agree how the rubric is applied.",
        }
    )
    noms.append(cal)
    # A Billing adviser reporting to Marcus Bell is nominated: his declared conflict matters.
    conflicted = conflict_nominee(staff)
    noms[1].update(
        {"Nominee": conflicted, "Team": "Billing", "Line manager": "Marcus Bell", "Site": "Leeds"}
    )
    # The evidence is about the person now nominated, not the adviser it was written for.
    was = noms[1]["Evidence"].split()[0]
    noms[1]["Evidence"] = conflicted.split()[0] + noms[1]["Evidence"][len(was) :]
    return noms


def conflict_nominee(staff: list[dict]) -> str:
    """The adviser Marcus Bell declares a conflict with (he is their line manager)."""
    return next(s["Name"] for s in staff if s["Team"] == "Billing" and s["Role"] != "Team Leader")


def _scores(rng: random.Random, noms: list[dict]) -> list[dict]:
    scores = []
    for nom in noms:
        quality = rng.uniform(0.1, 0.95)
        for judge, *_ in JUDGES:
            if nom["Calibration"] != "yes" and _conflicted(judge, nom):
                continue
            for crit, *_ in CRITERIA[nom["Category"]]:
                if judge == "David Lowe" and nom["ID"] == "N-0009" and crit == "Empathy":
                    continue  # deliberate missing score
                raw = 1 + quality * 4 + LENIENCY[judge] + rng.gauss(0, 0.4)
                score = int(min(5, max(1, round(raw))))
                scores.append(
                    {
                        "Judge": judge,
                        "Nomination ID": nom["ID"],
                        "Criterion": crit,
                        "Score": score,
                        "Comment": None,
                    }
                )
    return scores


def content() -> tuple[dict[str, list[dict]], dict[str, object]]:
    """Every table's rows for the example, and its settings."""
    rng = random.Random(SEED)
    staff = _people(rng)
    noms = _nominations(rng, staff)
    criteria = [
        {
            "Category": cat,
            "Criterion": name,
            "Weight": w,
            "Tie-break order": order,
            **{f"Level {i + 1}": LEVELS[i].format(f=focus) for i in range(5)},
        }
        for cat, rows in CRITERIA.items()
        for name, w, order, focus in rows
    ]
    tables: dict[str, list[dict]] = {
        "Rationale": _rationale(),
        "Costs": [
            {
                "Item": "Vouchers (Customer Hero, 4 a year)",
                "Type": "annual",
                "Budget": 300,
                "Actual": 150,
            },
            {
                "Item": "Extra day of leave (cover cost)",
                "Type": "annual",
                "Budget": 560,
                "Actual": 280,
            },
            {"Item": "Trophy and engraving", "Type": "one-off", "Budget": 120, "Actual": 114},
            {"Item": "Team lunches", "Type": "annual", "Budget": 900, "Actual": 410},
            {
                "Item": "Certificates, frames and printing",
                "Type": "annual",
                "Budget": 160,
                "Actual": 95,
            },
            {
                "Item": "Judging time (4 judges x 3 hours a quarter)",
                "Type": "annual",
                "Budget": 1300,
                "Actual": 660,
                "Notes": "Estimated at average hourly cost.",
            },
        ],
        "Benefits": [
            {
                "Benefit": "Fewer advisers leaving in their first year",
                "Who benefits": "organisation",
                "Measure": "12-month attrition",
                "Estimated value": 9000,
            },
            {
                "Benefit": "Higher customer satisfaction",
                "Who benefits": "customers",
                "Measure": "CSAT",
                "Estimated value": 2500,
            },
            {
                "Benefit": "Staff feel their service is noticed",
                "Who benefits": "staff",
                "Measure": "Pulse survey: 'my good work is recognised'",
            },
            {
                "Benefit": "Managers get concrete examples to coach with",
                "Who benefits": "managers",
                "Measure": "Coaching records using award stories",
            },
        ],
        "Objectives": [
            {
                "Objective": "Raise customer satisfaction across both sites",
                "KPI": "CSAT (% satisfied)",
                "Baseline": 81,
                "Target": 85,
                "Unit": "%",
                "Higher is better": "yes",
                "Deadline": D(2026, 12, 31),
                "Owner": "Priya Shah",
                "Actual": 84.2,
            },
            {
                "Objective": "Make recognition feel real to advisers",
                "KPI": "Pulse: 'my good work is recognised' (% agree)",
                "Baseline": 52,
                "Target": 70,
                "Unit": "%",
                "Higher is better": "yes",
                "Deadline": D(2026, 12, 31),
                "Owner": "Helen Okafor",
                "Actual": 71,
            },
            {
                "Objective": "Involve customers in recognising staff",
                "KPI": "Customer nominations per quarter",
                "Baseline": 5,
                "Target": 20,
                "Unit": "",
                "Higher is better": "yes",
                "Deadline": D(2026, 9, 30),
                "Owner": "Lily Chen",
                "Actual": 31,
                "Worked out from": "customer nominations",
            },
            {
                "Objective": "Reduce first-year attrition",
                "KPI": "12-month attrition (%)",
                "Baseline": 34,
                "Target": 28,
                "Unit": "%",
                "Higher is better": "no",
                "Deadline": D(2027, 3, 31),
                "Owner": "Robert Kane",
                "Actual": 30.5,
            },
        ],
        "Options": [
            {
                "Option": "Do nothing (thank-you emails only)",
                "Description": "Managers keep thanking people by email when they notice good "
                "service; nothing is judged, published or rewarded.",
                "Cost": 0,
                "Benefit score": 1,
                "Drawback score": 2,
                "Cost score": 5,
                "Fit score": 1,
                "Benefits": "No cost or admin.",
                "Drawbacks": "Recognition stays invisible.",
                "Chosen": "no",
            },
            {
                "Option": "Paid recognition platform",
                "Description": "A subscription app where colleagues send each other points that "
                "are swapped for gift cards; the vendor runs the leaderboards.",
                "Seen at": "A national energy supplier",
                "Cost": 9500,
                "Benefit score": 4,
                "Drawback score": 3,
                "Cost score": 1,
                "Fit score": 3,
                "Benefits": "Slick app, peer points.",
                "Drawbacks": "Costly; judging is opaque; little customer involvement.",
                "Chosen": "no",
            },
            {
                "Option": "Quarterly awards run in-house with a judging panel",
                "Description": "Three awards a quarter, nominated by customers, colleagues and "
                "managers, scored blind by a panel of four on published criteria and presented "
                "at the town hall.",
                "Seen at": "A regional building society",
                "Cost": 3340,
                "Benefit score": 4,
                "Drawback score": 4,
                "Cost score": 4,
                "Fit score": 5,
                "Benefits": "Transparent criteria, customers nominate, public ceremony.",
                "Drawbacks": "Needs coordinator time each quarter.",
                "Chosen": "yes",
                "Reason": "Best weighted score; meets all four objectives at a third of the "
                "platform's cost and lets customers take part.",
            },
            {
                "Option": "Monthly manager's pick",
                "Description": "Each team leader names one adviser a month for a voucher, with "
                "no criteria or panel.",
                "Cost": 600,
                "Benefit score": 2,
                "Drawback score": 2,
                "Cost score": 4,
                "Fit score": 2,
                "Benefits": "Quick.",
                "Drawbacks": "Seen as favouritism; no criteria.",
                "Chosen": "no",
            },
        ],
        "Actions": _actions(),
        "Risks": [
            {
                "Risk": "Too few nominations at Sunderland",
                "Likelihood": 3,
                "Impact": 3,
                "Contingency": "Team leaders prompt at huddles; customer cards at the desk.",
                "Owner": "Nadia Kowalski",
            },
            {
                "Risk": "Judge unavailable at judging time",
                "Likelihood": 2,
                "Impact": 3,
                "Contingency": "Results need only 3 judges; a reserve judge is briefed.",
                "Owner": "Helen Okafor",
            },
            {
                "Risk": "Perceived favouritism",
                "Likelihood": 2,
                "Impact": 4,
                "Contingency": "Published criteria, declared conflicts, blind scoring, appeals.",
                "Owner": "Priya Shah",
            },
            {
                "Risk": "Personal data in nominations mishandled",
                "Likelihood": 1,
                "Impact": 5,
                "Contingency": "Nominator contacts deleted 12 months after the period; access "
                "limited to the coordinator.",
                "Owner": "Priya Shah",
            },
        ],
        "Periods": [
            {
                "Period": "Q2 2026",
                "Starts": D(2026, 4, 1),
                "Ends": D(2026, 6, 30),
                "Ceremony": D(2026, 7, 16),
                "Status": "closed",
            },
            {
                "Period": PERIOD,
                "Starts": D(2026, 7, 1),
                "Ends": D(2026, 9, 30),
                "Ceremony": D(2026, 10, 15),
                "Status": "judging",
            },
            {
                "Period": "Q4 2026",
                "Starts": D(2026, 10, 1),
                "Ends": D(2026, 12, 31),
                "Ceremony": D(2027, 1, 14),
                "Status": "open",
            },
        ],
        "PastWinners": [
            {
                "Period": "Q2 2026",
                "Category": "Customer Hero",
                "Nominee": "Grace Adeyemi",
                "Period ends": D(2026, 6, 30),
            },
            {
                "Period": "Q1 2026",
                "Category": "Team of the Quarter",
                "Nominee": "Retentions",
                "Period ends": D(2026, 3, 31),
            },
        ],
        "Categories": CATEGORIES,
        "Criteria": criteria,
        "Teams": [
            {"Team": t, "Site": s, "Team leader": lead, "Headcount": n} for t, s, lead, n in TEAMS
        ],
        "Staff": staff,
        "Nominations": noms,
        "Judges": [
            dict(zip(("Judge", "Role", "Team", "Site", "Email", "Independent"), j, strict=True))
            for j in JUDGES
        ],
        "Conflicts": [
            {
                "Judge": "Marcus Bell",
                "Nominee": conflict_nominee(staff),
                "Type": "line manager",
                "Declared on": D(2026, 7, 2),
                "Notes": "Reports to Marcus in Billing.",
            },
        ],
        "Scores": _scores(rng, noms),
        "Comms": _comms(),
        "Survey": _survey(),
        "Findings": [
            {
                "Finding": "Customer nominations far exceeded the target once cards were put on "
                "the service desks.",
                "Action": "Keep the cards; add a QR code.",
                "Owner": "Lily Chen",
                "Kind": "went well",
            },
            {
                "Finding": "Sunderland nominated less per head than Leeds.",
                "Action": "Team leaders at Sunderland to share one story a week at huddles.",
                "Owner": "Nadia Kowalski",
                "Kind": "to improve",
            },
            {
                "Finding": "Some non-winners felt the same people are always noticed.",
                "Action": "Publish every nominee's name with thanks, not only the winners.",
                "Owner": "Helen Okafor",
                "Kind": "to improve",
            },
        ],
    }
    return tables, dict(SETTINGS)


def _rationale() -> list[dict]:
    return [
        {
            "Topic": "why run an award programme",
            "Criterion": "1.1",
            "Notes": "Our service standard promises a named person who owns each problem. Awards make "
            "that standard visible by celebrating people who live it, and give us stories to "
            "coach with.",
        },
        {
            "Topic": "link to service standards and strategy",
            "Criterion": "1.1",
            "Notes": "The 2026 strategy aims for 85% CSAT and lower attrition; every criterion is taken "
            "from the service standard so winning means meeting the strategy.",
        },
        {
            "Topic": "promotional use with customers",
            "Criterion": "1.2",
            "Notes": "Customers nominate through cards and email, and with consent their words appear on "
            "our website: it tells customers we notice good service and invites them in.",
        },
        {
            "Topic": "organisational culture",
            "Criterion": "1.3",
            "Notes": "A friendly but target-driven culture: public praise works at Leeds, while "
            "Sunderland prefers team recognition, hence a team award and huddle presentations.",
        },
        {
            "Topic": "principles of motivation and recognition",
            "Criterion": "1.3",
            "Notes": "Recognition works when it is timely, specific and fair; so criteria are published, "
            "feedback is given to every nominee and winners are chosen on evidence.",
        },
        {
            "Topic": "kinds of reward compared",
            "Criterion": "1.1",
            "Notes": "Cash can feel transactional; a mix of a modest voucher, time off and public thanks "
            "was preferred in the staff forum.",
        },
        {
            "Topic": "data protection",
            "Criterion": "2.4",
            "Notes": "Nominations hold personal data (UK GDPR): we keep nominator contacts only 12 months "
            "and publish quotes only with recorded consent.",
        },
        {
            "Topic": "equality and diversity",
            "Criterion": "2.5",
            "Notes": "Eligibility is open to every role and contract type; results by team and site are "
            "checked each quarter for uneven recognition.",
        },
    ]


def _actions() -> list[dict]:
    rows = [
        (
            "Agree sponsorship and budget",
            "Sponsor",
            "Priya Shah",
            D(2026, 5, 1),
            D(2026, 5, 15),
            "Budget paper",
            0,
            "done",
        ),
        (
            "Write criteria and rubric with team leaders",
            "Coordinator",
            "Helen Okafor",
            D(2026, 5, 10),
            D(2026, 6, 5),
            "Two workshops",
            0,
            "done",
        ),
        (
            "Recruit and brief the judging panel",
            "Coordinator",
            "Helen Okafor",
            D(2026, 6, 1),
            D(2026, 6, 20),
            "Briefing pack",
            0,
            "done",
        ),
        (
            "Launch to staff and customers",
            "Comms",
            "Lily Chen",
            D(2026, 6, 25),
            D(2026, 7, 1),
            "Intranet, cards, email footer",
            160,
            "done",
        ),
        (
            "Collect nominations",
            "Coordinator",
            "Helen Okafor",
            D(2026, 7, 1),
            D(2026, 9, 30),
            "Form, cards",
            0,
            "done",
        ),
        (
            "Judging and moderation meeting",
            "Judges",
            "Helen Okafor",
            D(2026, 10, 1),
            D(2026, 10, 9),
            "Meeting room, 3 hours",
            330,
            "done",
        ),
        (
            "Ceremony at the town hall",
            "Sponsor",
            "Priya Shah",
            D(2026, 10, 15),
            D(2026, 10, 15),
            "Hall, trophy, certificates",
            250,
            "done",
        ),
        (
            "Staff survey reminder",
            "Coordinator",
            "Helen Okafor",
            D(2026, 10, 20),
            D(2026, 11, 6),
            "Survey tool",
            0,
            "in progress",
        ),
        (
            "Evaluation report to senior team",
            "Sponsor",
            "Priya Shah",
            D(2026, 11, 10),
            D(2026, 12, 11),
            "Data from this workbook",
            0,
            "in progress",
        ),
    ]
    keys = ("Action", "Role", "Responsible", "Start", "Due", "Resources", "Cost", "Status")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _comms() -> list[dict]:
    rows = [
        (
            "team",
            "Intranet and huddles",
            "Service Stars launches: how to nominate and what judges look for.",
            "launch and motivate",
            D(2026, 7, 1),
            "Lily Chen",
            "sent",
        ),
        (
            "customers",
            "Email footer and desk cards",
            "Had great service? Nominate one of our people as a Service Star.",
            "engage customers",
            D(2026, 7, 1),
            "Lily Chen",
            "sent",
        ),
        (
            "team",
            "Weekly huddle",
            "Reminder with a real nomination story each week.",
            "motivate",
            D(2026, 8, 3),
            "Team leaders",
            "sent",
        ),
        (
            "team and customers",
            "Town hall and website",
            "Winners announced and thanked in public by the Head of Customer Service.",
            "recognise",
            D(2026, 10, 15),
            "Priya Shah",
            "sent",
        ),
        (
            "team",
            "Staff newsletter",
            "Article on the winners, with customers' words where they agreed.",
            "recognise",
            D(2026, 10, 20),
            "Lily Chen",
            "drafted",
        ),
        (
            "senior leaders",
            "Board pack",
            "Evaluation of the first quarter against objectives.",
            "report",
            D(2026, 12, 11),
            "Priya Shah",
            "planned",
        ),
    ]
    keys = ("Audience", "Channel", "Message", "Purpose", "Date", "Owner", "Status")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _survey() -> list[dict]:
    rows = [
        (
            "organisation",
            "CSAT change since launch (points)",
            3.2,
            "points",
            None,
            "From 81% to 84.2% over the quarter.",
        ),
        (
            "organisation",
            "Senior team: the programme supports our service strategy",
            0.86,
            "% agree",
            7,
            "Wants customer quotes in the annual report.",
        ),
        (
            "winners' managers",
            "Managers of winners: award helped me coach the team",
            0.8,
            "% agree",
            5,
            "Stories used in one-to-ones.",
        ),
        (
            "winners",
            "Winners: I felt my work was valued by the organisation",
            4.7,
            "mean of 5",
            3,
            "All three mentioned the public presentation.",
        ),
        (
            "non-winners",
            "Nominees who did not win: I would like to be nominated again",
            0.74,
            "% agree",
            38,
            "Some wanted feedback on their nomination.",
        ),
        (
            "non-winners",
            "All staff: the awards are fair",
            0.68,
            "% agree",
            61,
            "Lower at Sunderland (61%).",
        ),
        ("organisation", "Employee Net Promoter Score", 18, "eNPS", 61, "Up from 9 before launch."),
    ]
    keys = ("Viewpoint", "Question", "Result", "Scale", "Respondents", "Comment")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# The example is scored as of this moment, so rebuilding it always gives the same workbook.
AS_OF = dt.datetime(2026, 11, 20, 9, 0)


def build_example(path: Path, *, with_results: bool = True) -> Path:
    """Build the worked example workbook at ``path``, scored so Results are filled in."""
    tables, settings = content()
    build_workbook(path, tables, settings, spare_rows=10)
    if with_results:
        from automation.pipeline import score_workbook

        score_workbook(
            path, write=True, backup=False, today=AS_OF.date(), now=AS_OF, user="example"
        )
    return Path(path)
