"""The workbook opens in LibreOffice, and the formulas it computes equal Python's figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from automation.io.read import read_workbook
from tests.support.office import soffice

ROOT = Path(__file__).resolve().parents[1]
RECALC = ROOT.parent / "shared" / "tools" / "recalc"

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def _recalc(src: Path, outdir: Path) -> Path:
    """LibreOffice recalculates every formula and saves the values (as shared/tools/recalc)."""
    profile = outdir / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items '
        'xmlns:oor="http://openoffice.org/2001/registry">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>'
        "</oor:items>"
    )
    soffice(
        profile,
        "--calc",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(outdir),
        str(src),
    )
    out = outdir / src.name
    assert out.exists(), "LibreOffice did not write the recalculated workbook"
    return out


@pytest.fixture(scope="module")
def recalculated(built_example, tmp_path_factory):
    return _recalc(built_example, tmp_path_factory.mktemp("recalc"))


def test_converts_to_pdf(built_template, tmp_path):
    soffice(tmp_path / "p", "--convert-to", "pdf", "--outdir", str(tmp_path), str(built_template))
    pdf = tmp_path / (built_template.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 10_000


def _table(wb, name) -> pd.DataFrame:
    for ws in wb.worksheets:
        if name in ws.tables:
            cells = ws[ws.tables[name].ref]
            header = [c.value for c in cells[0]]
            return pd.DataFrame([[c.value for c in r] for r in cells[1:]], columns=header)
    raise KeyError(name)


def test_excel_check_columns_equal_the_tools_raw_score_and_rank(recalculated, example_data):
    """The check beside each score is the same quantity: Excel's raw score is the tool's raw
    score (trimmed mean of the judges' weighted scores), and the raw ranks agree."""
    wb = load_workbook(recalculated, data_only=True)
    results = _table(wb, "Results").dropna(subset=["Nomination ID"]).set_index("Nomination ID")
    assert len(results) == 60
    got = results["Excel raw score"].astype(float)
    want = results["Raw score"].astype(float)
    pd.testing.assert_series_equal(got, want, check_names=False, atol=1e-9, rtol=0)
    assert (
        results["Excel raw rank"].astype(int).tolist() == results["Raw rank"].astype(int).tolist()
    )
    panel = _table(wb, "Panel").dropna(subset=["Judge"])
    counted = panel[panel["Counted"] == "yes"]
    assert (
        counted["Excel weighted score"].astype(float) - counted["Weighted score"]
    ).abs().max() < 1e-9
    # Four judges: the trimmed mean is in play, so a pooled check would not have agreed.
    assert (results["Judges"] >= 4).any()


def test_sheet_formulas_equal_python(recalculated, example_data):
    wb = load_workbook(recalculated, data_only=True)
    obj = _table(wb, "Objectives").dropna(subset=["Objective"])
    data = example_data["Objectives"]
    higher = data["Higher is better"].astype(bool)
    met = (higher & (data["Actual"] >= data["Target"])) | (
        ~higher & (data["Actual"] <= data["Target"])
    )
    assert obj["Met"].tolist() == ["yes" if m else "no" for m in met]

    opts = _table(wb, "Options").dropna(subset=["Option"])
    w = example_data["OptionWeights"].set_index("Factor")["Weight"]
    o = example_data["Options"]
    expected = (
        o["Benefit score"] * w["Benefit"]
        + o["Drawback score"] * w["Drawbacks"]
        + o["Cost score"] * w["Cost"]
        + o["Fit score"] * w["Fit with objectives"]
    ) / w.sum()
    assert opts["Weighted score"].astype(float).tolist() == pytest.approx(expected.tolist())

    risks = _table(wb, "Risks").dropna(subset=["Risk"])
    r = example_data["Risks"]
    assert (
        risks["Rating"].astype(int).tolist() == (r["Likelihood"] * r["Impact"]).astype(int).tolist()
    )

    scores = _table(wb, "Scores").dropna(subset=["Judge"])
    assert (scores["Conflict"] == "no").all()
    assert len(scores) == len(example_data["Scores"])


def test_status_summary_counts(recalculated, example_data):
    wb = load_workbook(recalculated, data_only=True)
    names = wb.defined_names
    values = {}
    for key in (
        "StatusObjectivesMet",
        "StatusNominations",
        "StatusScores",
        "StatusWinners",
        "StatusBudget",
        "StatusWarnings",
        "StatusCriteriaMet",
    ):
        ((sheet, ref),) = names[key].destinations
        values[key] = wb[sheet][ref.replace("$", "")].value
    noms = example_data["Nominations"]
    assert values["StatusNominations"] == (~noms["Calibration"].fillna(False).astype(bool)).sum()
    assert values["StatusScores"] == len(example_data["Scores"])
    assert values["StatusWinners"] == 3
    assert values["StatusBudget"] == example_data["Costs"]["Budget"].sum()
    assert values["StatusWarnings"] == 4
    obj = example_data["Objectives"]
    higher = obj["Higher is better"].astype(bool)
    met = (higher & (obj["Actual"] >= obj["Target"])) | (~higher & (obj["Actual"] <= obj["Target"]))
    assert values["StatusObjectivesMet"] == f"{int(met.sum())} of {len(obj)}"
    assert values["StatusCriteriaMet"] == "12 of 12"  # its label says "Unit criteria met"


def test_the_blank_templates_status_says_not_checked_rather_than_no_errors(
    built_template, tmp_path
):
    wb = load_workbook(_recalc(built_template, tmp_path), data_only=True)
    values = {}
    for key in ("StatusErrors", "StatusWarnings", "StatusCriteriaMet"):
        ((sheet, ref),) = wb.defined_names[key].destinations
        values[key] = wb[sheet][ref.replace("$", "")].value
    assert values == dict.fromkeys(values, "not checked yet")


def test_title_row_totals_equal_python(recalculated, example_data):
    wb = load_workbook(recalculated, data_only=True)
    from automation import schema

    for spec in schema.TABLES:
        for column in spec.totals:
            ws = wb[spec.sheet]
            table = ws.tables[spec.name]
            header = int(table.ref.split(":")[0][1:])
            col = spec.names.index(column) + 1
            expected = example_data[spec.name][column].fillna(0).sum()
            assert ws.cell(row=header - 1, column=col).value == pytest.approx(expected), (
                spec.name,
                column,
            )


def test_workbook_rewritten_by_the_tool_still_opens(example_copy, tmp_path):
    from automation.pipeline import score_workbook

    score_workbook(example_copy, write=True)
    out = _recalc(example_copy, tmp_path / "again")
    assert len(read_workbook(out)["Results"]) == 60


def test_tool_writes_into_a_workbook_saved_by_another_program(recalculated, tmp_path):
    """A file saved by LibreOffice (shared strings, its own styles) is patched just as well."""
    import re
    import shutil
    import zipfile

    from automation.pipeline import score_workbook

    path = tmp_path / "saved_elsewhere.xlsx"
    shutil.copyfile(recalculated, path)
    with zipfile.ZipFile(path) as zf:
        before = {i.filename: zf.read(i) for i in zf.infolist()}
    score_workbook(path, write=True, backup=False)
    data = read_workbook(path)
    assert len(data["Results"]) == 60 and len(data["Audit"]) == 2
    # The Tool data sheet and the audit chain survive another program's save (LibreOffice
    # saves a very hidden sheet as hidden; the tool's write makes it very hidden again).
    from automation.audit import check_audit

    assert load_workbook(path, read_only=True)["Tool data"].sheet_state == "veryHidden"
    assert list(check_audit(data)) == [] and data["AuditSeal"]["Entries"].tolist() == ["2"]
    with zipfile.ZipFile(path) as zf:
        after = {i.filename: zf.read(i) for i in zf.infolist()}
    assert before["xl/sharedStrings.xml"] == after["xl/sharedStrings.xml"]
    assert before["xl/styles.xml"] == after["xl/styles.xml"]
    # LibreOffice writes print titles of rows and columns twice; Excel would repair that.
    names = re.findall(
        r'<definedName\b(?=[^>]*name="([^"]*)")(?=[^>]*localSheetId="(\d+)")',
        after["xl/workbook.xml"].decode(),
    )
    assert names and len(names) == len(set(names))
    out = _recalc(path, tmp_path / "again")
    assert len(read_workbook(out)["Results"]) == 60


def test_excel_check_left_blank_past_its_row_limit(tmp_path):
    """Past CHECK_MAX_SCORE_ROWS score rows the check columns stay blank (their whole-table
    SUMIFS per row would take minutes to recalculate); the tool's own figures are written."""
    from automation import schema
    from automation.build.example import content
    from automation.build.workbook import build_workbook
    from automation.pipeline import score_workbook

    tables, settings = content()
    spare = schema.CHECK_MAX_SCORE_ROWS + 1 - len(tables["Scores"])
    tables["Scores"] = tables["Scores"] + [{} for _ in range(spare)]
    path = build_workbook(tmp_path / "big.xlsx", tables, settings)
    score_workbook(path, write=True, backup=False)
    wb = load_workbook(_recalc(path, tmp_path / "out"), data_only=True)
    results = _table(wb, "Results").dropna(subset=["Nomination ID"])
    assert len(results) == 60 and results["Raw score"].notna().all()
    assert results["Excel raw score"].isna().all() and results["Excel raw rank"].isna().all()
    panel = _table(wb, "Panel").dropna(subset=["Judge"])
    assert len(panel) and panel["Excel weighted score"].isna().all()
