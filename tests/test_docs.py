"""The README and reference stay in step with the schema and the code."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from automation import guide

ROOT = Path(__file__).resolve().parents[1]


def test_sheet_guide_in_readme_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert guide.render_readme(readme) == readme, "run: python -m automation.guide"
    columns = (ROOT / "docs" / "workbook_columns.md").read_text(encoding="utf-8")
    assert columns == guide.column_reference(), "run: python -m automation.guide"


def test_every_issue_code_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "automation").rglob("*.py"))
    codes = set(re.findall(r'Issue\(\s*"([a-z0-9-]+)"', source))
    codes |= set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)",\s*(?:ERROR|WARNING|severity)', source))
    codes |= set(re.findall(r'REQUIRED_CODES.*?"([a-z-]+)"', source))
    codes |= {"required-missing"}
    missing = sorted(c for c in codes if f"`{c}`" not in readme)
    assert not missing, f"codes not in the README: {missing}"


def test_readme_quick_start_matches_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_cmd = 'pip install -e ".[test]" && pytest'
    assert test_cmd in readme
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff not installed")
def test_ruff_is_clean():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "automation", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "automation", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
