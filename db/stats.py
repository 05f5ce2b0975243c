"""统计: the figures the street office's report asks for, for any period and grid subtree.

Every figure is a plain count over the ledger (definitions in FIGURES, shown in the report):
- units and members "reported" are live records whose report date is on or before the
  period's end; posts claimed are claims live at the period's end;
- activities, person-times and hours count verified activities dated in the period;
- 实事 are verified 共建项目 organised by a unit; orders count in the period they were received
  or completed; satisfaction counts ratings given in the period.
A grid node narrows members by residence, units by 包联小区, activities and orders by node.

The 概览 page, the status bar, the 报表 page, its .xlsx and PDF and `baodao stats` all take
their counts of units and members (REPORTED) and their rates (rate) from here, so one ledger
shows one number for one figure wherever it is read."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .grid import SUBTREE_CTE
from .ledger import Ledger
from .periods import parse_period

# A unit or member counts as reported on a day when it is live, 在册 (not 注销/转出) and its
# report date is on or before that day: the period's end in a report, today on 概览.
REPORTED = "deleted = 0 AND status = '在册' AND (report_date = '' OR report_date <= ?)"
UNITS_RULE = "在册（未注销）且报到日期不晚于统计截止日的单位；已注销的不计"
MEMBERS_RULE = "在册（未转出、未注销）且报到日期不晚于统计截止日的在职党员"
COMPLETION_RULE = "办结件数÷受理件数；本期无受理时不计算，显示“—”；保留一位小数，四舍五入"
COMPLETION_NOTE = ("受理按点单日期、办结按完成日期计入期间：以前受理、本期办结的需求也计入办结，"
                   "所以个别月份的办结率可能超过100%。")
SATISFACTION_RULE = "（满意＋基本满意）÷评价件数；本期无评价时显示“—”；保留一位小数，四舍五入"

# key, label, definition
FIGURES = (
    ("units", "报到单位（个）", UNITS_RULE.replace("统计截止日", "期末")),
    ("units_new", "新报到单位（个）", "报到日期在本期内"),
    ("members", "报到党员（人）", MEMBERS_RULE.replace("统计截止日", "期末")),
    ("members_new", "新报到党员（人）", "报到日期在本期内"),
    ("posts", "服务岗位（个）", "启用中的岗位"),
    ("claims", "认领岗位（人次）", "期末有效的认岗记录"),
    ("branches", "小区临时党支部（个）", "已设临时党支部的小区"),
    ("activities", "开展活动（场）", "本期已审核的活动"),
    ("person_times", "参与党员（人次）", "已审核活动的党员参与记录"),
    ("unit_times", "参与单位（次）", "已审核活动的单位参与记录"),
    ("hours", "服务时长（小时）", "党员参与时长合计"),
    ("projects", "办成实事（件）", "已审核的共建项目（单位组织）"),
    ("orders_received", "受理群众需求（件）", "点单日期在本期内"),
    ("orders_completed", "办结群众需求（件）", "完成日期在本期内"),
    ("completion_rate", "需求办结率", COMPLETION_RULE),
    ("rated", "群众评价（件）", "评价日期在本期内"),
    ("satisfied", "满意（件）", "评价为满意"),
    ("satisfaction", "满意率", SATISFACTION_RULE),
)
LABELS = {key: label for key, label, _ in FIGURES}
RATES = ("completion_rate", "satisfaction")
TREND = (("activities", "活动（场）"), ("person_times", "服务人次"), ("hours", "服务时长"),
         ("orders_received", "受理需求"), ("orders_completed", "办结需求"))
BY_NODE = (("members", "报到党员"), ("units", "报到单位"), *TREND, ("projects", "实事"))
MONTH_TABLE = (*TREND, ("completion_rate", "办结率"))  # the month table of the .xlsx and PDF


def rate(part: int, whole: int) -> float | None:
    """part/whole rounded half up to a tenth of a percent (0.741 is 74.1%); None when whole
    is 0 (nothing to complete is not 100% completed). Stored already rounded, so Excel's 0.0%
    and format_value show the same digits."""
    if not whole:
        return None
    exact = Decimal(part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def reported_counts(ledger: Ledger, day: str | dt.date | None = None) -> dict[str, int]:
    """Units and members reported on `day` (today by default): the 概览 tiles and the status
    bar; statistics() counts the same way with the period's end."""
    day = str(day or dt.date.today().isoformat())
    return {table: int(ledger.scalar(f"SELECT count(*) FROM {table} WHERE {REPORTED}", (day,)))
            for table in ("units", "members")}


def in_progress(period_code: str, today: dt.date | None = None) -> bool:
    """A period that has not ended yet (today is still in it, or it lies ahead)."""
    return parse_period(period_code).end >= (today or dt.date.today()).isoformat()


def _months(start: str, end: str) -> list[str]:
    y, m = int(start[:4]), int(start[5:7])
    out = []
    while f"{y}-{m:02d}" <= end[:7]:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _group_root(ledger: Ledger, node_id: int | None) -> tuple[int | None, str]:
    """The node whose children the by-node table lists, and the scope's name."""
    if node_id is not None:
        row = ledger.one("SELECT name FROM grid_nodes WHERE id = ?", (node_id,))
        return node_id, row["name"] if row else ""
    tops = ledger.conn.execute("SELECT id, name FROM grid_nodes WHERE deleted = 0 AND level = 2 "
                               "ORDER BY sort_order, id").fetchall()
    if len(tops) == 1:
        return tops[0][0], tops[0][1]
    root = ledger.conn.execute("SELECT id, name FROM grid_nodes WHERE deleted = 0 AND level = 1 "
                               "ORDER BY id").fetchall()
    return (root[0][0], root[0][1]) if len(root) == 1 else (None, "全部")


def statistics(ledger: Ledger, period_code: str, node_id: int | None = None) -> dict[str, Any]:
    period = parse_period(period_code)
    p0, p1 = period.start, period.end
    cte, pre = (SUBTREE_CTE + " ", [node_id]) if node_id is not None else ("", [])

    def within(col: str) -> str:
        return f" AND {col} IN (SELECT id FROM sub)" if node_id is not None else ""

    def one(sql: str, *params: Any) -> Any:
        return ledger.conn.execute(cte + sql, [*pre, *params]).fetchone()

    f: dict[str, Any] = {}
    live_u = REPORTED
    f["units"], f["units_new"] = one(
        f"SELECT count(*), coalesce(sum(report_date >= ?), 0) FROM units WHERE {live_u}"
        + within("paired_node_id"), p0, p1)
    f["members"], f["members_new"] = one(
        f"SELECT count(*), coalesce(sum(report_date >= ?), 0) FROM members WHERE {live_u}"
        + within("residence_node_id"), p0, p1)
    f["posts"] = one("SELECT count(*) FROM posts WHERE deleted = 0 AND status = '启用'"
                     + within("node_id"))[0]
    if node_id is None:  # no join needed: few members are ever deleted
        claims = ("FROM post_claims c WHERE c.member_id NOT IN "
                  "(SELECT id FROM members WHERE deleted != 0)")
    else:
        claims = ("FROM post_claims c JOIN members m ON m.id = c.member_id WHERE m.deleted = 0"
                  + within("m.residence_node_id"))
    f["claims"] = one(
        f"SELECT count(*) {claims} AND c.deleted = 0 AND c.claimed_date <= ? "
        "AND (c.released_date = '' OR c.released_date > ?)", p1, p1)[0]
    f["branches"] = one("SELECT count(*) FROM grid_nodes WHERE deleted = 0 AND level = 3 "
                        "AND branch_name != ''" + within("id"))[0]
    months = month_rows(ledger, period_code, node_id)
    for key in ("activities", "projects", "person_times", "unit_times"):
        f[key] = sum(m[key] for m in months)
    f["hours"] = round(sum(m["hours"] for m in months), 2)
    done = "o.state IN ('已完成', '已评价')"
    row = one(f"SELECT coalesce(sum(o.requested_date BETWEEN ? AND ?), 0), "
              f"coalesce(sum(o.requested_date BETWEEN ? AND ? AND {done}), 0), "
              f"coalesce(sum({done} AND o.completed_date BETWEEN ? AND ?), 0), "
              "coalesce(sum(o.rating != '' AND o.rated_date BETWEEN ? AND ?), 0), "
              "coalesce(sum(o.rating = '满意' AND o.rated_date BETWEEN ? AND ?), 0), "
              "coalesce(sum(o.rating = '基本满意' AND o.rated_date BETWEEN ? AND ?), 0) "
              "FROM orders o WHERE o.deleted = 0" + within("o.node_id"), *([p0, p1] * 6))
    f["orders_received"], received_done, f["orders_completed"] = row[0], row[1], row[2]
    f["rated"], f["satisfied"], basic = row[3], row[4], row[5]
    f["completion_rate"] = rate(f["orders_completed"], f["orders_received"])
    f["satisfaction"] = rate(row[4] + basic, row[3])
    f["orders_received_completed"], f["basically_satisfied"] = received_done, basic
    root, scope_name = _group_root(ledger, node_id)
    return {"period": period.code, "label": period.label, "start": p0, "end": p1,
            "in_progress": in_progress(period.code),
            "node_id": node_id, "scope": scope_name, "figures": f,
            "months": months,
            "by_node": by_node(ledger, period_code, root)}


def month_rows(ledger: Ledger, period_code: str, node_id: int | None = None) -> list[dict[str, Any]]:
    """TREND figures for each month of the period (the 概览 chart uses only this)."""
    period = parse_period(period_code)
    p0, p1 = period.start, period.end
    cte, pre = (SUBTREE_CTE + " ", [node_id]) if node_id is not None else ("", [])
    done = "o.state IN ('已完成', '已评价')"

    def within(col: str) -> str:
        return f" AND {col} IN (SELECT id FROM sub)" if node_id is not None else ""

    keys = [k for k, _ in TREND] + ["projects", "unit_times"]
    months: dict[str, dict[str, Any]] = {m: dict.fromkeys(keys, 0) for m in _months(p0, p1)}
    for m, n, projects in ledger.conn.execute(
            cte + "SELECT substr(a.date, 1, 7), count(*), coalesce(sum(a.kind = '共建项目' "
            "AND a.unit_id IS NOT NULL), 0) FROM activities a WHERE a.deleted = 0 "
            "AND a.verified = 1 AND a.date BETWEEN ? AND ?" + within("a.node_id") + " GROUP BY 1",
            [*pre, p0, p1]):
        months[m].update(activities=n, projects=projects)
    for m, pt, ut, h in ledger.conn.execute(
            cte + "SELECT substr(a.date, 1, 7), count(p.member_id), count(p.unit_id), "
            "coalesce(sum(CASE WHEN p.member_id IS NOT NULL THEN p.hours END), 0) "
            "FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
            "WHERE p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ?"
            + within("a.node_id") + " GROUP BY 1", [*pre, p0, p1]):
        months[m].update(person_times=pt, unit_times=ut, hours=round(float(h), 2))
    for col, key in (("requested_date", "orders_received"), ("completed_date", "orders_completed")):
        extra = f" AND {done}" if key == "orders_completed" else ""
        for m, n in ledger.conn.execute(
                cte + f"SELECT substr(o.{col}, 1, 7), count(*) FROM orders o WHERE o.deleted = 0 "
                f"AND o.{col} BETWEEN ? AND ?{extra}" + within("o.node_id") + " GROUP BY 1",
                [*pre, p0, p1]):
            months[m][key] = n
    for v in months.values():
        v["completion_rate"] = rate(v["orders_completed"], v["orders_received"])
    return [{"month": m, **v} for m, v in months.items()]


def by_node(ledger: Ledger, period_code: str, root: int | None) -> list[dict[str, Any]]:
    """The figures of BY_NODE for each child of root (its whole subtree each)."""
    period = parse_period(period_code)
    p0, p1 = period.start, period.end
    nodes = ledger.conn.execute("SELECT id, parent_id, name, level FROM grid_nodes "
                                "WHERE deleted = 0 ORDER BY sort_order, id").fetchall()
    kids = [n for n in nodes if (n[3] == 1 if root is None else n[1] == root)]
    if not kids:
        return []
    parent = {n[0]: n[1] for n in nodes}
    kid_ids = {n[0] for n in kids}
    group: dict[int, int] = {}
    for n in nodes:
        cur, steps = n[0], 0
        while cur is not None and cur not in kid_ids and steps < 6:
            cur, steps = parent.get(cur), steps + 1
        if cur in kid_ids:
            group[n[0]] = cur
    out = {k[0]: dict.fromkeys([key for key, _ in BY_NODE], 0) for k in kids}

    def add(sql: str, params: tuple[Any, ...], *keys: str) -> None:
        for node, *values in ledger.conn.execute(sql, params):
            g = group.get(node)
            if g is None:
                continue
            for key, value in zip(keys, values, strict=True):
                out[g][key] = round(out[g][key] + (value or 0), 2)

    live = REPORTED
    # NOT INDEXED: a scan and a sort beat walking the residence index row by row.
    add(f"SELECT residence_node_id, count(*) FROM members NOT INDEXED WHERE {live} GROUP BY 1",
        (p1,), "members")
    add(f"SELECT paired_node_id, count(*) FROM units WHERE {live} GROUP BY 1", (p1,), "units")
    add("SELECT node_id, count(*), coalesce(sum(kind = '共建项目' AND unit_id IS NOT NULL), 0) "
        "FROM activities WHERE deleted = 0 AND verified = 1 AND date BETWEEN ? AND ? GROUP BY 1",
        (p0, p1), "activities", "projects")
    add("SELECT a.node_id, count(p.member_id), coalesce(sum(CASE WHEN p.member_id IS NOT NULL "
        "THEN p.hours END), 0) FROM activity_participants p JOIN activities a "
        "ON a.id = p.activity_id WHERE p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 "
        "AND a.date BETWEEN ? AND ? GROUP BY 1", (p0, p1), "person_times", "hours")
    add("SELECT node_id, coalesce(sum(requested_date BETWEEN ? AND ?), 0), "
        "coalesce(sum(state IN ('已完成', '已评价') AND completed_date BETWEEN ? AND ?), 0) "
        "FROM orders WHERE deleted = 0 GROUP BY 1", (p0, p1, p0, p1),
        "orders_received", "orders_completed")
    names = {k[0]: k[2] for k in kids}
    return [{"node_id": k, "name": names[k], **v} for k, v in out.items()]


def format_value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in RATES:  # already rounded by rate(): this only prints it
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.1f}"
    return str(value)


def sql_text() -> dict[str, str]:
    """What each figure counts, for the report's notes."""
    return {key: text for key, _, text in FIGURES}

