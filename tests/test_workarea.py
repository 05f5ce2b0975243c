"""Temporary files with personal data stay in the app's own work area and do not outlive a
killed process: nothing lands in the shared temp folder, and the next start removes what a
killed import or export left."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from db import members, open_ledger, settings
from desktop import workarea
from tests.conftest import make_id

KNOWN_ID = make_id("19750312", "370102", 918)


def _holds(root: Path, needle: str) -> list[Path]:
    """Every file under root whose bytes, or whose zipped members, contain the needle."""
    found = []
    raw = needle.encode()
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if raw in data:
            found.append(path)
            continue
        if data[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    if any(raw in archive.read(n) for n in archive.namelist()):
                        found.append(path)
            except (zipfile.BadZipFile, OSError, EOFError):
                pass  # a half-written zip: its deflated parts are not readable text
    return found


@pytest.fixture
def setting(tmp_path):
    home, shared = tmp_path / "home", tmp_path / "shared-temp"
    home.mkdir()
    shared.mkdir()
    source = tmp_path / "source.db"
    with open_ledger(source) as ledger:
        settings.initialise(ledger, "河东街道", "丽景社区")
        members.add_member(ledger, name="赵玉茹", id_number=KNOWN_ID, mobile="13912345678")
        for i in range(400):
            members.add_member(ledger, name=f"党员{i}", id_number=make_id(seq=i))
    env = {**os.environ, "BAODAO_HOME": str(home), "TMPDIR": str(shared), "TEMP": str(shared),
           "TMP": str(shared), "BAODAO_LEDGER_PASSWORD": ""}
    return home, shared, source, env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop.cli", *args]


def test_the_app_points_tempfile_into_its_data_folder(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(workarea, "_PRIVATE", None)
    before = tempfile.tempdir
    try:
        folder = workarea.use_private_temp()
        assert Path(tempfile.gettempdir()) == folder
        assert folder.parent == tmp_path / "home" / ".work"
        if os.name == "posix":
            assert (folder.parent.stat().st_mode & 0o077) == 0  # the user's alone
    finally:
        tempfile.tempdir = before


def test_leftovers_of_ended_processes_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))
    work = workarea.work_dir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = work / f"tmp-{dead.pid}-abc"
    stale.mkdir()
    (stale / "in.xlsx").write_text(KNOWN_ID)
    live = work / f"tmp-{os.getppid()}-def"
    live.mkdir()
    backups = tmp_path / "home" / "备份"
    backups.mkdir()
    old_part = backups / "台账-20260101-导入前.db.part"
    old_part.write_bytes(b"half")
    os.utime(old_part, (time.time() - 7200, time.time() - 7200))
    fresh_part = backups / "台账-20261201-导入前.db.part"
    fresh_part.write_bytes(b"being written")
    workarea.clean_leftovers()
    assert not stale.exists() and live.exists()
    assert not old_part.exists() and fresh_part.exists()


@pytest.mark.slow
def test_killed_encrypted_imports_and_password_exports_leave_no_id_in_any_temp_file(setting):
    home, shared, source, env = setting
    exchange = home.parent / "交换.xlsx"
    subprocess.run(_cli("export", str(source), "--out", str(exchange), "--password", "口令1",
                        "--quiet"), env=env, check=True, capture_output=True)
    target = home.parent / "target.db"
    subprocess.run(_cli("init", str(target), "--street", "河东街道", "--community", "杨树社区"),
                   env=env, check=True, capture_output=True)
    rng = random.Random(11)
    (home.parent / "usb").mkdir()
    jobs = [_cli("import", str(target), str(exchange), "--password", "口令1", "--dry-run",
                 "--quiet"),
            _cli("export", str(source), "--out", str(home.parent / "usb" / "x.xlsx"),
                 "--password", "口令2", "--quiet")]
    lengths = []
    for job in jobs:  # how long each takes whole, to kill it at random points inside
        started = time.perf_counter()
        subprocess.run(job, env=env, check=True, capture_output=True)
        lengths.append(time.perf_counter() - started)
    kills = 0
    for round_ in range(16):
        proc = subprocess.Popen(jobs[round_ % 2], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 0.95) * lengths[round_ % 2])
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        assert _holds(shared, KNOWN_ID) == [], "a full ID in the shared temp folder"
    assert kills >= 8, kills  # most runs were killed on the way
    # the next start clears what the killed ones left in the work area
    subprocess.run(_cli("check", str(target)), env=env, check=True, capture_output=True)
    leftovers = _holds(home / ".work", KNOWN_ID)
    assert leftovers == []
    assert list((home.parent / "usb").glob("*.part")) == [] or \
        _holds(home.parent / "usb", KNOWN_ID) == []  # an encrypted half file holds no plain ID
