"""Run LibreOffice headless from tests, each run with its own throw-away profile."""

from __future__ import annotations

import subprocess
from pathlib import Path


def soffice(profile: Path, *args: str) -> None:
    """``soffice --headless ARGS`` with a private profile, failing loudly on error."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=300,
    )
