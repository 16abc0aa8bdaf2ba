"""The evidence index: the assessor's way into the pack, as a Word document.

It lists each criterion of the unit with its status and where the evidence is, what is still
missing, the 2010 unit's evidence requirements, what is in the pack, and the prompts of a
reflective account (what went well, what to improve) filled in from the Findings table and
the objectives, for the manager to write up in their own words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt, RGBColor

from automation.documents.english import long_date
from automation.documents.evaluation import number
from automation.documents.generate import objective_results
from automation.evidence import EvidenceMap
from automation.model import ProgrammeData
from automation.parse import as_python

STATUS_COLOURS = {"met": "2E7D32", "partly": "B26A00", "missing": "C62828"}


@dataclass
class Reflection:
    went_well: list[str]
    to_improve: list[str]


def _text(value: object) -> str:
    v = as_python(value)
    return "" if v is None else str(v).strip()


def reflection(data: ProgrammeData, evidence: EvidenceMap, today: dt.date) -> Reflection:
    """What went well and what to improve, from the Findings and the objectives.

    A finding goes where its Kind says; without a Kind, a finding with an action is
    something to improve and one without is something that went well.
    """
    well, improve = [], []
    findings = data.tables["Findings"]
    for f in findings.to_dict("records"):
        finding = _text(f.get("Finding"))
        if not finding:
            continue
        action, owner, kind = _text(f.get("Action")), _text(f.get("Owner")), _text(f.get("Kind"))
        line = finding
        if action:
            line += f" Next: {action.rstrip('.')}" + (f" ({owner})." if owner else ".")
        if kind == "went well" or (not kind and not action):
            well.append(line)
        else:
            improve.append(line)
    for o in objective_results(data, _text(data.setting("current_period"))):
        standing = o.standing(today)
        if standing == "no result":
            continue
        line = (
            f"“{o.objective}”: {o.kpi} reached {number(o.actual, o.unit)} against a target of "
            f"{number(o.target, o.unit)}"
        )
        if standing == "met":
            well.append(line + ".")
        else:
            # As the evaluation report puts it: short of a target due later is not a failure.
            due = f" by {long_date(o.deadline)}" if o.deadline else ""
            word = "not yet met" if standing == "not yet" else "not met"
            improve.append(f"{line}{due}: {word}.")
    for criterion, status in evidence.criteria:
        if status.status != "met":
            improve.append(
                f"Evidence for criterion {criterion.number} is {status.status}: "
                f"{status.missing_text}"
            )
    return Reflection(well, improve)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tc_pr.append(shd)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float], status_col: int):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for j, h in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F4E79")
    for values in rows:
        cells = table.add_row().cells
        for j, v in enumerate(values):
            cells[j].text = ""
            run = cells[j].paragraphs[0].add_run(v)
            if j == status_col and v in STATUS_COLOURS:
                run.bold = True
                run.font.color.rgb = RGBColor.from_string(STATUS_COLOURS[v])
    # Word reads the cell widths, LibreOffice the grid: set both, and switch off autofit.
    table.autofit = False
    for j, w in enumerate(widths):
        table.columns[j].width = Mm(w)
    for row in table.rows:
        for j, w in enumerate(widths):
            row.cells[j].width = Mm(w)
    # Repeat the header row on every page of a long table.
    from docx.oxml import OxmlElement

    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))  # on by default; the SDK rejects val="true"
    for row in table.rows:  # a criterion's row is never split across two pages
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    return table


def write_index(
    data: ProgrammeData,
    evidence: EvidenceMap,
    out_path: Path,
    *,
    contents: list[tuple[str, str]],
    staff_coded: bool,
    today: dt.date | None = None,
) -> Path:
    """Write the evidence index .docx; ``contents`` lists (file, what it is) in the pack."""
    today = today or dt.date.today()
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    organisation = _text(data.setting("organisation")) or "Our organisation"
    programme = _text(data.setting("programme")) or "Customer Service Awards"
    doc.core_properties.title = f"Evidence index: {programme}"
    doc.core_properties.author = "Award workbook"
    # python-docx's blank document carries its own comment and a 2013 date.
    doc.core_properties.comments = ""
    made = dt.datetime.combine(today, dt.time())
    doc.core_properties.created = doc.core_properties.modified = made
    doc.add_heading(f"Evidence index: {programme}", level=0)
    candidate = _text(data.setting("candidate_name")) or _text(data.setting("signatory_name"))
    doc.add_paragraph(
        f"{organisation}. Unit: Manage a customer service award programme (Ofqual L/506/2181; "
        f"the 2010 version is OCR D17). Made on {long_date(today)}."
    )
    if candidate:
        doc.add_paragraph(f"Candidate: {candidate}.")
    doc.add_paragraph(
        f"{evidence.summary().capitalize()}. Each status below is worked out by the award "
        "tool from what the workbook holds; where a criterion is not met, the last column "
        "says what is missing. Evidence of knowledge (the rationale, the business case) is in "
        "the manager's own words on the Programme sheet."
    )
    doc.add_heading("The unit's criteria", level=1)
    _table(
        doc,
        ["Criterion", "D17", "What is asked", "Status", "Where the evidence is", "What is missing"],
        [
            [c.number, c.d17, c.asked, s.status, c.shown_where, s.missing_text or "-"]
            for c, s in evidence.criteria
        ],
        [20, 20, 62, 16, 64, 85],
        3,
    )
    doc.add_heading("Evidence requirements of the 2010 unit (D17)", level=1)
    _table(
        doc,
        ["Requirement", "What is asked", "Status", "Where the evidence is", "What is missing"],
        [
            [r.name, r.asked, s.status, r.shown_where, s.missing_text or "-"]
            for r, s in evidence.requirements
        ],
        [40, 60, 16, 70, 81],
        2,
    )
    doc.add_heading("Reflective account", level=1)
    doc.add_paragraph(
        "Prompts for the manager's reflective account, drawn from the evaluation's findings "
        "and the objectives. Write the account in your own words: what you did, why, what "
        "happened and what you learned."
    )
    notes = reflection(data, evidence, today)
    for title, lines in (
        ("What went well", notes.went_well),
        ("What to improve", notes.to_improve),
    ):
        doc.add_heading(title, level=2)
        if not lines:
            doc.add_paragraph("Nothing recorded yet: add findings on the Evaluation sheet.")
        for line in lines:
            doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("What is in this pack", level=1)
    for name, what in contents:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(name).bold = True
        p.add_run(f": {what}")
    doc.add_heading("Personal data", level=1)
    staff = (
        "Staff names are replaced by codes too (STAFF-001...), also in the Audit log, whose "
        "digests therefore no longer match in this copy: the manager's original holds the "
        "sealed log."
        if staff_coded
        else "Staff names are kept, because the evidence is about how they were recognised."
    )
    doc.add_paragraph(
        "Customers' and nominators' names are replaced by codes (CUS-001 for a customer, "
        "NOM-001 for another nominator; the same person has the same code throughout), and "
        f"contact details (nominators' contacts, staff and judges' emails) are removed. {staff} "
        "The original workbook is kept by the manager and was not changed."
    )
    # The assessor needs the candidate's word that the work is theirs: a line to sign.
    doc.add_heading("Declaration", level=1)
    doc.add_paragraph(
        f"I, {candidate or '____________________'}, confirm that this pack comes from the award "
        "programme I planned, ran and evaluated, and that the reflective account is my own work."
    )
    doc.add_paragraph("Signed: ______________________________     Date: ____________________")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out_path)
    return out_path
