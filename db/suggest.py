"""Suggested half-year grades, and the evaluation sheet for a grid subtree.

A member's suggestion comes from half-year points (base score plus the half year's entries,
redemptions not counted) and how many of the half year's two quarters had a verified service;
a unit's from points, 实事 (verified 共建项目 it organised) and joint meetings attended. The
thresholds are the ledger's setting `evaluation_rules`; the reason shown names the figures and
the threshold met, so the secretary can see why before she accepts or changes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .evaluations import _period, delete_evaluation, get_evaluation, set_evaluation
from .grid import SUBTREE_CTE
from .ledger import Ledger
from .periods import parse_period
from .points import rules
from .settings import DEFAULTS, get_setting, grades


@dataclass(frozen=True)
class Figures:
    points: float
    services: int
    hours: float
    quarters: int = 0  # members: quarters of the half year with a service
    projects: int = 0  # units: 实事
    meetings: int = 0  # units: joint meetings attended


def thresholds(ledger: Ledger, kind: str) -> list[list[Any]]:
    scheme = get_setting(ledger, "grade_scheme") or "三级"
    stored = (get_setting(ledger, "evaluation_rules") or {}).get(kind, {})
    return stored.get(scheme) or DEFAULTS["evaluation_rules"][kind].get(scheme) \
        or DEFAULTS["evaluation_rules"][kind]["三级"]


def threshold_text(kind: str, row: list[Any]) -> str:
    parts = []
    if float(row[1]) > 0:
        parts.append(f"积分≥{row[1]:g}")
    if kind == "member":
        parts.append("两个季度均有服务" if int(row[2]) >= 2 else f"至少{row[2]}个季度有服务")
    else:
        if int(row[2]):
            parts.append(f"实事≥{row[2]}项")
        if int(row[3]):
            parts.append(f"参加联席会议≥{row[3]}次")
    return "且".join(parts) or "无要求"


def suggest(ledger: Ledger, kind: str, f: Figures) -> tuple[str, str]:
    """(grade, reason) for one member or unit's figures."""
    return decide(grades(ledger), thresholds(ledger, kind), kind, f)


def decide(scheme: tuple[str, ...], rows: list[list[Any]], kind: str,
           f: Figures) -> tuple[str, str]:
    if kind == "member":
        facts = (f"半年积分{f.points:g}分，服务{f.services}次、{f.hours:g}小时，"
                 f"{'两个季度均有服务' if f.quarters >= 2 else f'{f.quarters}个季度有服务'}")
    else:
        facts = f"半年积分{f.points:g}分，实事{f.projects}项，参加联席会议{f.meetings}次"
    usable = [r for r in rows if r[0] in scheme]
    for row in usable:
        ok = f.points >= float(row[1]) and (
            f.quarters >= int(row[2]) if kind == "member"
            else f.projects >= int(row[2]) and f.meetings >= int(row[3]))
        if ok:
            return row[0], f"{facts}；达到“{row[0]}”标准（{threshold_text(kind, row)}）"
    last = scheme[-1]
    if not usable:
        return last, f"{facts}；为“{last}”"
    missed = f"未达到“{usable[-1][0]}”标准（{threshold_text(kind, usable[-1])}）"
    return last, f"{facts}；{missed}，故为“{last}”"


def figures(ledger: Ledger, kind: str, period_code: str) -> dict[int, Figures]:
    """Figures of every member (or unit) with any activity in the half year; others are zero."""
    period = parse_period(_period(period_code))
    base = float(rules(ledger)["base"])
    col = "member_id" if kind == "member" else "unit_id"
    span = (period.start, period.end)
    pts = dict(ledger.conn.execute(
        f"SELECT {col}, sum(delta) FROM points_entries WHERE {col} IS NOT NULL AND deleted = 0 "
        f"AND source_kind != 'redeem' AND date BETWEEN ? AND ? GROUP BY {col}", span).fetchall())
    serv = {r[0]: r[1:] for r in ledger.conn.execute(
        f"SELECT p.{col}, count(*), sum(p.hours), count(DISTINCT (CAST(substr(a.date, 6, 2) "
        "AS INTEGER) - 1) / 3) FROM activity_participants p JOIN activities a "
        f"ON a.id = p.activity_id WHERE p.{col} IS NOT NULL AND p.deleted = 0 AND a.deleted = 0 "
        f"AND a.verified = 1 AND a.date BETWEEN ? AND ? GROUP BY p.{col}", span)}
    projects: dict[int, int] = {}
    meetings: dict[int, int] = {}
    if kind == "unit":
        projects = dict(ledger.conn.execute(
            "SELECT unit_id, count(*) FROM activities WHERE deleted = 0 AND verified = 1 "
            "AND kind = '共建项目' AND unit_id IS NOT NULL AND date BETWEEN ? AND ? "
            "GROUP BY unit_id", span).fetchall())
        meetings = dict(ledger.conn.execute(
            "SELECT t.unit_id, count(DISTINCT t.meeting_id) FROM meeting_attendees t "
            "JOIN meetings g ON g.id = t.meeting_id WHERE t.deleted = 0 AND g.deleted = 0 "
            "AND g.date BETWEEN ? AND ? GROUP BY t.unit_id", span).fetchall())
    out = {}
    for sid in set(pts) | set(serv) | set(projects) | set(meetings):
        count, hours, quarters = serv.get(sid, (0, 0.0, 0))
        out[sid] = Figures(round(base + float(pts.get(sid) or 0), 2), int(count or 0),
                           round(float(hours or 0), 2), int(quarters or 0),
                           int(projects.get(sid, 0)), int(meetings.get(sid, 0)))
    return out


def evaluation_sheet(ledger: Ledger, period_code: str, kind: str = "member",
                     node_id: int | None = None) -> list[dict[str, Any]]:
    """One row per live member living in the subtree (or unit paired in it): the figures, the
    suggestion with its reason, and the grade and comment already given, if any."""
    code = _period(period_code)
    period = parse_period(code)
    figs = figures(ledger, kind, code)
    zero = Figures(float(rules(ledger)["base"]), 0, 0.0)
    # member / unit: (table, its grid column, org, extra join, evaluation column, sort key)
    table, node_column, org, join, subject, order = {
        "member": ("members", "residence_node_id", "coalesce(u.name, m.work_unit_name)",
                   "LEFT JOIN units u ON u.id = m.work_unit_id ", "member_id", "name_pinyin"),
        "unit": ("units", "paired_node_id", "m.category", "", "unit_id", "name_initials"),
    }["member" if kind == "member" else "unit"]
    cte, params = ("", [])
    where = "m.deleted = 0 AND m.status = '在册' AND (m.report_date = '' OR m.report_date <= ?)"
    if node_id is not None:
        cte, where = SUBTREE_CTE + " ", where + f" AND m.{node_column} IN (SELECT id FROM sub)"
        params.append(node_id)
    sql = (f"{cte}SELECT m.id, m.name, {org} AS org, e.grade, e.comment FROM {table} m {join}"
           f"LEFT JOIN evaluations e ON e.{subject} = m.id AND e.period = ? AND e.deleted = 0 "
           f"WHERE {where} ORDER BY m.{order}, m.id")
    rows = ledger.query(sql, [*params, code, period.end])
    scheme, limits = grades(ledger), thresholds(ledger, kind)
    for row in rows:
        f = figs.get(row["id"], zero)
        row.update(points=f.points, services=f.services, hours=f.hours, quarters=f.quarters,
                   projects=f.projects, meetings=f.meetings)
        row["suggested"], row["reason"] = decide(scheme, limits, kind, f)
        row["grade"] = row["grade"] or ""
        row["comment"] = row["comment"] or ""
    return rows


def save_sheet(ledger: Ledger, period_code: str, kind: str, rows: list[dict[str, Any]],
               evaluator: str = "", date: str | None = None) -> int:
    """Store the final grade and comment of every row that has a grade, with the suggestion it
    was given; a row whose grade was cleared loses its evaluation. All or nothing. Returns how
    many were saved."""
    saved = 0
    with ledger.transaction():
        for row in rows:
            key = {"member_id": row["id"]} if kind == "member" else {"unit_id": row["id"]}
            if not row.get("grade"):
                existing = get_evaluation(ledger, period_code, **key)
                if existing:
                    delete_evaluation(ledger, existing["id"])
                continue
            set_evaluation(ledger, period_code, row["grade"], comment=row.get("comment", ""),
                           evaluator=evaluator, date=date,
                           suggested_grade=row.get("suggested", ""),
                           suggested_reason=row.get("reason", ""), **key)
            saved += 1
    return saved


def accept_suggestions(rows: list[dict[str, Any]], overwrite: bool = False) -> int:
    """Fill each row's grade with its suggestion (only blank ones unless overwrite)."""
    changed = 0
    for row in rows:
        if (overwrite or not row.get("grade")) and row.get("grade") != row["suggested"]:
            row["grade"] = row["suggested"]
            changed += 1
    return changed
