"""What an exchange file carries: for whom, since when, and which rows (a grid subtree, or a
street's part for one of its communities, closed over references).

A file for an office carries the rows changed since what that office acknowledged (their
`seq` above its mark), less the rows whose current version came from that office's own files
(`via`): nothing is marked as sent when a file is written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from db import merge, settings
from db.errors import NotFoundError
from db.ledger import Ledger

from . import schema


def grid_selection(ledger: Ledger, node_id: int | None) -> dict[str, set[int]] | None:
    """Row ids per table for a grid subtree, closed over references; None means everything."""
    if node_id is None:
        return None
    return _close(ledger, _subtree(ledger, node_id))


def _subtree(ledger: Ledger, node_id: int) -> dict[str, set[int]]:
    from db.grid import SUBTREE_CTE, get_node

    get_node(ledger, node_id)

    def ids(sql: str, *params: Any) -> set[int]:
        return {r[0] for r in ledger.conn.execute(sql, params) if r[0] is not None}

    def inn(values: set[int]) -> str:
        return json.dumps(sorted(values))

    sub = ids(f"{SUBTREE_CTE} SELECT id FROM sub", node_id)
    subj = inn(sub)
    inside = "IN (SELECT value FROM json_each(?))"
    sel: dict[str, set[int]] = {t: set() for t in schema.TABLE_LABELS}
    sel["grid_nodes"] = set(sub)
    sel["members"] = ids(f"SELECT id FROM members WHERE residence_node_id {inside}", subj)
    mem = inn(sel["members"])
    sel["units"] = ids(f"SELECT id FROM units WHERE paired_node_id {inside}", subj)
    sel["posts"] = ids(f"SELECT id FROM posts WHERE node_id {inside}", subj)
    sel["post_claims"] = ids(f"SELECT id FROM post_claims WHERE member_id {inside}", mem)
    sel["orders"] = ids(f"SELECT id FROM orders WHERE node_id {inside} "
                        f"OR assignee_member_id {inside}", subj, mem)
    sel["activities"] = ids(
        f"SELECT id FROM activities WHERE node_id {inside} UNION SELECT activity_id FROM "
        f"activity_participants WHERE member_id {inside}", subj, mem)
    unitj = inn(sel["units"])
    sel["activity_participants"] = ids(
        f"SELECT id FROM activity_participants WHERE activity_id {inside} AND "
        f"(member_id {inside} OR unit_id {inside})", inn(sel["activities"]), mem, unitj)
    sel["unit_items"] = ids(f"SELECT id FROM unit_items WHERE unit_id {inside}", unitj)
    sel["meeting_attendees"] = ids(
        f"SELECT id FROM meeting_attendees WHERE unit_id {inside}", unitj)
    sel["points_entries"] = ids(f"SELECT id FROM points_entries WHERE member_id {inside} "
                                f"OR unit_id {inside}", mem, unitj)
    sel["evaluations"] = ids(f"SELECT id FROM evaluations WHERE member_id {inside} "
                             f"OR unit_id {inside}", mem, unitj)
    # the paper trail (migration 0008): the sign-in sheets of the activities there, and the
    # certificates of the members there
    sel["signin_sheets"] = ids(f"SELECT id FROM signin_sheets WHERE activity_id {inside}",
                               inn(sel["activities"]))
    sel["certificates"] = ids(f"SELECT id FROM certificates WHERE member_id {inside}", mem)
    # 培训, 表彰奖励 and 一联一帮走访 (migration 0010) of the members there
    for table in ("trainings", "awards", "household_visits"):
        sel[table] = ids(f"SELECT id FROM {table} WHERE member_id {inside}", mem)
    # migration 0009: the 回执 of its members and units, the 公示 of its nodes and their
    # objections against its members and units
    sel["receipts"] = ids(f"SELECT id FROM receipts WHERE member_id {inside} "
                          f"OR unit_id {inside}", mem, unitj)
    sel["notices"] = ids(f"SELECT id FROM notices WHERE node_id {inside}", subj)
    sel["notice_objections"] = ids(
        f"SELECT id FROM notice_objections WHERE notice_id {inside} AND "
        f"(member_id {inside} OR unit_id {inside})", inn(sel["notices"]), mem, unitj)
    return sel


def _street_part(ledger: Ledger, node_id: int) -> dict[str, set[int]]:
    """A street's part for one of its communities: that community's subtree (members, units
    paired there, their records) and the street-wide records (posts, orders and activities
    under no community, the points shop), never another community's members."""
    sel = _subtree(ledger, node_id)
    street = [r[0] for r in ledger.conn.execute("SELECT id FROM grid_nodes WHERE level = 1")]
    marks = ",".join("?" * len(street)) or "NULL"
    for table in ("posts", "orders", "activities"):
        sel[table] |= {r[0] for r in ledger.conn.execute(
            f"SELECT id FROM {table} WHERE node_id IS NULL OR node_id IN ({marks})", street)}
    sel["reward_items"] |= {r[0] for r in ledger.conn.execute("SELECT id FROM reward_items")}
    return _close(ledger, sel)


def _close(ledger: Ledger, sel: dict[str, set[int]]) -> dict[str, set[int]]:
    def ids(sql: str, *params: Any) -> set[int]:
        return {r[0] for r in ledger.conn.execute(sql, params) if r[0] is not None}

    inside = "IN (SELECT value FROM json_each(?))"
    # Close over references so every UUID in the file names a row the file (or, for the
    # receiver, its own ledger) holds: a member's work unit, a node's ancestors, ...
    fks = {t: [(r[3], r[2]) for r in ledger.conn.execute(f"PRAGMA foreign_key_list({t})")]
           for t in sel}
    changed = True
    while changed:
        changed = False
        for table, refs in fks.items():
            for column, target in refs:
                if target not in sel or not sel[table]:
                    continue
                found = ids(f"SELECT DISTINCT {column} FROM {table} WHERE id {inside}",
                            json.dumps(sorted(sel[table])))
                if not found <= sel[target]:
                    sel[target] |= found
                    changed = True
    return sel


def where(sel: dict[str, set[int]] | None, table: str,
           scope: Scope | None = None) -> tuple[str, tuple[Any, ...]]:
    parts: list[str] = []
    params: list[Any] = []
    if sel is not None:
        parts.append("id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(sel[table])))
    if scope is not None and scope.since:
        # what the receiver has not acknowledged, less what came from its own files
        parts.append("seq > ? AND (via IS NULL OR via != ?)")
        params += [scope.since, scope.office]
    return " AND ".join(parts) or "1", tuple(params)


@dataclass
class Scope:
    """Whom a file is for and what it carries."""
    office: str = ""  # the receiver's uuid ("" unknown)
    name: str = ""  # the receiver as its files name it
    since: int = 0  # our tick the receiver acknowledged: only later changes go (0: all)
    node_id: int | None = None  # one grid subtree only
    street_part: bool = False  # node_id is the receiver's community in a street ledger
    label: str = "全部"  # 导出范围 as the file's 说明 says it

    @property
    def incremental(self) -> bool:
        return self.since > 0


def scope_for(ledger: Ledger, office: str | None = None, full: bool = False,
              grid_node: int | None = None) -> Scope:
    """What a file for `office` (uuid, name or community; None: nobody in particular)
    carries: only what that office has not acknowledged, unless nothing is known of it or
    `full`; a street's file for one of its communities, that community's part only."""
    scope = Scope()
    if office:
        peer = merge.find_peer(ledger, office)
        if peer is None:
            raise NotFoundError(f"不认识“{office}”：还没有导入过它的文件。可以先不指定接收单位，"
                                "导出全量文件发给它（baodao offices 列出已知的单位）")
        scope.office, scope.name = peer["office"], peer["name"] or peer["community"]
        if not full:
            scope.since = int(peer["acked_seq"])
        # a street office's ledger (no community of its own) sends each community its part
        street_office = not settings.identity(ledger)["community"]
        match = [r[0] for r in ledger.conn.execute(
            "SELECT id FROM grid_nodes WHERE level = 2 AND deleted = 0 AND name = ?",
            (peer["community"],))] if street_office and peer["community"] else []
        if grid_node is None and match:
            scope.node_id, scope.street_part = match[0], True
            scope.label = f"社区“{peer['community']}”的部分"
    if grid_node is not None:
        node = ledger.one("SELECT name FROM grid_nodes WHERE id = ?", (grid_node,))
        scope.node_id, scope.street_part = grid_node, False
        scope.label = f"网格“{node['name'] if node else grid_node}”及其下级"
    return scope


def selection(ledger: Ledger, scope: Scope) -> dict[str, set[int]] | None:
    if scope.node_id is None:
        return None
    if scope.street_part:
        return _street_part(ledger, scope.node_id)
    return grid_selection(ledger, scope.node_id)


def pending_changes(ledger: Ledger, scope: Scope) -> int:
    """Rows a file with this scope carries: for the UI's "自上次以来的 N 条变更"."""
    sel = selection(ledger, scope)
    total = 0
    for table in schema.TABLE_LABELS:
        clause, params = where(sel, table, scope)
        total += int(ledger.scalar(f"SELECT count(*) FROM {table} WHERE {clause}", params))
    return total
