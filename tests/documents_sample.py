"""Sample data for the document and email tests: Northgate Contact Centre, Leeds and Sheffield."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from automation.documents.context import (
    AgreementFigure,
    Award,
    Branding,
    CostLine,
    EvaluationContext,
    Finding,
    NewsletterContext,
    ObjectiveResult,
    Viewpoint,
)

BRANDING = Branding(
    organisation="Northgate Contact Centre",
    signatory_name="Priya Shah",
    signatory_title="Head of Customer Service",
)

CEREMONY = date(2026, 11, 23)

HERO = Award(
    category="Customer Hero of the Month",
    award_kind="individual",
    award_description="a framed certificate, a £50 voucher and reserved parking for a month",
    period="October 2026",
    place=1,
    nominee="Ann Patel",
    team="Billing",
    site="Leeds",
    evidence=(
        "Ann stayed on the line for forty minutes with an elderly customer whose direct debit "
        "had failed twice, set up a payment plan and rang her back the next morning to check "
        "the letter had arrived. She also spotted the same bank error on three other accounts "
        "and had them all corrected before any late fees were charged. Her team leader says "
        "this is typical of her."
    ),
    score_pct=91.5,
    nomination_count=3,
    customer_quote="Ann treated me like a person, not an account number.",
    nominee_email="ann.patel@northgate.example",
    line_manager="Mark Ellis",
    line_manager_email="mark.ellis@northgate.example",
    presented_by="Priya Shah",
    presented_on=CEREMONY,
)

HERO_RUNNER_UP = Award(
    category="Customer Hero of the Month",
    award_kind="individual",
    award_description="a certificate of commendation",
    period="October 2026",
    place=2,
    nominee="Tomasz Nowak",
    team="Technical Support",
    site="Sheffield",
    evidence=(
        "Tomasz talked a customer through rebuilding her home network over the phone, step by "
        "step, without once making her feel rushed."
    ),
    score_pct=84.0,
    nomination_count=2,
    customer_quote=None,
    nominee_email="tomasz.nowak@northgate.example",
    line_manager="Grace Okafor",
    line_manager_email="grace.okafor@northgate.example",
    presented_by=None,
    presented_on=None,
)

APPRENTICE = Award(
    category="Apprentice of the Year",
    award_kind="individual",
    award_description="a trophy, a £100 learning budget and lunch with the leadership team",
    period="October 2026",
    place=1,
    nominee="Jordan Hughes",
    team="Customer Retention",
    site="Sheffield",
    evidence=(
        "In their first year Jordan rewrote the cancellation script after listening to two "
        "hundred calls; retention on their shift rose from 31% to 38%. Jordan now coaches new "
        "starters on it."
    ),
    score_pct=88.0,
    nomination_count=4,
    customer_quote=None,  # the customer did not agree to publication
    nominee_email=None,  # no email address on file: skipped and reported
    line_manager="Grace Okafor",
    line_manager_email="grace.okafor@northgate.example",
    presented_by="Priya Shah",
    presented_on=CEREMONY,
)

TEAM = Award(
    category="Team of the Quarter",
    award_kind="team",
    award_description="a team lunch and a trophy for the team's desk",
    period="October 2026",
    place=1,
    nominee="Complaints Resolution Team",
    team="Complaints Resolution",
    site="Leeds",
    evidence=(
        "During the October billing outage the team cleared a backlog of 1,200 complaints in "
        "nine days, answered every one personally and cut repeat contacts by a third."
    ),
    score_pct=86.5,
    nomination_count=5,
    customer_quote=None,
    nominee_email="complaints.team@northgate.example",
    line_manager="Mark Ellis",
    line_manager_email="mark.ellis@northgate.example",
    presented_by="Dev Raman",
    presented_on=CEREMONY,
)

CUSTOMER_CHOICE = Award(
    category="Customers' Choice",
    award_kind="customer-nominated",
    award_description="a framed certificate and an extra day's leave",
    period="October 2026",
    place=1,
    nominee="Leah O'Brien",
    team="Moves and Changes",
    site="Sheffield",
    evidence=(
        "Leah moved my mum's account to her new flat in one phone call and even remembered "
        "to update the priority services register."
    ),
    score_pct=93.0,
    nomination_count=6,
    customer_quote="Leah made a stressful week so much easier. Thank you!",
    nominee_email="leah.obrien@northgate.example",
    line_manager=None,
    line_manager_email=None,  # no manager recorded: skipped and reported
    presented_by="Priya Shah",
    presented_on=CEREMONY,
)

WINNERS = [HERO, APPRENTICE, TEAM, CUSTOMER_CHOICE]
AWARDS = [HERO, HERO_RUNNER_UP, APPRENTICE, TEAM, CUSTOMER_CHOICE]

NEWSLETTER = NewsletterContext(
    period="October 2026",
    published_on=date(2026, 11, 24),
    awards=WINNERS,
    nominations_received=48,
    nominators=31,
    customer_nominations=12,
    next_deadline=date(2026, 11, 30),
    how_to_nominate="use the form on the intranet or ask your team leader",
)

EVALUATION = EvaluationContext(
    period="October 2026",
    prepared_on=date(2026, 11, 27),
    prepared_by="Priya Shah",
    objectives=[
        ObjectiveResult(
            objective="Lift customer satisfaction",
            kpi="CSAT (% satisfied)",
            baseline=82.0,
            target=86.0,
            actual=87.0,
            unit="%",
            higher_is_better=True,
            deadline=date(2026, 12, 31),
            owner="Priya Shah",
        ),
        ObjectiveResult(
            objective="Keep good people",
            kpi="Staff turnover (annualised)",
            baseline=28.0,
            target=22.0,
            actual=25.0,
            unit="%",
            higher_is_better=False,
            deadline=date(2026, 12, 31),
            owner="Mark Ellis",
        ),
        ObjectiveResult(
            objective="Make recognition routine",
            kpi="Staff saying good work is recognised",
            baseline=3.1,
            target=3.8,
            actual=3.9,
            unit="points",
            higher_is_better=True,
            deadline=None,
            owner="Grace Okafor",
        ),
        ObjectiveResult(
            objective="Hear from customers",
            kpi="Customer nominations per month",
            baseline=4.0,
            target=10.0,
            actual=None,
            unit="",
            higher_is_better=True,
            deadline=date(2027, 3, 31),
            owner="Dev Raman",
        ),
        ObjectiveResult(
            objective="Recognise more people",
            kpi="Nominations received",
            baseline=30.0,
            target=40.0,
            actual=52.0,
            unit="",
            higher_is_better=True,
            deadline=date(2026, 12, 31),
            owner="Priya Shah",
            computed=48.0,
            computed_from="nominations",
        ),
    ],
    nominations_by_source={"customer": 12, "colleague": 24, "manager": 9, "self": 3},
    nominations_by_team={
        "Billing": 14,
        "Technical Support": 6,
        "Customer Retention": 9,
        "Complaints Resolution": 12,
        "Moves and Changes": 7,
    },
    nominations_by_site={"Leeds": 34, "Sheffield": 14},
    staff_by_site={"Leeds": 120, "Sheffield": 95},
    staff_total=215,
    staff_nominated=37,
    viewpoints=[
        Viewpoint(
            "organisation",
            "The programme supports our service goals",
            80.0,
            "% agree",
            9,
            "Senior team want it linked to quality scores",
        ),
        Viewpoint(
            "winners' managers",
            "The award was deserved and well evidenced",
            4.6,
            "mean of 5",
            4,
            "Would like more notice of the ceremony",
        ),
        Viewpoint("winners", "I felt genuinely recognised", 4.8, "mean of 5", 4, ""),
        Viewpoint("organisation", "Complaints escalated, change since launch", -6, "count", None),
        Viewpoint(
            "non-winners",
            "The programme is fair to everyone",
            48.0,
            "% agree",
            61,
            "Several said night-shift work goes unseen",
        ),
    ],
    agreement=[
        AgreementFigure(
            "Customer Hero of the Month: Customer impact",
            0.81,
            "",
            "Customer Hero of the Month",
            "Customer impact",
        ),
        AgreementFigure(
            "Customer Hero of the Month: Going the extra mile",
            0.58,
            "",
            "Customer Hero of the Month",
            "Going the extra mile",
        ),
        AgreementFigure(
            "Customer Hero of the Month (whole category)", 0.74, "", "Customer Hero of the Month"
        ),
        AgreementFigure(
            "Team of the Quarter: Teamwork", 0.72, "", "Team of the Quarter", "Teamwork"
        ),
        AgreementFigure("Team of the Quarter (whole category)", 0.70, "", "Team of the Quarter"),
    ],
    ranks_changed=2,
    conflicts_declared=3,
    scores_excluded_for_conflict=3,
    costs=[
        CostLine("Vouchers and prizes", 400.0, 450.0),
        CostLine("Certificates and frames", 120.0, 96.5),
        CostLine("Ceremony catering", 250.0, 310.0),
        CostLine("Extra leave (cover cost)", 180.0, 180.0),
    ],
    winners=WINNERS,
    winner_explanations=[
        {
            "category": "Customer Hero of the Month",
            "nominee": "Ann Patel",
            "scores": "Raw 86.0%; normalised 88.2%; adjusted 87.5%. Ranked on the adjusted "
            "score (judge effects).",
            "criteria": "Ownership 4.5/5; Empathy 4.0/5",
            "judges": "Grace Obi 90% (leniency +3.1 ± 1.8, adjusted 87%); Sam Hill 82% "
            "(leniency -4.2 ± 1.8, adjusted 86%)",
            "decided_by": "Higher judge-effect score: 2.4 points ahead of Tomasz Nowak",
        }
    ],
    findings=[
        Finding(
            "Night-shift work is nominated less often.",
            "Night-shift team leader to collect nominations at handover.",
            "Grace Okafor",
        ),
        Finding("Customers like being asked."),
    ],
)


def with_changes(obj: object, **changes: object) -> object:
    """A copy of a frozen dataclass with some fields changed (``dataclasses.replace``)."""
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


def sample_logo(path: Path) -> Path:
    """Draw a small logo PNG (the Northgate 'N' in a roundel) so tests need no binary files."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    figure = Figure(figsize=(1.2, 1.2), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.add_patch(Circle((0.5, 0.5), 0.46, color="#1F4E79"))
    axes.add_patch(Circle((0.5, 0.5), 0.40, fill=False, lw=3, color="#C9A227"))
    axes.text(0.5, 0.47, "N", ha="center", va="center", fontsize=46, color="white", weight="bold")
    figure.savefig(path, transparent=True)
    return path


# --- reading generated documents back, for golden-file comparisons ------------------------------

GOLDEN = Path(__file__).parent / "golden"


def describe_docx(path: Path) -> str:
    """A readable text picture of a .docx: page set-up, pictures, paragraphs and tables in order.

    Empty paragraphs are left out; a paragraph that starts a new page is preceded by a
    ``--- new page ---`` line, so a combined certificate file shows one block per page.
    """
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines = []
    for number, section in enumerate(document.sections, start=1):
        width, height = section.page_width.mm, section.page_height.mm
        shape = "landscape" if width > height else "portrait"
        border = section._sectPr.find(qn("w:pgBorders")) is not None
        lines.append(
            f"section {number}: {shape} {width:.0f} x {height:.0f} mm, "
            f"page border: {'yes' if border else 'no'}"
        )
    lines.append(f"pictures: {len(document.inline_shapes)}")
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            if paragraph.paragraph_format.page_break_before:
                lines.append("--- new page ---")
            if paragraph.text.strip():
                style = paragraph.style.name if paragraph.style is not None else ""
                prefix = f"[{style}] " if style not in ("Normal", "") else ""
                lines.append(f"{prefix}{paragraph.text}")
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            lines.append(f"table ({len(table.rows)} rows x {len(table.columns)} columns):")
            for row in table.rows:
                lines.append("  | " + " | ".join(cell.text for cell in row.cells) + " |")
    for section in document.sections:
        for paragraph in section.footer.paragraphs:
            if paragraph.text.strip():
                lines.append(f"footer: {paragraph.text}")
    return "\n".join(lines) + "\n"


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/<name>; with UPDATE_GOLDEN=1 rewrite the file instead."""
    import os

    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run the tests once with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the reviewed golden file"
