"""一联一帮走访: a member's visits to the household they are paired with (members.household_*),
and the 每月必访 check — the paired households nobody visited in a given month.

A visit is a synced record (household_visits); it keeps the household's name as it was when
visited, so a later change of household does not rewrite history. A 网格员 records and lists
visits only for their grid's members (db.access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import access, grid, members, records
from .errors import RuleError, ValidationError
from .grid import SUBTREE_CTE
from .ledger import Ledger
from .periods import Period, parse_period
from .validate import clean, mask_phone, one_of, parse_date

WAYS = ("上门", "电话", "微信", "其他")
NOTE_LIMIT = 300
FIELDS = ("date", "way", "note")


def clean_visit(values: dict[str, Any], today: str | None = None) -> dict[str, Any]:
    out = dict(values)
    if "date" in out:
        out["date"] = parse_date(out["date"], "date", "走访日期", allow_blank=False)
        if today and out["date"] > today:
            raise ValidationError("date", "走访日期", f"“{out['date']}”晚于今天，走访应在发生后登记")
    if "way" in out:
        out["way"] = one_of(out["way"] or "上门", WAYS, "way", "走访方式")
    if "note" in out:
        out["note"] = clean(out["note"])
        if len(out["note"]) > NOTE_LIMIT:
            raise ValidationError("note", "走访情况", f"不能超过{NOTE_LIMIT}个字")
    if "household_name" in out:
        out["household_name"] = clean(out["household_name"])
    return out


def month(code: str) -> Period:
    period = parse_period(code)
    if "-" not in period.code:
        raise ValidationError("month", "月份", "每月必访按月检查，应写成 2026-11")
    return period


def record_visit(ledger: Ledger, member_id: int, date: Any, way: str = "上门", note: str = "",
                 today: dt.date | None = None) -> int:
    """One visit by the member to their 一联一帮 household."""
    day = (today or dt.date.today()).isoformat()
    row = clean_visit({"date": date, "way": way, "note": note}, day)
    with ledger.transaction():
        m = members.get_member(ledger, member_id)
        if not clean(m["household_name"]):
            raise RuleError(f"“{m['name']}”还没有登记一联一帮联系户，请先在党员信息中填写联系户")
        return records.insert(ledger, "household_visits", {
            "member_id": member_id, "household_name": m["household_name"], **row})


def update_visit(ledger: Ledger, visit_id: int, **changes: Any) -> bool:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        return records.update(ledger, "household_visits", visit_id,
                              clean_visit(changes, dt.date.today().isoformat()))


def delete_visit(ledger: Ledger, visit_id: int) -> None:
    with ledger.transaction():
        records.tombstone(ledger, "household_visits", visit_id)


def get_visit(ledger: Ledger, visit_id: int) -> dict[str, Any]:
    return records.get(ledger, "household_visits", visit_id)


def member_visits(ledger: Ledger, member_id: int) -> list[dict[str, Any]]:
    """Newest first."""
    return ledger.query("SELECT * FROM household_visits WHERE member_id = ? AND deleted = 0 "
                        "ORDER BY date DESC, id DESC", (member_id,))


def scope_node(ledger: Ledger, node_id: int | None) -> int | None:
    """The grid a list is for: as asked, but a 网格员 gets their own grid when asking for
    none or for a node outside it (an ancestor they can see, say), so a list's title never
    names more than it holds."""
    actor = access.actor_of(ledger)
    if actor is None or actor.full_access or actor.node_id is None:
        return node_id
    mine = {r[0] for r in ledger.conn.execute("SELECT id FROM temp.scope_nodes")}
    return node_id if node_id in mine else actor.node_id


def _scope(node_id: int | None) -> tuple[str, str, list[Any]]:
    if node_id is None:
        return "", "", []
    return SUBTREE_CTE + " ", " AND m.residence_node_id IN (SELECT id FROM sub)", [node_id]


def not_visited(ledger: Ledger, code: str, node_id: int | None = None,
                full_phones: bool = False) -> list[dict[str, Any]]:
    """Live members with a paired household (reported by the month's end) whose household had
    no visit in the month, by residence then name; `last_visit` is their latest visit before
    the month's end ('' if never). Phones are masked unless full_phones (a printed list leaves
    the office)."""
    period = month(code)
    node_id = scope_node(ledger, node_id)
    if node_id is not None:
        grid.get_node(ledger, node_id)
    cte, where, params = _scope(node_id)
    rows = ledger.query(
        f"{cte}SELECT m.id, m.name, m.mobile, m.residence_node_id AS node, m.room, "
        "m.household_name, m.household_address, m.household_phone, m.household_reason, "
        "(SELECT max(v.date) FROM household_visits v WHERE v.member_id = m.id AND v.deleted = 0 "
        " AND v.date <= ?) AS last_visit FROM members m "
        "WHERE m.deleted = 0 AND m.status = '在册' AND trim(m.household_name) != '' "
        "AND (m.report_date = '' OR m.report_date <= ?) "
        "AND NOT EXISTS (SELECT 1 FROM household_visits v WHERE v.member_id = m.id "
        " AND v.deleted = 0 AND v.date BETWEEN ? AND ?)"
        f"{where} ORDER BY m.residence_node_id, m.name_pinyin, m.id",
        [*params, period.end, period.end, period.start, period.end])
    places = {node: label for label, node in grid.choices(ledger, (1, 2, 3, 4, 5))}
    for row in rows:
        row["place"] = places.get(row["node"] or 0, "") + (row["room"] or "")
        row["last_visit"] = row["last_visit"] or ""
        if not full_phones:
            row["mobile"] = mask_phone(row["mobile"]) if row["mobile"] else ""
            row["household_phone"] = mask_phone(row["household_phone"]) \
                if row["household_phone"] else ""
    rows.sort(key=lambda r: r["place"])  # by 小区/楼院/单元 as a 网格员 walks them
    return rows


def month_summary(ledger: Ledger, code: str, node_id: int | None = None) -> dict[str, int]:
    """How many paired households the scope has, and how many were visited in the month."""
    period = month(code)
    cte, where, params = _scope(scope_node(ledger, node_id))
    row = ledger.one(
        f"{cte}SELECT count(*) AS paired, sum(EXISTS (SELECT 1 FROM household_visits v "
        "WHERE v.member_id = m.id AND v.deleted = 0 AND v.date BETWEEN ? AND ?)) AS visited "
        "FROM members m WHERE m.deleted = 0 AND m.status = '在册' "
        f"AND trim(m.household_name) != '' AND (m.report_date = '' OR m.report_date <= ?){where}",
        [*params, period.start, period.end, period.end])
    paired = int((row or {}).get("paired") or 0)
    visited = int((row or {}).get("visited") or 0)
    return {"paired": paired, "visited": visited, "missing": paired - visited}


def month_visits(ledger: Ledger, code: str, node_id: int | None = None) -> list[dict[str, Any]]:
    """The visits made in the month, newest first, with the member's name."""
    period = month(code)
    cte, where, params = _scope(scope_node(ledger, node_id))
    return ledger.query(
        f"{cte}SELECT v.*, m.name AS member_name FROM household_visits v "
        "JOIN members m ON m.id = v.member_id WHERE v.deleted = 0 AND m.deleted = 0 "
        f"AND v.date BETWEEN ? AND ?{where} ORDER BY v.date DESC, v.id DESC",
        [*params, period.start, period.end])
