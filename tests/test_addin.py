"""The Excel add-in: building it on Linux from text sources, and install/doctor.

Real Excel cannot run here, so the built file is checked with independent readers instead:
oletools' olevba and olefile (and LibreOffice, when installed) must read our VBA back out of it.
"""

from __future__ import annotations

import random
import shutil
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from automation.errors import UserError
from automation.excel import addin as builder
from automation.excel import setup as excel_setup
from tests.support.office import soffice

TAGS_NOW = {
    "validate",
    "score",
    "certificates",
    "newsletter",
    "evaluation_report",
    "email_drafts",
    "help",
}
CALLBACK = "AwardsRibbon.AwardsButton"
DISPATCH = """RunPython "import automation.macros as m; m.run('" & control.Tag & "')\""""
UI = f"{{{builder.CUSTOMUI_NS}}}"
RED, BLACK = 0, 1  # colours of compound-file directory entries (MS-CFB 2.6.1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return builder.build_addin(tmp_path_factory.mktemp("addin") / "award_programme.xlam")


def _parts(xlam: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlam) as z:
        return {name: z.read(name) for name in z.namelist()}


def _olevba_modules(xlam: Path) -> dict[str, str]:
    parser = VBA_Parser(str(xlam))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


# --- the package and its ribbon ------------------------------------------------------------


def test_ribbon_declares_the_tab_and_every_button(built: Path) -> None:
    root = ET.fromstring(_parts(built)[builder.CUSTOMUI_PART])
    tabs = root.findall(f"{UI}ribbon/{UI}tabs/{UI}tab")
    assert [t.get("label") for t in tabs] == ["Award Programme"]
    buttons = tabs[0].findall(f"{UI}group/{UI}button")
    assert {b.get("tag") for b in buttons} >= TAGS_NOW  # later issues add more
    for b in buttons:
        assert b.get("onAction") == CALLBACK
        assert b.get("size") == "large"
        for attribute in ("id", "label", "imageMso", "screentip", "supertip"):
            assert b.get(attribute), f"{b.get('id')} has no {attribute}"


def test_package_declares_its_ribbon_and_vba_project(built: Path) -> None:
    parts = _parts(built)
    rels = ET.fromstring(parts["_rels/.rels"])
    ui_targets = [
        r.get("Target", "").lstrip("/")
        for r in rels
        if r.get("Type")
        == "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
    ]
    # The 2006 relationship type goes with the 2006/01 customUI namespace the ribbon uses.
    assert ui_targets == ["customUI/customUI.xml"]
    assert b"http://schemas.microsoft.com/office/2006/01/customui" in parts["customUI/customUI.xml"]
    assert b"2007/relationships/ui" not in parts["_rels/.rels"]
    assert ui_targets[0] in parts

    types = ET.fromstring(parts["[Content_Types].xml"])
    ct = f"{{{builder.CT_NS}}}"
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{ct}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{ct}Override")}
    assert overrides.get("/customUI/customUI.xml", defaults["xml"]) == "application/xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"

    workbook_rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    vba = [r.get("Target") for r in workbook_rels if r.get("Type", "").endswith("/vbaProject")]
    assert vba == ["vbaProject.bin"] and "xl/vbaProject.bin" in parts


def test_build_is_reproducible(built: Path, tmp_path: Path) -> None:
    again = builder.build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()


def test_committed_addin_matches_the_sources() -> None:
    # Catches editing addin/ without rebuilding workbook/award_programme.xlam.
    parts = _parts(builder.DEFAULT_OUT)
    assert parts[builder.CUSTOMUI_PART] == builder.RIBBON_XML.read_bytes()
    module = builder.VbaModule.from_bas(builder.RIBBON_MODULE.read_text(encoding="utf-8"))
    source = builder.read_module_source(parts["xl/vbaProject.bin"], module.name)
    assert source == module.source


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('tag="score"', 'tag="score-now"', "Python identifier"),
        ('tag="score"', 'tag="validate"', "more than one button"),
        ('id="awardsScore"', 'id="awardsValidate"', "more than once"),
        (f'onAction="{CALLBACK}"', 'onAction="Other.Sub"', "onAction"),
        ('imageMso="Calculator"', "", "image_mso"),
    ],
)
def test_ribbon_mistakes_stop_the_build(tmp_path: Path, old: str, new: str, problem: str) -> None:
    xml = builder.RIBBON_XML.read_text(encoding="utf-8")
    assert old in xml
    broken = tmp_path / "ribbon.xml"
    broken.write_text(xml.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(builder.AddinBuildError, match=problem):
        builder.build_addin(tmp_path / "out.xlam", ribbon_xml=broken)


# --- the VBA project -----------------------------------------------------------------------


def test_olevba_reads_our_module_and_the_xlwings_module(built: Path) -> None:
    modules = _olevba_modules(built)
    assert DISPATCH in modules["AwardsRibbon.bas"]
    assert "Sub AwardsButton(control As IRibbonControl)" in modules["AwardsRibbon.bas"]
    assert "RibbonMyAddin.bas" not in modules  # the template's callback module is replaced
    xlwings_code = modules["xlwings.bas"]
    assert "Public Function RunPython(" in xlwings_code
    # RunPython must read the config `awards excel install` writes (~/.xlwings/xlwings.conf).
    assert 'Public Const PROJECT_NAME As String = "xlwings"' in xlwings_code


def test_excel_compiles_from_the_source_we_wrote(built: Path) -> None:
    bin_ = _parts(built)["xl/vbaProject.bin"]
    with olefile.OleFileIO(bin_) as ole:
        # Version 0xFFFF in _VBA_PROJECT makes Excel discard compiled code and use the source.
        assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == b"\xcc\x61\xff\xff"
        dir_stream = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
        offsets = builder.module_offsets(builder.parse_dir(dir_stream), "cp1252")
        assert offsets["AwardsRibbon"] == 0
        stored = ole.openstream("VBA/AwardsRibbon").read()
    source = bytes(decompress_stream(bytearray(stored))).decode("cp1252")
    expected = builder.RIBBON_MODULE.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert source == expected


def test_project_streams_list_the_renamed_module(built: Path) -> None:
    with olefile.OleFileIO(_parts(built)["xl/vbaProject.bin"]) as ole:
        project = ole.openstream("PROJECT").read().decode("cp1252")
        names = ole.openstream("PROJECTwm").read()
    assert "Module=AwardsRibbon\r\n" in project
    assert 'Name="AwardProgramme"\r\n' in project
    assert "RibbonMyAddin" not in project
    assert "AwardsRibbon".encode("utf-16-le") in names and b"RibbonMyAddin" not in names


def _black_height(entries: list, sid: int) -> int:
    """Black nodes on every path below ``sid``; fails if paths differ or a red has a red child."""
    if sid == olefile.NOSTREAM:
        return 1
    node = entries[sid]
    for child in (node.sid_left, node.sid_right):
        if child != olefile.NOSTREAM and node.color == RED:
            assert entries[child].color == BLACK, "red node with a red child"
    left, right = _black_height(entries, node.sid_left), _black_height(entries, node.sid_right)
    assert left == right, "unequal black heights"
    return left + (node.color == BLACK)


def _in_order(entries: list, sid: int) -> list[str]:
    if sid == olefile.NOSTREAM:
        return []
    node = entries[sid]
    return [*_in_order(entries, node.sid_left), node.name, *_in_order(entries, node.sid_right)]


def _assert_valid_directory(ole: olefile.OleFileIO) -> None:
    """Every storage's children form a sorted red-black tree, as MS-CFB 2.6.4 requires."""
    entries = ole.direntries
    for storage in (e for e in entries if e and e.entry_type != olefile.STGTY_STREAM):
        assert entries[storage.sid_child].color == BLACK
        _black_height(entries, storage.sid_child)
        names = _in_order(entries, storage.sid_child)
        assert names == sorted(names, key=lambda n: (len(n), n.upper()))


def test_compound_file_is_well_formed(built: Path) -> None:
    bin_ = _parts(built)["xl/vbaProject.bin"]
    with olefile.OleFileIO(bin_, raise_defects=olefile.DEFECT_INCORRECT) as ole:
        _assert_valid_directory(ole)
        streams = {"/".join(p) for p in ole.listdir()}
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/xlwings"} <= streams


def test_compound_file_round_trips_streams_of_every_size() -> None:
    rng = random.Random(7)
    streams = {
        "tiny": b"x",
        "Store/edge": bytes(4095),
        "Store/big": rng.randbytes(4096),
        "Store/bigger": rng.randbytes(70_000),
        "Other/deep": rng.randbytes(100),
    }
    streams |= {f"Store/s{i}": rng.randbytes(rng.randint(1, 700)) for i in range(20)}
    with olefile.OleFileIO(
        builder.write_compound_file(streams), raise_defects=olefile.DEFECT_INCORRECT
    ) as ole:
        _assert_valid_directory(ole)
        assert {"/".join(p): ole.openstream(p).read() for p in ole.listdir()} == streams


def test_compression_round_trips_through_oletools() -> None:
    rng = random.Random(3)
    samples = [b"", b"A", b"abc" * 3000, rng.randbytes(4096 * 2 + 5), bytes(9000)]
    samples += [
        bytes(rng.choice(b"ab \r\n") for _ in range(rng.randint(0, 9000))) for _ in range(10)
    ]
    for data in samples:
        packed = builder.ovba_compress(data)
        assert bytes(decompress_stream(bytearray(packed))) == data
        assert builder.ovba_decompress(packed) == data


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_imports_the_vba_project(built: Path, tmp_path: Path) -> None:
    # LibreOffice has its own MS-CFB and MS-OVBA readers: a second, independent opinion.
    book = tmp_path / "addin.xlsm"  # LibreOffice will not open the .xlam extension
    shutil.copyfile(built, book)
    soffice(
        tmp_path / "profile",
        "--infilter=Calc MS Excel 2007 VBA XML",
        "--convert-to",
        "ods",
        "--outdir",
        str(tmp_path),
        str(book),
    )
    with zipfile.ZipFile(tmp_path / "addin.ods") as z:
        module = z.read("Basic/AwardProgramme/AwardsRibbon.xml").decode("utf-8")
        assert "Basic/AwardProgramme/xlwings.xml" in z.namelist()
    assert "Public Sub AwardsButton(control As IRibbonControl)" in module
    assert "m.run(&apos;&quot; &amp; control.Tag &amp; &quot;&apos;)" in module


# --- the ribbon and the macros agree -------------------------------------------------------


def test_every_ribbon_button_runs_a_macro() -> None:
    from automation.macros import MACROS  # written separately; this fails until it exists

    tags = [b.tag for b in builder.ribbon_buttons(builder.RIBBON_XML.read_bytes())]
    assert set(tags) >= TAGS_NOW
    missing = [tag for tag in tags if tag not in MACROS]
    assert not missing, f"ribbon buttons without a macro in automation.macros.MACROS: {missing}"


# --- install and doctor --------------------------------------------------------------------


def test_install_on_linux_says_excel_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_setup, "_platform", lambda: "linux")
    with pytest.raises(UserError, match="Excel is not available on Linux") as caught:
        excel_setup.install()
    assert caught.value.hint


def test_doctor_on_linux_reports_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_setup, "_platform", lambda: "linux")
    checks = excel_setup.doctor()
    assert all(isinstance(c, excel_setup.Check) for c in checks)
    assert not checks[0].ok and "not available on Linux" in checks[0].detail and checks[0].fix
    by_name = {c.name: c for c in checks}
    assert by_name["xlwings"].ok
    assert by_name["Add-in file"].ok
    assert by_name["Add-in matches xlwings"].ok


def test_doctor_survives_a_crashing_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> excel_setup.Check:
        raise RuntimeError("boom")

    monkeypatch.setattr(excel_setup, "_check_xlwings", boom)
    checks = excel_setup.doctor()
    crashed = next(c for c in checks if c.name == "xlwings")
    assert not crashed.ok and "boom" in crashed.detail


@pytest.fixture
def fake_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend to be Windows without Excel: startup folder and xlwings config under tmp_path."""
    import xlwings
    import xlwings.cli

    def no_excel() -> str:
        raise xlwings.XlwingsError("no Excel here")

    monkeypatch.setattr(excel_setup, "_platform", lambda: "windows")
    monkeypatch.setattr(excel_setup, "_close_installed_copies", lambda: None)
    monkeypatch.setattr(excel_setup, "_running_startup_dirs", lambda: [])
    monkeypatch.setattr(xlwings.cli, "get_addin_dir", no_excel)
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(tmp_path / ".xlwings" / "xlwings.conf"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    # The interpreter check runs a fresh Python that must find this checkout's package.
    monkeypatch.setenv("PYTHONPATH", str(builder.REPO_ROOT))
    return tmp_path


def test_install_copies_the_addin_and_names_this_python(fake_windows: Path, built: Path) -> None:
    result = excel_setup.install(built)
    xlstart = fake_windows / "AppData" / "Microsoft" / "Excel" / "XLSTART"
    assert result.addin == xlstart / "award_programme.xlam"
    assert result.addin.read_bytes() == built.read_bytes()
    assert f'"INTERPRETER_WIN","{sys.executable}"' in result.config.read_text()

    checks = {c.name: c for c in excel_setup.doctor(built)}
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]


def test_doctor_before_install_says_what_to_do(fake_windows: Path, built: Path) -> None:
    checks = {c.name: c for c in excel_setup.doctor(built)}
    assert checks["Platform"].ok
    assert not checks["Python for the buttons"].ok
    assert not checks["Add-in installed"].ok
    assert "awards excel install" in checks["Add-in installed"].fix


def test_install_refuses_an_addin_built_for_another_xlwings(
    fake_windows: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel_setup, "addin_xlwings_version", lambda _: "0.0.1")
    with pytest.raises(UserError, match="xlwings 0.0.1"):
        excel_setup.install(built)
    assert not list(fake_windows.rglob("*.xlam"))
