"""Issue 11 targets for incremental exchange on the city ledger: an incremental export of a
month's changes < 5 s; that file imported into the full city ledger (preview + apply) < 3 s;
re-importing it < 2 s and < 150 MB.

Two offices each hold the whole city and have exchanged once (the acknowledgements are set
as that exchange leaves them, instead of spending minutes on two full files); then office A
changes 3.5% of the rows of every table, as a busy month would. Each phase runs in its own
process so its peak memory is its own (the reader's child counted through RUSAGE_CHILDREN)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.bench.sync_phases import run as _run


def _two_offices(city: Path, folder: Path) -> tuple[Path, Path, str, str]:
    import uuid

    from db import merge, open_ledger
    from db.ledger import utcnow
    from db.records import TABLE_LABELS

    a, b = folder / "a.db", folder / "b.db"
    shutil.copy(city, a)
    shutil.copy(city, b)
    with open_ledger(b) as led:
        b_office = str(uuid.uuid4())
        led.set_meta("office_id", b_office)
        led.set_meta("community", "")
    with open_ledger(a) as led:
        a_office = led.office
        tick = merge.clock(led)
    now = utcnow()
    with open_ledger(a) as led, led.transaction():
        merge.note_peer(led, b_office, "对方街道", now, "", recv_seq=0, acked_seq=tick)
        # a month of changes: 3.5% of every table
        for table in TABLE_LABELS:
            columns = {r[1] for r in led.conn.execute(f"PRAGMA table_info({table})")}
            text = "note" if "note" in columns else None
            change = f"{text} = {text} || '（本月更新）', " if text else ""
            led.conn.execute(f"UPDATE {table} SET {change}rev = rev + 1, updated_at = ? "
                             "WHERE id % 1000 < 35", (now,))
    with open_ledger(b) as led, led.transaction():
        merge.note_peer(led, a_office, "本街道", now, "", recv_seq=tick, acked_seq=0)
    return a, b, a_office, b_office


def test_city_incremental_exchange(city_path):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        a, b, _a_office, b_office = _two_offices(city_path, folder)
        xlsx = folder / "month.xlsx"
        exported = _run("export", a, xlsx, b_office)
        assert exported["incremental"]
        size_mb = xlsx.stat().st_size / 2**20
        print(f"\n[bench] incremental export of a month: {exported['seconds']:.2f} s (target < 5), "
              f"{exported['rows']} rows, file {size_mb:.2f} MB, peak {exported['peak_mb']:.0f} MB")
        imported = _run("apply", b, xlsx)
        print(f"[bench] that file into the city ledger: preview {imported['preview_s']:.2f} s + "
              f"apply {imported['apply_s']:.2f} s = {imported['seconds']:.2f} s (target < 3), "
              f"peak {imported['peak_mb']:.0f} MB, {imported['counts']}")
        again = _run("reimport", b, xlsx)
        print(f"[bench] re-import of that file: {again['seconds']:.2f} s (target < 2), "
              f"peak {again['peak_mb']:.0f} MB (target < 150): {again['already']}")
        assert imported["counts"]["conflict"] == imported["counts"]["invalid"] == 0
        assert again["already"]
