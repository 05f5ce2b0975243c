"""积分排行: members by month, reporting units by quarter.

Order: points earned in the period (redemptions do not count against it), then services,
then hours, then the name's pinyin, then the uuid — so equal scores always come out in the
same order. Closing a period stores the ranking as it stands; from then on the stored rows
are shown and nothing edited later moves them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import access
from .errors import RuleError, ValidationError
from .ledger import Ledger, utcnow
from .periods import Period, parse_period

KINDS = {"member": "党员月度排行", "unit": "报到单位季度排行"}
RULES = {
    "member": "按本月积分从高到低；积分相同时依次比较服务次数、服务时长（多者在前），"
              "再按姓名拼音、登记编码排序",
    "unit": "按本季度积分从高到低；积分相同时依次比较实事（共建项目）数、服务时长（多者在前），"
            "再按名称拼音、登记编码排序",
}


@dataclass
class Ranking:
    kind: str
    period: Period
    rows: list[dict[str, Any]] = field(default_factory=list)
    frozen: bool = False
    closed_at: str = ""
    closed_by: str = ""
    rule: str = ""

    @property
    def status_text(self) -> str:
        if not self.frozen:
            return f"{self.period.label}尚未封存：排行随积分记录实时变化。"
        day = self.closed_at[:10]
        who = f"（{self.closed_by}）" if self.closed_by else ""
        return (f"{self.period.label}已于{day}封存{who}：显示的是封存时的排行，"
                "之后对活动、需求或积分的修改不会改变它。")


def check_period(kind: str, code: str) -> Period:
    if kind not in KINDS:
        raise ValidationError("kind", "排行类别", "应为 member 或 unit")
    period = parse_period(code)
    if kind == "member" and "-" not in period.code:
        raise ValidationError("period", "排行期间", "党员按月排行，应写成 2026-05")
    if kind == "unit" and "Q" not in period.code:
        raise ValidationError("period", "排行期间", "报到单位按季度排行，应写成 2026Q3")
    return period


def _sums(ledger: Ledger, sql: str, params: tuple[Any, ...]) -> dict[int, tuple[float, ...]]:
    return {r[0]: tuple(r[1:]) for r in ledger.conn.execute(sql, params)}


def compute(ledger: Ledger, kind: str, period: Period) -> list[dict[str, Any]]:
    """The live ranking (ignores any snapshot)."""
    col = "member_id" if kind == "member" else "unit_id"
    points = _sums(ledger, f"SELECT {col}, sum(delta) FROM points_entries WHERE {col} IS NOT NULL "
                   "AND deleted = 0 AND source_kind != 'redeem' AND date BETWEEN ? AND ? "
                   f"GROUP BY {col}", (period.start, period.end))
    if kind == "member":
        services = _sums(
            ledger, "SELECT p.member_id, count(*), sum(p.hours) FROM activity_participants p "
            "JOIN activities a ON a.id = p.activity_id WHERE p.member_id IS NOT NULL "
            "AND p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ? "
            "GROUP BY p.member_id", (period.start, period.end))
        subjects = ledger.conn.execute(
            "SELECT m.id, m.uuid, m.name, coalesce(u.name, m.work_unit_name), m.name_pinyin "
            "FROM members m LEFT JOIN units u ON u.id = m.work_unit_id WHERE m.deleted = 0 "
            "AND m.status = '在册' AND (m.report_date = '' OR m.report_date <= ?)",
            (period.end,)).fetchall()
    else:
        projects = _sums(
            ledger, "SELECT unit_id, count(*) FROM activities WHERE deleted = 0 AND verified = 1 "
            "AND kind = '共建项目' AND unit_id IS NOT NULL AND date BETWEEN ? AND ? "
            "GROUP BY unit_id", (period.start, period.end))
        hours = _sums(
            ledger, "SELECT p.unit_id, sum(p.hours) FROM activity_participants p "
            "JOIN activities a ON a.id = p.activity_id WHERE p.unit_id IS NOT NULL "
            "AND p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ? "
            "GROUP BY p.unit_id", (period.start, period.end))
        services = {k: (projects.get(k, (0,))[0], hours.get(k, (0.0,))[0])
                    for k in set(projects) | set(hours)}
        subjects = ledger.conn.execute(
            "SELECT id, uuid, name, category, name_initials FROM units WHERE deleted = 0 "
            "AND status = '在册' AND (report_date = '' OR report_date <= ?)",
            (period.end,)).fetchall()
    rows = []
    for sid, uuid, name, org, key in subjects:
        count, hrs = services.get(sid, (0, 0.0))
        rows.append({"id": sid, "uuid": uuid, "name": name, "org": org or "",
                     "points": round(float(points.get(sid, (0.0,))[0] or 0), 2),
                     "services": int(count or 0), "hours": round(float(hrs or 0), 2),
                     "_key": key or ""})
    rows.sort(key=lambda r: (-r["points"], -r["services"], -r["hours"], r["_key"], r["uuid"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        del row["_key"]
    return rows


def snapshot(ledger: Ledger, kind: str, period: Period) -> dict[str, Any] | None:
    return ledger.one("SELECT * FROM ranking_snapshots WHERE kind = ? AND period = ?",
                      (kind, period.code))


def get_ranking(ledger: Ledger, kind: str, period_code: str) -> Ranking:
    """The frozen ranking when the period is closed, else the live one."""
    period = check_period(kind, period_code)
    snap = snapshot(ledger, kind, period)
    if snap is None:
        return Ranking(kind, period, compute(ledger, kind, period), rule=RULES[kind])
    rows = ledger.query(
        "SELECT rank, subject_id AS id, subject_uuid AS uuid, name, org, points, services, hours "
        "FROM ranking_rows WHERE snapshot_id = ? ORDER BY rank", (snap["id"],))
    return Ranking(kind, period, rows, True, snap["closed_at"], snap["closed_by"], snap["rule"])


def close_period(ledger: Ledger, kind: str, period_code: str, closed_by: str = "") -> Ranking:
    """Freeze the period's ranking as it stands now."""
    access.require_secretary(ledger, "封存排名")
    period = check_period(kind, period_code)
    with ledger.transaction():
        if snapshot(ledger, kind, period) is not None:
            raise RuleError(f"{period.label}的{KINDS[kind]}已经封存，不能再次封存")
        rows = compute(ledger, kind, period)
        cursor = ledger.execute(
            "INSERT INTO ranking_snapshots(kind, period, closed_at, closed_by, rule) "
            "VALUES (?, ?, ?, ?, ?)", (kind, period.code, utcnow(), closed_by.strip(), RULES[kind]))
        snap_id = cursor.lastrowid
        ledger.conn.executemany(
            "INSERT INTO ranking_rows(snapshot_id, rank, subject_id, subject_uuid, name, org, "
            "points, services, hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(snap_id, r["rank"], r["id"], r["uuid"], r["name"], r["org"], r["points"],
              r["services"], r["hours"]) for r in rows])
    return get_ranking(ledger, kind, period.code)


def closed_periods(ledger: Ledger, kind: str) -> list[dict[str, Any]]:
    return ledger.query("SELECT * FROM ranking_snapshots WHERE kind = ? ORDER BY period DESC",
                        (kind,))


def top_bottom(ranking: Ranking, top: int, bottom: int) -> tuple[list[dict[str, Any]],
                                                                  list[dict[str, Any]]]:
    """The first `top` and last `bottom` rows, never the same row in both."""
    rows = ranking.rows
    head = rows[:max(0, top)]
    tail_start = max(len(head), len(rows) - max(0, bottom))
    return head, rows[tail_start:]
