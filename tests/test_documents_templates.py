"""The committed .docx templates are exactly what the build script makes."""

from __future__ import annotations

from pathlib import Path

from automation.documents.build_templates import TEMPLATES, build_templates
from automation.documents.render import DEFAULT_TEMPLATE_DIR


def test_committed_templates_match_the_build_script(tmp_path: Path) -> None:
    built = build_templates(tmp_path)
    assert [path.name for path in built] == list(TEMPLATES)
    for path in built:
        committed = DEFAULT_TEMPLATE_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"templates/{path.name} is out of date: run python -m automation.documents.build_templates"
        )


def test_email_templates_exist() -> None:
    for name in ("winner.txt", "line_manager.txt", "comms_team.txt"):
        text = (DEFAULT_TEMPLATE_DIR / "email" / name).read_text(encoding="utf-8")
        assert text.startswith("Subject: ")
