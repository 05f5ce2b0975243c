"""What a secretary weighs when dispatching an order: each member's 特长 and claimed posts,
each unit's 资源清单, fetched for a whole list at once (one query, not one per row)."""

from __future__ import annotations

from collections.abc import Iterable

from .ledger import Ledger


def _grouped(ledger: Ledger, sql: str, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):  # SQLite's host-parameter limit
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for owner, text in ledger.conn.execute(sql.format(marks=marks), chunk):
            if text not in out[owner]:
                out[owner].append(text)
    return out


def member_posts(ledger: Ledger, member_ids: Iterable[int]) -> dict[int, list[str]]:
    """member id → names of the posts they hold now (claimed, not released)."""
    return _grouped(ledger, "SELECT c.member_id, p.name FROM post_claims c "
                            "JOIN posts p ON p.id = c.post_id WHERE c.deleted = 0 "
                            "AND c.released_date = '' AND c.member_id IN ({marks}) "
                            "ORDER BY c.claimed_date, c.id", list(member_ids))


def unit_resources(ledger: Ledger, unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """unit id → its 资源清单 entries (义诊, 健康讲座 …)."""
    return _grouped(ledger, "SELECT unit_id, title FROM unit_items WHERE deleted = 0 "
                            "AND kind = '资源' AND unit_id IN ({marks}) ORDER BY id",
                    list(unit_ids))
