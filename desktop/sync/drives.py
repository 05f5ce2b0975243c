"""Removable drives (U盘) to offer as export targets. No Qt."""

from __future__ import annotations

import os
import string
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str

    def title(self) -> str:
        return f"{self.label}（{self.path}）" if self.label else str(self.path)


DRIVE_REMOVABLE = 2


def _windows() -> list[Drive]:
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel.GetLogicalDrives()
    found = []
    for index, letter in enumerate(string.ascii_uppercase):
        if not mask & (1 << index):
            continue
        root = f"{letter}:\\"
        if kernel.GetDriveTypeW(ctypes.c_wchar_p(root)) != DRIVE_REMOVABLE:
            continue
        name = ctypes.create_unicode_buffer(261)
        ok = kernel.GetVolumeInformationW(ctypes.c_wchar_p(root), name, 261, None, None, None,
                                          None, 0)
        found.append(Drive(Path(root), name.value if ok else "可移动磁盘"))
    return found


def _unix(mounts_file: str = "/proc/mounts",
          roots: tuple[str, ...] = ("/media/", "/run/media/", "/Volumes/")) -> list[Drive]:
    found: dict[str, Drive] = {}
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) < 2:
                    continue
                point = parts[1].replace("\\040", " ")
                if point.startswith(roots):
                    found[point] = Drive(Path(point), Path(point).name)
    except OSError:
        pass
    for root in roots:  # /media/<user>/<label> also without /proc (macOS: /Volumes/<label>)
        base = Path(root)
        if not base.is_dir():
            continue
        for entry in base.iterdir():
            candidates = [entry] if root == "/Volumes/" else [
                p for p in (entry.iterdir() if entry.is_dir() and os.access(entry, os.R_OK)
                            else []) if p.is_dir()] + ([entry] if os.path.ismount(entry) else [])
            for path in candidates:
                if os.path.ismount(path) and str(path) not in found:
                    found[str(path)] = Drive(path, path.name)
    return sorted(found.values(), key=lambda d: str(d.path))


def removable_drives() -> list[Drive]:
    try:
        return _windows() if sys.platform == "win32" else _unix()
    except Exception:  # never let drive probing stop an export; save-as still works
        return []
