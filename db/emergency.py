"""平急两用: the call sheet for a grid subtree.

Per cell (单元, or any node where members live directly): its leader and the leaders above
it, the members who live there with phone, posts and specialties, and the reporting units
paired with its 小区. Phones are in full by default (a sheet to call from; printing it is
audited by desktop.cards.reports), masked (139****5678) on request. A 网格员's sheet stays
within their grid: a node above or beside it gives their own grid's sheet, and the phones of
leaders and units above their grid are masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import access
from .grid import LEADER_TITLES, SUBTREE_CTE
from .ledger import Ledger
from .validate import mask_phone


@dataclass
class CallCell:
    node_id: int
    path: str  # 杨树小区 3号楼 1单元
    leader: str  # 单元长 张三 138****8000
    above: list[str] = field(default_factory=list)  # 楼院长, 小区临时党支部书记
    members: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)


def _leader(node: dict[str, Any], phone) -> str:
    if not node["leader_name"]:
        return ""
    title = LEADER_TITLES.get(node["level"], "负责人")
    tel = phone(node["leader_phone"], node["id"])
    return f"{title}{node['leader_name']}" + (f" {tel}" if tel else "")


def scope(ledger: Ledger, node_id: int) -> tuple[int, set[int] | None]:
    """The node whose sheet this user may have, and the nodes whose phones they may see in
    full (None: all). A 网格员 asking for a node outside their grid gets their own grid."""
    actor = access.actor_of(ledger)
    if actor is None or actor.full_access:
        return node_id, None
    mine = {r[0] for r in ledger.conn.execute("SELECT id FROM temp.scope_nodes")}
    if node_id not in mine and actor.node_id is not None:
        node_id = actor.node_id
    return node_id, mine


def call_sheet(ledger: Ledger, node_id: int, full_phones: bool = True) -> list[CallCell]:
    node_id, mine = scope(ledger, node_id)

    def phone(p: str, at: int | None = None) -> str:
        full = full_phones and (mine is None or at is None or at in mine)
        return (p or "") if full else (mask_phone(p) if p else "")

    nodes = {n["id"]: n for n in ledger.query("SELECT * FROM grid_nodes WHERE deleted = 0")}
    inside = [r[0] for r in ledger.conn.execute(SUBTREE_CTE + " SELECT id FROM sub", (node_id,))]
    members = ledger.query(
        SUBTREE_CTE + " SELECT m.id, m.name, m.room, m.mobile, m.specialties, m.residence_node_id "
        "AS node, coalesce(u.name, m.work_unit_name) AS org, (SELECT group_concat(DISTINCT p.name) "
        "FROM post_claims c JOIN posts p ON p.id = c.post_id WHERE c.member_id = m.id "
        "AND c.deleted = 0 AND c.released_date = '' AND p.deleted = 0) AS posts FROM members m "
        "LEFT JOIN units u ON u.id = m.work_unit_id WHERE m.deleted = 0 AND m.status = '在册' "
        "AND m.residence_node_id IN (SELECT id FROM sub) ORDER BY m.room, m.name_pinyin, m.id",
        (node_id,))
    by_node: dict[int, list[dict[str, Any]]] = {}
    for m in members:
        m["phone"] = phone(m.pop("mobile"))
        m["posts"] = (m["posts"] or "").replace(",", "、")
        by_node.setdefault(m["node"], []).append(m)
    units: dict[int, list[dict[str, Any]]] = {}
    for u in ledger.query("SELECT id, name, contact_name, contact_phone, paired_node_id FROM units "
                          "WHERE deleted = 0 AND status = '在册' AND paired_node_id IS NOT NULL "
                          "ORDER BY name_initials, id"):
        units.setdefault(u["paired_node_id"], []).append(
            {"name": u["name"], "contact": u["contact_name"],
             "phone": phone(u["contact_phone"], u["paired_node_id"])})
    cells = [n for n in inside if n in nodes and (nodes[n]["level"] == 5 or n in by_node)]

    def chain(nid: int) -> list[dict[str, Any]]:
        out, cur = [], nodes.get(nid)
        while cur is not None and cur["level"] >= 3:
            out.append(cur)
            cur = nodes.get(cur["parent_id"])
        return out  # the cell first, up to its 小区

    def order(nid: int) -> list[tuple[int, int]]:
        return [(n["sort_order"], n["id"]) for n in reversed(chain(nid))]

    sheet = []
    for nid in sorted(cells, key=order):
        up = chain(nid)
        cell = CallCell(nid, " ".join(n["name"] for n in reversed(up)) or nodes[nid]["name"],
                        _leader(nodes[nid], phone))
        cell.above = [t for t in (_leader(n, phone) for n in up[1:]) if t]
        cell.members = by_node.get(nid, [])
        for n in up:
            cell.units += units.get(n["id"], [])
        sheet.append(cell)
    return sheet


def rows(sheet: list[CallCell]) -> list[list[str]]:
    """Flat rows for a spreadsheet: one per member (a cell without members still gets one)."""
    out = []
    for cell in sheet:
        leaders = "；".join([cell.leader, *cell.above]) if cell.leader else "；".join(cell.above)
        units = "；".join(f"{u['name']}（{u['contact']} {u['phone']}）".replace("（ ）", "")
                         for u in cell.units)
        if not cell.members:
            out.append([cell.path, leaders, "", "", "", "", "", units])
        for m in cell.members:
            out.append([cell.path, leaders, m["name"], m["room"], m["phone"], m["posts"],
                        m["specialties"], units])
    return out


HEADERS = ("网格单元", "负责人", "党员", "房号", "电话", "认领岗位", "特长", "包联单位")
