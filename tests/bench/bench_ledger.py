"""Issue 2 targets: build the city profile in under 60 s and 500 MB; member search median
under 20 ms and worst under 100 ms for name, pinyin initials and ID tail."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from db import members, open_ledger

BUILD = """
import resource, sys, time
from db import demo
t = time.perf_counter()
demo.generate(sys.argv[1], "city").close()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def test_build_city_profile():
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "city.db"
        result = subprocess.run([sys.executable, "-c", BUILD, str(out)], capture_output=True,
                                text=True, check=True)
        seconds, peak_mb = (float(x) for x in result.stdout.split())
        size_mb = out.stat().st_size / 2**20
    print(f"\n[bench] city build: {seconds:.1f} s (target < 60), peak {peak_mb:.0f} MB "
          f"(target < 500), file {size_mb:.0f} MB")


def test_member_search_latency(city_path):
    with open_ledger(city_path) as ledger:
        rng_rows = ledger.query("SELECT name, name_initials, id_number, mobile FROM members "
                                "WHERE status = '在册' ORDER BY id LIMIT 400 OFFSET 1000")
        kinds = {
            "name": [r["name"][1:] or r["name"] for r in rng_rows[:100]],
            "initials": [r["name_initials"] for r in rng_rows[100:200]],
            "id tail": [r["id_number"][-6:] for r in rng_rows[200:300]],
            "phone": [r["mobile"][-8:] for r in rng_rows[300:400]],
        }
        members.search_members(ledger, "warm-up")
        for kind, queries in kinds.items():
            times = []
            for text in queries:
                started = time.perf_counter()
                found = members.search_members(ledger, text, limit=200)
                times.append((time.perf_counter() - started) * 1000)
                assert found
            print(f"[bench] search by {kind:9s}: median {statistics.median(times):6.2f} ms, "
                  f"worst {max(times):6.2f} ms (targets 20 / 100)")
