"""Fast checks of the packaging code (no build): the PE resolver, the version's one source,
the .desktop entry, the ICO writer, the installer script's promises."""

from __future__ import annotations

import configparser
import importlib.util
import re
import struct
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str):  # packaging/ is scripts, not a package (it would shadow PyPI's `packaging`)
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    spec = importlib.util.spec_from_file_location(f"baodao_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pe_check = load("pe_check")

PY = "python"
SITE = "python/Lib/site-packages"


def bundle(drop: str = "") -> tuple[list, list[str]]:
    """A synthetic bundle laid out like the real one."""
    PE = pe_check.PeFile
    pes = [
        PE(f"{PY}/python.exe", pe_check.AMD64, ["python313.dll", "KERNEL32.dll"]),
        PE(f"{PY}/python313.dll", pe_check.AMD64, ["VCRUNTIME140.dll", "api-ms-win-crt-heap-l1-1-0.dll",
                                                   "ADVAPI32.dll"]),
        PE(f"{PY}/vcruntime140.dll", pe_check.AMD64, ["KERNEL32.dll"]),
        PE(f"{SITE}/PySide6/Qt6Core.dll", pe_check.AMD64, ["MSVCP140.dll", "icuuc.dll"]),
        PE(f"{SITE}/PySide6/msvcp140.dll", pe_check.AMD64, ["VCRUNTIME140.dll"]),
        PE(f"{SITE}/PySide6/QtCore.pyd", pe_check.AMD64, ["Qt6Core.dll", "shiboken6.abi3.dll",
                                                         "python3.dll"], ["dwmapi.dll"]),
        PE(f"{SITE}/shiboken6/shiboken6.abi3.dll", pe_check.AMD64, ["python3.dll"]),
        PE(f"{PY}/python3.dll", pe_check.AMD64, ["python313.dll"]),
        PE(f"{SITE}/PySide6/plugins/platforms/qwindows.dll", pe_check.AMD64, ["Qt6Gui.dll"]),
        PE(f"{SITE}/PySide6/Qt6Gui.dll", pe_check.AMD64, ["Qt6Core.dll", "d3d11.dll"]),
    ]
    files = [pe.path for pe in pes] + list(pe_check.REQUIRED)
    pes = [pe for pe in pes if pe.path != drop]
    files = [f for f in dict.fromkeys(files) if f != drop]
    return pes, files


def test_complete_bundle_resolves():
    report = pe_check.resolve(*bundle())
    assert report.ok, pe_check.describe(report)
    assert "icuuc.dll" in report.system_used and "api-ms-win-crt-heap-l1-1-0.dll" in report.system_used


def test_missing_vc_runtime_is_caught():
    report = pe_check.resolve(*bundle(drop=f"{PY}/vcruntime140.dll"))
    assert not report.ok
    assert (f"{PY}/python313.dll", "VCRUNTIME140.dll") in report.unresolved
    assert f"{PY}/vcruntime140.dll" in report.missing
    assert "UNRESOLVED VCRUNTIME140.dll" in pe_check.describe(report)


def test_dll_only_in_another_folder_is_not_found():
    """msvcp140.dll sits in PySide6/ (on the search path); a copy in an unrelated folder is
    not found by the loader, so it must not count."""
    pes, files = bundle(drop=f"{SITE}/PySide6/msvcp140.dll")
    files.append(f"{SITE}/somepkg/data/msvcp140.dll")
    report = pe_check.resolve(pes, files)
    assert (f"{SITE}/PySide6/Qt6Core.dll", "MSVCP140.dll") in report.unresolved


def test_runtime_in_a_package_folder_does_not_serve_the_interpreter():
    """PySide6/ has its own vcruntime140.dll, but python313.dll loads before PySide6 adds its
    folder to the DLL search path: without python/vcruntime140.dll Python cannot start."""
    pes, files = bundle(drop=f"{PY}/vcruntime140.dll")
    files.append(f"{SITE}/PySide6/vcruntime140.dll")
    report = pe_check.resolve(pes, files)
    assert (f"{PY}/python313.dll", "VCRUNTIME140.dll") in report.unresolved
    assert (f"{SITE}/PySide6/msvcp140.dll", "VCRUNTIME140.dll") not in report.unresolved


def test_missing_platform_plugin_is_caught():
    report = pe_check.resolve(*bundle(drop=f"{SITE}/PySide6/plugins/platforms/qwindows.dll"))
    assert f"{SITE}/PySide6/plugins/platforms/qwindows.dll" in report.missing


def test_unknown_system_dll_and_32_bit_files_are_caught():
    pes, files = bundle()
    pes.append(pe_check.PeFile(f"{SITE}/x/x.pyd", 0x14C, ["notawindowsdll.dll"]))
    report = pe_check.resolve(pes, files)
    assert (f"{SITE}/x/x.pyd", "notawindowsdll.dll") in report.unresolved
    assert f"{SITE}/x/x.pyd" in report.wrong_machine


def test_vc_runtime_is_not_taken_for_part_of_windows():
    assert not {"vcruntime140.dll", "vcruntime140_1.dll", "msvcp140.dll"} & pe_check.WINDOWS10_DLLS


def test_version_is_written_in_one_place():
    from desktop.version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "desktop.version.__version__"}
    assert load("common").version() == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    nsi = (PACKAGING / "windows" / "baodao.nsi").read_text(encoding="utf-8")
    assert re.search(r"\b\d+\.\d+\.\d+\b", nsi.split("\n", 3)[3]) is None  # no second copy


def test_desktop_entry_is_valid():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(PACKAGING / "linux" / "baodao.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert parser["Desktop Action demo"]["Exec"] == "baodao --demo"
    assert entry["Type"] == "Application"
    assert entry["Name"] == entry["Name[zh_CN]"] == "报到台账"
    assert entry["Exec"] == "baodao" and entry["Icon"] == "baodao"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")
    allowed = {"Type", "Version", "Name", "GenericName", "Comment", "Exec", "Icon", "Terminal",
               "Categories", "Keywords", "StartupWMClass", "Actions"}
    assert {k.split("[")[0] for k in entry} <= allowed


def test_ico_holds_every_size(qapp):
    icons = load("icons")
    pngs = {size: icons.render_png(size) for size in (16, 32, 256)}
    data = icons.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = []
    for i in range(count):
        width, _h, _c, _r, _p, _bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 32, 256]
    from PySide6.QtGui import QImage

    assert not QImage.fromData(data, "ICO").isNull()


def test_installer_script_is_per_user_and_keeps_data():
    nsi = (PACKAGING / "windows" / "baodao.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_KEY}"' in nsi
    assert "HKLM" not in nsi and "HKCR" not in nsi  # no machine-wide registry, no associations
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in nsi
    data_removal = re.search(r'Section /o "un\.[^"]*" UnSecData(.*?)SectionEnd', nsi, re.S)
    assert data_removal and "${DATA_DIR}" in data_removal.group(1)  # unticked by default
    uninstall = re.search(r'Section "un\.程序"(.*?)SectionEnd', nsi, re.S).group(1)
    removals = [line for line in uninstall.splitlines() if line.strip().startswith(("RMDir", "Delete"))]
    assert removals and not [line for line in removals if "DATA_DIR" in line or "LOCALAPPDATA" in line]
    from desktop import paths

    assert paths.APP_NAME == "Baodao"  # %LOCALAPPDATA%\Baodao is the DATA_DIR the script keeps


def test_installer_name():
    assert load("build_installer").installer_name("1.2.3") == "报到台账-安装程序-1.2.3.exe"


@pytest.mark.parametrize("name, module", [("Qt6Charts.dll", "Charts"), ("QtCore.pyd", "Core"),
                                           ("pyside6.abi3.dll", None), ("Qt6WebEngineCore.dll", "WebEngineCore")])
def test_windows_trim_recognises_qt_modules(name, module):
    assert load("build_windows").qt_module(name) == module


@pytest.mark.parametrize("name, module", [("libQt6Widgets.so.6", "Widgets"), ("QtGui.abi3.so", "Gui"),
                                           ("libicui18n.so.73", None)])
def test_deb_trim_recognises_qt_modules(name, module):
    assert load("build_deb").qt_module(name) == module


def test_deb_depends_only_on_debian_packages_and_bundles_python_code():
    build_deb = load("build_deb")
    names = {d.split()[0] for dep in build_deb.DEPENDS for d in dep.split("|")}
    assert "python3" in names and not any("pyside" in n or "pip" in n for n in names)
    assert {"fonts-wqy-microhei", "libxcb-cursor0"} <= names


def test_wine_check_reads_the_command_line_outputs():
    check_wine = load("check_wine")
    check = "台账：C:\\x.db\n  网格：18\n  在职党员：60\n完整性检查：通过"
    assert check_wine.counts(check) == [("网格", "18"), ("在职党员", "60")]
    preview = ("来源：丽景社区（导出于 2026-12-01T20:44:40Z）\n工作表 新增 更新 未变 冲突 无效 疑似重复 删除\n"
               "网格 0 0 202 0 0 0 0\n合计 0 0 202 0 0 0 0\n（试运行，台账未改动）")
    assert check_wine.preview_table(preview) == [("网格", "0", "0", "202", "0", "0", "0", "0"),
                                                 ("合计", "0", "0", "202", "0", "0", "0", "0")]
    assert "APP BUG" in check_wine.explain('  os.fsync(handle.fileno())\nPermissionError: [Errno 13] Permission denied')
    assert "APP BUG" not in check_wine.explain("ImportError: DLL load failed")


def test_wine_check_reads_shortcut_targets(tmp_path):
    check_wine = load("check_wine")
    link = tmp_path / "a.lnk"
    link.write_bytes(b"L\0\0\0" + "C:\\p\\python\\pythonw.exe".encode("utf-16-le")
                     + '"C:\\p\\app\\start_baodao.pyw"'.encode("utf-16-le")
                     + "C:\\p\\app\\resources\\icons\\baodao.ico".encode("utf-16-le"))
    assert check_wine.shortcut_targets(link)
    link.write_bytes(b"L\0\0\0" + "C:\\p\\python\\python.exe".encode("utf-16-le"))
    assert not check_wine.shortcut_targets(link)
