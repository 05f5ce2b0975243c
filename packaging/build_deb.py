"""Build baodao_<version>_amd64.deb: the app and its pinned manylinux wheels for Debian 12's
python3 (3.11) under /opt/baodao, a `baodao` command, a .desktop entry and icons; depends
only on Debian's own packages.

    python packaging/build_deb.py OUT_DIR --manual 使用手册.pdf --icons build/packaging/icons"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

HERE = Path(__file__).resolve().parent / "linux"
PLATFORMS = ("manylinux_2_36_x86_64", "manylinux_2_34_x86_64", "manylinux_2_31_x86_64",
             "manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")
DEPENDS = [
    "python3 (>= 3.11)", "python3 (<< 3.12)", "libc6 (>= 2.28)",  # manylinux_2_28 wheels
    # what Qt for Python loads on a bare Debian (the same list as scripts/bootstrap.sh)
    "libglib2.0-0", "libgl1", "libegl1", "libxkbcommon0", "libx11-6", "libfontconfig1",
    "libfreetype6", "libdbus-1-3", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0",
    "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
    "libxkbcommon-x11-0", "libxcb-randr0", "libxcb-shm0", "libxcb-sync1", "libxcb-xfixes0",
    "libxcb-render0", "libxcb-xinput0", "libxcb1", "libx11-xcb1", "libxrender1",
    "libnss3", "libasound2",
    "fonts-wqy-microhei | fonts-wqy-zenhei",
]
QT_KEEP = {"Core", "Gui", "Widgets", "Charts", "OpenGL", "OpenGLWidgets", "Pdf", "PdfWidgets",
           "PrintSupport", "Svg", "Network", "DBus", "XcbQpa", "Test"}
PLUGIN_KEEP = {"platforms": {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"},
               "xcbglintegrations": None, "platformthemes": {"libqxdgdesktopportal.so"}, "iconengines": None,
               "imageformats": {"libqico.so", "libqsvg.so", "libqjpeg.so", "libqgif.so"},
               "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so",
                                         "libibusplatforminputcontextplugin.so"}, "egldeviceintegrations": set(), "styles": None}


def qt_module(name: str) -> str | None:
    found = (re.fullmatch(r"libQt6(\w+?)\.so(\.[0-9.]+)?", name)
             or re.fullmatch(r"Qt(\w+?)\.(abi3\.so|pyi)", name))
    return found.group(1) if found else None


def install_wheels(lib: Path) -> None:
    lib.mkdir(parents=True, exist_ok=True)
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    common.pip("install", "--quiet", "--no-compile", "--target", lib, *platforms,
               "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
               "--only-binary=:all:", *common.dependencies())


def trim(lib: Path) -> None:
    pyside = lib / "PySide6"
    for path in list(pyside.iterdir()):
        module = qt_module(path.name)
        if path.is_file() and ((module and module not in QT_KEEP) or path.suffix == ".pyi"
                               or path.name.startswith("libpyside6qml")):
            path.unlink()
    for name in ("include", "typesystems", "glue", "doc", "scripts", "support", "QtAsyncio",
                 "Qt/qml", "Qt/resources", "Qt/libexec", "Qt/metatypes", "Qt/lib/cmake",
                 "Qt/lib/metatypes", "lupdate", "qmlformat"):
        target = pyside / name
        if target.is_dir():
            shutil.rmtree(target)
    for so in (pyside / "Qt" / "lib").iterdir():
        module = qt_module(so.name)
        if (module and module not in QT_KEEP) or so.name.startswith(
                ("libav", "libsw", "libQt6FFmpegStub")):  # QtMultimedia's FFmpeg
            so.unlink()
    common.trim_plugins(pyside / "Qt" / "plugins", PLUGIN_KEEP)
    translations = pyside / "Qt" / "translations"
    for qm in list(translations.iterdir()):
        if qm.is_dir():
            shutil.rmtree(qm)
        elif qm.name != "qtbase_zh_CN.qm":
            qm.unlink()
    for exe in pyside.glob("*"):
        if exe.is_file() and not exe.suffix and exe.stat().st_mode & 0o111:
            exe.unlink()  # designer, uic, rcc …: tools, not the app
    for pattern in ("bin", "pip", "pip-*.dist-info"):
        for path in lib.glob(pattern):
            shutil.rmtree(path)
    for stub in lib.rglob("*.pyi"):
        stub.unlink()


def missing_libraries(root: Path) -> list[str]:
    """Shared objects whose dependencies the loader cannot find (ldd 'not found')."""
    problems = []
    for so in sorted(root.rglob("*.so*")):
        if not so.is_file() or so.is_symlink():
            continue
        out = subprocess.run(["ldd", str(so)], capture_output=True, text=True).stdout
        problems += [f"{so.relative_to(root)}: {line.strip()}" for line in out.splitlines()
                     if "not found" in line]
    return problems


def build(out: Path, manual: Path | None, icons: Path) -> Path:
    version = common.version()
    stage = common.BUILD / "deb-root"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / "baodao"
    with common.Timer("Linux wheels"):
        install_wheels(opt / "lib")
        trim(opt / "lib")
    common.copy_app(opt / "app")
    shutil.copy2(HERE / "start_baodao.py", opt / "app" / "start_baodao.py")
    for png in icons.glob("baodao-*.png"):
        shutil.copy2(png, opt / "app" / "resources" / "icons" / png.name)
    if manual is not None:
        (opt / "app" / "docs").mkdir()
        shutil.copy2(manual, opt / "app" / "docs" / manual.name)
    common.run(sys.executable, "-m", "compileall", "-q", "-j", "2",
               "-x", r"olefile2\.py",  # a Python 2 file olefile ships and never imports
               opt / "app", opt / "lib", capture=True)
    problems = missing_libraries(opt / "lib")
    if problems:
        raise SystemExit("shared libraries with unresolved dependencies:\n" + "\n".join(problems))
    for path in opt.rglob("*"):  # nothing under /opt needs to be executable: python3 runs it
        path.chmod(0o755 if path.is_dir() else 0o644)
    usr = stage / "usr"
    (usr / "bin").mkdir(parents=True)
    launcher = usr / "bin" / "baodao"
    launcher.write_text("#!/bin/sh\n# 报到台账\nexec /usr/bin/python3 -I /opt/baodao/app/start_baodao.py \"$@\"\n")
    launcher.chmod(0o755)
    apps = usr / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(HERE / "baodao.desktop", apps / "baodao.desktop")
    for size in (16, 32, 48, 64, 128, 256):
        target = usr / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "baodao.png"
        target.parent.mkdir(parents=True)
        shutil.copy2(icons / f"baodao-{size}.png", target)
    scalable = usr / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(common.ROOT / "resources" / "icons" / "baodao.svg", scalable / "baodao.svg")
    doc = usr / "share" / "doc" / "baodao"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text("报到台账 (Baodao). Bundled third-party libraries keep their own "
                                   "licences; see /opt/baodao/lib/*.dist-info.\n", encoding="utf-8")
    import gzip

    changelog = (f"baodao ({version}) stable; urgency=medium\n\n  * Release {version}.\n\n"
                 " -- Baodao <baodao@localhost>  Tue, 01 Dec 2026 00:00:00 +0000\n")
    (doc / "changelog.gz").write_bytes(gzip.compress(changelog.encode(), mtime=0))
    control = stage / "DEBIAN"
    control.mkdir()
    size_kb = common.tree_size(stage) // 1024
    (control / "control").write_text(
        f"Package: {common.PACKAGE}\nVersion: {version}\nArchitecture: amd64\n"
        "Maintainer: Baodao <baodao@localhost>\nSection: misc\nPriority: optional\n"
        f"Installed-Size: {size_kb}\nDepends: {', '.join(DEPENDS)}\nRecommends: xdg-utils\n"
        "Description: 报到台账 - offline ledger for the community 双报到 system\n"
        " An offline desktop app for community offices: the 报到台账 and the information,\n"
        " 纪实 and 反馈 cards, the five-level grid, service posts, orders, activities,\n"
        " points and evaluations. Bundles its own Qt for Python under /opt/baodao.\n",
        encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{common.PACKAGE}_{version}_amd64.deb"
    with common.Timer("dpkg-deb"):
        common.run("dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", stage, target,
                   capture=True)
    print(f"deb: {target.name}, {common.mib(target.stat().st_size)} "
          f"(installed {common.mib(size_kb * 1024)})")
    return target


if __name__ == "__main__":
    common.build_main(build)
