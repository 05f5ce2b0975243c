"""审计日志: who did what and when, append-only, each entry chained to the previous by hash.

Targets never carry personal data in plain text: callers name records by their kind and name,
and ID numbers or phones, when they must appear, are masked first."""

from __future__ import annotations

import hashlib
import json

from . import access
from .ledger import Ledger, utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, user: str, action: str, target: str, result: str) -> str:
    payload = json.dumps([prev_hash, at, user, action, target, result], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(ledger: Ledger, action: str, target: str = "", result: str = "成功",
           user: str = "") -> int:
    """Append one entry (inside the caller's transaction if there is one)."""
    with ledger.transaction():
        last = ledger.conn.execute(
            "SELECT hash FROM main.audit_log ORDER BY id DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = utcnow()
        user = user or access.user_name(ledger)
        digest = _digest(prev, at, user, action, target, result)
        cursor = ledger.execute(
            "INSERT INTO main.audit_log (at, user, action, target, result, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (at, user, action, target, result, prev, digest))
        ledger.set_meta("audit_head", digest)  # the chain's end: a cut-off tail shows too
        return int(cursor.lastrowid or 0)


def verify(ledger: Ledger) -> list[str]:
    """Empty when the chain is intact; otherwise where and how it breaks."""
    problems: list[str] = []
    prev = GENESIS
    expected_id = None
    for row in ledger.conn.execute(
            "SELECT id, at, user, action, target, result, prev_hash, hash FROM audit_log "
            "ORDER BY id"):
        entry_id, at, user, action, target, result, prev_hash, digest = row
        if expected_id is not None and entry_id != expected_id:
            problems.append(f"审计日志第{expected_id}条至第{entry_id - 1}条缺失")
        if prev_hash != prev:
            problems.append(f"审计日志第{entry_id}条与前一条衔接不上（前面的记录被改动或删除）")
        if _digest(prev_hash, at, user, action, target, result) != digest:
            problems.append(f"审计日志第{entry_id}条的内容被改动过")
        prev = digest
        expected_id = entry_id + 1
        if len(problems) >= 20:
            break
    head = ledger.meta("audit_head")
    if head is not None and head != prev and not problems:
        problems.append("审计日志末尾的记录被删除了")
    return problems


def entries(ledger: Ledger, limit: int = 1000) -> list[dict[str, object]]:
    access.require_secretary(ledger, "查看审计日志")
    return ledger.query("SELECT id, at, user, action, target, result FROM audit_log "
                        "ORDER BY id DESC LIMIT ?", (limit,))
