"""Build 报到台账-安装程序-<version>.exe from the Windows bundle with NSIS (makensis).

    python packaging/build_installer.py BUNDLE_DIR OUT_DIR ICON"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

NSI = Path(__file__).resolve().parent / "windows" / "baodao.nsi"


def installer_name(version: str) -> str:
    return f"{common.APP_NAME}-安装程序-{version}.exe"


def build(bundle: Path, out: Path, icon: Path) -> Path:
    version = common.version()
    bundle, out, icon = bundle.resolve(), out.resolve(), icon.resolve()
    out.mkdir(parents=True, exist_ok=True)
    scratch = common.BUILD / "baodao-setup.exe"  # ASCII while makensis writes it
    scratch.unlink(missing_ok=True)
    size_kb = common.tree_size(bundle) // 1024
    with common.Timer("makensis"):
        common.run("makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={version}",
                   f"-DBUNDLE={bundle}", f"-DOUTFILE={scratch}", f"-DICON={icon}", f"-DWIZARD_BMP={icon.parent / 'installer-wizard.bmp'}",
                   f"-DSIZE_KB={size_kb}", NSI)
    target = out / installer_name(version)
    scratch.replace(target)
    print(f"installer: {target.name}, {common.mib(target.stat().st_size)}")
    return target


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
