"""The app's own work area for temporary files, inside the user's data folder.

Files that hold personal data on their way somewhere (a decrypted import being parsed, the
reader's results, openpyxl's sheet XML for a report, a card preview) never go to the shared
temp folder: at start-up the app and the command line point Python's tempfile at a folder of
their own under `数据文件夹/.work` (user-only permissions), and remove what earlier processes
that ended abruptly left there, together with half-written backups (`备份/*.part`)."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import paths

STALE_PART_SECONDS = 3600  # a half-written backup older than this belongs to no live process


def work_dir() -> Path:
    path = paths.data_dir() / ".work"
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x100000 | 0x1000, False, pid)  # SYNCHRONIZE | QUERY
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers() -> int:
    """Remove what processes no longer running left behind; returns how many entries."""
    removed = 0
    for entry in work_dir().iterdir():
        pid = _owner(entry.name)
        if pid is not None and pid_alive(pid):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += not entry.exists()
    backups = paths.data_dir() / "备份"
    if backups.is_dir():
        now = time.time()
        for part in backups.glob("*.part"):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > STALE_PART_SECONDS:
                    part.unlink()
                    removed += 1
    return removed


def _owner(name: str) -> int | None:
    """tmp-<pid>-…: the process that made it."""
    parts = name.split("-")
    if len(parts) >= 2 and parts[0] == "tmp" and parts[1].isdigit():
        return int(parts[1])
    return None


def use_private_temp() -> Path:
    """Point tempfile (and so openpyxl, reportlab and the reader) at this process's own
    folder in the work area; it is removed when the process ends normally, and by the next
    start otherwise. Once per process."""
    global _PRIVATE
    if _PRIVATE is not None and _PRIVATE.is_dir():
        return _PRIVATE
    clean_leftovers()
    folder = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=work_dir()))
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = os.environ["TEMP"] = os.environ["TMP"] = str(folder)  # children too
    atexit.register(shutil.rmtree, folder, True)
    _PRIVATE = folder
    return folder


_PRIVATE: Path | None = None
