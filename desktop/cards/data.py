"""What each card shows, read from the ledger: plain dicts of strings, ready to lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db import (
    activities,
    evaluations,
    grid,
    members,
    points,
    posts,
    settings,
    training,
    units,
    visits,
)
from db.ledger import Ledger
from db.periods import Period
from db.validate import mask_id, mask_phone

ORG_SUFFIXES = ("党委", "党组", "党工委", "党总支", "党支部", "党组织", "总支部委员会", "委员会")


def fmt_number(value: float) -> str:
    """1.0 → 1, 2.5 → 2.5, -2 → -2: as a secretary writes hours and points."""
    value = round(float(value), 2)
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"


def org_name(work_unit: str) -> str:
    """The party organisation of a work unit, as the card's addressee."""
    if not work_unit:
        return "________________党组织"
    return work_unit if work_unit.endswith(ORG_SUFFIXES) else f"{work_unit}党组织"


@dataclass
class Common:
    """The office printing the cards and the period: the same on every card of a batch."""

    street: str
    community: str
    office: str
    period: Period | None
    grades: tuple[str, ...]


def common(ledger: Ledger, period: Period | None) -> Common:
    ident = settings.identity(ledger)
    return Common(ident["street"], ident["community"], ident["office_name"], period,
                  settings.grades(ledger))


def residence(ledger: Ledger, member: dict[str, Any]) -> str:
    """小区 + 楼院 + 单元 + 门牌号: the levels below the community."""
    names = grid.path_names(ledger, member["residence_node_id"])
    return "".join(names[2:]) + (member["room"] or "")


def posts_text(ledger: Ledger, member_id: int) -> str:
    return "、".join(c["post_name"] for c in posts.member_claims(ledger, member_id))


@dataclass
class RecordCard:
    member: dict[str, Any]
    residence: str
    posts: str
    rows: list[dict[str, Any]]
    times: int
    hours: float
    points: float


def record_card(ledger: Ledger, member_id: int, period: Period) -> RecordCard:
    member = members.get_member(ledger, member_id)
    rows = activities.member_services(ledger, member_id, period.start, period.end,
                                      verified_only=True)
    return RecordCard(member, residence(ledger, member), posts_text(ledger, member_id), rows,
                      len(rows), round(sum(float(r["hours"]) for r in rows), 2),
                      round(sum(float(r["points"]) for r in rows), 2))


def service_text(row: dict[str, Any]) -> str:
    title, content = row["title"] or "", row["content"] or ""
    if not content or content == title:
        return title
    return f"{title}：{content}"


@dataclass
class FeedbackCard:
    """One 反馈卡: `facts` are (label, value) pairs shown in the form, in order."""

    subject: str  # the member's or the unit's name
    addressee: str
    intro: str
    facts: list[tuple[str, str]]
    posts: str
    grade: str
    comment: str
    evaluated_date: str
    receipt: str
    is_unit: bool = False
    notes: list[str] = field(default_factory=list)  # the subject, when not yet evaluated
    receipt_number: str = ""  # its 回执's number (db.receipts), printed on the tear-off part


def _orders_completed(ledger: Ledger, column: str, value: int, period: Period) -> int:
    return int(ledger.scalar(
        f"SELECT count(*) FROM orders WHERE {column} = ? AND deleted = 0 "
        "AND state IN ('已完成', '已评价') AND completed_date BETWEEN ? AND ?",
        (value, period.start, period.end)))


def member_feedback(ledger: Ledger, member_id: int, base: Common) -> FeedbackCard:
    period = base.period
    assert period is not None
    m = members.get_member(ledger, member_id)
    rows = activities.member_services(ledger, member_id, period.start, period.end,
                                      verified_only=True)
    hours = sum(float(r["hours"]) for r in rows)
    earned = points.earned(ledger, member_id=member_id, start=period.start, end=period.end)
    done = _orders_completed(ledger, "assignee_member_id", member_id, period)
    accumulated = float(points.rules(ledger)["base"]) + points.earned(
        ledger, member_id=member_id, end=period.end)
    ev = evaluations.get_evaluation(ledger, period.code, member_id=member_id) \
        if "H" in period.code else None
    place = base.community or base.office
    intro = (f"贵单位党员{m['name']}同志于{m['report_date'] or '____年__月__日'}到{place}报到。"
             f"现将其{period.label}（{period.start}至{period.end}）在社区参加服务的情况反馈如下：")
    facts = [
        ("姓名", m["name"]), ("性别", m["gender"]), ("职务", m["position"]),
        ("所在党支部", m["branch"]),
        ("报到日期", m["report_date"]), ("参加服务", f"{len(rows)} 次"),
        ("服务时长", f"{fmt_number(hours)} 小时"),
        ("本期积分", f"{fmt_number(earned)} 分"), ("完成群众点单", f"{done} 件"),
        # 累计积分 (as of the period's end), not 余额: the 爱心存折's 可兑换积分 is another
        # number (db.points).
        (points.ACCUMULATED, f"{fmt_number(accumulated)} 分"),
    ]
    receipt = (f"贵社区反馈的我单位党员{m['name']}同志{period.label}到社区报到服务情况"
               "反馈卡已收到。")
    # Evaluations are half-yearly: for a quarter or a month the grade is simply left blank.
    notes = [] if (ev and ev["grade"]) or "H" not in period.code else [m["name"]]
    return FeedbackCard(m["name"], org_name(m["work_unit_name"]), intro, facts,
                        posts_text(ledger, member_id), ev["grade"] if ev else "",
                        ev["comment"] if ev else "", ev["evaluated_date"] if ev else "",
                        receipt, notes=notes)


def unit_feedback(ledger: Ledger, unit_id: int, base: Common) -> FeedbackCard:
    period = base.period
    assert period is not None
    u = units.get_unit(ledger, unit_id)
    span = (period.start, period.end)
    meetings = int(ledger.scalar(
        "SELECT count(DISTINCT m.id) FROM meeting_attendees a JOIN meetings m "
        "ON m.id = a.meeting_id WHERE a.unit_id = ? AND a.deleted = 0 AND m.deleted = 0 "
        "AND m.date BETWEEN ? AND ?", (unit_id, *span)))
    projects = int(ledger.scalar(
        "SELECT count(DISTINCT a.id) FROM activities a LEFT JOIN activity_participants p "
        "ON p.activity_id = a.id AND p.deleted = 0 WHERE a.deleted = 0 AND a.verified = 1 "
        "AND a.kind = ? AND (a.unit_id = ? OR p.unit_id = ?) AND a.date BETWEEN ? AND ?",
        (activities.PROJECT_KIND, unit_id, unit_id, *span)))
    served = ledger.one(
        "SELECT count(*) AS times, coalesce(sum(p.hours), 0) AS hours, "
        "count(DISTINCT p.member_id) AS people FROM activity_participants p "
        "JOIN activities a ON a.id = p.activity_id JOIN members m ON m.id = p.member_id "
        "WHERE m.work_unit_id = ? AND p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 "
        "AND a.date BETWEEN ? AND ?", (unit_id, *span)) or {}
    reported = members.count_members(ledger, unit_id=unit_id)
    done = _orders_completed(ledger, "assignee_unit_id", unit_id, period)
    earned = points.earned(ledger, unit_id=unit_id, start=period.start, end=period.end)
    ev = evaluations.get_evaluation(ledger, period.code, unit_id=unit_id) \
        if "H" in period.code else None
    paired = grid.path_text(ledger, u["paired_node_id"], skip_levels=2) \
        if u["paired_node_id"] else ""
    place = base.community or base.office
    intro = (f"贵单位于{u['report_date'] or '____年__月__日'}到{place}报到"
             + (f"，包联{paired}" if paired else "")
             + f"。现将贵单位{period.label}（{period.start}至{period.end}）参与社区共建的情况反馈如下：")
    facts = [
        ("单位名称", u["name"]), ("报到日期", u["report_date"]), ("包联小区", paired),
        ("报到党员", f"{reported} 名"), ("联席会议", f"{meetings} 次"), ("完成实事", f"{projects} 项"),
        ("完成群众点单", f"{done} 件"),
        ("党员服务", f"{served.get('people', 0)} 人 {served.get('times', 0)} 人次"),
        ("服务时长", f"{fmt_number(served.get('hours', 0))} 小时"),
        ("本期积分", f"{fmt_number(earned)} 分"),
    ]
    receipt = f"贵社区反馈的我单位{period.label}到社区报到、参与共建情况反馈卡已收到。"
    notes = [] if (ev and ev["grade"]) or "H" not in period.code else [u["name"]]
    return FeedbackCard(u["name"], u["name"], intro, facts, "", ev["grade"] if ev else "",
                        ev["comment"] if ev else "", ev["evaluated_date"] if ev else "",
                        receipt, is_unit=True, notes=notes)


@dataclass
class InfoCard:
    member: dict[str, Any]
    id_text: str
    residence: str
    grid_path: str
    claims: list[dict[str, Any]]
    trainings: list[str] = field(default_factory=list)  # 培训, newest first (db.training)
    awards: list[str] = field(default_factory=list)  # 表彰奖励, newest first
    last_visit: str = ""  # the latest 一联一帮 visit: 2026-11-05 上门


def info_card(ledger: Ledger, member_id: int, full_id: bool = False) -> InfoCard:
    m = members.get_member(ledger, member_id)
    if not full_id:  # phones are masked like the ID number unless the full card is asked for
        m = {**m, "mobile": mask_phone(m["mobile"]),
             "household_phone": mask_phone(m["household_phone"])}
    path = " / ".join(grid.path_names(ledger, m["residence_node_id"]))
    seen = visits.member_visits(ledger, member_id)
    return InfoCard(m, m["id_number"] if full_id else mask_id(m["id_number"]),
                    residence(ledger, m), path, posts.member_claims(ledger, member_id),
                    [training.training_line(r) for r in training.member_trainings(ledger, member_id)],
                    [training.award_line(r) for r in training.member_awards(ledger, member_id)],
                    f"{seen[0]['date']} {seen[0]['way']}" if seen else "")
