"""活动与纪实: one dated activity with many participants, entered once, verified by the
community; it feeds every card, count and ranking that needs it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from . import audit, notices, points, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .validate import clean, nfkc, one_of, parse_date, parse_number, required

KINDS = ("集中服务日", "志愿服务", "主题党日", "点单服务", "共建项目", "联席会议", "应急响应")
PROJECT_KIND = "共建项目"  # an activity of this kind by a unit is one of its 实事
FIELDS = ("date", "kind", "title", "content", "node_id", "place", "post_id", "order_id",
          "unit_id", "verified", "verifier", "verified_date", "start_time", "end_time",
          "leader", "recorder")
_TIME = re.compile(r"^(\d{1,2})(?:[:.：点时](\d{1,2})?分?)?$")


def parse_time(value: Any, field: str, label: str) -> str:
    """A time of day as people write it (9:00, 9：30, 14.30, 9点, 930) to HH:MM; blank stays blank."""
    text = nfkc(clean(value)).replace(" ", "")
    if not text:
        return ""
    if re.fullmatch(r"\d{3,4}", text):
        text = f"{text[:-2]}:{text[-2:]}"
    match = _TIME.match(text)
    hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 0)
    if hour > 23 or minute > 59:
        raise ValidationError(field, label, f"“{value}”不是有效时间，应写成 09:00 或 14:30")
    return f"{hour:02d}:{minute:02d}"


def span_hours(start: str, end: str) -> float | None:
    """Hours from start to end (HH:MM each), to the half hour as services are counted; None
    when either is blank."""
    if not start or not end:
        return None
    minutes = (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))
    return max(0.0, round(minutes / 30) / 2)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: values.get(k) for k in FIELDS}
    out["date"] = parse_date(out["date"], "date", "活动日期", allow_blank=False)
    out["kind"] = one_of(out["kind"], KINDS, "kind", "活动类型")
    out["title"] = required(out["title"], "title", "活动名称")
    out["content"] = clean(out["content"])
    out["place"] = clean(out["place"])
    out["start_time"] = parse_time(out["start_time"], "start_time", "开始时间")
    out["end_time"] = parse_time(out["end_time"], "end_time", "结束时间")
    if out["start_time"] and out["end_time"] and out["end_time"] <= out["start_time"]:
        raise ValidationError("end_time", "结束时间", "应晚于开始时间")
    out["leader"] = clean(out["leader"])
    out["recorder"] = clean(out["recorder"])
    out["verified"] = 1 if out["verified"] else 0
    out["verifier"] = clean(out["verifier"])
    out["verified_date"] = parse_date(out["verified_date"], "verified_date", "审核日期")
    if out["verified"]:
        if not out["verifier"]:
            raise ValidationError("verifier", "审核人", "已审核的活动须填写审核人")
        out["verified_date"] = out["verified_date"] or out["date"]
        if out["verified_date"] < out["date"]:
            raise ValidationError("verified_date", "审核日期", "早于活动日期")
    else:
        out["verifier"], out["verified_date"] = "", ""
    return out


def _hours(value: Any) -> float:
    hours = parse_number(value, "hours", "服务时长", minimum=0, maximum=24, allow_blank=False)
    return float(hours or 0)


def _write_participants(ledger: Ledger, activity_id: int,
                        members: Iterable[tuple[int, float]],
                        units: Iterable[tuple[int, float]]) -> None:
    current = {(r["member_id"], r["unit_id"]): r for r in ledger.query(
        "SELECT * FROM activity_participants WHERE activity_id = ? AND deleted = 0",
        (activity_id,))}
    wanted: dict[tuple[int | None, int | None], float] = {}
    for member_id, hours in members:
        member = records.get(ledger, "members", member_id)
        if member["status"] != "在册" and (member_id, None) not in current:
            raise RuleError(f"“{member['name']}”当前状态为{member['status']}，不能登记新的服务")
        wanted[(member_id, None)] = _hours(hours)
    for unit_id, hours in units:
        records.get(ledger, "units", unit_id)
        wanted[(None, unit_id)] = _hours(hours)
    for key, row in current.items():
        if key not in wanted:
            records.tombstone(ledger, "activity_participants", row["id"])
            points.revoke_source(ledger, "activity", row["uuid"])
        elif row["hours"] != wanted[key]:
            records.update(ledger, "activity_participants", row["id"], {"hours": wanted[key]})
    for key, hours in wanted.items():
        if key not in current:
            records.insert(ledger, "activity_participants", {
                "activity_id": activity_id, "member_id": key[0], "unit_id": key[1],
                "hours": hours})


def _people(members: Iterable[tuple[int, Any]],
            units: Iterable[tuple[int, Any]]) -> dict[tuple[Any, Any], float]:
    """Participants as notices.guard_activity compares them: {(member, unit): hours}."""
    out: dict[tuple[Any, Any], float] = {}
    for member_id, hours in members:
        out[(member_id, None)] = _hours(hours)
    for unit_id, hours in units:
        out[(None, unit_id)] = _hours(hours)
    return out


def record_activity(ledger: Ledger, members: Iterable[tuple[int, float]] = (),
                    units: Iterable[tuple[int, float]] = (), **values: Any) -> int:
    """One activity and all its participants in one transaction.

    members and units are (id, hours) pairs; a verified activity earns points at once."""
    records.only_known(values, FIELDS)
    with ledger.transaction():
        row = _clean(values)
        members, units = list(members), list(units)
        notices.guard_activity(ledger, {}, row, {}, _people(members, units))  # a final quarter
        activity_id = records.insert(ledger, "activities", row)
        _write_participants(ledger, activity_id, list(members), list(units))
        points.award_activity(ledger, activity_id)
        return activity_id


def update_activity(ledger: Ledger, activity_id: int,
                    members: Iterable[tuple[int, float]] | None = None,
                    units: Iterable[tuple[int, float]] | None = None, **changes: Any) -> None:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "activities", activity_id)
        after = _clean({k: current[k] for k in FIELDS} | changes)
        existing = participants(ledger, activity_id)
        old = {(p["member_id"], p["unit_id"]): float(p["hours"]) for p in existing}
        people = None
        if members is not None or units is not None:
            members = list(members) if members is not None else \
                [(p["member_id"], p["hours"]) for p in existing if p["member_id"]]
            units = list(units) if units is not None else \
                [(p["unit_id"], p["hours"]) for p in existing if p["unit_id"]]
            people = _people(members, units)
        notices.guard_activity(ledger, current, after, old, people)  # a final quarter
        records.update(ledger, "activities", activity_id, after)
        if members is not None and units is not None:
            _write_participants(ledger, activity_id, list(members), list(units))
        points.award_activity(ledger, activity_id)


def verify(ledger: Ledger, activity_id: int, verifier: str, date: str | None = None) -> None:
    update_activity(ledger, activity_id, verified=1, verifier=verifier, verified_date=date or "")


def delete_activity(ledger: Ledger, activity_id: int) -> None:
    with ledger.transaction():
        current = get_activity(ledger, activity_id)
        notices.guard_activity(ledger, current, {}, {
            (p["member_id"], p["unit_id"]): float(p["hours"])
            for p in participants(ledger, activity_id)}, {})
        for p in participants(ledger, activity_id):
            points.revoke_source(ledger, "activity", p["uuid"])
        records.tombstone_where(ledger, "activity_participants", "activity_id = ?", (activity_id,))
        activity = records.get(ledger, "activities", activity_id)
        records.tombstone(ledger, "activities", activity_id)
        audit.record(ledger, "删除", f"活动 {activity['title']}（{activity['date']}）")


def get_activity(ledger: Ledger, activity_id: int) -> dict[str, Any]:
    return records.get(ledger, "activities", activity_id)


def participants(ledger: Ledger, activity_id: int) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT p.*, m.name AS member_name, u.name AS unit_name FROM activity_participants p "
        "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN units u ON u.id = p.unit_id "
        "WHERE p.activity_id = ? AND p.deleted = 0 ORDER BY p.id", (activity_id,))


def list_activities(ledger: Ledger, start: str = "", end: str = "9999", kind: str | None = None,
                    text: str = "") -> list[dict[str, Any]]:
    clauses, params = ["a.deleted = 0", "a.date >= ?", "a.date <= ?"], [start, end]
    if kind:
        clauses.append("a.kind = ?")
        params.append(kind)
    if text:
        clauses.append("(a.title LIKE ? OR a.content LIKE ? OR a.place LIKE ?)")
        params += [f"%{text}%"] * 3
    return ledger.query(
        "SELECT a.*, (SELECT count(*) FROM activity_participants p WHERE p.activity_id = a.id "
        "AND p.deleted = 0) AS participant_count, (SELECT coalesce(sum(hours), 0) FROM "
        "activity_participants p WHERE p.activity_id = a.id AND p.deleted = 0) AS total_hours "
        f"FROM activities a WHERE {' AND '.join(clauses)} ORDER BY a.date DESC, a.id DESC", params)


def member_services(ledger: Ledger, member_id: int, start: str = "", end: str = "9999",
                    verified_only: bool = False) -> list[dict[str, Any]]:
    """Every service the member did in [start, end]: the rows of the 纪实卡."""
    sql = (
        "SELECT a.id AS activity_id, a.date, a.kind, a.title, a.content, a.place, a.verified, "
        "a.verifier, a.verified_date, a.start_time, a.end_time, a.leader, a.recorder, p.hours, "
        "p.uuid AS participant_uuid, p.sign_in, p.sign_out, "
        "(SELECT s.number FROM signin_sheets s WHERE s.id = p.sheet_id) AS sheet_number, "
        "(SELECT coalesce(sum(e.delta), 0) FROM points_entries e WHERE e.source_kind = 'activity' "
        " AND e.source_uuid = p.uuid AND e.deleted = 0) AS points "
        "FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
        "WHERE p.member_id = ? AND p.deleted = 0 AND a.deleted = 0 AND a.date BETWEEN ? AND ?")
    if verified_only:
        sql += " AND a.verified = 1"
    return ledger.query(sql + " ORDER BY a.date, a.id", (member_id, start, end))
