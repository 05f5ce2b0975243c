"""Power cut during an import: the process is killed (SIGKILL) at random points of a large
import, 100 times. Each time the ledger must pass integrity_check and equal either the state
before the import or the state after it, never a mix.

The kills run in a separate Python process that forks one child per attempt (a forked child
starts the import at once, so 100 attempts fit in about a minute)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # kills / many files / many offices: README's quick run skips it

SCRIPT = r"""
import hashlib, json, os, random, shutil, signal, sqlite3, sys, time
from pathlib import Path
from db import demo, open_ledger, settings
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger

folder = Path(sys.argv[1]); attempts = int(sys.argv[2])
with demo.generate(folder / "source.db", "community", seed=7) as source:
    export_ledger(source, folder / "exchange.xlsx")
with open_ledger(folder / "base.db") as base:
    settings.initialise(base, "河东街道", "杨树社区")
    base.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

def state(path):
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'audit_log' ORDER BY name")]
        clock = {("sync_log", "at"), ("sync_peers", "last_imported_at")}  # when, not what
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                       if (table, r[1]) not in clock]
            where = " WHERE key != 'audit_head'" if table == "meta" else ""  # a hash of a time
            for row in conn.execute(
                    f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY 1"):
                digest.update(repr(row).encode())
        return check, digest.hexdigest()
    finally:
        conn.close()

def fresh(name):
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(folder / "base.db", target)
    return target

with open_ledger(fresh("plan.db")) as ledger:
    preview = preview_file(ledger, folder / "exchange.xlsx")
before = state(folder / "base.db")[1]
started = time.perf_counter()
with open_ledger(fresh("after.db")) as ledger:
    apply(ledger, preview, backup=False)
duration = time.perf_counter() - started
after = state(folder / "after.db")[1]
assert before != after

rng = random.Random(2026)
outcomes = {"before": 0, "after": 0}
bad = []
for attempt in range(attempts):
    work = fresh("work.db")
    pid = os.fork()
    if pid == 0:
        try:
            with open_ledger(work) as ledger:
                apply(ledger, preview, backup=False)
        finally:
            os._exit(0)
    time.sleep(rng.uniform(0, duration * 1.6))  # some kills land after the commit
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    check, digest = state(work)
    if check != "ok":
        bad.append(f"attempt {attempt}: integrity {check}")
    elif digest == before:
        outcomes["before"] += 1
    elif digest == after:
        outcomes["after"] += 1
    else:
        bad.append(f"attempt {attempt}: a mix of before and after")
print(json.dumps({"outcomes": outcomes, "bad": bad, "import_seconds": duration}))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork (Linux CI)")
def test_killed_import_leaves_before_or_after(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), "100"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n[crash] {report}")
    assert report["bad"] == []
    assert sum(report["outcomes"].values()) == 100
    # the kills really landed both before and after the commit
    assert report["outcomes"]["before"] > 0 and report["outcomes"]["after"] > 0
