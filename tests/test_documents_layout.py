"""Document tables leave every word whole: no column is narrower than its longest word.

Measured with the metrics of the fonts CI installs (Carlito for Calibri, Caladea for Cambria),
so a header such as "Baseline" or a value such as "Organisation" can never be broken
mid-word ("Baselin e") when Word or LibreOffice lays the table out.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu

from automation.documents.evaluation import write_evaluation_report
from tests.documents_sample import BRANDING, EVALUATION

FONTS = Path("/usr/share/fonts/truetype/crosextra")
CELL_MARGINS_MM = 2 * 1.9  # Word's default left and right cell margins
SLACK_MM = 0.5


def _font(bold: bool):
    from matplotlib.ft2font import FT2Font

    path = FONTS / f"Carlito-{'Bold' if bold else 'Regular'}.ttf"
    if not path.is_file():
        pytest.skip("the Carlito font is not installed (fonts-crosextra-carlito)")
    return FT2Font(str(path))


def word_width_mm(word: str, size_pt: float, bold: bool) -> float:
    font = _font(bold)
    font.set_size(size_pt, 72)
    font.set_text(word)
    return font.get_width_height()[0] / 64 / 72 * 25.4


def _too_narrow(path: Path) -> list[str]:
    document = docx.Document(str(path))
    problems = []
    for table in document.tables:
        grid = [
            Emu(int(c.get(qn("w:w"))) * 635).mm for c in table._tbl.tblGrid.iter(qn("w:gridCol"))
        ]
        for row in table.rows:
            for width, cell in zip(grid, row.cells, strict=False):
                room = width - CELL_MARGINS_MM - SLACK_MM
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        size = run.font.size.pt if run.font.size else 11
                        for word in run.text.split():
                            needed = word_width_mm(word, size, bool(run.bold))
                            if needed > room:
                                problems.append(f"{word!r} needs {needed:.1f} mm, has {room:.1f}")
    return problems


def test_evaluation_report_columns_fit_their_words(tmp_path: Path) -> None:
    path = write_evaluation_report(EVALUATION, BRANDING, tmp_path / "report.docx")
    assert _too_narrow(path) == []


def test_example_report_columns_fit_their_words(tmp_path, example_data) -> None:
    from automation.documents.generate import generate_evaluation
    from automation.scoring import score

    path = generate_evaluation(example_data, score(example_data), tmp_path)
    assert _too_narrow(path) == []


def test_report_tables_repeat_their_header_and_keep_rows_whole(tmp_path: Path) -> None:
    """A long table's header row comes back on each page, and no row starts at the foot of
    one page and ends on the next (as a winner's explanation once did)."""
    out = write_evaluation_report(EVALUATION, BRANDING, tmp_path / "r.docx")
    tables = docx.Document(str(out)).tables
    assert len(tables) >= 8
    for table in tables:
        first, *rest = [row._tr for row in table.rows]
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert rest and all(
            tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rest
        )
