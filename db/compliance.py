"""达标检查 for one quarter: who has not done what the 双报到 practice expects.

- members (live, reported by the quarter's end) with no verified service in the quarter;
- units (live, reported by the quarter's end) with no 实事 — a verified 共建项目 they organised;
- units that attended no 联席会议 in the quarter;
- orders still open whose due date passed (by the quarter's end, or today if earlier);
- enabled posts with fewer live claims at the quarter's end than their capacity.

A grid node narrows each list: members by residence, units by 包联小区, orders and posts by
their node."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import grid
from .errors import ValidationError
from .grid import SUBTREE_CTE
from .ledger import Ledger
from .periods import Period, parse_period
from .validate import mask_phone


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    headers: tuple[str, ...]
    columns: tuple[str, ...]


CHECKS = (
    Check("idle_members", "本季度无服务记录的党员", ("姓名", "工作单位", "居住网格", "联系电话", "报到日期"),
          ("name", "org", "place", "phone", "report_date")),
    Check("units_no_project", "本季度未完成实事的报到单位", ("单位名称", "类别", "联系人", "联系电话", "包联小区"),
          ("name", "category", "contact", "phone", "place")),
    Check("units_no_meeting", "本季度未参加联席会议的报到单位", ("单位名称", "类别", "联系人", "联系电话", "包联小区"),
          ("name", "category", "contact", "phone", "place")),
    Check("overdue_orders", "超过办结期限仍未办结的需求", ("需求", "类别", "点单日期", "办结期限", "状态", "接单人"),
          ("title", "kind", "requested_date", "due_date", "state", "assignee")),
    Check("posts_short", "认领人数不足的服务岗位", ("岗位", "类别", "拟认领数", "已认领", "缺额"),
          ("name", "category", "capacity", "claimed", "short")),
)


def quarter(code: str) -> Period:
    period = parse_period(code)
    if "Q" not in period.code:
        raise ValidationError("period", "检查期间", "达标检查按季度进行，应写成 2026Q3")
    return period


def _scope(node_id: int | None, column: str) -> tuple[str, str, list[Any]]:
    if node_id is None:
        return "", "", []
    return SUBTREE_CTE + " ", f" AND {column} IN (SELECT id FROM sub)", [node_id]


def check_lists(ledger: Ledger, code: str, node_id: int | None = None,
                today: dt.date | None = None, full_phones: bool = False) -> dict[str, list[dict]]:
    q = quarter(code)
    as_of = min(q.end, (today or dt.date.today()).isoformat())
    phone = (lambda p: p or "") if full_phones else (lambda p: mask_phone(p) if p else "")
    out: dict[str, list[dict[str, Any]]] = {}
    places = {node: label for label, node in grid.choices(ledger, (1, 2, 3, 4, 5))}

    cte, where, params = _scope(node_id, "m.residence_node_id")
    out["idle_members"] = ledger.query(
        f"{cte}SELECT m.id, m.name, coalesce(u.name, m.work_unit_name) AS org, "
        "m.residence_node_id AS node, m.mobile AS phone, m.report_date FROM members m "
        "LEFT JOIN units u ON u.id = m.work_unit_id WHERE m.deleted = 0 AND m.status = '在册' "
        "AND (m.report_date = '' OR m.report_date <= ?) AND m.id NOT IN (SELECT p.member_id "
        "FROM activity_participants p JOIN activities a ON a.id = p.activity_id WHERE "
        "p.member_id IS NOT NULL AND p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 "
        f"AND a.date BETWEEN ? AND ?){where} ORDER BY m.name_pinyin, m.id",
        [*params, q.end, q.start, q.end])

    cte, where, params = _scope(node_id, "u.paired_node_id")
    units_sql = (f"{cte}SELECT u.id, u.name, u.category, u.contact_name AS contact, "
                 "u.contact_phone AS phone, u.paired_node_id AS node FROM units u "
                 "WHERE u.deleted = 0 AND u.status = '在册' "
                 "AND (u.report_date = '' OR u.report_date <= ?) AND u.id NOT IN ({}) "
                 f"{where} ORDER BY u.name_initials, u.id")
    out["units_no_project"] = ledger.query(units_sql.format(
        "SELECT unit_id FROM activities WHERE deleted = 0 AND verified = 1 AND kind = '共建项目' "
        "AND unit_id IS NOT NULL AND date BETWEEN ? AND ?"), [*params, q.end, q.start, q.end])
    out["units_no_meeting"] = ledger.query(units_sql.format(
        "SELECT t.unit_id FROM meeting_attendees t JOIN meetings g ON g.id = t.meeting_id "
        "WHERE t.deleted = 0 AND g.deleted = 0 AND g.date BETWEEN ? AND ?"),
        [*params, q.end, q.start, q.end])

    cte, where, params = _scope(node_id, "o.node_id")
    out["overdue_orders"] = ledger.query(
        f"{cte}SELECT o.id, o.title, o.kind, o.requested_date, o.due_date, o.state, "
        "o.node_id AS node, coalesce(m.name, u.name, '') AS assignee FROM orders o "
        "LEFT JOIN members m ON m.id = o.assignee_member_id "
        "LEFT JOIN units u ON u.id = o.assignee_unit_id WHERE o.deleted = 0 "
        "AND o.state IN ('待派单', '已派单', '已接单') AND o.due_date != '' AND o.due_date < ?"
        f"{where} ORDER BY o.due_date, o.id", [*params, as_of])

    cte, where, params = _scope(node_id, "p.node_id")
    claimed = dict(ledger.conn.execute(
        "SELECT c.post_id, count(*) FROM post_claims c JOIN members m ON m.id = c.member_id "
        "WHERE c.deleted = 0 AND m.deleted = 0 AND c.claimed_date <= ? "
        "AND (c.released_date = '' OR c.released_date > ?) GROUP BY c.post_id",
        (q.end, q.end)).fetchall())
    rows = ledger.query(
        f"{cte}SELECT p.id, p.name, p.category, p.capacity, p.node_id AS node FROM posts p "
        f"WHERE p.deleted = 0 AND p.status = '启用' AND p.capacity > 0{where} ORDER BY p.id",
        params)
    for row in rows:
        row["claimed"] = claimed.get(row["id"], 0)
    out["posts_short"] = [dict(r, short=r["capacity"] - r["claimed"]) for r in rows
                          if r["claimed"] < r["capacity"]]
    for key in ("idle_members", "units_no_project", "units_no_meeting"):
        for row in out[key]:
            row["phone"] = phone(row["phone"])
    for rows in out.values():
        for row in rows:
            row["place"] = places.get(row.get("node") or 0, "")
    return out


def table(check: Check, rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[row.get(c, "") for c in check.columns] for row in rows]
