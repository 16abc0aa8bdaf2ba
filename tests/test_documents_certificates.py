"""Certificates: content, layout, escaping, the sandbox and hand-edited templates."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import docx
import pytest
from docx.shared import Pt, RGBColor

from automation.documents.certificates import COMBINED_NAME, write_certificates
from automation.documents.render import DEFAULT_TEMPLATE_DIR, TEMPLATE_ACCENT, DocxRenderer
from automation.errors import UserError
from tests.documents_sample import (
    AWARDS,
    BRANDING,
    HERO,
    HERO_RUNNER_UP,
    TEAM,
    check_golden,
    describe_docx,
    sample_logo,
)


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_combined_file_matches_reviewed_text(tmp_path: Path) -> None:
    run = write_certificates(AWARDS, BRANDING, tmp_path, progress=False)
    assert run.combined == tmp_path / COMBINED_NAME
    check_golden("certificates_combined.txt", describe_docx(run.combined))


def test_winner_certificate_with_logo_matches_reviewed_text(tmp_path: Path) -> None:
    branding = dataclasses.replace(BRANDING, logo_path=sample_logo(tmp_path / "logo.png"))
    run = write_certificates([HERO], branding, tmp_path / "out", combined=False, progress=False)
    check_golden("certificate_winner.txt", describe_docx(run.files[0][1]))


def test_one_file_per_award_plus_combined_with_one_page_each(tmp_path: Path) -> None:
    run = write_certificates(AWARDS, BRANDING, tmp_path, progress=False)
    assert [award for award, _ in run.files] == AWARDS
    assert len({path for _, path in run.files}) == len(AWARDS)
    names = [path.name for _, path in run.files]
    assert names[:2] == [
        "customer-hero-of-the-month-ann-patel.docx",
        "customer-hero-of-the-month-tomasz-nowak-commendation.docx",
    ]
    combined = describe_docx(run.combined)
    assert combined.count("--- new page ---") == len(AWARDS)
    for _, path in run.files:
        document = docx.Document(str(path))
        section = document.sections[0]
        assert section.page_width > section.page_height  # landscape
        assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
        assert describe_docx(path).count("--- new page ---") == 1


def test_runner_up_gets_commendation_wording(tmp_path: Path) -> None:
    run = write_certificates([HERO_RUNNER_UP], BRANDING, tmp_path, combined=False, progress=False)
    text = _text(run.files[0][1])
    assert "Certificate of Commendation" in text
    assert "Highly commended: Customer Hero of the Month" in text
    assert "Winner" not in text


def test_team_award_names_the_team_and_site_only(tmp_path: Path) -> None:
    run = write_certificates([TEAM], BRANDING, tmp_path, combined=False, progress=False)
    text = _text(run.files[0][1]).splitlines()
    assert "Complaints Resolution Team" in text
    assert "Leeds" in text  # the site, without repeating the team name


def test_same_category_and_name_twice_gets_unique_file_names(tmp_path: Path) -> None:
    twin = dataclasses.replace(HERO, team="Technical Support")
    run = write_certificates([HERO, twin], BRANDING, tmp_path, combined=False, progress=False)
    assert [p.name for _, p in run.files] == [
        "customer-hero-of-the-month-ann-patel.docx",
        "customer-hero-of-the-month-ann-patel-2.docx",
    ]


def test_missing_logo_file_is_left_out_quietly(tmp_path: Path) -> None:
    branding = dataclasses.replace(BRANDING, logo_path=tmp_path / "moved.png")
    run = write_certificates([HERO], branding, tmp_path, combined=False, progress=False)
    assert "pictures: 0" in describe_docx(run.files[0][1])


def test_combined_file_holds_logo_once_per_page(tmp_path: Path) -> None:
    branding = dataclasses.replace(BRANDING, logo_path=sample_logo(tmp_path / "logo.png"))
    run = write_certificates(AWARDS, branding, tmp_path / "out", individual=False, progress=False)
    assert f"pictures: {len(AWARDS)}" in describe_docx(run.combined)


def test_branding_colours_replace_the_template_palette(tmp_path: Path) -> None:
    branding = dataclasses.replace(BRANDING, primary_colour="#8B0000", accent_colour="#006400")
    run = write_certificates([HERO], branding, tmp_path, combined=False, progress=False)
    xml = docx.Document(str(run.files[0][1])).element.xml
    assert "8B0000" in xml and "006400" in xml
    assert "1F4E79" not in xml and TEMPLATE_ACCENT not in xml


def test_bad_colour_is_a_user_error(tmp_path: Path) -> None:
    branding = dataclasses.replace(BRANDING, primary_colour="navy")
    with pytest.raises(UserError, match="not a colour code"):
        write_certificates([HERO], branding, tmp_path, progress=False)


def test_workbook_text_is_printed_literally(tmp_path: Path) -> None:
    nasty = dataclasses.replace(
        HERO,
        nominee="<Ann & {{Bob}}>",
        category="Hero {% raw %}{{ 7*7 }}{% endraw %} & <b>Co</b>",
        evidence="She typed {{ 7*7 }} and {% if true %}x{% endif %} & <w:p/> into the form.",
    )
    run = write_certificates([nasty], BRANDING, tmp_path, progress=False)
    for path in (run.files[0][1], run.combined):
        text = _text(path)
        assert "<Ann & {{Bob}}>" in text
        assert "Hero {% raw %}{{ 7*7 }}{% endraw %} & <b>Co</b>" in text
        # The proposed citation names the nominee in place of "She".
        assert "<Ann typed {{ 7*7 }} and {% if true %}x{% endif %} & <w:p/> into the form." in text
        assert "49" not in text


def test_control_characters_from_excel_do_not_break_the_document(tmp_path: Path) -> None:
    odd = dataclasses.replace(HERO, nominee="Ann\x0bPatel\x00", evidence="Line one.\x07 Two.")
    run = write_certificates([odd], BRANDING, tmp_path, combined=False, progress=False)
    assert "Ann Patel" in _text(run.files[0][1]).splitlines()


def _template_with(tmp_path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "hostile.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ organisation.__class__ }}",
        "{{ certificates.__class__.__base__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ certificates.append(1) }}",
    ],
)
def test_sandbox_blocks_reaching_python_objects(tmp_path: Path, tag: str) -> None:
    renderer = DocxRenderer(_template_with(tmp_path, tag))
    with pytest.raises(UserError, match="may not touch"):
        renderer.render({"organisation": "Northgate", "certificates": []}, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_misspelt_field_is_a_user_error_listing_fields(tmp_path: Path) -> None:
    renderer = DocxRenderer(_template_with(tmp_path, "{{ nomine }}"))
    with pytest.raises(UserError, match="does not exist") as caught:
        renderer.render({"nominee": "Ann"}, tmp_path / "out.docx")
    assert "nominee" in caught.value.hint


def test_broken_tag_is_a_user_error(tmp_path: Path) -> None:
    renderer = DocxRenderer(_template_with(tmp_path, "{% if c.winner %}Winner"))
    with pytest.raises(UserError, match="broken tag"):
        renderer.render({"c": {"winner": True}}, tmp_path / "out.docx")


def test_missing_or_damaged_template_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="missing"):
        write_certificates([HERO], BRANDING, tmp_path, template=tmp_path / "nope.docx")
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip")
    with pytest.raises(UserError, match="not a Word"):
        write_certificates([HERO], BRANDING, tmp_path, template=fake)


def test_template_restyled_by_hand_with_split_tags_still_renders(tmp_path: Path) -> None:
    """Word splits a tag into runs when part of it is reformatted; generation must survive."""
    template = tmp_path / "certificate.docx"
    shutil.copy(DEFAULT_TEMPLATE_DIR / "certificate.docx", template)
    document = docx.Document(str(template))
    target = next(p for p in document.paragraphs if "{{ c.nominee }}" in p.text)
    for run in list(target.runs):
        run._r.getparent().remove(run._r)
    pieces = [
        ("Awarded to ", "Georgia", False),
        ("{{ c.no", "Georgia", True),
        ("mi", "Arial", False),
        ("nee }}", "Times New Roman", True),
        (" with thanks", "Georgia", False),
    ]
    for text, font, bold in pieces:
        run = target.add_run(text)
        run.font.name, run.bold, run.font.size = font, bold, Pt(30)
        run.font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    # A manager also adds their own line and picks a new font for the organisation name.
    organisation = next(p for p in document.paragraphs if "{{ organisation }}" in p.text)
    organisation.runs[0].font.name = "Georgia"
    organisation.insert_paragraph_before("Thank you from all of us")
    document.save(str(template))

    run = write_certificates([HERO], BRANDING, tmp_path / "out", template=template, progress=False)
    text = _text(run.files[0][1])
    assert "Awarded to Ann Patel with thanks" in text
    assert "Thank you from all of us" in text
    assert "Northgate Contact Centre" in text
    assert "{{" not in text and "{%" not in text
