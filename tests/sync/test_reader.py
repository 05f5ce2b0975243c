from __future__ import annotations

from db import open_ledger
from desktop.sync import reader
from desktop.sync.export import export_ledger


def test_parallel_children_give_the_same_sheets_in_order(community_path, tmp_path, monkeypatch):
    with open_ledger(community_path) as ledger:
        export_ledger(ledger, tmp_path / "x.xlsx")
    single = reader.read_workbook(tmp_path / "x.xlsx")
    monkeypatch.setattr(reader, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(reader.os, "cpu_count", lambda: 3)
    path = tmp_path / "x.xlsx"
    assert len(reader._split(path, "xlsx", path.stat().st_size, 3)) == 3
    parallel = reader.read_workbook(tmp_path / "x.xlsx")
    assert [s.name for s in parallel] == [s.name for s in single]
    assert [s.rows for s in parallel] == [s.rows for s in single]
    assert sum(len(s.rows) for s in single) > 100
