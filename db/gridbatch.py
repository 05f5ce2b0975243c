"""Many grid nodes at once: a numbered range under one node (1–12号楼, each with 1–4单元), or
rows of 级别/名称/上级/负责人/电话 pasted from Excel or read from a 网格 sheet.

Both are planned first, with nothing written: every node that will be created, every one that
already exists (its leader updated when the row gives a new one), and for rows every reason a
row cannot be taken, by row and column. `create` then writes the plan in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import grid
from .errors import LedgerError, ValidationError
from .ledger import Ledger
from .validate import nfkc, normalize_phone

MAX_NODES = 3000  # one batch; a whole district's 单元 come to about this
MAX_NAME = 40
GRID_SHEET = "网格"
GRID_HEADERS = ("级别", "名称", "上级", "负责人", "电话")
FIELDS = ("level", "name", "parent", "leader_name", "leader_phone")
HEADER_WORDS = {
    "level": ("级别", "层级", "网格级别", "类型"),
    "name": ("名称", "网格名称", "名字"),
    "parent": ("上级", "上级网格", "所属", "所属上级", "上级名称"),
    "leader_name": ("负责人", "负责人姓名", "楼院长", "单元长", "书记", "网格长"),
    "leader_phone": ("电话", "联系电话", "负责人电话", "手机", "手机号码"),
}
LEVEL_WORDS = {"小区": 3, "楼院": 4, "楼栋": 4, "楼": 4, "单元": 5, "3": 3, "4": 4, "5": 5,
               "小区临时党支部": 3, "楼院长": 4, "单元长": 5}
PATH_SPLIT = re.compile(r"\s*[/／\\>＞]\s*")


@dataclass
class PlanItem:
    level: int
    name: str
    path: str  # below the community, for the preview: 杨树小区/3号楼/1单元
    parent_id: int | None = None  # an existing parent ...
    parent_ref: int | None = None  # ... or an earlier item of the plan
    existing_id: int | None = None  # the node is there already
    leader_name: str = ""
    leader_phone: str = ""
    changes: dict[str, str] = field(default_factory=dict)  # on an existing node
    row: int | None = None

    @property
    def action(self) -> str:
        if self.existing_id is None:
            return "新建"
        return "更新负责人" if self.changes else "已有"


@dataclass
class RowIssue:
    sheet: str
    row: int
    column: str
    reason: str

    def line(self) -> str:
        column = f"“{self.column}”列" if self.column else ""
        return f"“{self.sheet}”第{self.row}行{column}：{self.reason}"


@dataclass
class GridPlan:
    items: list[PlanItem] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    rows: int = 0  # data rows read (rows input)

    def count(self, action: str, level: int | None = None) -> int:
        return sum(1 for i in self.items
                   if i.action == action and (level is None or i.level == level))

    def summary(self) -> str:
        parts = [f"{self.count('新建', lv)}个{grid.LEVEL_NAMES[lv]}" for lv in (3, 4, 5)
                 if self.count("新建", lv)]
        text = "将新建" + "、".join(parts) if parts else "没有要新建的网格"
        if self.count("更新负责人"):
            text += f"，更新{self.count('更新负责人')}个网格的负责人"
        if self.count("已有"):
            text += f"，{self.count('已有')}个已有（不重复创建）"
        if self.issues:
            text += f"；{len({i.row for i in self.issues})}行有问题，不会导入"
        return text

    @property
    def writes(self) -> int:
        return sum(1 for i in self.items if i.action != "已有")


# -- numbered ranges ---------------------------------------------------------------------------

def numbered(prefix: str, start: int, end: int, suffix: str) -> list[str]:
    """prefix + n + suffix for n from start to end: ("", 1, 12, "号楼") -> 1号楼 … 12号楼."""
    if start < 0 or end < start:
        raise ValidationError("range", "序号", "起始序号应不大于结束序号")
    if end - start + 1 > MAX_NODES:
        raise ValidationError("range", "序号", f"一次最多{MAX_NODES}个")
    return [f"{prefix.strip()}{n}{suffix.strip()}" for n in range(start, end + 1)]


def split_names(text: str) -> list[str]:
    """Names typed one a line, or separated by 、，, ; blanks dropped, order kept."""
    return [part.strip() for part in re.split(r"[\n\r、，,；;]+", text) if part.strip()]


def _below_community(ledger: Ledger, node_id: int) -> list[str]:
    names = grid.path_names(ledger, node_id)
    return names[2:] if len(names) > 2 else names[-1:]


def batch_plan(ledger: Ledger, parent_id: int, names: list[str],
               child_names: list[str] | None = None) -> GridPlan:
    """Nodes named `names` under parent, each with children `child_names`; those already
    there are kept (their missing children are still created)."""
    parent = grid.get_node(ledger, parent_id)
    plan = GridPlan()
    if parent["level"] >= 5 or (child_names and parent["level"] >= 4):
        raise LedgerError("单元是网格的最末一级，不能再添加下级")
    level = parent["level"] + 1
    total = len(names) * (1 + len(child_names or []))
    if total > MAX_NODES:
        raise LedgerError(f"一次最多添加{MAX_NODES}个网格，这里有{total}个，请分几次添加")
    base = "/".join(_below_community(ledger, parent_id)) if parent["level"] >= 3 else ""
    existing = {n["name"]: n for n in grid.children(ledger, parent_id)}
    seen: set[str] = set()
    for raw in names:
        name = _name_or_error(raw)
        if name in seen:
            continue
        seen.add(name)
        path = f"{base}/{name}" if base else name
        item = _kept(PlanItem(level, name, path, parent_id=parent_id), existing.get(name))
        plan.items.append(item)
        ref = len(plan.items) - 1
        kids = ({n["name"]: n for n in grid.children(ledger, item.existing_id)}
                if item.existing_id else {})
        for child_raw in dict.fromkeys(child_names or []):
            child = _name_or_error(child_raw)
            plan.items.append(_kept(PlanItem(level + 1, child, f"{path}/{child}",
                                             parent_ref=ref), kids.get(child)))
    return plan


def _kept(item: PlanItem, node: dict[str, Any] | None) -> PlanItem:
    """The item is a node already there: shown with its leader, left as it is."""
    if node is not None:
        item.existing_id = node["id"]
        item.leader_name, item.leader_phone = node["leader_name"] or "", node["leader_phone"] or ""
    return item


def _name_or_error(raw: str) -> str:
    name = nfkc(str(raw)).strip()
    if not name:
        raise ValidationError("name", "网格名称", "不能为空")
    if len(name) > MAX_NAME:
        raise ValidationError("name", "网格名称", f"“{name[:10]}…”超过{MAX_NAME}个字")
    return name


def create(ledger: Ledger, plan: GridPlan) -> list[int]:
    """Write the plan in one transaction (all or nothing); returns each item's node id."""
    ids: list[int] = []
    with ledger.transaction():
        for item in plan.items:
            parent = item.parent_id if item.parent_ref is None else ids[item.parent_ref]
            if item.existing_id is not None:
                node_id = item.existing_id
                if item.changes:
                    grid.update_node(ledger, node_id, **item.changes)
            else:
                leader = {k: v for k, v in (("leader_name", item.leader_name),
                                            ("leader_phone", item.leader_phone)) if v}
                node_id = grid.add_node(ledger, parent, item.name, **leader)
            ids.append(node_id)
    return ids


# -- rows (pasted from Excel, or a 网格 sheet) -------------------------------------------------

def _header_field(value: Any) -> str | None:
    text = re.sub(r"[\s*＊:：()（）]|必填|选填", "", nfkc(str(value or "")))
    return next((f for f, words in HEADER_WORDS.items() if text in words), None)


def parse_text(text: str) -> list[list[str]]:
    """Tab-separated rows as Excel and WPS put them on the clipboard (a cell holding a line
    break comes quoted)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")),
                        delimiter="\t", quotechar='"')
    return [row for row in reader]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return nfkc(str(value)).strip()


def plan_rows(ledger: Ledger, rows: list[list[Any]], sheet: str = "粘贴内容",
              first_row: int = 1) -> GridPlan:
    """Plan rows of 级别/名称/上级/负责人/电话 (a header row in any column order, or the
    columns in that order without one). rows[0] is row number first_row.

    上级 is a name or a path (杨树小区/3号楼); left blank it means the community for a 小区 and
    the nearest row above of the level above for a 楼院 or 单元. A row whose 上级 is a row that
    cannot be taken cannot be taken either."""
    plan = GridPlan()
    numbered_rows = [(first_row + i, [_cell(v) for v in r]) for i, r in enumerate(rows)]
    numbered_rows = [(n, r) for n, r in numbered_rows if any(r)]
    columns = {f: i for i, f in enumerate(FIELDS)}
    headers = dict(zip(FIELDS, GRID_HEADERS, strict=True))
    if numbered_rows:
        first = numbered_rows[0][1]
        found = {_header_field(v): i for i, v in reversed(list(enumerate(first)))}
        found.pop(None, None)
        if "name" in found and len(found) >= 2:
            columns = {f: i for f, i in found.items() if f is not None}
            headers = {f: first[i] for f, i in columns.items()}
            numbered_rows = numbered_rows[1:]
    if "level" not in columns:
        plan.issues.append(RowIssue(sheet, numbered_rows[0][0] - 1 if numbered_rows else 1,
                                    "级别", "缺少“级别”列（小区、楼院或单元）"))
        return plan
    plan.rows = len(numbered_rows)
    if plan.rows > MAX_NODES:
        plan.issues.append(RowIssue(sheet, first_row, "", f"一次最多{MAX_NODES}行，这里有"
                                    f"{plan.rows}行，请分几次导入"))
        return plan
    communities = ledger.query("SELECT id, name FROM grid_nodes WHERE level = 2 AND deleted = 0")
    _Rows(ledger, plan, sheet, columns, headers, communities).run(numbered_rows)
    return plan


class _Rows:
    """One pass over the rows; parents of a level are planned before the rows below them."""

    def __init__(self, ledger: Ledger, plan: GridPlan, sheet: str, columns: dict[str, int],
                 headers: dict[str, str], communities: list[dict[str, Any]]):
        self.ledger, self.plan, self.sheet = ledger, plan, sheet
        self.columns, self.headers, self.communities = columns, headers, communities
        # Every live node of levels 2-4 with its path of names below the street.
        nodes = {r[0]: (r[1], r[2], r[3]) for r in ledger.conn.execute(
            "SELECT id, parent_id, level, name FROM grid_nodes WHERE deleted = 0")}

        def path(node_id: int) -> list[str]:
            names: list[str] = []
            current: int | None = node_id
            while current in nodes and nodes[current][1] >= 2 and len(names) < 10:
                names.append(nodes[current][2])
                current = nodes[current][0]
            return names[::-1]

        self.existing: list[tuple[int, int, list[str]]] = [
            (node_id, level, path(node_id)) for node_id, (_p, level, _n) in nodes.items()
            if level >= 2]
        self.ref_of_row: dict[int, int] = {}  # row -> plan item
        self.bad_rows: set[int] = set()
        self.by_key: dict[tuple[Any, str], int] = {}  # (parent, name) -> row

    def get(self, row: list[str], key: str) -> str:
        index = self.columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    def problem(self, number: int, key: str, reason: str) -> None:
        self.plan.issues.append(RowIssue(self.sheet, number, self.headers.get(key, ""), reason))
        self.bad_rows.add(number)

    def run(self, rows: list[tuple[int, list[str]]]) -> None:
        levels: dict[int, int | None] = {}
        for number, row in rows:
            text = self.get(row, "level").replace("级", "") if self.get(row, "level") else ""
            level = LEVEL_WORDS.get(text) or LEVEL_WORDS.get(self.get(row, "level"))
            levels[number] = level
            if not self.get(row, "level"):
                self.problem(number, "level", "级别不能为空，应为小区、楼院或单元")
            elif level is None:
                self.problem(number, "level", f"级别“{self.get(row, 'level')}”无法识别，"
                             "应为小区、楼院或单元（街道和社区在“设置”中填写）")
        for level in (3, 4, 5):
            for position, (number, row) in enumerate(rows):
                if levels[number] == level:
                    self.plan_row(number, row, level, rows[:position], levels)

    def plan_row(self, number: int, row: list[str], level: int,
                 above: list[tuple[int, list[str]]], levels: dict[int, int | None]) -> None:
        name = self.get(row, "name")
        if not name:
            self.problem(number, "name", "名称不能为空")
        elif len(name) > MAX_NAME:
            self.problem(number, "name", f"名称超过{MAX_NAME}个字")
        phone = self.get(row, "leader_phone")
        if phone:
            try:
                phone = normalize_phone(phone, "leader_phone", "电话")
            except ValidationError as error:
                self.problem(number, "leader_phone", error.reason)
        parent = self.parent_of(number, row, level, above, levels)
        if number in self.bad_rows or parent is None:
            self.bad_rows.add(number)
            return
        kind, parent_key, parent_path = parent
        key = (parent_key, name)
        if key in self.by_key:
            self.problem(number, "name", f"与第{self.by_key[key]}行重复（同一上级下已有“{name}”）")
            return
        self.by_key[key] = number
        path = "/".join([*parent_path, name][1:]) if len(self.communities) <= 1 \
            else "/".join([*parent_path, name])
        item = PlanItem(level, name, path, leader_name=self.get(row, "leader_name"),
                        leader_phone=phone, row=number)
        if kind == "node":
            item.parent_id = parent_key
            node = self.ledger.one("SELECT * FROM grid_nodes WHERE parent_id = ? AND name = ? "
                                   "AND deleted = 0", (parent_key, name))
            if node is not None:
                item.existing_id = node["id"]
                item.changes = {k: v for k, v in (("leader_name", item.leader_name),
                                                  ("leader_phone", item.leader_phone))
                                if v and v != (node[k] or "")}
        else:
            item.parent_ref = parent_key
        self.plan.items.append(item)
        self.ref_of_row[number] = len(self.plan.items) - 1

    def parent_of(self, number: int, row: list[str], level: int,
                  above: list[tuple[int, list[str]]], levels: dict[int, int | None]
                  ) -> tuple[str, Any, list[str]] | None:
        """("node", id, path) for an existing parent, ("ref", item, path) for a planned one."""
        text = self.get(row, "parent")
        want = grid.LEVEL_NAMES[level - 1]
        if not text:
            if level == 3:
                if len(self.communities) == 1:
                    only = self.communities[0]
                    return "node", only["id"], [only["name"]]
                self.problem(number, "parent", "台账中有多个社区（或还没有社区），"
                             "请在“上级”中写明社区名称")
                return None
            for other, _cells in reversed(above):
                if levels[other] == level - 1:
                    return self.planned(number, other, "parent")
            self.problem(number, "parent", f"没有写上级，前面也没有{want}行；请写明所属{want}")
            return None
        parts = [p for p in PATH_SPLIT.split(text) if p]
        compact = "".join(parts)
        candidates = self.candidates(level - 1, parts, "")
        if not candidates:  # 杨树小区3号楼 for 杨树小区/3号楼
            candidates = self.candidates(level - 1, parts, compact)
        for other, cells in above:  # rows of the parent's level that could not be taken
            if other in self.bad_rows and levels[other] == level - 1 and \
                    self.get(cells, "name") in (parts[-1], compact):
                candidates.append(("bad", None, [], other))
        if not candidates:
            other_level = next((lv for _i, lv, path in self.existing
                                if _matches(path, parts, compact)), None)
            if other_level is not None:
                below = grid.LEVEL_NAMES.get(other_level + 1)
                self.problem(number, "level", f"上级“{text}”是{grid.LEVEL_NAMES[other_level]}，"
                             + (f"本行级别应为{below}，不是{grid.LEVEL_NAMES[level]}" if below
                                else "单元是网格的最末一级，不能再有下级"))
            else:
                self.problem(number, "parent", f"找不到上级{want}“{text}”"
                             "（网格中没有，本次内容中也没有）")
            return None
        if len(candidates) > 1:
            earlier = [c for c in candidates if 0 < c[3] < number]
            if earlier:
                candidates = [max(earlier, key=lambda c: c[3])]
        if len(candidates) > 1:
            shown = "、".join("/".join(c[2][1:]) or f"第{c[3]}行" for c in candidates[:3])
            self.problem(number, "parent", f"上级“{text}”不止一个（{shown}），"
                         f"请写成“小区/楼院”这样的完整名称")
            return None
        kind, key, path, other = candidates[0]
        if kind == "bad":
            self.problem(number, "parent", f"上级“{text}”所在的第{other}行有问题，本行也不能导入")
            return None
        if kind == "ref" and self.plan.items[key].existing_id is not None:
            return self.planned(number, other, "parent")
        return kind, key, path

    def candidates(self, level: int, parts: list[str], compact: str
                   ) -> list[tuple[str, Any, list[str], int]]:
        """(kind, key, path, row or 0) of the nodes and planned rows of a level whose path ends
        with parts (or, given compact, whose last names run together to it)."""
        found: list[tuple[str, Any, list[str], int]] = []
        for node_id, node_level, path in self.existing:
            if node_level == level and _matches(path, parts, compact):
                found.append(("node", node_id, path, 0))
        for other, ref in self.ref_of_row.items():
            item = self.plan.items[ref]
            path = self.path_of(ref)
            if item.level == level and _matches(path, parts, compact):
                if item.existing_id is not None:  # the same node as an existing candidate
                    found = [c for c in found if c[1] != item.existing_id]
                found.append(("ref", ref, path, other))
        return found

    def planned(self, number: int, other: int, key: str) -> tuple[str, Any, list[str]] | None:
        if other not in self.ref_of_row:
            self.problem(number, key, f"上级（第{other}行）有问题，本行也不能导入")
            return None
        ref = self.ref_of_row[other]
        item = self.plan.items[ref]
        if item.existing_id is not None:
            return "node", item.existing_id, self.path_of(ref)
        return "ref", ref, self.path_of(ref)

    def path_of(self, ref: int) -> list[str]:
        item = self.plan.items[ref]
        if item.parent_ref is not None:
            return [*self.path_of(item.parent_ref), item.name]
        parent = next((p for i, _lv, p in self.existing if i == item.parent_id), [])
        return [*parent, item.name]


def _matches(path: list[str], parts: list[str], compact: str) -> bool:
    """path (community and below) ends with parts; with compact, its last names joined are
    compact."""
    if not compact:
        return path[-len(parts):] == parts
    return any("".join(path[-k:]) == compact for k in range(1, len(path) + 1))
