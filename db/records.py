"""Sync-aware row helpers shared by every record module.

Inserts stamp uuid/created_at/updated_at/rev/office; updates bump rev and updated_at only when a
value really changes; deletes are tombstones (deleted = 1) so that they travel in exports."""

from __future__ import annotations

from typing import Any

from . import access
from .errors import NotFoundError, ValidationError
from .ledger import Ledger, new_uuid, utcnow

SYNC_COLUMNS = ("uuid", "created_at", "updated_at", "rev", "office", "deleted")

TABLE_LABELS = {
    "grid_nodes": "网格",
    "units": "报到单位",
    "unit_items": "单位清单",
    "members": "在职党员",
    # 培训, 表彰奖励 and 一联一帮走访 (migration 0010) name only a member
    "trainings": "培训",
    "awards": "表彰奖励",
    "household_visits": "一联一帮走访",
    "posts": "服务岗位",
    "post_claims": "认岗记录",
    "orders": "群众需求",
    "activities": "活动纪实",
    # before 活动参与: a participant names the sheet it was entered from, and an import
    # resolves references to the tables it has already taken in
    "signin_sheets": "签到表",
    "activity_participants": "活动参与",
    "meetings": "联席会议",
    "meeting_attendees": "参会单位",
    "points_entries": "积分记录",
    "evaluations": "评价",
    "reward_items": "积分商品",
    "certificates": "志愿服务证明",
    # migration 0009: 回执 of 报到登记表 and 反馈卡; the 公示 and, after it, its objections
    "receipts": "回执登记",
    "notices": "公示",
    "notice_objections": "公示异议",
}
SYNCED_TABLES = tuple(TABLE_LABELS)


def insert(ledger: Ledger, table: str, values: dict[str, Any]) -> int:
    now = utcnow()
    row = dict(values)
    row.setdefault("uuid", new_uuid())
    row.setdefault("created_at", now)
    row.setdefault("updated_at", now)
    row.setdefault("rev", 1)
    row.setdefault("office", ledger.office)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = _write(ledger, f"INSERT INTO main.{table} ({columns}) VALUES ({marks})",
                    list(row.values()))
    return int(cursor.lastrowid or 0)


def _write(ledger: Ledger, sql: str, params: Any) -> Any:
    """Run one write; a refusal by the user's scope (db.access) becomes AccessDeniedError, and
    an ID number already live elsewhere (outside a 网格员's view) a plain duplicate error."""
    from .crypto import integrity_errors

    try:
        return ledger.execute(sql, params)
    except integrity_errors() as error:
        denied = access.denial(error)
        if denied is not None:
            raise denied from None
        if "members.id_number" in str(error) or "members.id_probe" in str(error):
            raise ValidationError("id_number", "身份证号",
                                  "该身份证号已在本台账登记为在册党员（不在您负责的网格内），"
                                  "请与社区书记核对") from None
        raise


def get(ledger: Ledger, table: str, row_id: int, include_deleted: bool = False) -> dict[str, Any]:
    row = ledger.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    if row is None or (row["deleted"] and not include_deleted):
        raise NotFoundError(f"{TABLE_LABELS.get(table, table)}记录（编号{row_id}）不存在或已删除")
    return row


def update(ledger: Ledger, table: str, row_id: int, changes: dict[str, Any]) -> bool:
    """Apply changes; returns False (and leaves rev alone) when nothing actually differs."""
    current = get(ledger, table, row_id)
    diff = {k: v for k, v in changes.items() if current.get(k) != v}
    if not diff:
        return False
    diff["updated_at"] = utcnow()
    diff["office"] = ledger.office
    sets = ", ".join(f"{k} = ?" for k in diff)
    _write(ledger, f"UPDATE main.{table} SET {sets}, rev = rev + 1 WHERE id = ?",
           [*diff.values(), row_id])
    return True


def tombstone(ledger: Ledger, table: str, row_id: int) -> None:
    get(ledger, table, row_id)
    _write(ledger, f"UPDATE main.{table} SET deleted = 1, rev = rev + 1, updated_at = ?, "
           "office = ? WHERE id = ?", (utcnow(), ledger.office, row_id))


def tombstone_where(ledger: Ledger, table: str, where: str, params: tuple[Any, ...]) -> int:
    cursor = _write(
        ledger, f"UPDATE main.{table} SET deleted = 1, rev = rev + 1, updated_at = ?, office = ? "
        f"WHERE deleted = 0 AND ({where})",
        (utcnow(), ledger.office, *params),
    )
    return cursor.rowcount


def only_known(changes: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    return changes
