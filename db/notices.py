"""公示: a grid subtree's (a 小区's, or any node's) services and points of one quarter, put up
on the notice board for a 公示期, with objections recorded against its rows.

The rule, as the notice's footer prints it:
- A 公示 covers the members residing in the subtree and the units paired with a node in it,
  one row each: services (participations in activities dated in the quarter), hours, and the
  points entries dated in the quarter.
- The 公示期 runs from start_date (at the earliest the day after the quarter ends) to
  end_date, by default the 3rd working day counted from the start (Saturdays and Sundays
  skipped; a weekend start moves to Monday). One live 公示 per node and quarter.
- An objection (异议) is recorded against one row up to the end of the 公示期, and stays open
  until it is resolved (处理结果 and date).
- After end_date the quarter's records for that subtree are final: `guard` refuses any new,
  changed or removed points entry dated in the quarter for a member or unit of the subtree,
  and any change to an activity dated in the quarter that touches one of them (its date,
  kind, verification, or that subject's participation and hours), naming the 公示 number.
  A subject with an open objection on that 公示 stays changeable until it is resolved; a
  公示 withdrawn (撤销, 书记 only, audited) freezes nothing.
- Not refused: rows that arrive in exchange files (another office's decisions, merged by the
  sync rules), and edits that change nothing that was published (titles, places, notes).

Only `guard` is called from db.points and db.activities; this module imports neither."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import access, audit, records
from .errors import NotFoundError, RuleError, ValidationError
from .grid import SUBTREE_CTE, get_node, path_text
from .ledger import Ledger
from .paper_numbers import community, count_print, next_serial
from .periods import Period, parse_period
from .validate import clean, parse_date, parse_number, required

ACTIVE, WITHDRAWN = "公示", "撤销"
DEFAULT_DAYS = 3  # 公示期: working days
FINAL_NOTE = ("公示期满后，本季度上述党员和单位的服务记录与积分即为定稿，不再修改；"
              "对某一行提出异议的，在异议处理完毕前该行可以更正。")

_UP = ("WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT g.parent_id FROM main.grid_nodes g "
       "JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL) ")


def prefix(ledger: Ledger, year: int) -> str:
    return f"{community(ledger)}公示-{year}-"


def quarter(code: str) -> Period:
    """2026Q3 (or 2026年第三季度) as a Period; anything but a quarter is refused."""
    period = parse_period(clean(code))
    if "Q" not in period.code:
        raise ValidationError("quarter", "季度", f"“{code}”不是季度，应写成 2026Q3")
    return period


def working_days_end(start: str, days: int = DEFAULT_DAYS) -> tuple[str, str]:
    """(first, last) day of a 公示期 of `days` working days from start (weekends skipped)."""
    day = dt.date.fromisoformat(start)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    first, left = day, days - 1
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return first.isoformat(), day.isoformat()


def state(notice: dict[str, Any], today: dt.date | None = None) -> str:
    """未开始 / 公示中 / 已结束 / 已撤销."""
    if notice["status"] == WITHDRAWN:
        return "已撤销"
    day = (today or dt.date.today()).isoformat()
    if day < notice["start_date"]:
        return "未开始"
    return "公示中" if day <= notice["end_date"] else "已结束"


def create(ledger: Ledger, node_id: int, quarter_code: str, start_date: Any = None,
           days: Any = DEFAULT_DAYS, contact: str = "", note: str = "",
           today: dt.date | None = None) -> int:
    """A new 公示 of the node's subtree for the quarter; start defaults to the first working
    day after the quarter (or today, whichever is later)."""
    period = quarter(quarter_code)
    after = (dt.date.fromisoformat(period.end) + dt.timedelta(days=1)).isoformat()
    day = today or dt.date.today()
    start = parse_date(start_date, "start_date", "公示开始日期") if start_date else \
        max(after, day.isoformat())
    if start < after:
        raise ValidationError("start_date", "公示开始日期",
                              f"应在{period.label}结束之后（{after}或以后）")
    count = int(parse_number(days, "days", "公示天数", minimum=1, maximum=30,
                             allow_blank=False) or DEFAULT_DAYS)
    first, last = working_days_end(start, count)
    year, q = int(period.code[:4]), int(period.code[-1])
    with ledger.transaction():
        node = get_node(ledger, node_id)
        if node["level"] < 2:
            raise ValidationError("node_id", "公示范围", "请选择社区、小区或更下级的网格")
        same = ledger.one("SELECT number FROM notices WHERE deleted = 0 AND status = ? AND "
                          "node_id = ? AND year = ? AND quarter = ?", (ACTIVE, node_id, year, q))
        if same is not None:
            raise RuleError(f"“{node['name']}”{period.label}已有公示{same['number']}，"
                            "如需重新公示请先撤销原公示")
        head = prefix(ledger, int(first[:4]))
        number = f"{head}{next_serial(ledger, 'notices', head):04d}"
        notice_id = records.insert(ledger, "notices", {
            "number": number, "node_id": node_id, "year": year, "quarter": q,
            "start_date": first, "end_date": last, "contact": clean(contact), "note": clean(note)})
        audit.record(ledger, "发布公示", f"{number} {node['name']} {period.label} {first}至{last}")
        return notice_id


def get(ledger: Ledger, notice_id: int) -> dict[str, Any]:
    return records.get(ledger, "notices", notice_id)


def by_number(ledger: Ledger, number: str) -> dict[str, Any]:
    row = ledger.one("SELECT * FROM notices WHERE number = ? AND deleted = 0 ORDER BY id LIMIT 1",
                     (clean(number),))
    if row is None:
        raise NotFoundError(f"公示编号：找不到“{number}”")
    return row


def period_of(notice: dict[str, Any]) -> Period:
    return parse_period(f"{notice['year']}Q{notice['quarter']}")


def listing(ledger: Ledger, today: dt.date | None = None) -> list[dict[str, Any]]:
    rows = ledger.query(
        "SELECT n.*, g.name AS node_name, (SELECT count(*) FROM notice_objections o WHERE "
        "o.notice_id = n.id AND o.deleted = 0) AS objections, (SELECT count(*) FROM "
        "notice_objections o WHERE o.notice_id = n.id AND o.deleted = 0 AND o.resolution = '') "
        "AS open_objections FROM notices n LEFT JOIN grid_nodes g ON g.id = n.node_id "
        "WHERE n.deleted = 0 ORDER BY n.year DESC, n.quarter DESC, n.number DESC")
    for row in rows:
        row["state"] = state(row, today)
    return rows


def rows(ledger: Ledger, node_id: int, quarter_code: str) -> list[dict[str, Any]]:
    """The notice's rows: members residing in the subtree (在册, or with records in the
    quarter), then units paired there, each with services, hours and points in the quarter."""
    period = quarter(quarter_code)
    span = (period.start, period.end)
    members = ledger.query(
        f"{SUBTREE_CTE}SELECT '党员' AS kind, m.id AS member_id, NULL AS unit_id, m.name, "
        "coalesce(w.name, m.work_unit_name, '') AS unit_name, m.residence_node_id AS node_id, "
        "m.room, (SELECT count(*) FROM activity_participants p JOIN activities a ON a.id = "
        " p.activity_id WHERE p.member_id = m.id AND p.deleted = 0 AND a.deleted = 0 AND "
        " a.verified = 1 AND a.date BETWEEN ? AND ?) AS services, "
        "(SELECT coalesce(sum(p.hours), 0) FROM activity_participants p JOIN activities a ON "
        " a.id = p.activity_id WHERE p.member_id = m.id AND p.deleted = 0 AND a.deleted = 0 AND "
        " a.verified = 1 AND a.date BETWEEN ? AND ?) AS hours, "
        "(SELECT coalesce(sum(e.delta), 0) FROM points_entries e WHERE e.member_id = m.id AND "
        " e.deleted = 0 AND e.date BETWEEN ? AND ?) AS points "
        "FROM members m LEFT JOIN units w ON w.id = m.work_unit_id "
        "WHERE m.deleted = 0 AND m.residence_node_id IN (SELECT id FROM sub) "
        "ORDER BY m.name_pinyin, m.id", (node_id, *span, *span, *span))
    units = ledger.query(
        f"{SUBTREE_CTE}SELECT '单位' AS kind, NULL AS member_id, u.id AS unit_id, u.name, "
        "u.name AS unit_name, u.paired_node_id AS node_id, '' AS room, "
        "(SELECT count(*) FROM activity_participants p JOIN activities a ON a.id = "
        " p.activity_id WHERE p.unit_id = u.id AND p.deleted = 0 AND a.deleted = 0 AND "
        " a.verified = 1 AND a.date BETWEEN ? AND ?) AS services, "
        "(SELECT coalesce(sum(p.hours), 0) FROM activity_participants p JOIN activities a ON "
        " a.id = p.activity_id WHERE p.unit_id = u.id AND p.deleted = 0 AND a.deleted = 0 AND "
        " a.verified = 1 AND a.date BETWEEN ? AND ?) AS hours, "
        "(SELECT coalesce(sum(e.delta), 0) FROM points_entries e WHERE e.unit_id = u.id AND "
        " e.deleted = 0 AND e.date BETWEEN ? AND ?) AS points, u.status "
        "FROM units u WHERE u.deleted = 0 AND u.paired_node_id IN (SELECT id FROM sub) "
        "ORDER BY u.name_initials, u.name, u.id", (node_id, *span, *span, *span))
    statuses = {r["id"]: r["status"] for r in ledger.query(
        f"{SUBTREE_CTE}SELECT id, status FROM members WHERE residence_node_id IN "
        "(SELECT id FROM sub)", (node_id,))}
    out = [m for m in members if statuses.get(m["member_id"]) == "在册" or m["services"]
           or m["points"]]
    out += [u for u in units if u.pop("status") == "在册" or u["services"] or u["points"]]
    for row in out:
        row["hours"] = round(float(row["hours"]), 2)
        row["points"] = round(float(row["points"]), 2)
    return out


def notice_rows(ledger: Ledger, notice_id: int) -> list[dict[str, Any]]:
    """A notice's rows with the objections against each (open ones counted apart)."""
    notice = get(ledger, notice_id)
    out = rows(ledger, notice["node_id"], period_of(notice).code)
    marks: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for o in objections(ledger, notice_id):
        marks.setdefault((o["member_id"], o["unit_id"]), []).append(o)
    for row in out:
        found = marks.get((row["member_id"], row["unit_id"]), [])
        row["objections"] = len(found)
        row["open_objections"] = sum(1 for o in found if not o["resolution"])
    return out


def printed(ledger: Ledger, notice_id: int, file_name: str = "") -> bool:
    with ledger.transaction():
        notice = get(ledger, notice_id)
        if notice["status"] == WITHDRAWN:
            raise RuleError(f"公示{notice['number']}已撤销，不能再打印")
        return count_print(ledger, "notices", notice, "公示", notice["number"], file_name)


def withdraw(ledger: Ledger, notice_id: int, reason: str) -> None:
    """撤销 a 公示 (published by mistake): it freezes nothing any more. 书记 only, audited."""
    access.require_secretary(ledger, "撤销公示")
    reason = required(reason, "note", "撤销原因")
    with ledger.transaction():
        notice = get(ledger, notice_id)
        if notice["status"] == WITHDRAWN:
            raise RuleError(f"公示{notice['number']}已撤销")
        records.update(ledger, "notices", notice_id, {
            "status": WITHDRAWN, "note": f"{notice['note']}；撤销：{reason}".lstrip("；")})
        audit.record(ledger, "撤销公示", f"{notice['number']}：{reason}")


# -- objections ------------------------------------------------------------------------------

def objections(ledger: Ledger, notice_id: int) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT o.*, coalesce(m.name, u.name, '') AS subject FROM notice_objections o "
        "LEFT JOIN members m ON m.id = o.member_id LEFT JOIN units u ON u.id = o.unit_id "
        "WHERE o.notice_id = ? AND o.deleted = 0 ORDER BY o.raised_date, o.id", (notice_id,))


def add_objection(ledger: Ledger, notice_id: int, content: str, raised_by: str,
                  member_id: int | None = None, unit_id: int | None = None,
                  date: Any = None) -> int:
    """An objection against one row of the notice, raised within its 公示期."""
    content = required(content, "content", "异议内容")
    raised_by = required(raised_by, "raised_by", "提出人")
    day = parse_date(date or dt.date.today().isoformat(), "raised_date", "提出日期",
                     allow_blank=False)
    if (member_id is None) == (unit_id is None):
        raise ValidationError("member_id", "异议对象", "请选择公示中的一行（党员或单位）")
    with ledger.transaction():
        notice = get(ledger, notice_id)
        if notice["status"] == WITHDRAWN:
            raise RuleError(f"公示{notice['number']}已撤销，不能登记异议")
        if day < notice["start_date"]:
            raise ValidationError("raised_date", "提出日期", f"早于公示开始日期{notice['start_date']}")
        if day > notice["end_date"]:
            raise ValidationError("raised_date", "提出日期",
                                  f"公示期已于{notice['end_date']}结束，不能再登记异议")
        listed = {(r["member_id"], r["unit_id"]): r["name"] for r in
                  rows(ledger, notice["node_id"], period_of(notice).code)}
        if (member_id, unit_id) not in listed:
            raise ValidationError("member_id", "异议对象", f"不在公示{notice['number']}的名单中")
        objection_id = records.insert(ledger, "notice_objections", {
            "notice_id": notice_id, "member_id": member_id, "unit_id": unit_id,
            "raised_date": day, "raised_by": raised_by, "content": content})
        audit.record(ledger, "登记公示异议",
                     f"{notice['number']} {listed[(member_id, unit_id)]}（提出人{raised_by}）")
        return objection_id


def resolve(ledger: Ledger, objection_id: int, resolution: str, date: Any = None) -> None:
    """The objection's 处理结果: once resolved, its row is final again (after the 公示期)."""
    resolution = required(resolution, "resolution", "处理结果")
    day = parse_date(date or dt.date.today().isoformat(), "resolved_date", "处理日期",
                     allow_blank=False)
    with ledger.transaction():
        row = records.get(ledger, "notice_objections", objection_id)
        if row["resolution"]:
            raise RuleError(f"该异议已于{row['resolved_date']}处理")
        if day < row["raised_date"]:
            raise ValidationError("resolved_date", "处理日期", f"早于提出日期{row['raised_date']}")
        records.update(ledger, "notice_objections", objection_id,
                       {"resolution": resolution, "resolved_date": day})
        notice = get(ledger, row["notice_id"])
        audit.record(ledger, "处理公示异议", f"{notice['number']}：{resolution[:40]}")


# -- finality --------------------------------------------------------------------------------

def final_notice(ledger: Ledger, date: str, member_id: int | None = None,
                 unit_id: int | None = None,
                 today: dt.date | None = None) -> dict[str, Any] | None:
    """The ended 公示 that makes the subject's records dated `date` final, if any."""
    if not date or len(date) < 10 or (member_id is None and unit_id is None):
        return None
    year, q = int(date[:4]), (int(date[5:7]) - 1) // 3 + 1
    day = (today or dt.date.today()).isoformat()
    ended = "deleted = 0 AND status = ? AND end_date < ? AND year = ? AND quarter = ?"
    if not ledger.scalar(f"SELECT count(*) FROM main.notices WHERE {ended}",
                         (ACTIVE, day, year, q)):
        return None  # the common case: nothing published and ended for that quarter
    if member_id is not None:
        node = ledger.scalar("SELECT residence_node_id FROM main.members WHERE id = ?", (member_id,))
    else:
        node = ledger.scalar("SELECT paired_node_id FROM main.units WHERE id = ?", (unit_id,))
    if node is None:
        return None
    return ledger.one(
        f"{_UP}SELECT n.* FROM main.notices n WHERE n.{ended.replace(' AND ', ' AND n.')} "
        "AND n.node_id IN (SELECT id FROM up) AND NOT EXISTS (SELECT 1 FROM "
        "main.notice_objections o WHERE o.notice_id = n.id AND o.deleted = 0 AND "
        "o.resolution = '' AND o.member_id IS ? AND o.unit_id IS ?) ORDER BY n.end_date LIMIT 1",
        (node, ACTIVE, day, year, q, member_id, unit_id))


def guard(ledger: Ledger, date: str, member_id: int | None = None, unit_id: int | None = None,
          what: str = "积分记录", field: str = "date", label: str = "日期") -> None:
    """Refuse a change to the subject's records dated `date` once a 公示 made them final."""
    notice = final_notice(ledger, date, member_id, unit_id)
    if notice is None:
        return
    table, key = ("members", member_id) if member_id is not None else ("units", unit_id)
    name = ledger.scalar(f"SELECT name FROM main.{table} WHERE id = ?", (key,)) or ""
    raise ValidationError(field, label, (
        f"“{name}”{notice['year']}年第{'一二三四'[notice['quarter'] - 1]}季度的记录已经公示"
        f"（{notice['number']}，公示期{notice['start_date']}至{notice['end_date']}），"
        f"公示期满已定稿，不能再修改{what}；如确有错误，请先在该公示中登记异议"))


def guard_activity(ledger: Ledger, before: dict[str, Any], after: dict[str, Any],
                   old: dict[tuple[Any, Any], float],
                   new: dict[tuple[Any, Any], float] | None) -> None:
    """An activity change: before/after are the activity's values, old/new its participants
    {(member_id, unit_id): hours} (new None: unchanged). A change of date, kind or
    verification touches every participant; otherwise only those whose hours changed."""
    new = old if new is None else new
    keys = ("date", "kind", "verified", "verifier", "verified_date")
    whole = any(before.get(k) != after.get(k) for k in keys)
    touched = set(old) | set(new) if whole else \
        {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
    dates = {d for d in (before.get("date"), after.get("date")) if d}
    for member_id, unit_id in sorted(touched, key=str):
        for date in sorted(dates):
            guard(ledger, date, member_id, unit_id, "服务记录", "date", "活动日期")


def describe(ledger: Ledger, notice: dict[str, Any]) -> str:
    """公示范围 as printed: the node's path below the street."""
    return path_text(ledger, notice["node_id"], 1)



def clean_notice(row: dict[str, Any]) -> dict[str, Any]:
    """A notice row as `create` writes it (an exchange file's rows are checked by it)."""
    out = dict(row)
    if not clean(out.get("number")):
        raise ValidationError("number", "公示编号", "不能为空")
    parse_number(out.get("year"), "year", "年份", minimum=2000, maximum=2100, allow_blank=False)
    parse_number(out.get("quarter"), "quarter", "季度", minimum=1, maximum=4, allow_blank=False)
    start = parse_date(out.get("start_date"), "start_date", "公示开始日期", allow_blank=False)
    end = parse_date(out.get("end_date"), "end_date", "公示结束日期", allow_blank=False)
    if end < start:
        raise ValidationError("end_date", "公示结束日期", "早于公示开始日期")
    if out.get("status", ACTIVE) not in (ACTIVE, WITHDRAWN):
        raise ValidationError("status", "状态", f"应为{ACTIVE}或{WITHDRAWN}")
    return out


def clean_objection(row: dict[str, Any]) -> dict[str, Any]:
    """An objection row as `add_objection` writes it."""
    out = dict(row)
    required(out.get("content"), "content", "异议内容")
    required(out.get("raised_by"), "raised_by", "提出人")
    if (out.get("member_id") is None) == (out.get("unit_id") is None):
        raise ValidationError("member_id", "异议对象", "党员和单位应填且只填一个")
    raised = parse_date(out.get("raised_date"), "raised_date", "提出日期", allow_blank=False)
    resolved = parse_date(out.get("resolved_date"), "resolved_date", "处理日期")
    if resolved and resolved < raised:
        raise ValidationError("resolved_date", "处理日期", f"早于提出日期{raised}")
    return out
