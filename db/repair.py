"""检查数据库: the full check and the repairs that are always safe (they only drop dangling
references or rebuild indexes; no record is deleted). Running it twice reports nothing the
second time."""

from __future__ import annotations

from . import access
from .check import problems
from .ledger import Ledger
from .pinyin import name_keys
from .records import tombstone_where

# (what it fixes, SQL) — each statement is idempotent.
DANGLING = (
    ("居住网格已删除的党员：清空居住网格",
     "UPDATE members SET residence_node_id = NULL WHERE residence_node_id IS NOT NULL AND "
     "residence_node_id NOT IN (SELECT id FROM grid_nodes WHERE deleted = 0)"),
    ("工作单位已删除的党员：保留单位名称，解除关联",
     "UPDATE members SET work_unit_id = NULL WHERE work_unit_id IS NOT NULL AND "
     "work_unit_id NOT IN (SELECT id FROM units WHERE deleted = 0)"),
    ("包联小区已删除的单位：清空包联小区",
     "UPDATE units SET paired_node_id = NULL WHERE paired_node_id IS NOT NULL AND "
     "paired_node_id NOT IN (SELECT id FROM grid_nodes WHERE deleted = 0)"),
    ("网格负责人已删除：解除关联",
     "UPDATE grid_nodes SET leader_member_id = NULL WHERE leader_member_id IS NOT NULL AND "
     "leader_member_id NOT IN (SELECT id FROM members WHERE deleted = 0)"),
)
ORPHANS = (
    ("已删除党员或岗位的认岗记录", "post_claims",
     "released_date = '' AND (member_id NOT IN (SELECT id FROM members WHERE deleted = 0) "
     "OR post_id NOT IN (SELECT id FROM posts WHERE deleted = 0))"),
    ("已删除活动的参与记录", "activity_participants",
     "activity_id NOT IN (SELECT id FROM activities WHERE deleted = 0)"),
    ("已删除会议的参会记录", "meeting_attendees",
     "meeting_id NOT IN (SELECT id FROM meetings WHERE deleted = 0)"),
    ("已删除单位的清单", "unit_items", "unit_id NOT IN (SELECT id FROM units WHERE deleted = 0)"),
)


def check_and_repair(ledger: Ledger) -> tuple[list[str], list[str]]:
    """(what was repaired, problems that remain). Both empty for a healthy ledger."""
    access.require_secretary(ledger, "检查并修复数据库")
    repaired: list[str] = []
    with ledger.transaction():
        for label, sql in DANGLING:
            count = ledger.execute(sql).rowcount
            if count:
                repaired.append(f"{label}（{count}条）")
        for label, table, where in ORPHANS:
            count = tombstone_where(ledger, table, where, ())
            if count:
                repaired.append(f"{label}：标记为已删除（{count}条）")
        missing = ledger.query("SELECT id, name FROM members WHERE name_pinyin = '' AND name != ''")
        for row in missing:
            initials, full = name_keys(row["name"])
            if full:
                ledger.execute("UPDATE members SET name_initials = ?, name_pinyin = ? WHERE id = ?",
                               (initials, full, row["id"]))
        if missing and any(name_keys(r["name"])[1] for r in missing):
            repaired.append(f"补全姓名拼音（{len(missing)}人）")
    remaining = problems(ledger, full=True)
    if any("完整性" in p for p in remaining):
        ledger.execute("REINDEX")
        repaired.append("重建索引")
        remaining = problems(ledger, full=True)
    return repaired, remaining
