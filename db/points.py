"""积分: base score plus entries. Entries are made when an activity is verified or an order
completed or rated, by the rules in settings; each entry names its reason and source."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .settings import get_setting
from .validate import parse_date, required


def rules(ledger: Ledger) -> dict[str, Any]:
    return get_setting(ledger, "points_rules")


def _entry(ledger: Ledger, date: str, delta: float, reason: str, source_kind: str,
           source_uuid: str, member_id: int | None = None, unit_id: int | None = None) -> int:
    return records.insert(ledger, "points_entries", {
        "member_id": member_id, "unit_id": unit_id, "date": date, "delta": round(delta, 2),
        "reason": reason, "source_kind": source_kind, "source_uuid": source_uuid})


def revoke_source(ledger: Ledger, source_kind: str, source_uuid: str) -> int:
    return records.tombstone_where(ledger, "points_entries",
                                   "source_kind = ? AND source_uuid = ?", (source_kind, source_uuid))


def activity_delta(rule: dict[str, Any], kind: str, hours: float) -> float:
    """Points one participant earns for a verified activity."""
    return round(float(rule["per_activity"].get(kind, 0)) + float(rule["per_hour"]) * hours, 2)


def order_deltas(rule: dict[str, Any], rating: str) -> tuple[float, float]:
    """(points for completing, points for the resident's rating) of an order."""
    return float(rule["order_completed"]), float(rule["rating"].get(rating, 0)) if rating else 0.0


def activity_reason(kind: str, title: str, hours: float) -> str:
    return f"{kind}“{title}”{hours:g}小时"


def order_reasons(title: str, rating: str) -> tuple[str, str]:
    return f"完成群众需求“{title}”", f"群众评价“{rating}”：{title}"


def award_activity(ledger: Ledger, activity_id: int) -> int:
    """Entries for every participant of a verified activity (replacing any earlier ones)."""
    activity = records.get(ledger, "activities", activity_id)
    rule = rules(ledger)
    made = 0
    participants = ledger.query(
        "SELECT * FROM activity_participants WHERE activity_id = ? AND deleted = 0", (activity_id,))
    for p in participants:
        revoke_source(ledger, "activity", p["uuid"])
        if not activity["verified"]:
            continue
        delta = activity_delta(rule, activity["kind"], float(p["hours"]))
        if delta:
            _entry(ledger, activity["date"], delta,
                   activity_reason(activity["kind"], activity["title"], p["hours"]), "activity",
                   p["uuid"], member_id=p["member_id"], unit_id=p["unit_id"])
            made += 1
    return made


def award_order(ledger: Ledger, order_id: int) -> None:
    """Entries for the assignee of a completed (and possibly rated) order."""
    order = records.get(ledger, "orders", order_id)
    revoke_source(ledger, "order", order["uuid"])
    revoke_source(ledger, "rating", order["uuid"])
    if order["state"] not in ("已完成", "已评价"):
        return
    who = {"member_id": order["assignee_member_id"], "unit_id": None} \
        if order["assignee_member_id"] else {"member_id": None, "unit_id": order["assignee_unit_id"]}
    if who["member_id"] is None and who["unit_id"] is None:
        return
    done, bonus = order_deltas(rules(ledger), order["rating"])
    done_reason, rating_reason = order_reasons(order["title"], order["rating"])
    if done:
        _entry(ledger, order["completed_date"], done, done_reason, "order", order["uuid"], **who)
    if bonus:
        _entry(ledger, order["rated_date"] or order["completed_date"], bonus, rating_reason,
               "rating", order["uuid"], **who)


def adjust(ledger: Ledger, reason: str, delta: float, member_id: int | None = None,
           unit_id: int | None = None, date: str | None = None) -> int:
    """A manual addition or deduction; the reason is required."""
    reason = required(reason, "reason", "调整原因")
    if not delta:
        raise ValidationError("delta", "分值", "不能为0")
    with ledger.transaction():
        day = parse_date(date or dt.date.today().isoformat(), "date", "日期", allow_blank=False)
        if delta < 0 and member_id is not None and balance(ledger, member_id) + delta < 0:
            raise RuleError("扣减后积分将为负数，不能扣减")
        return _entry(ledger, day, delta, reason, "manual", "", member_id=member_id,
                      unit_id=unit_id)


def earned(ledger: Ledger, member_id: int | None = None, unit_id: int | None = None,
           start: str = "0000", end: str = "9999") -> float:
    """Sum of entries in [start, end] (without the base score)."""
    column, value = ("member_id", member_id) if member_id is not None else ("unit_id", unit_id)
    total = ledger.scalar(
        f"SELECT coalesce(sum(delta), 0) FROM points_entries WHERE {column} = ? AND deleted = 0 "
        "AND date BETWEEN ? AND ?", (value, start, end))
    return round(float(total), 2)


def balance(ledger: Ledger, member_id: int | None = None, unit_id: int | None = None) -> float:
    return round(float(rules(ledger)["base"]) + earned(ledger, member_id, unit_id), 2)


def entries(ledger: Ledger, member_id: int | None = None,
            unit_id: int | None = None) -> list[dict[str, Any]]:
    column, value = ("member_id", member_id) if member_id is not None else ("unit_id", unit_id)
    return ledger.query(f"SELECT * FROM points_entries WHERE {column} = ? AND deleted = 0 "
                        "ORDER BY date, id", (value,))
