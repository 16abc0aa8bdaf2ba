"""The assessor's pack: no customer or nominator data anywhere in it, valid files, an index."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from automation import cli
from automation.assessor.pseudonymise import pseudonyms
from automation.audit import check_audit
from automation.io.read import read_workbook
from tests.support import small
from tests.support.factory import data_from_rows

VALIDATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "ooxml-validate"


@pytest.fixture(scope="module")
def pack(built_example, tmp_path_factory):
    """The pack of a copy of the example, with the copy's bytes before and after."""
    root = tmp_path_factory.mktemp("pack")
    source = shutil.copyfile(built_example, root / "programme.xlsx")
    before = source.read_bytes()
    out = root / "assessor pack"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["assessor-pack", str(source), "--out", str(out), "--today", "2026-11-20"])
    assert code == 0
    return {
        "source": source,
        "before": before,
        "out": out,
        "zip": root / "assessor pack.zip",
        "printed": printed.getvalue(),
    }


def _personal(data) -> set[str]:
    """Every customer's and non-staff nominator's name, and every contact detail."""
    noms = data["Nominations"]
    names = set(noms.loc[noms["Nominator type"] == "customer", "Nominator"])
    # Nominators who are not staff (colleagues' names stay where they appear as staff).
    staff = set(data["Staff"]["Name"]) | set(data["Judges"]["Judge"]) | set(noms["Nominee"])
    staff |= set(noms["Line manager"].dropna()) | set(data["Staff"]["Line manager"].dropna())
    staff |= set(data["Teams"]["Team leader"].dropna())
    names |= set(noms["Nominator"]) - staff
    names |= set(noms["Nominator contact"].dropna())
    names |= set(data["Staff"]["Email"].dropna()) | set(data["Judges"]["Email"].dropna())
    return {n for n in names if n}


def _texts_in_zip(path: Path) -> dict[str, str]:
    """Text of every XML part of every Office file in the pack's zip (cells, notes, props)."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith((".xlsx", ".docx")):
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    out[name] = "\n".join(
                        inner.read(p).decode("utf-8", "replace")
                        for p in inner.namelist()
                        if p.endswith((".xml", ".vml", ".rels"))
                    )
            elif name.endswith(".pdf") and shutil.which("pdftotext"):
                res = subprocess.run(
                    ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
                )
                out[name] = res.stdout.decode("utf-8", "replace")
    return out


def test_the_manager_is_told_where_the_pack_and_its_zip_are(pack):
    first = pack["printed"].splitlines()[0]
    assert first == (
        f"Wrote the assessor pack into {pack['out']}, and the same zipped for sending as "
        f"{pack['zip']}. 12 of 12 criteria met."
    )
    assert pack["zip"].is_file()


def test_the_original_is_not_changed(pack):
    assert pack["source"].read_bytes() == pack["before"]


def test_the_pack_holds_the_copy_documents_and_index(pack):
    out = pack["out"]
    with zipfile.ZipFile(pack["zip"]) as zf:
        names = set(zf.namelist())
    assert "assessor pack/programme (assessor copy).xlsx" in names
    assert "assessor pack/Evidence index.docx" in names
    assert any(n.startswith("assessor pack/documents/certificates/") for n in names)
    assert any("newsletter" in n for n in names) and any("evaluation" in n for n in names)
    assert all((out.parent / n).is_file() for n in names)
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert "assessor pack/Evidence index.pdf" in names


def test_no_customer_or_nominator_data_anywhere_in_the_pack(pack, example_data):
    personal = _personal(example_data)
    assert len(personal) > 40  # the example has customers, contacts and staff emails
    texts = _texts_in_zip(pack["zip"])
    assert any(n.endswith("(assessor copy).xlsx") for n in texts)
    lowered = {name: text.casefold() for name, text in texts.items()}
    leaks = {
        name: sorted(p for p in personal if p.casefold() in text) for name, text in lowered.items()
    }
    assert {k: v for k, v in leaks.items() if v} == {}


def test_nominators_become_stable_codes_and_staff_names_stay(pack, example_data):
    copy = read_workbook(pack["out"] / "programme (assessor copy).xlsx")
    noms, orig = copy["Nominations"], example_data["Nominations"]
    assert noms["Nominator"].str.fullmatch(r"(CUS|NOM)-\d{3}").all()
    assert noms["Nominator contact"].isna().all() and copy["Staff"]["Email"].isna().all()
    # The same nominator has the same code wherever they nominated.
    pairs = set(zip(orig["Nominator"], noms["Nominator"], strict=True))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
    customers = orig["Nominator type"] == "customer"
    assert noms.loc[customers, "Nominator"].str.startswith("CUS-").all()
    # Staff are kept: nominees, judges and the evidence that names them.
    assert noms["Nominee"].tolist() == orig["Nominee"].tolist()
    assert copy["Judges"]["Judge"].tolist() == example_data["Judges"]["Judge"].tolist()


def test_the_copy_records_its_making_and_its_chain_holds(pack, example_data):
    copy = read_workbook(pack["out"] / "programme (assessor copy).xlsx")
    last = copy["Audit"].iloc[-1]
    assert last["Action"] == "assessor-pack"
    assert last["Inputs before"] != last["Inputs after"]
    assert last["Previous digest"] == example_data["Audit"]["Row digest"].iloc[-1]
    assert list(check_audit(copy)) == []
    assert (copy["EvidenceMap"]["Status"] == "met").all()
    # The entry counts every person the copy names by a code (colleagues who nominated
    # included), as many as the codes an assessor finds in it.
    coded = int(re.search(r"coded \((\d+) people\)", last["Detail"]).group(1))
    assert coded == copy["Nominations"]["Nominator"].nunique()


def test_the_index_lists_every_criterion_with_status_and_reflection(pack, example_data):
    doc = Document(pack["out"] / "Evidence index.docx")
    criteria = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in criteria.rows]
    assert rows[0][:4] == ["Criterion", "D17", "What is asked", "Status"]
    assert [r[0] for r in rows[1:]] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "3.1",
        "3.2",
        "3.3",
    ]
    assert {r[3] for r in rows[1:]} == {"met"}
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "12 of 12 criteria met" in text
    assert "What went well" in text and "What to improve" in text
    for finding in example_data["Findings"]["Finding"]:
        assert finding in text
    assert "not yet met" in text  # the CSAT objective fell short of its target
    core = doc.core_properties
    assert core.created.date() == dt.date(2026, 11, 20) and core.comments == ""
    # Whose evidence it is, and their word that it is theirs (the signatory when no
    # candidate is set, as in the example).
    candidate = example_data.setting("candidate_name") or example_data.setting("signatory_name")
    assert f"Candidate: {candidate}." in text
    assert f"I, {candidate}, confirm that this pack comes from the award programme" in text
    assert "Signed: ____" in text


def test_the_index_says_an_objective_is_missed_only_once_its_deadline_has_passed(example_data):
    from automation.assessor.index import reflection
    from automation.evidence import evaluate
    from automation.scoring import score

    evidence = evaluate(example_data, score(example_data))
    objectives = example_data["Objectives"].dropna(subset=["Objective"])
    latest = max(d.date() for d in objectives["Deadline"].dropna())
    before = reflection(example_data, evidence, dt.date(2026, 11, 20)).to_improve
    after = reflection(example_data, evidence, latest + dt.timedelta(days=1)).to_improve
    objective_lines = [line for line in before if line.startswith("“")]
    assert objective_lines and all(line.endswith(": not yet met.") for line in objective_lines)
    assert all(" by " in line for line in objective_lines)  # the deadline, as a date
    missed = [line for line in after if line.startswith("“")]
    assert len(missed) == len(objective_lines)
    assert all(line.endswith(": not met.") for line in missed)


def test_staff_can_be_coded_too():
    rows = small.rows()
    data = data_from_rows(rows, {**small.SETTINGS, "pack_pseudonymise_staff": "yes"})
    names = pseudonyms(data)
    assert names.staff_coded and names.codes["Ann Able"].startswith("STAFF-")
    text = names.scrub("Ann Able was nominated by Customer 0 (call 07700 900123, ann@x.example).")
    assert "Ann Able" not in text and "Customer 0" not in text
    assert "07700" not in text and "@" not in text
    # A first name on its own is coded too, matched with its capital.
    assert names.scrub("Ann will call back.") == f"{names.codes['Ann Able']} will call back."
    assert not pseudonyms(data, staff=False).staff_coded


def test_an_empty_text_in_the_copy_stays_an_empty_cell():
    # openpyxl would save "" as a bare inlineStr cell, which the Open XML checks note.
    names = pseudonyms(data_from_rows(small.rows(), small.SETTINGS))
    assert names.scrub_cell("") is None
    assert names.scrub_cell("ann@x.example") is None
    assert names.scrub_cell("kept") == "kept"


@pytest.mark.skipif(
    not VALIDATOR.is_file(), reason="the Open XML validator (../shared/tools) is absent"
)
def test_the_packs_files_pass_the_open_xml_validator(pack):
    if not shutil.which("npm") and not (Path.home() / ".cache" / "ooxml-validator").is_dir():
        pytest.skip("the Open XML validator needs npm to install itself")
    # Every kind of file in the pack: the copy, the index, the newsletter and the evaluation
    # report, and the combined certificates (each single certificate is the same template).
    out = pack["out"]
    files = [out / "programme (assessor copy).xlsx", out / "Evidence index.docx"]
    files += sorted((out / "documents").glob("*.docx"))
    files += [out / "documents" / "certificates" / "print-all-certificates.docx"]
    files = [str(f) for f in files]
    res = subprocess.run([str(VALIDATOR), *files], capture_output=True, text=True, timeout=300)
    if res.returncode == 2:
        pytest.skip(f"the validator could not run: {res.stderr.strip()[:200]}")
    assert res.returncode == 0, res.stdout[-3000:]


def test_the_index_pdf_is_made_when_libreoffice_is_there(pack):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) is not installed")
    pdf = pack["out"] / "Evidence index.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


def test_the_excel_copy_opens_with_openpyxl_and_keeps_the_tool_data_hidden(pack):
    wb = load_workbook(pack["out"] / "programme (assessor copy).xlsx", read_only=True)
    assert wb["Tool data"].sheet_state == "veryHidden"


def test_the_index_dates_itself_as_the_other_documents_do(example_data, tmp_path):
    import datetime as dt

    from automation.assessor.index import write_index
    from automation.evidence import evaluate

    path = write_index(
        example_data,
        evaluate(example_data),
        tmp_path / "index.docx",
        contents=[],
        staff_coded=False,
        today=dt.date(2026, 12, 3),
    )
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "Made on 3 December 2026." in text


def test_a_pack_with_criteria_unmet_points_to_what_is_missing(built_example, tmp_path):
    from tests.support.edit import set_cell

    source = shutil.copyfile(built_example, tmp_path / "programme.xlsx")
    for row in range(6, 16):  # the Rationale table's rows: criteria 1.1 to 1.3 lose it
        set_cell(source, "Programme", f"A{row}", "")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["assessor-pack", str(source), "--out", str(tmp_path / "p")])
    assert code == 0
    first = printed.getvalue().splitlines()[0]
    assert first.endswith(
        "criteria met; the evidence index says what each of the others is missing."
    )
    met = re.search(r"(\d+) of 12 criteria met", first)
    assert met and int(met.group(1)) < 12
