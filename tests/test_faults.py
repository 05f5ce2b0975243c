"""A bad day ends in a Chinese sentence that says what happened and what to do, never in a
traceback, and nothing is lost: a full USB stick, a write-protected one, a damaged ledger, a
ledger that cannot be written."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from db import demo, merge, open_ledger
from desktop import faults
from desktop.sync.export import export_ledger


@contextlib.contextmanager
def _stick(options: str):
    """A real small file system, as a nearly full or write-protected USB stick is."""
    folder = Path(f"/tmp/baodao-stick-{uuid.uuid4().hex[:8]}")
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip("this machine does not allow mounting a small file system")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    path = tmp_path_factory.mktemp("faults") / "community.db"
    demo.generate(path, "community").close()
    return path


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_a_full_stick_leaves_no_file_and_says_so(community, tmp_path):
    with _stick("size=200k") as stick, open_ledger(community) as ledger:
        exports_before = len([r for r in merge.sync_log(ledger) if r["kind"] == "export"])
        with pytest.raises(OSError) as caught:
            export_ledger(ledger, stick / "交换.xlsx")
        assert faults.explain(caught.value).startswith("磁盘空间已满")
        assert list(stick.iterdir()) == []  # no half file, no .part
        assert len([r for r in merge.sync_log(ledger) if r["kind"] == "export"]) == exports_before
        done = _cli("export", str(community), "--out", str(stick / "交换.xlsx"), "--quiet",
                    env={"BAODAO_HOME": str(tmp_path / "home")})
        assert done.returncode == 2
        assert "磁盘空间已满" in done.stderr and "Traceback" not in done.stderr


def test_a_write_protected_stick_says_so(community, tmp_path):
    with _stick("ro,size=64k") as stick:
        done = _cli("export", str(community), "--out", str(stick / "交换.xlsx"), "--quiet",
                    env={"BAODAO_HOME": str(tmp_path / "home")})
        assert done.returncode == 2
        assert "只读" in done.stderr and "Traceback" not in done.stderr


def test_a_ledger_that_cannot_be_written_gets_no_export_with_full_ids(community, tmp_path):
    with open_ledger(community) as ledger:
        ledger.execute("PRAGMA query_only = ON")  # as a ledger on a read-only medium
        with pytest.raises(sqlite3.Error) as caught:
            export_ledger(ledger, tmp_path / "交换.xlsx")
        assert "只读" in faults.explain(caught.value)
    assert list(tmp_path.glob("*.xlsx*")) == []  # audit first: no file that was never audited


def test_a_damaged_ledger_is_reported_not_a_traceback(community, tmp_path):
    damaged = tmp_path / "damaged.db"
    data = bytearray(community.read_bytes())
    for offset in range(len(data) // 3, len(data) // 3 + 40_000, 97):
        data[offset] ^= 0xFF
    damaged.write_bytes(bytes(data))
    done = _cli("check", str(damaged), env={"BAODAO_HOME": str(tmp_path / "home")})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert any(word in done.stderr + done.stdout for word in ("损坏", "完整性"))
