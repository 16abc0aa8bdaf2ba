"""``build_pack``: everything an NVQ assessor needs, in one folder and one zip.

The pack holds a pseudonymised copy of the workbook (its Evidence sheet and Audit log brought
up to date, the copy's making recorded in its own Audit log), the documents made from that
copy (certificates, newsletter article, evaluation report), and the evidence index as Word
and PDF. The manager's workbook is only read, never changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from automation import lock
from automation.assessor.index import write_index
from automation.assessor.pseudonymise import people_coded, pseudonymise_copy, pseudonyms
from automation.audit import record
from automation.errors import UserError
from automation.evidence import evaluate, evidence_tables
from automation.io.read import read_workbook
from automation.io.write import write_tool_tables
from automation.scoring import score

INDEX_NAME = "Evidence index"


@dataclass
class Pack:
    folder: Path
    zip_path: Path
    workbook: Path
    index: Path
    files: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def build_pack(
    source: Path | str,
    out: Path | str,
    *,
    pdf: bool = True,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Pack:
    """Write the assessor's pack for ``source`` into the folder ``out`` and ``out``.zip."""
    source, out = Path(source), Path(out)
    if out.resolve() == source.parent.resolve():
        raise UserError(
            "The pack would be written into the workbook's own folder.",
            "Choose a new folder for the pack, e.g. --out 'assessor pack'.",
        )
    data = read_workbook(source)
    changed = lock.changes(data)
    names = pseudonyms(data)
    out.mkdir(parents=True, exist_ok=True)
    copy = out / f"{source.stem} (assessor copy).xlsx"
    pseudonymise_copy(source, copy, names, data)

    copied = read_workbook(copy)
    copied.source = source  # logo and templates are found beside the original
    results = score(copied)
    evidence = evaluate(copied, results)
    # The entry goes into the copy's own log: the inputs before are the original's, after
    # the pseudonymised ones. The copy's earlier entries are kept as they are in the copy.
    log_base = dataclasses.replace(
        data,
        tables={
            **data.tables,
            **{t: copied.tables[t] for t in ("Audit", "AuditSeal", "LockState", "LockRows")},
        },
        places=copied.places,
    )
    who = "customers, nominators and staff" if names.staff_coded else "customers and nominators"
    summary = (
        f"assessor pack in {out}: {who} coded ({people_coded(data, names)} people), "
        f"contact details removed; {evidence.summary()}"
    )
    write_tool_tables(
        copy,
        {
            **evidence_tables(copied, results),
            **record(log_base, "assessor-pack", summary, after=copied, now=now, seal=True),
        },
        backup=False,
    )
    pack = Pack(out, out.parent / f"{out.name}.zip", copy, out / f"{INDEX_NAME}.docx")
    contents = [(copy.name, "the programme workbook, pseudonymised")]
    documents = _documents(copied, results, out / "documents", today, pack)
    if documents:
        contents.append(
            (
                "documents/",
                "certificates, the newsletter article and the evaluation report"
                if len(documents) > 1
                else "the evaluation report (no certificates or newsletter: the current period "
                "has no winners yet)",
            )
        )
    contents.append(
        (f"{INDEX_NAME}.docx", "this index" + (", and the same as a PDF" if pdf else ""))
    )
    write_index(
        copied,
        evidence,
        pack.index,
        contents=contents,
        staff_coded=names.staff_coded,
        today=today,
    )
    pack.files = [copy, *documents, pack.index]
    if pdf:
        pack.files += _pdf(pack.index, out, pack)
    _zip(pack)
    if changed:
        pack.lines.append(
            f"Warning: {len(changed)} score, assignment or result rows changed after the scores "
            "were locked, so the documents may not show the published results (run awards "
            "validate to see them)."
        )
    if names.staff_coded:
        pack.lines.append(
            "Staff names are codes too, including in the copy's Audit log, so the copy's audit "
            "chain no longer checks out; the original's does."
        )
    pack.lines[:0] = [
        f"Wrote the assessor pack into {out}, and the same zipped for sending as "
        f"{pack.zip_path}. {evidence.summary().capitalize()}"
        + (
            "; the evidence index says what each of the others is missing."
            if evidence.met < len(evidence.criteria)
            else "."
        ),
        f"The workbook copy is {copy.name}; the names of {who} are codes and contact details "
        "are removed. The original was not changed.",
    ]
    return pack


def _documents(data, results, folder: Path, today, pack: Pack) -> list[Path]:
    from automation.documents import generate as g

    if results.winners.empty:
        pack.lines.append("No winners yet, so the pack has no certificates or newsletter.")
        return [g.generate_evaluation(data, results, folder, today=today)]
    return [
        *g.generate_certificates(data, results, folder, progress=False),
        g.generate_newsletter(data, results, folder, today=today),
        g.generate_evaluation(data, results, folder, today=today),
    ]


def _pdf(index: Path, out: Path, pack: Pack) -> list[Path]:
    from automation.documents.pdf import to_pdf

    try:
        return to_pdf([index], out)
    except UserError as exc:
        pack.lines.append(f"The index has no PDF: {exc.message}")
        return []


def _zip(pack: Pack) -> None:
    """The pack's files (and nothing else that may be in the folder) in one zip."""
    with zipfile.ZipFile(pack.zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(set(pack.files)):
            zf.write(path, str(Path(pack.folder.name) / path.relative_to(pack.folder)))
