"""The five-level grid: 街道党工委 → 社区党组织 → 小区 → 楼院 → 单元."""

from __future__ import annotations

from typing import Any

from . import audit, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .validate import clean, normalize_phone, required

LEVEL_NAMES = {1: "街道党工委", 2: "社区党组织", 3: "小区", 4: "楼院", 5: "单元"}
LEADER_TITLES = {1: "书记", 2: "书记", 3: "临时党支部书记", 4: "楼院长", 5: "单元长"}
EDITABLE = ("name", "code", "leader_name", "leader_phone", "leader_member_id", "branch_name",
            "sort_order", "note")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = required(out["name"], "name", "网格名称")
    for key in ("code", "leader_name", "branch_name", "note"):
        if key in out:
            out[key] = clean(out[key])
    if "leader_phone" in out:
        out["leader_phone"] = normalize_phone(out["leader_phone"], "leader_phone", "负责人电话")
    return out


def get_node(ledger: Ledger, node_id: int) -> dict[str, Any]:
    return records.get(ledger, "grid_nodes", node_id)


def add_node(ledger: Ledger, parent_id: int | None, name: str, **fields: Any) -> int:
    """Add a node under parent (a root is level 1). Its level is the parent's plus one."""
    records.only_known(fields, EDITABLE)
    with ledger.transaction():
        if parent_id is None:
            level = 1
        else:
            parent = get_node(ledger, parent_id)
            if parent["level"] >= 5:
                raise RuleError("单元是网格的最末一级，不能再添加下级")
            level = parent["level"] + 1
        values = _clean({"name": name, **fields})
        _check_sibling_name(ledger, parent_id, values["name"], None)
        if "sort_order" not in values:
            values["sort_order"] = (ledger.scalar(
                "SELECT coalesce(max(sort_order), 0) + 1 FROM grid_nodes "
                "WHERE parent_id IS ? AND deleted = 0", (parent_id,)) or 1)
        return records.insert(ledger, "grid_nodes",
                              {"parent_id": parent_id, "level": level, **values})


def _check_sibling_name(ledger: Ledger, parent_id: int | None, name: str,
                        node_id: int | None) -> None:
    clash = ledger.scalar(
        "SELECT id FROM grid_nodes WHERE parent_id IS ? AND name = ? AND deleted = 0 "
        "AND id IS NOT ?", (parent_id, name, node_id))
    if clash:
        raise ValidationError("name", "网格名称", f"同一上级下已有名为“{name}”的网格")


def update_node(ledger: Ledger, node_id: int, **changes: Any) -> bool:
    records.only_known(changes, EDITABLE)
    with ledger.transaction():
        node = get_node(ledger, node_id)
        values = _clean(changes)
        if "name" in values:
            _check_sibling_name(ledger, node["parent_id"], values["name"], node_id)
        return records.update(ledger, "grid_nodes", node_id, values)


def subtree_ids(ledger: Ledger, node_id: int) -> list[int]:
    """The node and all its live descendants."""
    rows = ledger.conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL "
        "SELECT g.id FROM grid_nodes g JOIN sub ON g.parent_id = sub.id WHERE g.deleted = 0) "
        "SELECT id FROM sub", (node_id,)).fetchall()
    return [r[0] for r in rows]


SUBTREE_CTE = ("WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT g.id FROM grid_nodes g "
               "JOIN sub ON g.parent_id = sub.id WHERE g.deleted = 0)")


def move_node(ledger: Ledger, node_id: int, new_parent_id: int) -> None:
    """Move a node (with its subtree) under another node one level up."""
    with ledger.transaction():
        node = get_node(ledger, node_id)
        parent = get_node(ledger, new_parent_id)
        if new_parent_id in subtree_ids(ledger, node_id):
            raise RuleError(f"不能把“{node['name']}”移到它自己或它的下级之下")
        if parent["level"] != node["level"] - 1:
            raise RuleError(
                f"“{node['name']}”是{LEVEL_NAMES[node['level']]}，只能放在"
                f"{LEVEL_NAMES.get(node['level'] - 1, '顶层')}之下，"
                f"不能放在{LEVEL_NAMES[parent['level']]}“{parent['name']}”之下")
        if node["parent_id"] == new_parent_id:
            return
        _check_sibling_name(ledger, new_parent_id, node["name"], node_id)
        records.update(ledger, "grid_nodes", node_id, {"parent_id": new_parent_id})


def delete_node(ledger: Ledger, node_id: int) -> None:
    with ledger.transaction():
        node = get_node(ledger, node_id)
        children = ledger.scalar(
            "SELECT count(*) FROM grid_nodes WHERE parent_id = ? AND deleted = 0", (node_id,))
        if children:
            raise RuleError(f"“{node['name']}”下还有{children}个下级网格，请先删除或移走下级网格")
        members = ledger.scalar(
            "SELECT count(*) FROM members WHERE residence_node_id = ? AND deleted = 0 "
            "AND status = '在册'", (node_id,))
        if members:
            raise RuleError(f"“{node['name']}”下还居住着{members}名在册党员，请先调整他们的居住网格")
        units = ledger.scalar(
            "SELECT count(*) FROM units WHERE paired_node_id = ? AND deleted = 0", (node_id,))
        if units:
            raise RuleError(f"“{node['name']}”还是{units}个报到单位的包联小区，请先改为其他小区")
        records.tombstone(ledger, "grid_nodes", node_id)
        audit.record(ledger, "删除", f"网格 {node['name']}")


def list_nodes(ledger: Ledger) -> list[dict[str, Any]]:
    """Every live node, parents before children, siblings in their order."""
    return ledger.query(
        "SELECT * FROM grid_nodes WHERE deleted = 0 ORDER BY level, parent_id, sort_order, id")


def children(ledger: Ledger, parent_id: int | None) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT * FROM grid_nodes WHERE parent_id IS ? AND deleted = 0 ORDER BY sort_order, id",
        (parent_id,))


def path_names(ledger: Ledger, node_id: int | None) -> list[str]:
    """Names from the root down to the node."""
    if node_id is None:
        return []
    rows = ledger.conn.execute(
        "WITH RECURSIVE up(id, parent_id, name, level) AS ("
        " SELECT id, parent_id, name, level FROM grid_nodes WHERE id = ? UNION ALL"
        " SELECT g.id, g.parent_id, g.name, g.level FROM grid_nodes g JOIN up ON g.id = up.parent_id)"
        " SELECT name FROM up ORDER BY level", (node_id,)).fetchall()
    return [r[0] for r in rows]


def path_text(ledger: Ledger, node_id: int | None, skip_levels: int = 0) -> str:
    return "".join(path_names(ledger, node_id)[skip_levels:])


def member_counts(ledger: Ledger) -> dict[int, int]:
    """Live members living directly in each node (the UI sums subtrees)."""
    rows = ledger.conn.execute(
        "SELECT residence_node_id, count(*) FROM members WHERE deleted = 0 AND status = '在册' "
        "AND residence_node_id IS NOT NULL GROUP BY residence_node_id").fetchall()
    return {r[0]: r[1] for r in rows}


def subtree_member_counts(ledger: Ledger) -> dict[int, int]:
    """Live members living anywhere under each node."""
    direct = member_counts(ledger)
    parents = dict(ledger.conn.execute(
        "SELECT id, parent_id FROM grid_nodes WHERE deleted = 0").fetchall())
    totals: dict[int, int] = dict.fromkeys(parents, 0)
    for node_id, count in direct.items():
        current: int | None = node_id
        seen = 0
        while current is not None and current in totals and seen < 10:
            totals[current] += count
            current = parents.get(current)
            seen += 1
    return totals


def find_node(ledger: Ledger, path: str) -> dict[str, Any] | None:
    """A node by id, by its name if unique, or by a '/'-separated path of names."""
    text = path.strip()
    if text.isdigit():
        row = ledger.one("SELECT * FROM grid_nodes WHERE id = ? AND deleted = 0", (int(text),))
        if row:
            return row
    parts = [p for p in text.replace("\\", "/").split("/") if p]
    candidates = ledger.query(
        "SELECT * FROM grid_nodes WHERE name = ? AND deleted = 0", (parts[-1],)) if parts else []
    matches = [c for c in candidates
               if path_names(ledger, c["id"])[-len(parts):] == parts]
    return matches[0] if len(matches) == 1 else None


def resolve_node(ledger: Ledger, text: str) -> int:
    """The node a command's --grid names (an id, a unique name or a path of names): the one
    resolver of every command. A name several nodes carry is refused with their paths."""
    node = find_node(ledger, text)
    if node is not None:
        return int(node["id"])
    parts = [p for p in text.strip().replace("\\", "/").split("/") if p]
    same = ledger.query("SELECT id FROM grid_nodes WHERE name = ? AND deleted = 0 ORDER BY id",
                        (parts[-1],)) if parts else []
    fitting = [r["id"] for r in same if path_names(ledger, r["id"])[-len(parts):] == parts]
    if len(fitting) > 1:
        paths = "、".join("/".join(path_names(ledger, i)[1:]) for i in fitting[:5])
        raise ValidationError("grid", "网格", f"“{text}”有{len(fitting)}个同名网格（{paths}），"
                              "请写出上级，如“杨树小区/3号楼”，或写编号")
    raise ValidationError("grid", "网格", f"找不到网格“{text}”（可写编号、名称或“小区/楼院”路径）")


def _state(ledger: Ledger) -> tuple[Any, ...]:
    """Changes whenever the ledger may have changed: any synced write here takes a tick, a
    commit by another connection moves data_version; and the scope the rows are read in."""
    tick = ledger.scalar("SELECT tick FROM main.sync_clock")
    return (tick, ledger.scalar("PRAGMA data_version"), ledger.actor)


def choices(ledger: Ledger, levels: tuple[int, ...]) -> list[tuple[str, int]]:
    """(label, id) for every live node of the given levels, labelled by its path below the
    community (or below the street when the ledger holds several communities). The labels are
    kept on the connection until the ledger changes: a city's 报表 page and dialogs ask for
    thousands of them several times over."""
    key = _state(ledger)
    cache = ledger.__dict__.setdefault("_grid_labels", {})
    if key not in cache:
        cache.clear()
        cache[key] = _labels(ledger)
    return [(label, node_id) for label, node_id, level in cache[key] if level in levels]


def _labels(ledger: Ledger) -> list[tuple[str, int, int]]:
    """(label, id, level) of every live node, sorted by label."""
    nodes = {row[0]: {"id": row[0], "parent_id": row[1], "level": row[2], "name": row[3]}
             for row in ledger.conn.execute(
                 "SELECT id, parent_id, level, name FROM grid_nodes WHERE deleted = 0")}
    communities = sum(1 for n in nodes.values() if n["level"] == 2)
    top = 2 if communities <= 1 else 1

    def label(node_id: int) -> str:
        parts = []
        current = nodes.get(node_id)
        while current is not None and current["level"] > top:
            parts.append(current["name"])
            current = nodes.get(current["parent_id"])
        return "".join(reversed(parts)) or nodes[node_id]["name"]

    return sorted(((label(n["id"]), n["id"], n["level"]) for n in nodes.values()),
                  key=lambda item: item[0])
