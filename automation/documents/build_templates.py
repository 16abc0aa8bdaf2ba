"""Build the standard Word templates (certificate, newsletter, evaluation report).

Run ``python -m automation.documents.build_templates [folder]`` to (re)write them. The output is
byte-for-byte reproducible, so the committed templates can be checked against this script.

The templates are ordinary .docx files with docxtpl tags: a manager can open one in Word, change
fonts, colours and spacing, move text or add a picture, and generation still works as long as
the ``{{ }}`` and ``{% %}`` tags survive. The colours used here (TEMPLATE_PRIMARY/ACCENT) are
swapped for the branding colours when documents are generated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from automation.documents.render import DEFAULT_TEMPLATE_DIR, TEMPLATE_ACCENT, TEMPLATE_PRIMARY

BODY_FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
DISPLAY_FONT = "Cambria"  # likewise Caladea
DARK = "262626"
GREY = "595959"
_FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

# Word rejects a file whose property elements are out of schema order, so elements python-docx
# has no API for are inserted before the first of the elements that must follow them.
_AFTER_RPR_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_TBL_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_AFTER_TC_BORDERS = ("w:shd", *_AFTER_SHD)


# --- small formatting helpers ------------------------------------------------------------------


def _run(
    paragraph: Paragraph,
    text: str,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    colour: str | None = None,
    font: str | None = None,
    caps: bool = False,
    spacing: float | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if font:
        run.font.name = font
    if caps:
        run.font.small_caps = True
    if spacing:
        # Letter spacing (w:spacing, in twentieths of a point) for the spaced-out headings.
        rpr = run._r.get_or_add_rPr()
        spacing_el = OxmlElement("w:spacing")
        spacing_el.set(qn("w:val"), str(int(spacing * 20)))
        rpr.insert_element_before(spacing_el, *_AFTER_RPR_SPACING)


def _para(
    doc: DocumentObject | _Cell,
    text: str = "",
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float | None = None,
    after: float | None = None,
    style: str | None = None,
    **run_format: object,
) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    # None leaves the style's spacing alone, so a manager can restyle spacing in one place.
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, **run_format)  # type: ignore[arg-type]
    return paragraph


def _tag(doc: DocumentObject, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag ({%p ... %}); docxtpl removes it."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, tag, size=8, colour=GREY)


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shading, *_AFTER_SHD)


def _cell_border(cell: _Cell, side: str, colour: str, size: int = 8) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.insert_element_before(borders, *_AFTER_TC_BORDERS)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "0")
    edge.set(qn("w:color"), colour)
    borders.append(edge)


def _no_table_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tbl_pr.insert_element_before(borders, *_AFTER_TBL_BORDERS)


def _fixed_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fix column widths in the grid as well as the cells: LibreOffice reads only the grid."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _page_border(section_element: object, colour: str) -> None:
    """A double-rule border round every page, measured from the page edge."""
    sect_pr = section_element
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "thinThickSmallGap")
        edge.set(qn("w:sz"), "24")
        edge.set(qn("w:space"), "24")
        edge.set(qn("w:color"), colour)
        borders.append(edge)
    # pgBorders must come after pgMar (and before cols) in sectPr, or Word calls the file damaged.
    pg_mar = sect_pr.find(qn("w:pgMar"))  # type: ignore[attr-defined]
    pg_mar.addnext(borders)


def _centre_vertically(sect_pr: object) -> None:
    """Centre each page's content between top and bottom margins (Word's Page Setup > Layout).

    A short name then sits in the middle of the certificate, and a two-line one still fits.
    """
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "center")
    # Schema order: vAlign comes after cols/formProt and before noEndnote/titlePg/docGrid.
    anchor = sect_pr.find(qn("w:titlePg"))  # type: ignore[attr-defined]
    if anchor is None:
        anchor = sect_pr.find(qn("w:docGrid"))  # type: ignore[attr-defined]
    if anchor is not None:
        anchor.addprevious(v_align)
    else:
        sect_pr.append(v_align)  # type: ignore[attr-defined]


def _rule_below(paragraph: Paragraph, colour: str, size: int = 12) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), colour)
    borders.append(bottom)
    p_pr.insert_element_before(borders, *_AFTER_PBDR)


def _page_number_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _base_document(landscape: bool = False) -> DocumentObject:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11)
    normal.font.color.rgb = RGBColor.from_string(DARK)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((1, 16), (2, 13)):
        heading = doc.styles[f"Heading {level}"]
        heading.font.name = DISPLAY_FONT
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor.from_string(TEMPLATE_PRIMARY)
        heading.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        heading.paragraph_format.space_after = Pt(4)
    title = doc.styles["Title"]
    title.font.name = DISPLAY_FONT
    title.font.size = Pt(26)
    title.font.color.rgb = RGBColor.from_string(TEMPLATE_PRIMARY)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    props = doc.core_properties
    props.author = "Award programme workbook"
    props.last_modified_by = "Award programme workbook"
    props.created = props.modified = _FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    return doc


def _save_reproducibly(doc: DocumentObject, path: Path) -> Path:
    """Save with fixed zip timestamps so rebuilding gives identical bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


def _data_table(
    doc: DocumentObject,
    headers: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths_mm: Sequence[float],
    total_row: Sequence[str] | None = None,
) -> Table:
    """A table with a shaded header row and a docxtpl {%tr for %} loop over data rows."""
    rows = 4 + (1 if total_row else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        cell = table.rows[0].cells[index]
        _shade(cell, TEMPLATE_PRIMARY)
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, header, bold=True, colour="FFFFFF", size=10)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for index, text in enumerate(cells):
        paragraph = table.rows[2].cells[index].paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, text, size=10)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total_row:
        for index, text in enumerate(total_row):
            cell = table.rows[4].cells[index]
            _shade(cell, "F2F2F2")
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, text, size=10, bold=True)
    _fixed_widths(table, widths_mm)
    # A long table repeats its header on each page, and no row is split across two pages (a
    # winner's explanation began at the foot of one page and ended on the next).
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in table.rows[2:]:
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    return table


# --- the three templates -----------------------------------------------------------------------


def build_certificate() -> DocumentObject:
    """One landscape A4 page per certificate, looped so one render makes one or many pages."""
    doc = _base_document(landscape=True)
    section = doc.sections[0]
    # Top margin larger than the bottom: LibreOffice ignores vertical centring, and this keeps
    # a one-line name looking centred there while leaving room for a two-line name.
    section.top_margin = Mm(25)
    section.bottom_margin = Mm(10)
    section.left_margin = section.right_margin = Mm(24)
    section.header_distance = section.footer_distance = Mm(8)
    _page_border(section._sectPr, TEMPLATE_ACCENT)
    _centre_vertically(section._sectPr)
    centre = WD_ALIGN_PARAGRAPH.CENTER

    _tag(doc, "{%p for c in certificates %}")
    # Each certificate starts with "page break before" rather than a break paragraph: no blank
    # trailing page, and the first certificate still starts on page 1.
    # The logo sits in the lower third, between signature and date; the page starts with
    # the organisation's name.
    organisation = _para(
        doc,
        "{{ organisation }}",
        align=centre,
        before=4,
        after=4,
        size=14,
        colour=TEMPLATE_PRIMARY,
        caps=True,
        spacing=2,
    )
    organisation.paragraph_format.page_break_before = True
    _para(
        doc,
        "{% if c.winner %}Certificate of Achievement{% else %}Certificate of Commendation"
        "{% endif %}",
        align=centre,
        after=10,
        size=36,
        font=DISPLAY_FONT,
        colour=TEMPLATE_PRIMARY,
    )
    _para(doc, "proudly presented to", align=centre, after=4, size=14, italic=True, colour=GREY)
    name = _para(
        doc,
        "{{ c.nominee }}",
        align=centre,
        after=0,
        size=36,
        bold=True,
        font=DISPLAY_FONT,
        colour=DARK,
    )
    # Narrow indents so most names fit on one line; a two-line name still fits the page.
    name.paragraph_format.left_indent = name.paragraph_format.right_indent = Mm(10)
    name.paragraph_format.line_spacing = 1.0
    _rule_below(name, TEMPLATE_ACCENT, size=12)
    _para(doc, "{{ c.unit }}", align=centre, before=6, after=12, size=12, colour=GREY)
    _para(
        doc,
        "{% if c.winner %}Winner{% else %}Highly commended{% endif %}: {{ c.category }}",
        align=centre,
        after=2,
        size=20,
        bold=True,
        colour=TEMPLATE_PRIMARY,
    )
    _para(
        doc,
        "{{ c.period }}{% if c.customer_nominated %} · nominated by our customers{% endif %}",
        align=centre,
        after=14,
        size=13,
        colour=GREY,
    )
    citation = _para(
        doc, "“{{ c.citation }}”", align=centre, after=0, size=13, italic=True, colour=DARK
    )
    citation.paragraph_format.left_indent = citation.paragraph_format.right_indent = Mm(30)

    table = doc.add_table(rows=3, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_table_borders(table)
    _fixed_widths(table, (75, 60, 75))
    texts = (
        ("", "{% if logo %}{{ logo }}{% endif %}", ""),
        ("{{ signatory_name }}", "", "{{ c.presented_on }}"),
        (
            "{{ signatory_title }}",
            "{{ c.award_line }}",
            # The signatory is named on the left; a presenter only when it is someone else.
            "{% if c.presenter %}Presented by {{ c.presenter }}{% else %}Date{% endif %}",
        ),
    )
    for row_index, row in enumerate(table.rows):
        for col_index, cell in enumerate(row.cells):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = centre
            paragraph.paragraph_format.space_after = Pt(0)
            text = texts[row_index][col_index]
            if text:
                _run(
                    paragraph,
                    text,
                    size=12 if row_index == 1 else (9 if col_index == 1 else 10),
                    bold=row_index == 1,
                    italic=row_index == 2 and col_index == 1,
                    colour=DARK if row_index == 1 else GREY,
                )
            if row_index == 0 and col_index != 1:
                # The line to sign (and to write the date on, if no ceremony date is known).
                paragraph.paragraph_format.space_before = Pt(30)
                _cell_border(cell, "bottom", DARK, size=6)
    _tag(doc, "{%p endfor %}")
    return doc


def build_newsletter() -> DocumentObject:
    """A newsletter article: headline, standfirst, a section per winner, thanks, how to nominate."""
    doc = _base_document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Mm(22)
    section.left_margin = section.right_margin = Mm(25)
    _para(
        doc,
        "{{ organisation }} · Staff news · {{ published_on }}",
        after=4,
        size=10,
        colour=GREY,
        caps=True,
        spacing=1,
    )
    _para(doc, "{{ headline }}", style="Title", after=8)
    standfirst = _para(
        doc, "{{ standfirst }}", after=12, size=13, bold=True, colour=TEMPLATE_PRIMARY
    )
    _rule_below(standfirst, TEMPLATE_ACCENT, size=8)
    _tag(doc, "{%p for w in winners %}")
    heading = _para(doc, style="Heading 2")
    _run(heading, "{{ w.category }}: {{ w.nominee }}")
    _para(doc, "{{ w.story }}")
    _tag(doc, "{%p if w.customer_quote %}")
    quote = _para(doc, "“{{ w.customer_quote }}”", italic=True, colour=TEMPLATE_PRIMARY, after=2)
    quote.paragraph_format.left_indent = Mm(10)
    attribution = _para(doc, "{{ w.quote_attribution }}", size=10, colour=GREY, after=6)
    attribution.paragraph_format.left_indent = Mm(10)
    _tag(doc, "{%p endif %}")
    _para(doc, "{{ w.prize }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if still_to_decide %}")
    _para(doc, "{{ still_to_decide }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if commended %}")
    _para(doc, "Highly commended", style="Heading 2")
    _para(doc, "{{ commended }}")
    _tag(doc, "{%p endif %}")
    _para(doc, "Thank you", style="Heading 2")
    _para(doc, "{{ thanks }}")
    _para(doc, "Nominate someone next time", style="Heading 2")
    _para(doc, "{{ next_time }}")
    return doc


def build_evaluation_report() -> DocumentObject:
    """The end-of-period evaluation: objectives, participation, viewpoints, judging, costs."""
    doc = _base_document()
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(
        footer,
        "{{ organisation }} · Award programme evaluation · {{ period }} · page ",
        size=9,
        colour=GREY,
    )
    _page_number_field(footer)

    _para(doc, "{{ organisation }}", after=2, size=11, colour=GREY, caps=True, spacing=1)
    _para(doc, "Award programme evaluation: {{ period }}", style="Title", after=4)
    _para(doc, "Prepared by {{ prepared_by }} on {{ prepared_on }}", after=10, colour=GREY)
    _para(doc, "Summary", style="Heading 1")
    _para(doc, "{{ summary }}")

    _para(doc, "1. Objectives and results", style="Heading 1")
    _tag(doc, "{%p if not objectives %}")
    _para(doc, "{{ no_objectives }}")
    _tag(doc, "{%p else %}")
    # Column widths leave every header word and figure whole at 10 pt Calibri/Carlito
    # (tests/test_documents_layout.py measures them with the font's own metrics).
    _data_table(
        doc,
        ("Objective", "KPI", "Baseline", "Target", "Actual", "From workbook", "Result"),
        "o in objectives",
        (
            "{{ o.objective }}",
            "{{ o.kpi }}",
            "{{ o.baseline }}",
            "{{ o.target }}",
            "{{ o.actual }}",
            "{{ o.computed }}",
            "{{ o.result }}",
        ),
        (36, 36, 20, 19, 19, 22, 18),
    )
    _para(doc, "{% if objectives_note %}{{ objectives_note }}{% endif %}", before=4, size=9)
    _para(doc, "{{ objectives_chart }}", align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    _tag(doc, "{%p endif %}")

    _para(doc, "2. Participation", style="Heading 1")
    _para(doc, "{{ participation_summary }}")
    _data_table(
        doc,
        ("Site", "Staff", "Nominations", "Per 100 staff"),
        "s in sites",
        ("{{ s.site }}", "{{ s.staff }}", "{{ s.nominations }}", "{{ s.per_100 }}"),
        (70, 30, 35, 35),
    )
    _para(doc, after=0)
    _data_table(
        doc,
        ("Source of nomination", "Nominations", "Share"),
        "s in sources",
        ("{{ s.source }}", "{{ s.nominations }}", "{{ s.share }}"),
        (70, 35, 35),
    )
    _para(doc, after=0)
    _data_table(
        doc,
        ("Team", "Nominations"),
        "t in teams",
        ("{{ t.team }}", "{{ t.nominations }}"),
        (70, 35),
    )
    _para(doc, "{{ participation_chart }}", align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    _equity_block(doc)

    _para(doc, "3. Four viewpoints", style="Heading 1")
    _para(doc, "{{ viewpoints_summary }}")
    _tag(doc, "{%p if viewpoints %}")
    _data_table(
        doc,
        ("Viewpoint", "Question", "Result", "Respondents", "Comment"),
        "v in viewpoints",
        (
            "{{ v.viewpoint }}",
            "{{ v.question }}",
            "{{ v.result }}",
            "{{ v.respondents }}",
            "{{ v.comment }}",
        ),
        (30, 44, 24, 27, 45),
    )
    _tag(doc, "{%p endif %}")

    _para(doc, "4. Judging quality", style="Heading 1")
    _para(doc, "{{ agreement_reading }}")
    # One row per category: a table row per criterion buried the reading under near-identical
    # lines, so each category's criteria share one cell.
    _data_table(
        doc,
        ("Category", "Whole category (α)", "Each criterion (α)"),
        "a in agreement",
        ("{{ a.category }}", "{{ a.whole }}", "{{ a.criteria }}"),
        (40, 26, 104),
    )
    _para(doc, "{{ judging_summary }}", before=8)
    _appeals_block(doc)

    _para(doc, "5. Costs against budget", style="Heading 1")
    _tag(doc, "{%p if costs %}")
    _data_table(
        doc,
        ("Item", "Budget", "Actual", "Difference"),
        "c in costs",
        ("{{ c.item }}", "{{ c.budget }}", "{{ c.actual }}", "{{ c.difference }}"),
        (70, 33, 33, 33),
        total_row=("Total", "{{ total_budget }}", "{{ total_actual }}", "{{ total_difference }}"),
    )
    _tag(doc, "{%p endif %}")
    _para(doc, "{{ costs_summary }}", before=8)

    _para(doc, "6. Winners", style="Heading 1")
    _data_table(
        doc,
        ("Category", "Winner", "Team", "Site", "Score"),
        "w in winners",
        ("{{ w.category }}", "{{ w.nominee }}", "{{ w.team }}", "{{ w.site }}", "{{ w.score }}"),
        (52, 40, 34, 24, 20),
    )
    _para(doc, "How each winner was decided", style="Heading 2", before=8)
    _data_table(
        doc,
        (
            "Category and winner",
            "Scores",
            "By criterion",
            "By judge (leniency, points)",
            "Decided by",
        ),
        "x in why_won",
        (
            "{{ x.category }}: {{ x.nominee }}",
            "{{ x.scores }}",
            "{{ x.criteria }}",
            "{{ x.judges }}",
            "{{ x.decided_by }}",
        ),
        (26, 28, 34, 46, 36),
    )

    _para(doc, "7. Findings and actions", style="Heading 1")
    _tag(doc, "{%p if findings %}")
    _data_table(
        doc,
        ("Finding", "Action", "Owner"),
        "f in findings",
        ("{{ f.finding }}", "{{ f.action }}", "{{ f.owner }}"),
        (75, 65, 30),
    )
    _tag(doc, "{%p endif %}")
    _para(doc, "{% if no_findings %}{{ no_findings }}{% endif %}", before=4)

    _para(doc, "8. Recommendations", style="Heading 1")
    _tag(doc, "{%p for r in recommendations %}")
    _para(doc, "{{ r }}", style="List Number")
    _tag(doc, "{%p endfor %}")
    return doc


def _equity_block(doc: DocumentObject) -> None:
    """Fairness across groups and the trend over periods (fields: documents.equity_section)."""
    _tag(doc, "{%p if equity_rows %}")
    _para(doc, "Fairness across groups", style="Heading 2")
    _para(doc, "{{ equity_summary }}")
    _data_table(
        doc,
        (
            "Grouping",
            "Group",
            "Staff",
            "Individual nominations",
            "Per member",
            "Ratio to best",
            "Wins",
            "Flag",
        ),
        "e in equity_rows",
        (
            "{{ e.grouping }}",
            "{{ e.group }}",
            "{{ e.staff }}",
            "{{ e.nominations }}",
            "{{ e.rate }}",
            "{{ e.ratio }}",
            "{{ e.wins }}",
            "{{ e.flag }}",
        ),
        (22, 26, 14, 26, 19, 18, 13, 32),
    )
    _para(doc, "{{ equity_chart }}", align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    _para(doc, "{{ panel_summary }}", before=4)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if trend %}")
    _para(doc, "Over the periods", style="Heading 2")
    _para(doc, "{{ trend_summary }}")
    _data_table(
        doc,
        ("Period", "Nominations", "From customers", "Staff nominated", "Winners", "KPIs"),
        "t in trend",
        (
            "{{ t.period }}",
            "{{ t.nominations }}",
            "{{ t.customer }}",
            "{{ t.share }}",
            "{{ t.winners }}",
            "{{ t.kpis }}",
        ),
        (24, 27, 24, 24, 19, 52),
    )
    _para(doc, "{{ trend_chart }}", align=WD_ALIGN_PARAGRAPH.CENTER, before=8)
    _tag(doc, "{%p endif %}")


def _appeals_block(doc: DocumentObject) -> None:
    """Appeals and their outcomes (fields: documents.equity_section)."""
    _para(doc, "Appeals", style="Heading 2")
    _para(doc, "{{ appeals_summary }}")


TEMPLATES = {
    "certificate.docx": build_certificate,
    "newsletter.docx": build_newsletter,
    "evaluation_report.docx": build_evaluation_report,
}

# The title Word shows in File > Info for each template and the documents made from it
# (python-docx's own blank document says "generated by python-docx" in its comments).
TITLES = {
    "certificate.docx": "Award certificate",
    "newsletter.docx": "Newsletter article: award winners",
    "evaluation_report.docx": "Award programme evaluation",
}


def _titled(doc: DocumentObject, name: str) -> DocumentObject:
    doc.core_properties.title = TITLES[name]
    doc.core_properties.comments = ""
    return doc


def build_templates(out_dir: Path = DEFAULT_TEMPLATE_DIR) -> list[Path]:
    """Write the three standard .docx templates into ``out_dir`` and return their paths."""
    return [
        _save_reproducibly(_titled(build(), name), Path(out_dir) / name)
        for name, build in TEMPLATES.items()
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: rebuild the standard templates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_TEMPLATE_DIR)
    args = parser.parse_args(argv)
    for path in build_templates(args.folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
