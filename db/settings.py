"""The ledger's identity (street, community, office) and its JSON settings."""

from __future__ import annotations

import copy
import json
from typing import Any

from . import access
from .ledger import Ledger
from .validate import required

DEFAULTS: dict[str, Any] = {
    "grade_scheme": "三级",
    "points_rules": {
        "base": 80,
        "per_activity": {"集中服务日": 2, "志愿服务": 2, "主题党日": 1, "点单服务": 2,
                         "共建项目": 3, "联席会议": 1, "应急响应": 3},
        "per_hour": 1,
        "order_completed": 3,
        "rating": {"满意": 2, "基本满意": 1, "不满意": -2},
        "no_show": -2,  # signed up for an activity and did not come
        "idle_quarter": -5,  # a whole quarter without any verified service
    },
    "order_due_days": 7,
    # Suggested half-year grades, best first; the first row whose every minimum is met wins,
    # otherwise the scheme's last grade. Points are the base plus the half year's entries.
    "evaluation_rules": {
        "member": {  # [grade, min points, min quarters with a verified service]
            "三级": [["好", 90, 2], ["一般", 0, 1]],
            "四级": [["优秀", 100, 2], ["良好", 90, 2], ["一般", 0, 1]],
        },
        "unit": {  # [grade, min points, min 实事, min joint meetings]
            "三级": [["好", 0, 2, 2], ["一般", 0, 1, 0]],
            "四级": [["优秀", 95, 2, 2], ["良好", 0, 2, 1], ["一般", 0, 1, 0]],
        },
    },
}
GRADE_SCHEMES = {
    "三级": ("好", "一般", "较差"),
    "四级": ("优秀", "良好", "一般", "差"),
}


def get_setting(ledger: Ledger, key: str) -> Any:
    value = ledger.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    if value is None:
        return copy.deepcopy(DEFAULTS.get(key))  # callers may edit what they get
    return json.loads(value)


def set_setting(ledger: Ledger, key: str, value: Any) -> None:
    access.require_secretary(ledger, "修改设置")
    with ledger.transaction():
        ledger.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)))


def grades(ledger: Ledger) -> tuple[str, ...]:
    return GRADE_SCHEMES.get(get_setting(ledger, "grade_scheme"), GRADE_SCHEMES["三级"])


def identity(ledger: Ledger) -> dict[str, str]:
    return {
        "street": ledger.meta("street") or "",
        "community": ledger.meta("community") or "",
        "office_id": ledger.office,
        "office_name": ledger.meta("office_name") or ledger.meta("community") or "",
    }


def next_document_numbers(ledger: Ledger, year: int, count: int = 1) -> list[int]:
    """Reserve count 文号 for the community's letters of a year (1, 2, … per year). The
    counter is kept in the ledger, so a number is never given twice, even when a printout
    is thrown away or fails (its number is then skipped, not reused)."""
    key = f"document_number:{ledger.office}:{year}"
    with ledger.transaction():
        last = int(ledger.meta(key) or 0)
        ledger.set_meta(key, str(last + count))
    return list(range(last + 1, last + count + 1))


def document_number(ledger: Ledger, year: int, number: int) -> str:
    """丽景社区〔2026〕第3号."""
    ident = identity(ledger)
    return f"{ident['community'] or ident['office_name']}〔{year}〕第{number}号"


def is_initialised(ledger: Ledger) -> bool:
    return bool(ledger.meta("community") or ledger.meta("street"))


def initialise(ledger: Ledger, street: str, community: str | None) -> int:
    """Set street and community and create their grid nodes (levels 1 and 2).

    A street office ledger passes community=None and gets only the level-1 node.
    Returns the id of the deepest node created."""
    from .grid import add_node

    street = required(street, "street", "街道名称")
    with ledger.transaction():
        ledger.set_meta("street", street)
        root = ledger.scalar(
            "SELECT id FROM grid_nodes WHERE level = 1 AND name = ? AND deleted = 0", (street,))
        if root is None:
            root = add_node(ledger, None, street)
        if community is None:
            ledger.set_meta("office_name", street)
            return int(root)
        community = required(community, "community", "社区名称")
        ledger.set_meta("community", community)
        ledger.set_meta("office_name", community)
        node = ledger.scalar(
            "SELECT id FROM grid_nodes WHERE parent_id = ? AND name = ? AND deleted = 0",
            (root, community))
        return int(node or add_node(ledger, int(root), community))
