"""The exchange benchmarks' phases, each run in a process of its own so that its peak memory
is its own (the reader's children counted through RUSAGE_CHILDREN)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PHASE = r"""
import json, resource, sys, time
phase, ledger_path, xlsx, other = sys.argv[1:5]
from db import open_ledger
out = {}
t = time.perf_counter()
if phase == "export":
    from desktop.sync.export import export_ledger
    with open_ledger(ledger_path) as ledger:
        result = export_ledger(ledger, xlsx, for_office=other or None)
    out["rows"] = sum(result.counts.values())
    out["incremental"] = result.incremental
elif phase == "bare":
    from python_calamine import CalamineWorkbook
    from openpyxl import Workbook
    book = CalamineWorkbook.from_path(xlsx)
    sheets = [(n, book.get_sheet_by_name(n).to_python()) for n in book.sheet_names]
    t = time.perf_counter()
    bare = Workbook(write_only=True)
    cells = 0
    for name, rows in sheets:
        ws = bare.create_sheet(name)
        for row in rows:
            ws.append(row)
            cells += len(row)
    bare.save(xlsx + ".bare.xlsx")
    out["cells"] = cells
elif phase == "calamine":
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(xlsx)
    out["cells"] = sum(len(r) for n in book.sheet_names
                       for r in book.get_sheet_by_name(n).to_python())
elif phase in ("preview", "apply", "reimport"):
    from desktop.sync.apply import apply, preview_file
    with open_ledger(ledger_path) as ledger:
        preview = preview_file(ledger, xlsx)
        out["preview_s"] = time.perf_counter() - t
        out["already"] = preview.already
        totals = preview.totals()
        out["counts"] = {"new": totals.new, "updated": totals.updated,
                         "unchanged": totals.unchanged, "conflict": totals.conflict,
                         "invalid": totals.invalid, "duplicate": totals.duplicate}
        if phase != "preview":
            t2 = time.perf_counter()
            apply(ledger, preview, backup=False)
            out["apply_s"] = time.perf_counter() - t2
out["seconds"] = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
out["peak_mb"] = max(own, child)
print(json.dumps(out))
"""


def run(phase: str, ledger: Path, xlsx: Path, other: str = "") -> dict:
    """One phase: export (for `other` when given), bare (an openpyxl write-only dump of the
    file's cells), calamine (a bare read of all sheets), preview, apply or reimport."""
    result = subprocess.run([sys.executable, "-c", PHASE, phase, str(ledger), str(xlsx), other],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])
