"""Counts and health checks of a ledger (`baodao check`)."""

from __future__ import annotations

from .ledger import Ledger
from .records import TABLE_LABELS


def counts(ledger: Ledger) -> dict[str, int]:
    """Live rows per record kind, keyed by the Chinese label."""
    out = {}
    for table, label in TABLE_LABELS.items():
        out[label] = int(ledger.scalar(f"SELECT count(*) FROM {table} WHERE deleted = 0"))
    out["在册党员"] = int(ledger.scalar(
        "SELECT count(*) FROM members WHERE deleted = 0 AND status = '在册'"))
    return out


def problems(ledger: Ledger, full: bool = True) -> list[str]:
    """Empty when the file is sound; otherwise one Chinese line per problem found."""
    found: list[str] = []
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in ledger.conn.execute(f"PRAGMA {pragma}").fetchall()]
    if rows != ["ok"]:
        found += [f"数据库完整性检查：{r}" for r in rows[:20]]
    for table, rowid, parent, _fk in ledger.conn.execute("PRAGMA foreign_key_check").fetchall()[:50]:
        label = TABLE_LABELS.get(table, table)
        found.append(f"{label}（行号{rowid}）引用的{TABLE_LABELS.get(parent, parent)}不存在")
    if not rows or rows == ["ok"]:
        from .audit import verify

        found += verify(ledger)
    return found
