"""积分排行: members and reporting units, each by month or by quarter.

Rank is by points earned in the period (redemptions do not count against it); equal points
share a rank and the next rank skips (1, 2, 2, 4). Inside a tie the rows are listed by
services, then hours, then the name's pinyin, then the uuid — always the same order. Closing
a period stores the ranking as it stands; from then on the stored rows are shown and nothing
edited later moves them. A snapshot keeps each row's place in that order (its `rank` column
is the key, so it is the place, 1…N); the shared rank is derived from the frozen points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import access
from .errors import RuleError, ValidationError
from .ledger import Ledger, utcnow
from .periods import Period, granularity_of, parse_period

KINDS = {"member": "党员排行", "unit": "报到单位排行"}
SUBJECTS = {"member": "党员", "unit": "报到单位"}
SPANS = {"month": "月度", "quarter": "季度"}
RULES = {
    "member": "按本期积分从高到低；积分相同的名次并列（如1、2、2、4），并列者依次按服务次数、"
              "服务时长（多者在前）、姓名拼音、登记编码排列先后",
    "unit": "按本期积分从高到低；积分相同的名次并列（如1、2、2、4），并列者依次按实事（共建项目）数、"
            "服务时长（多者在前）、名称拼音、登记编码排列先后",
}


def title(kind: str, period: Period) -> str:
    """党员月度排行, 报到单位季度排行 …"""
    return f"{SUBJECTS[kind]}{SPANS[granularity_of(period)]}排行"


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
    def title(self) -> str:
        return title(self.kind, self.period)

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
    if granularity_of(period) not in SPANS:
        raise ValidationError("period", "排行期间", "排行按月或按季度，应写成 2026-05 或 2026Q3")
    return period


def share_ranks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Given rows in ranking order, set each row's competition rank (equal points, equal
    rank; the next rank skips) and `tied`, how many share it."""
    groups: dict[float, int] = {}
    for row in rows:
        groups[row["points"]] = groups.get(row["points"], 0) + 1
    rank, previous = 0, None
    for place, row in enumerate(rows, start=1):
        if row["points"] != previous:
            rank, previous = place, row["points"]
        row["rank"] = rank
        row["tied"] = groups[row["points"]]
    return rows


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
    for row in rows:
        del row["_key"]
    return share_ranks(rows)


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
        "SELECT subject_id AS id, subject_uuid AS uuid, name, org, points, services, hours "
        "FROM ranking_rows WHERE snapshot_id = ? ORDER BY rank", (snap["id"],))
    # Ranks are shared from the frozen points in the frozen order, so a snapshot closed before
    # ranks were shared keeps every place and reads by today's rule.
    return Ranking(kind, period, share_ranks(rows), True, snap["closed_at"], snap["closed_by"],
                   RULES[kind])


def close_period(ledger: Ledger, kind: str, period_code: str, closed_by: str = "") -> Ranking:
    """Freeze the period's ranking as it stands now."""
    access.require_secretary(ledger, "封存排名")
    period = check_period(kind, period_code)
    with ledger.transaction():
        if snapshot(ledger, kind, period) is not None:
            raise RuleError(f"{period.label}的{title(kind, period)}已经封存，不能再次封存")
        rows = compute(ledger, kind, period)
        cursor = ledger.execute(
            "INSERT INTO ranking_snapshots(kind, period, closed_at, closed_by, rule) "
            "VALUES (?, ?, ?, ?, ?)", (kind, period.code, utcnow(), closed_by.strip(), RULES[kind]))
        snap_id = cursor.lastrowid
        ledger.conn.executemany(
            "INSERT INTO ranking_rows(snapshot_id, rank, subject_id, subject_uuid, name, org, "
            "points, services, hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(snap_id, place, r["id"], r["uuid"], r["name"], r["org"], r["points"],
              r["services"], r["hours"]) for place, r in enumerate(rows, start=1)])
    return get_ranking(ledger, kind, period.code)


@dataclass
class Selection:
    """Who gets a 感谢信 (head) and who a 提醒函 (tail), and what the user should be told about
    ties at the boundaries."""
    head: list[dict[str, Any]]
    tail: list[dict[str, Any]]
    notes: list[str]


def select(ranking: Ranking, top: int, bottom: int) -> Selection:
    """The first `top` and last `bottom` places, each widened to the whole tie at its
    boundary (an unequal cut would thank one of two people with the same points). Only
    positive points earn thanks; no row is in both lists."""
    rows, notes = ranking.rows, []
    what = "名党员" if ranking.kind == "member" else "个单位"
    head: list[dict[str, Any]] = []
    if top > 0 and rows:
        last = rows[min(top, len(rows)) - 1]["rank"]
        head = [r for r in rows if r["rank"] <= last and r["points"] > 0]
        if len(head) > top:
            notes.append(f"感谢信前{top}名：第{last}名有{head[-1]['tied']}{what}并列，"
                         f"一并发送，共{len(head)}份。")
        if len(head) < min(top, len(rows)):
            notes.append(f"感谢信只发给本期积分大于0的，共{len(head)}份。")
    tail: list[dict[str, Any]] = []
    if bottom > 0 and rows:
        first = rows[max(0, len(rows) - bottom)]["rank"]
        taken = {id(r) for r in head}
        group = [r for r in rows if r["rank"] >= first]
        tail = [r for r in group if id(r) not in taken]
        if len(group) > bottom:
            notes.append(f"提醒函后{bottom}名：第{first}名有{group[0]['tied']}{what}并列，"
                         f"一并发送，共{len(tail)}份。")
        if len(tail) < len(group):
            notes.append(f"其中{len(group) - len(tail)}{what}已收到感谢信，不再发提醒函。")
    return Selection(head, tail, notes)


def top_bottom(ranking: Ranking, top: int, bottom: int) -> tuple[list[dict[str, Any]],
                                                                  list[dict[str, Any]]]:
    """The head and tail of select()."""
    chosen = select(ranking, top, bottom)
    return chosen.head, chosen.tail
