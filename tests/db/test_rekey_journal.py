"""设置台账密码 killed at any point: the next start leaves the ledger and every backup on one
password, the old one or the new one, and no half-converted or plain copy behind."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import backup, demo
from db.crypto import connect, journal_for, recover
from db.errors import LedgerError

OLD, NEW = "旧密码2025", "新密码2026"

CHANGE = r"""
import sys
from db import backup
from db.crypto import remember
ledger, folder, old, new = sys.argv[1:5]
remember(ledger, old or None)
backup.change_password(ledger, folder, old or None, new or None)
"""


def _opens_with(path: Path) -> str | None:
    for name, password in (("old", OLD), ("new", NEW), ("plain", None)):
        try:
            conn = connect(path, password, readonly=True)
        except (LedgerError, Exception):  # noqa: BLE001 - any refusal means "not this one"
            continue
        try:
            conn.execute("SELECT count(*) FROM members").fetchone()
            return name
        except Exception:  # noqa: BLE001
            continue
        finally:
            conn.close()
    return None


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory):
    """A community ledger on OLD with four backups on OLD."""
    folder = tmp_path_factory.mktemp("rekey")
    ledger = folder / "台账.db"
    demo.generate(ledger, "community").close()
    backups = folder / "备份"
    backups.mkdir()
    backup.change_password(ledger, backups, None, OLD)
    for day in range(4):
        shutil.copy(ledger, backups / f"台账-2026110{day + 1}-120000-每日.db")
    return folder


@pytest.mark.slow
def test_a_killed_password_change_ends_all_old_or_all_new(encrypted, tmp_path):
    rng = random.Random(5)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    start = time.perf_counter()
    work = tmp_path / "whole"
    shutil.copytree(encrypted, work)
    subprocess.run([sys.executable, "-c", CHANGE, str(work / "台账.db"), str(work / "备份"),
                    OLD, NEW], env=env, check=True, capture_output=True)
    length = time.perf_counter() - start
    outcomes = {"old": 0, "new": 0}
    kills = 0
    for round_ in range(10):
        work = tmp_path / f"round{round_}"
        shutil.copytree(encrypted, work)
        ledger = work / "台账.db"
        proc = subprocess.Popen([sys.executable, "-c", CHANGE, str(ledger), str(work / "备份"),
                                 OLD, NEW], env=env)
        time.sleep(rng.uniform(0.05, 0.9) * length)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        recover(ledger)  # what the next start does first
        assert not journal_for(ledger).exists()
        files = [ledger, *sorted((work / "备份").glob("*.db"))]
        states = {_opens_with(path) for path in files}
        assert len(states) == 1 and states <= {"old", "new"}, states
        outcomes[states.pop()] += 1
        assert list(work.rglob("*.rekey")) == []
    assert kills >= 5 and outcomes["old"], (kills, outcomes)


def test_a_kill_after_the_commit_mark_is_finished_at_the_next_start(encrypted, tmp_path):
    """The narrow window a random kill rarely hits: copies written, the journal says commit,
    one rename done."""
    from db.crypto import _rekey_copy, _write_journal

    work = tmp_path / "w"
    shutil.copytree(encrypted, work)
    files = [work / "台账.db", *sorted((work / "备份").glob("*.db"))]
    pairs = [(path, path.with_name(path.name + ".rekey")) for path in files]
    for path, partial in pairs:
        _rekey_copy(path, partial, OLD, NEW)
    _write_journal(journal_for(files[0]), "commit", pairs)
    os.replace(pairs[0][1], pairs[0][0])  # killed here
    assert recover(files[0]) == "finished"
    assert {_opens_with(path) for path in files} == {"new"}
    assert list(work.rglob("*.rekey")) == [] and not journal_for(files[0]).exists()


def test_removing_the_password_leaves_no_plain_copy_behind_a_kill(encrypted, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(encrypted, work)
    ledger = work / "台账.db"
    # as a kill before the commit leaves it: a plain copy written, the journal at "prepare"
    from db.crypto import _rekey_copy, _write_journal

    partial = ledger.with_name(ledger.name + ".rekey")
    _rekey_copy(ledger, partial, OLD, None)
    _write_journal(journal_for(ledger), "prepare", [(ledger, partial)])
    assert recover(ledger) == "rolled back"
    assert not partial.exists() and _opens_with(ledger) == "old"
