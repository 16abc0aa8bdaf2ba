"""Put the Award Programme add-in into Excel, and check that it will work.

``install()`` and ``doctor()`` back the CLI commands ``awards excel install`` and
``awards excel doctor``. They return plain data (or raise ``UserError``) and print nothing, so
the CLI decides how to show them.

The add-in runs Python through classic xlwings ``RunPython``, which needs three things on the
user's computer: the add-in in Excel's startup folder (so Excel opens it with every session),
xlwings' user config naming this Python (``INTERPRETER_WIN``/``INTERPRETER_MAC``) and, on macOS
only, xlwings' AppleScript in Excel's script folder. We reuse xlwings' own helpers for each, as
``xlwings addin install`` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from automation.errors import UserError
from automation.excel.addin import DEFAULT_OUT, addin_xlwings_version

ADDIN_NAME = DEFAULT_OUT.name
_BUILD_COMMAND = "python -m automation.excel.addin"
_NO_EXCEL_HINT = (
    "Use the `awards` commands here instead of the ribbon buttons, or run "
    "`awards excel install` on the Windows or macOS computer where Excel is installed "
    "(with this project installed in that computer's Python)."
)


@dataclass(frozen=True)
class Check:
    """One line of ``awards excel doctor``: what was checked, whether it passed, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class InstallResult:
    """What ``install()`` did, for the CLI to report."""

    addin: Path  # the installed copy in Excel's startup folder
    config: Path  # xlwings' user config, now naming this Python
    interpreter: str
    notes: tuple[str, ...] = ()


def _platform() -> str:
    """``"windows"``, ``"macos"`` or another name (Excel runs only on the first two)."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return sys.platform


def _no_excel_message(platform: str) -> str:
    name = "Linux" if platform.startswith("linux") else platform
    return f"Excel is not available on {name}, so the add-in cannot be used here."


def default_startup_dir(platform: str) -> Path:
    """Excel's per-user startup folder, where it opens add-ins automatically (no Excel needed)."""
    if platform == "windows":
        appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "macos":
        # Excel 2016+ for macOS (sandboxed); the same folder Application.StartupPath reports.
        return (
            Path.home()
            / "Library/Group Containers/UBF8T346G9.Office/User Content.localized"
            / "Startup.localized/Excel"
        )
    raise UserError(_no_excel_message(platform), hint=_NO_EXCEL_HINT)


def _excel_startup_dir(platform: str) -> Path:
    """Ask Excel for its startup folder as ``xlwings addin install`` does, else use the default.

    xlwings asks a running Excel (or starts a hidden one), which also covers a moved XLSTART; if
    that fails (no Excel, no automation permission on macOS) the standard folder is right.
    """
    try:
        from xlwings.cli import get_addin_dir

        return Path(get_addin_dir())
    except Exception:
        folder = default_startup_dir(platform)
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _running_startup_dirs() -> list[Path]:
    """Startup folders of Excel instances already running; never starts Excel."""
    try:
        import xlwings as xw

        return [Path(app.startup_path) for app in xw.apps]
    except Exception:
        return []


def _close_installed_copies() -> None:
    """Close the add-in in running Excel instances so its file can be replaced (Windows locks it)."""
    # No Excel running, or xlwings cannot drive it: then there is nothing to close.
    with contextlib.suppress(Exception):
        import xlwings as xw

        for app in xw.apps:
            with contextlib.suppress(Exception):  # KeyError when not open in this instance
                app.books[ADDIN_NAME].close()


def _check_built_addin(addin: Path) -> str:
    """Return the add-in's xlwings version, or raise UserError if it cannot work with this Python."""
    if not addin.is_file():
        raise UserError(
            f"The add-in file {addin} is missing.",
            hint=f"Build it in the project folder with `{_BUILD_COMMAND}`, then try again.",
        )
    try:
        import xlwings
    except ImportError as exc:
        raise UserError(
            "xlwings is not installed in this Python.", hint="Run `pip install xlwings`."
        ) from exc
    try:
        built_for = addin_xlwings_version(addin)
    except ImportError as exc:
        raise UserError(
            "Checking the add-in needs the olefile package.", hint="Run `pip install olefile`."
        ) from exc
    # The add-in's VBA half of xlwings must match the Python half (argument format, the macOS
    # AppleScript file name), so a mismatch would break every button.
    if built_for != xlwings.__version__:
        raise UserError(
            f"The add-in was built with xlwings {built_for}, but this Python has xlwings "
            f"{xlwings.__version__}; they must match.",
            hint=f"Rebuild the add-in with `{_BUILD_COMMAND}` (or `pip install "
            f"xlwings=={built_for}`), then try again.",
        )
    return built_for


def _interpreter_key(platform: str) -> str:
    return "INTERPRETER_MAC" if platform == "macos" else "INTERPRETER_WIN"


def install(addin: Path = DEFAULT_OUT) -> InstallResult:
    """Install the add-in for the current user and point xlwings at this Python.

    Raises UserError on Linux (no Excel), or if the add-in is missing or was built with a
    different xlwings version, or if Excel holds the old copy open.
    """
    platform = _platform()
    if platform not in ("windows", "macos"):
        raise UserError(_no_excel_message(platform), hint=_NO_EXCEL_HINT)
    _check_built_addin(addin)

    target = _excel_startup_dir(platform) / ADDIN_NAME
    _close_installed_copies()
    try:
        # copyfile copies the bytes only: a "downloaded from the internet" mark on the source
        # file (which makes Office block macros) is not carried over to the installed copy.
        shutil.copyfile(addin, target)
    except PermissionError as exc:
        raise UserError(
            f"Could not replace {target}: Excel has it open.",
            hint="Quit Excel (on Windows also check Task Manager for EXCEL.EXE), then try again.",
        ) from exc

    import xlwings
    from xlwings.cli import update_user_config

    update_user_config(_interpreter_key(platform), sys.executable)
    notes = ["Restart Excel to load the Award Programme tab."]
    if platform == "macos":
        # RunPython on macOS goes through this AppleScript; xlwings' own installer copies it.
        from xlwings.cli import runpython_install

        runpython_install(None)
        notes.append("If macOS asks whether Excel may control other apps, allow it.")
    return InstallResult(
        addin=target,
        config=Path(xlwings.USER_CONFIG_FILE),
        interpreter=sys.executable,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# doctor
# ---------------------------------------------------------------------------------------------


def _check_platform(platform: str) -> Check:
    if platform in ("windows", "macos"):
        label = "Windows" if platform == "windows" else "macOS"
        return Check("Platform", True, f"{label}: Excel can run the add-in here.")
    return Check("Platform", False, _no_excel_message(platform), fix=_NO_EXCEL_HINT)


def _check_xlwings() -> Check:
    try:
        import xlwings
    except ImportError:
        return Check("xlwings", False, "xlwings is not installed.", fix="pip install xlwings")
    return Check("xlwings", True, f"xlwings {xlwings.__version__} is installed.")


def _check_addin_file(addin: Path) -> Check:
    if not addin.is_file():
        return Check("Add-in file", False, f"{addin} does not exist.", fix=_BUILD_COMMAND)
    return Check("Add-in file", True, f"{addin}")


def _check_addin_version(addin: Path) -> Check:
    try:
        built_for = _check_built_addin(addin)
    except UserError as exc:
        return Check("Add-in matches xlwings", False, exc.message, fix=exc.hint)
    return Check("Add-in matches xlwings", True, f"Both are xlwings {built_for}.")


def _check_interpreter(platform: str) -> Check:
    name = "Python for the buttons"
    import xlwings
    from xlwings.utils import read_user_config

    config = Path(xlwings.USER_CONFIG_FILE)
    fix = "awards excel install"
    key = _interpreter_key(platform)
    interpreter = read_user_config().get(key.lower(), "")
    if not interpreter:
        return Check(name, False, f"{config} does not set {key}.", fix=fix)
    if not Path(interpreter).is_file():
        return Check(name, False, f"{key} in {config} is {interpreter}, which does not exist.", fix)
    result = subprocess.run(
        [interpreter, "-c", "import automation, xlwings; print(xlwings.__version__)"],
        capture_output=True,
        text=True,
        timeout=120,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Check(
            name,
            False,
            f"{interpreter} cannot import automation and xlwings: {last}",
            fix=f"pip install the project into that Python, or run `{fix}` from the right one.",
        )
    return Check(name, True, f"{interpreter} (xlwings {result.stdout.strip()}), set in {config}.")


def _check_installed(platform: str, addin: Path) -> Check:
    name = "Add-in installed"
    folders = [*_running_startup_dirs(), default_startup_dir(platform)]
    installed = next((f / ADDIN_NAME for f in folders if (f / ADDIN_NAME).is_file()), None)
    if installed is None:
        return Check(
            name, False, f"{ADDIN_NAME} is not in {folders[-1]}.", fix="awards excel install"
        )
    if addin.is_file() and installed.read_bytes() != addin.read_bytes():
        return Check(
            name,
            False,
            f"{installed} is an older build than {addin}.",
            fix="Quit Excel, then run `awards excel install`.",
        )
    return Check(name, True, f"{installed}")


def _check_applescript() -> Check:
    name = "RunPython AppleScript"
    import xlwings

    script = (
        Path.home()
        / "Library/Application Scripts/com.microsoft.Excel"
        / f"xlwings-{xlwings.__version__}.applescript"
    )
    if not script.is_file():
        return Check(name, False, f"{script} is missing.", fix="awards excel install")
    return Check(name, True, f"{script}")


def _safely(name: str, check: Callable[[], Check]) -> Check:
    """Run one check; a check that crashes is reported as failed, never raised."""
    try:
        return check()
    except Exception as exc:
        return Check(name, False, f"Could not check: {type(exc).__name__}: {exc}")


def doctor(addin: Path = DEFAULT_OUT) -> list[Check]:
    """Check everything the ribbon buttons need; never raises.

    On Linux the first check says Excel is not available; the checks that do not need Excel
    (xlwings, the built add-in) still run, the ones about Excel's folders are left out.
    """
    platform = _platform()
    checks = [
        _check_platform(platform),
        _safely("xlwings", _check_xlwings),
        _safely("Add-in file", lambda: _check_addin_file(addin)),
    ]
    if addin.is_file():
        checks.append(_safely("Add-in matches xlwings", lambda: _check_addin_version(addin)))
    if platform in ("windows", "macos"):
        checks.append(_safely("Python for the buttons", lambda: _check_interpreter(platform)))
        checks.append(_safely("Add-in installed", lambda: _check_installed(platform, addin)))
    if platform == "macos":
        checks.append(_safely("RunPython AppleScript", _check_applescript))
    return checks
