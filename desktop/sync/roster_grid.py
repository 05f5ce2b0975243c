"""Where a roster row lives in the grid: its 居住小区/楼栋/单元 cells matched to the ledger's
nodes, to the nodes its 网格 sheet adds, or (when the user asks for it) to nodes created for
it. A new ledger's grid is often empty on the day the first roster arrives; the 小区, 楼院 and
单元 the roster names can then be created with the import, listed in the preview first.

Nothing here writes: new nodes go into a db.gridbatch plan that the import creates in its own
transaction."""

from __future__ import annotations

import re
from typing import Any

from db import grid
from db.gridbatch import GridPlan, PlanItem
from db.ledger import Ledger
from db.validate import nfkc

Key = int | tuple[str, int]  # an existing node id, or ("ref", index into the plan)
CREATE_HINT = "可勾选“新建花名册中缺少的网格”一并建立"


def _norm(text: str) -> str:
    return nfkc(text).replace(" ", "")


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _norm(str(value))


class Residences:
    def __init__(self, ledger: Ledger, plan: GridPlan | None, create_missing: bool):
        self.plan = plan if plan is not None else GridPlan()
        self.create_missing = create_missing
        self.lookup: dict[tuple[Key | None, str], Key] = {}
        self.nodes: dict[int, tuple[int | None, int, str]] = {}
        for node_id, parent, level, name in ledger.conn.execute(
                "SELECT id, parent_id, level, name FROM grid_nodes WHERE deleted = 0"):
            self.nodes[node_id] = (parent, level, name)
            if level >= 3:
                self.lookup[(parent if level > 3 else None, _norm(name))] = node_id
        for index, item in enumerate(self.plan.items):
            if item.existing_id is None:
                above: Key | None = None if item.level == 3 else (
                    item.parent_id if item.parent_ref is None else ("ref", item.parent_ref))
                self.lookup[(above, _norm(item.name))] = ("ref", index)
        communities = [r[0] for r in ledger.conn.execute(
            "SELECT id FROM grid_nodes WHERE level = 2 AND deleted = 0")]
        self.community = communities[0] if len(communities) == 1 else None
        self.created: list[int] = []  # plan indexes this roster added
        self.users: dict[int, int] = {}  # plan index -> rows living there (or below)

    def _find(self, parent: Key | None, text: str, suffixes: tuple[str, ...]) -> Key | None:
        bare = re.sub(r"(号楼|号院|栋|幢|楼|单元)$", "", text)
        for candidate in (text, *(bare + s for s in suffixes)):
            if (parent, candidate) in self.lookup:
                return self.lookup[(parent, candidate)]
        return None

    def _new(self, parent: Key | None, level: int, name: str) -> Key:
        if parent is None:
            parent_id, parent_ref, path = self.community, None, name
        elif isinstance(parent, tuple):
            parent_id, parent_ref = None, parent[1]
            path = f"{self.plan.items[parent[1]].path}/{name}"
        else:
            parent_id, parent_ref = parent, None
            path = f"{self._path(parent)}/{name}"
        self.plan.items.append(PlanItem(level, name, path, parent_id=parent_id,
                                        parent_ref=parent_ref))
        index = len(self.plan.items) - 1
        self.created.append(index)
        self.lookup[(parent, _norm(name))] = ("ref", index)
        return ("ref", index)

    def _path(self, node_id: int) -> str:
        """Names below the community, from one read of the grid (no query per row)."""
        names: list[str] = []
        current: int | None = node_id
        while current in self.nodes and self.nodes[current][1] >= 3 and len(names) < 10:
            parent, _level, name = self.nodes[current]
            names.append(name)
            current = parent
        return "/".join(reversed(names))

    def resolve(self, cells: dict[str, Any]) -> tuple[Key | None, list[tuple[str, str]]]:
        """The node a row lives in (None: no residence given) and why it cannot be found."""
        compound = _norm(str(cells.get("compound") or ""))
        building, unit_no = cells.get("building"), cells.get("unit_no")
        if not compound:
            return None, []
        node = self._find(None, compound, ("小区",))
        if node is None and not self.create_missing:
            return None, [("compound", f"本台账的网格中没有小区“{compound}”，{CREATE_HINT}")]
        if node is None and self.community is None:
            return None, [("compound", f"本台账的网格中没有小区“{compound}”；台账中有多个社区，"
                                       "请先在网格中建好这个小区")]
        if building in (None, ""):
            return None, [("building", "有小区但没有楼栋，无法确定居住网格（应到楼院或单元）")]
        btext = _number_text(building)
        b = self._find(node, btext, ("号楼", "栋", "幢", "号院", "")) if node is not None else None
        if b is None and not self.create_missing:
            return None, [("building", f"小区“{compound}”下没有楼栋“{btext}”，{CREATE_HINT}")]
        utext = _number_text(unit_no) if unit_no not in (None, "") else ""
        u = self._find(b, utext, ("单元", "")) if utext and b is not None else None
        if utext and u is None and not self.create_missing:
            return None, [("unit_no", f"楼栋“{btext}”下没有“{utext}”单元，{CREATE_HINT}")]
        # Create what is missing, top down (only now: a row refused above creates nothing).
        if node is None:
            node = self._new(None, 3, compound)
        if b is None:
            b = self._new(node, 4, btext + "号楼" if btext.isdigit() else btext)
        if utext and u is None:
            u = self._new(b, 5, utext + "单元" if utext.isdigit() else utext)
        found = u if utext else b
        for key in (node, b, u):
            if isinstance(key, tuple) and key[1] in self.created:
                self.users[key[1]] = self.users.get(key[1], 0) + 1
        return found, []

    def new_nodes(self) -> list[tuple[str, str, int]]:
        """(level name, path, rows living there or below) for every node this roster adds."""
        return [(grid.LEVEL_NAMES[self.plan.items[i].level], self.plan.items[i].path,
                 self.users.get(i, 0)) for i in self.created]
