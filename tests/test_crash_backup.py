"""Power cut during a backup or a restore: the process is killed (SIGKILL) at random points, 30
times each. The ledger always passes integrity_check; after a killed restore it holds either
what it held before or the backup's data, never a mix; a half-written backup is never listed
as a backup, and the next start removes it once it is stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import hashlib, json, os, random, signal, sqlite3, sys, time
from pathlib import Path
from db import backup, demo, open_ledger, units

folder = Path(sys.argv[1]); attempts = int(sys.argv[2]); kind = sys.argv[3]
ledger_path = folder / "台账.db"
demo.generate(ledger_path, "street", seed=3).close()
backups = folder / "备份"
with open_ledger(ledger_path) as ledger:
    source = backup.create(ledger, backups, "手动")
    units.add_unit(ledger, name="备份之后登记的单位")
    ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

def state(path):
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        units_ = conn.execute("SELECT count(*) FROM units WHERE name = '备份之后登记的单位'").fetchone()[0]
        members = conn.execute("SELECT count(*), total(rev) FROM members").fetchone()
        return check, units_, tuple(members)
    finally:
        conn.close()

# The kills fall anywhere from the start to a little past the end of one operation, timed
# first on a scratch copy (a fixed window goes stale as ledgers grow and machines differ).
scratch = folder / "scratch"
scratch.mkdir()
copy = backup.copy_ledger(ledger_path, scratch / "台账.db")
with open_ledger(copy) as ledger:
    started = time.perf_counter()
    if kind == "backup":
        backup.create(ledger, scratch / "备份", "每日")
    else:
        backup.restore(ledger, source, scratch / "备份")
    window = max(0.35, 1.3 * (time.perf_counter() - started))

before = state(ledger_path)
outcomes = {"before": 0, "after": 0}
bad = []
rng = random.Random(17)
for attempt in range(attempts):
    pid = os.fork()
    if pid == 0:
        try:
            with open_ledger(ledger_path) as ledger:
                if kind == "backup":
                    backup.create(ledger, backups, "每日")
                else:
                    backup.restore(ledger, source, backups)
        finally:
            os._exit(0)
    time.sleep(rng.uniform(0.0, window))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    now = state(ledger_path)
    if now[0] != "ok":
        bad.append(f"attempt {attempt}: integrity {now[0]}")
    if kind == "restore":
        if now == before:
            outcomes["before"] += 1
        elif now[1] == 0 and now[0] == "ok":
            outcomes["after"] += 1
            with open_ledger(ledger_path) as ledger:  # back to the start for the next kill
                units.add_unit(ledger, name="备份之后登记的单位")
                ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = state(ledger_path)
        else:
            bad.append(f"attempt {attempt}: a mix of before and after: {now}")
    else:
        outcomes["before" if now == before else "after"] += 1
    for item in backup.list_backups(backups, ledger_path):
        conn = sqlite3.connect(item.path)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                bad.append(f"attempt {attempt}: listed a damaged backup {item.path.name}")
        finally:
            conn.close()
parts = sorted(p.name for p in backups.glob("*.part"))
print(json.dumps({"outcomes": outcomes, "bad": bad, "parts": parts, "window": window}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (Linux CI)")
@pytest.mark.parametrize("kind", ["backup", "restore"])
def test_killed_backups_and_restores_leave_a_sound_ledger(tmp_path, kind):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), "30", kind],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n[crash {kind}] {report['outcomes']}, {len(report['parts'])} half-written backups left, "
          f"kills within {report['window']:.2f} s")
    assert report["bad"] == []
    if kind == "restore":
        assert report["outcomes"]["before"] > 0 and report["outcomes"]["after"] > 0
    else:
        assert report["parts"]  # kills did land inside backups ...
        # ... and the next start removes those once stale
        env = {**os.environ, "BAODAO_HOME": str(tmp_path)}
        for part in (tmp_path / "备份").glob("*.part"):
            os.utime(part, (0, 0))
        subprocess.run([sys.executable, "-c", "from desktop import workarea; "
                        "workarea.use_private_temp()"], env=env, check=True)
        assert list((tmp_path / "备份").glob("*.part")) == []
