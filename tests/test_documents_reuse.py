"""A renderer reused for many documents writes exactly what a fresh docxtpl render writes."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import docx
import pytest

from automation.documents.certificates import certificate_fields
from automation.documents.docx_package import PackageTemplate
from automation.documents.render import DEFAULT_TEMPLATE_DIR, DocxRenderer, Image, clean_text
from tests.documents_sample import AWARDS, BRANDING, HERO, TEAM, sample_logo

CERTIFICATE = DEFAULT_TEMPLATE_DIR / "certificate.docx"

# Values a workbook can hand a certificate: markup characters, quotes, non-Latin scripts and
# emoji, Excel's control characters, line breaks, blanks, very long and number-like text.
AWKWARD = [
    dataclasses.replace(HERO, nominee='Zoë & <Bob> "O\'Neil"'),
    dataclasses.replace(HERO, nominee="محمد 王小明 🎉", team="", site=""),
    dataclasses.replace(HERO, nominee="Ann\x0bPatel\x01\x1f", evidence="line one\r\nline two"),
    dataclasses.replace(HERO, nominee="", citation="", award_description=""),
    dataclasses.replace(HERO, nominee="9" * 400, score_pct=1e300, nomination_count=10**18),
    dataclasses.replace(HERO, nominee="{{ 7 * 7 }} {% raw %}", citation="]]> <![CDATA[ x"),
    *AWARDS,
    dataclasses.replace(TEAM, presented_by="Someone Else"),
]


def _context(award) -> dict:
    shared = {
        "organisation": clean_text(BRANDING.organisation, single_line=True),
        "signatory_name": "Priya Shah",
        "signatory_title": "Head of Customer Service",
        "logo": "",
    }
    return {**shared, "certificates": [certificate_fields(award, "Priya Shah")]}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _fresh(tmp_path: Path, name: str, context: dict, images, **colours) -> dict[str, bytes]:
    """What a renderer that never rendered before writes: the whole docxtpl way."""
    return _parts(DocxRenderer(CERTIFICATE, **colours).render(context, tmp_path / name, images))


@pytest.mark.parametrize(
    "colours",
    [
        {},
        # The accent becomes the template's own primary: colours are swapped only once.
        {"primary_colour": "#123456", "accent_colour": "#1F4E79"},
    ],
)
def test_each_reused_render_equals_a_fresh_render_part_for_part(tmp_path: Path, colours) -> None:
    images = {"logo": Image(sample_logo(tmp_path / "logo.png"), height_mm=14)}
    reused = DocxRenderer(CERTIFICATE, **colours)
    for number, award in enumerate(AWKWARD):
        context = _context(award)
        ours = _parts(reused.render(context, tmp_path / f"reused-{number}.docx", images))
        assert list(ours) == list(_fresh(tmp_path, "fresh.docx", context, images, **colours))
        assert ours == _fresh(tmp_path, "fresh.docx", context, images, **colours), award.nominee
    assert reused._base is not None  # the later files did take the short way
    # The combined file from the same renderer too (many pages, one template compile).
    everything = {**_context(HERO), "certificates": [certificate_fields(a) for a in AWKWARD]}
    assert _parts(reused.render(everything, tmp_path / "all.docx", images)) == _fresh(
        tmp_path, "fresh.docx", everything, images, **colours
    )


def test_new_pictures_start_again_from_a_whole_render(tmp_path: Path) -> None:
    renderer = DocxRenderer(CERTIFICATE)
    plain = renderer.render(_context(HERO), tmp_path / "plain.docx")
    logo = {"logo": Image(sample_logo(tmp_path / "logo.png"), height_mm=14)}
    with_logo = renderer.render({**_context(HERO), "logo": ""}, tmp_path / "logo.docx", logo)
    assert len(docx.Document(str(plain)).inline_shapes) == 0
    assert len(docx.Document(str(with_logo)).inline_shapes) == 1
    assert _parts(with_logo) == _fresh(tmp_path, "fresh.docx", _context(HERO), logo)


def _with_header(tmp_path: Path, text: str) -> Path:
    document = docx.Document(str(CERTIFICATE))
    document.sections[0].header.paragraphs[0].text = text
    path = tmp_path / "with-header.docx"
    document.save(str(path))
    return path


def _header(path: Path) -> str:
    return docx.Document(str(path)).sections[0].header.paragraphs[0].text


def test_a_header_with_tags_is_filled_in_for_every_document(tmp_path: Path) -> None:
    renderer = DocxRenderer(_with_header(tmp_path, "For {{ certificates[0].nominee }}"))
    first = renderer.render(_context(HERO), tmp_path / "1.docx")
    second = renderer.render(_context(TEAM), tmp_path / "2.docx")
    assert (_header(first), _header(second)) == (f"For {HERO.nominee}", f"For {TEAM.nominee}")
    assert renderer._base is None  # every file goes the whole docxtpl way


def test_a_plain_header_is_copied_into_every_document(tmp_path: Path) -> None:
    template = _with_header(tmp_path, "Northgate awards")
    renderer = DocxRenderer(template)
    renderer.render(_context(HERO), tmp_path / "1.docx")
    second = renderer.render(_context(TEAM), tmp_path / "2.docx")
    assert _header(second) == "Northgate awards"
    assert _parts(second) == _parts(
        DocxRenderer(template).render(_context(TEAM), tmp_path / "f.docx")
    )


def test_package_template_replaces_one_part_and_copies_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "source.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", "<a/>" * 1000)
        archive.writestr("b.bin", bytes(range(256)) * 10)
        archive.writestr(zipfile.ZipInfo("stored.txt"), "kept as is")
    package = PackageTemplate.from_bytes(source.read_bytes())
    assert package is not None
    out = tmp_path / "out.zip"
    out.write_bytes(package.write({"a.xml": "<new>ü</new>".encode(), "stored.txt": b"changed"}))
    assert _parts(out) == {
        "a.xml": "<new>ü</new>".encode(),
        "b.bin": bytes(range(256)) * 10,
        "stored.txt": b"changed",
    }
