"""What a 网格员 holding the ledger file and their own password can still learn: the slow
probe index (db.keys.Keys.probe) lets them test guesses of a member's ID number. The file
shows the region and the birth year, which leaves ~366,000 numbers (366 days × 1,000
sequence numbers; the check digit follows). This prints the cost of trying them all.

Run: .venv/bin/python -m pytest tests/bench/bench_probe.py -s -o python_files="bench_*.py"
"""

from __future__ import annotations

import time

from db import keys
from db.validate import id_checksum_char


def test_probe_cost_per_guessed_number():
    worker = keys.Keys(b"f" * 32, b"i" * 32)  # a 网格员's keys: file and probe, no root
    assert worker.lookup("130102198001011234") == ""  # the fast index needs the 书记 key
    secret = "131102" + "19840813" + "918"
    secret += id_checksum_char(secret)
    target = worker.probe(secret)
    started = time.perf_counter()
    tried = 0
    found = None
    for day in range(700, 900):  # a slice of the year, every sequence number
        month, date = divmod(day, 100)
        if not (1 <= month <= 12 and 1 <= date <= 31):
            continue
        for seq in range(900, 1000):
            guess = f"1311021984{month:02d}{date:02d}{seq:03d}"
            guess += id_checksum_char(guess)
            tried += 1
            if worker.probe(guess) == target:
                found = guess
    elapsed = time.perf_counter() - started
    per = elapsed / tried
    assert found == secret  # the attack works, given time: this is what it costs
    print(f"\n[probe] {tried} guesses in {elapsed:.2f} s = {per * 1000:.2f} ms a guess "
          f"(scrypt N={keys.PROBE_N}, r=8)")
    print(f"[probe] one member (region and birth year known, 366,000 numbers): "
          f"{366_000 * per / 60:.0f} min on one core; all 1,452 of a community: "
          f"{1452 * 366_000 * per / 86400:.0f} days; a city's 44,000: "
          f"{44_000 * 366_000 * per / 86400 / 365:.1f} years")
