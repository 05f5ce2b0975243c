from __future__ import annotations

import contextlib

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


def test_reading_only_the_first_sheet_closes_files_before_removing_them(community_path, tmp_path,
                                                                       monkeypatch):
    """Windows cannot delete a file that is still open: stopping after 说明 must close the
    reader's result files before it removes them (found under Wine)."""
    import os
    from pathlib import Path

    from desktop.sync.parse import read_readme

    with open_ledger(community_path) as ledger:
        export_ledger(ledger, tmp_path / "x.xlsx")
    still_open = []
    unlink = Path.unlink

    def checked_unlink(path, missing_ok=False):
        held = set()
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                held.add(os.readlink(f"/proc/self/fd/{fd}"))
        if str(Path(path).resolve()) in held:
            still_open.append(Path(path).name)
        return unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", checked_unlink)
    read_readme(tmp_path / "x.xlsx")
    assert still_open == []
