"""What every packaging step shares: where things are, the version, the pinned dependencies
(read from pyproject.toml, the one list), the download cache and a loud command runner."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "packaging"
DIST = ROOT / "dist" / "usb"
APP_NAME = "报到台账"
PACKAGE = "baodao"
APP_PACKAGES = ("db", "desktop")


def version() -> str:
    text = (ROOT / "desktop" / "version.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([0-9]+\.[0-9]+\.[0-9]+)"$', text, re.M)
    if not found:
        raise SystemExit("desktop/version.py: no __version__ = \"X.Y.Z\" line")
    return found.group(1)


def dependencies() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    deps = list(project["dependencies"])
    unpinned = [d for d in deps if "==" not in d]
    if unpinned:
        raise SystemExit(f"pyproject.toml: unpinned dependencies {unpinned}")
    return deps


def cache_dir() -> Path:
    path = Path(os.environ.get("BAODAO_BUILD_CACHE", Path.home() / ".cache" / "baodao-build"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        capture: bool = False) -> str:
    """Run a command; a failure stops the build with the command's own output."""
    cmd = [str(a) for a in args]
    print("+ " + " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE if capture else None,
                            stderr=subprocess.STDOUT if capture else None)
    if result.returncode != 0:
        if capture:
            print(result.stdout, file=sys.stderr)
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout if capture else ""


def pip(*args: str | Path) -> None:
    run(sys.executable, "-m", "pip", "--disable-pip-version-check", *args)


def copy_app(target: Path) -> None:
    """The app's own code and resources, without caches and deployer fonts."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.ttf", "*.ttc", "*.otf")
    for name in APP_PACKAGES:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    shutil.copytree(ROOT / "resources", target / "resources", ignore=ignore)


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(size: int) -> str:
    return f"{size / 1048576:.1f} MiB"


class Timer:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self) -> Timer:
        self.start = time.monotonic()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = time.monotonic() - self.start
        print(f"[{self.label}: {self.seconds:.0f} s]", flush=True)


def build_main(build, default_out: Path | None = None) -> None:
    """The command line both package builders share: where to write (a positional folder, or
    --out with a default), the manual to ship and the rendered icons."""
    parser = argparse.ArgumentParser()
    if default_out is None:
        parser.add_argument("out", type=Path)
    else:
        parser.add_argument("--out", type=Path, default=default_out)
    parser.add_argument("--manual", type=Path)
    parser.add_argument("--icons", type=Path, default=BUILD / "icons")
    args = parser.parse_args()
    build(args.out, args.manual, args.icons)


def trim_plugins(plugins: Path, keep: dict[str, set[str] | None]) -> None:
    """Qt's plugin folders as the app needs them: a folder mapped to None stays whole, to a
    set keeps those files only; any other folder goes."""
    for folder in list(plugins.iterdir()):
        wanted = keep.get(folder.name, set())
        if wanted is not None and not wanted:
            shutil.rmtree(folder)
        elif wanted:
            for plugin in folder.iterdir():
                if plugin.name not in wanted:
                    plugin.unlink()
