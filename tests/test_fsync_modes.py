"""Windows refuses to flush a file opened read-only (EBADF/EACCES from FlushFileBuffers), so
every fsync must be on a handle opened for writing: otherwise backups and exports fail there
(found by the Wine check). Checked over the source, since Linux flushes either way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_fsync_is_on_a_writable_handle():
    read_only = []
    for path in sorted([*ROOT.joinpath("db").rglob("*.py"), *ROOT.joinpath("desktop").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.With):
                continue
            fsyncs = any(isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "fsync"
                         for n in ast.walk(node))
            if not fsyncs:
                continue
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "open":
                    mode = call.args[1].value if len(call.args) > 1 and isinstance(
                        call.args[1], ast.Constant) else "r"
                    if not any(flag in mode for flag in "wa+"):
                        read_only.append(f"{path.relative_to(ROOT)}:{call.lineno} mode {mode!r}")
    assert read_only == []
