"""积分: base score plus entries. Entries are made when an activity is verified or an order
completed or rated, by the rules in settings; each entry names its reason and source.

Two different numbers, never both called 余额: 累计积分 (ACCUMULATED, `accumulated`) is the base
score plus every entry (the 反馈卡 prints it); 可兑换积分
(db.redeem.SPENDABLE, `redeem.spendable`) is the entries without the base score, what the
爱心存折 can spend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import notices, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .settings import DEFAULTS, get_setting, set_setting
from .validate import parse_date, required


def rules(ledger: Ledger) -> dict[str, Any]:
    """The ledger's rules over the defaults (a ledger saved before a rule existed gets it)."""
    stored = get_setting(ledger, "points_rules") or {}
    merged = {**DEFAULTS["points_rules"], **stored}
    for key in ("per_activity", "rating"):
        merged[key] = {**DEFAULTS["points_rules"][key], **(stored.get(key) or {})}
    return merged


def set_rules(ledger: Ledger, rule: dict[str, Any]) -> dict[str, Any]:
    """Save new rules. No existing entry changes: see db.recalc for the explicit recalculation."""
    clean: dict[str, Any] = {}
    try:
        clean["base"] = float(rule["base"])
        clean["per_hour"] = float(rule["per_hour"])
        clean["order_completed"] = float(rule["order_completed"])
        clean["no_show"] = -abs(float(rule.get("no_show", 0)))
        clean["idle_quarter"] = -abs(float(rule.get("idle_quarter", 0)))
        clean["per_activity"] = {str(k): float(v) for k, v in rule["per_activity"].items()}
        clean["rating"] = {str(k): float(v) for k, v in rule["rating"].items()}
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError("points_rules", "积分规则", f"规则不完整或不是数字（{error}）") from None
    if not 0 <= clean["base"] <= 1000:
        raise ValidationError("base", "基础分", "应在0到1000之间")
    for key, value in clean.items():
        if isinstance(value, float):
            clean[key] = int(value) if value.is_integer() else value
    for key in ("per_activity", "rating"):
        clean[key] = {k: int(v) if v.is_integer() else v for k, v in clean[key].items()}
    set_setting(ledger, "points_rules", clean)
    return clean


def _entry(ledger: Ledger, date: str, delta: float, reason: str, source_kind: str,
           source_uuid: str, member_id: int | None = None, unit_id: int | None = None) -> int:
    notices.guard(ledger, date, member_id, unit_id)  # a quarter a 公示 made final
    return records.insert(ledger, "points_entries", {
        "member_id": member_id, "unit_id": unit_id, "date": date, "delta": round(delta, 2),
        "reason": reason, "source_kind": source_kind, "source_uuid": source_uuid})


def _live(ledger: Ledger, source_kind: str, source_uuid: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in ledger.conn.execute(
        "SELECT date, round(delta, 2), reason, member_id, unit_id FROM main.points_entries "
        "WHERE source_kind = ? AND source_uuid = ? AND deleted = 0 ORDER BY id",
        (source_kind, source_uuid))]


def revoke_source(ledger: Ledger, source_kind: str, source_uuid: str) -> int:
    for date, _delta, _reason, member_id, unit_id in _live(ledger, source_kind, source_uuid):
        notices.guard(ledger, date, member_id, unit_id)
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
        delta = activity_delta(rule, activity["kind"], float(p["hours"])) \
            if activity["verified"] else 0
        reason = activity_reason(activity["kind"], activity["title"], p["hours"])
        want = [(activity["date"], round(delta, 2), reason, p["member_id"], p["unit_id"])] \
            if delta else []
        if _live(ledger, "activity", p["uuid"]) == want:  # kept as it is: nothing to revoke
            made += len(want)
            continue
        revoke_source(ledger, "activity", p["uuid"])
        if delta:
            _entry(ledger, activity["date"], delta, reason, "activity",
                   p["uuid"], member_id=p["member_id"], unit_id=p["unit_id"])
            made += 1
    return made


def award_order(ledger: Ledger, order_id: int) -> None:
    """Entries for the assignee of a completed (and possibly rated) order."""
    order = records.get(ledger, "orders", order_id)
    who = {"member_id": order["assignee_member_id"], "unit_id": None} \
        if order["assignee_member_id"] else {"member_id": None, "unit_id": order["assignee_unit_id"]}
    done, bonus = order_deltas(rules(ledger), order["rating"])
    done_reason, rating_reason = order_reasons(order["title"], order["rating"])
    counted = order["state"] in ("已完成", "已评价") and \
        (who["member_id"] is not None or who["unit_id"] is not None)
    subject = (who["member_id"], who["unit_id"])
    want_done = [(order["completed_date"], round(done, 2), done_reason, *subject)] \
        if counted and done else []
    want_bonus = [(order["rated_date"] or order["completed_date"], round(bonus, 2),
                   rating_reason, *subject)] if counted and bonus else []
    if _live(ledger, "order", order["uuid"]) == want_done and \
            _live(ledger, "rating", order["uuid"]) == want_bonus:
        return  # unchanged: nothing revoked, nothing made
    revoke_source(ledger, "order", order["uuid"])
    revoke_source(ledger, "rating", order["uuid"])
    if not counted:
        return
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
        if delta < 0 and member_id is not None and accumulated(ledger, member_id) + delta < 0:
            raise RuleError("扣减后累计积分将为负数，不能扣减")
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


ACCUMULATED = "累计积分"
# Redemptions are entries too, so they come off 累计积分 as well (rankings and suggested grades
# leave them out: db.rankings, db.suggest).
ACCUMULATED_RULE = "累计积分＝基础分＋全部加分、扣分记录（兑换用去的积分也已减去）"


def accumulated(ledger: Ledger, member_id: int | None = None,
                unit_id: int | None = None) -> float:
    """累计积分: the base score plus every entry."""
    return round(float(rules(ledger)["base"]) + earned(ledger, member_id, unit_id), 2)


balance = accumulated  # the former name, still used by pages that show 累计积分


def entries(ledger: Ledger, member_id: int | None = None,
            unit_id: int | None = None) -> list[dict[str, Any]]:
    column, value = ("member_id", member_id) if member_id is not None else ("unit_id", unit_id)
    return ledger.query(f"SELECT * FROM points_entries WHERE {column} = ? AND deleted = 0 "
                        "ORDER BY date, id", (value,))


# -- deductions --------------------------------------------------------------------------------

def mark_no_show(ledger: Ledger, activity_id: int, member_id: int, note: str = "") -> int | None:
    """Deduct for a member who signed up for an activity and did not come (once per activity).
    Returns the entry id, or None when the rule deducts nothing."""
    with ledger.transaction():
        activity = records.get(ledger, "activities", activity_id)
        member = records.get(ledger, "members", member_id)
        came = ledger.scalar(
            "SELECT count(*) FROM activity_participants WHERE activity_id = ? AND member_id = ? "
            "AND deleted = 0 AND hours > 0", (activity_id, member_id))
        if came:
            raise RuleError(f"“{member['name']}”已登记参加“{activity['title']}”，不能再记为缺席")
        if ledger.scalar("SELECT count(*) FROM points_entries WHERE source_kind = 'noshow' AND "
                         "source_uuid = ? AND member_id = ? AND deleted = 0",
                         (activity["uuid"], member_id)):
            raise RuleError(f"“{member['name']}”在“{activity['title']}”已记过缺席")
        delta = -abs(float(rules(ledger)["no_show"]))
        if not delta:
            return None
        reason = f"报名未参加{activity['kind']}“{activity['title']}”" + (f"（{note}）" if note else "")
        return _entry(ledger, activity["date"], delta, reason, "noshow", activity["uuid"],
                      member_id=member_id)


def idle_members(ledger: Ledger, quarter: str) -> list[dict[str, Any]]:
    """Live members, reported by the quarter's end, with no verified service in it and no
    idle deduction for it yet: who apply_idle_deductions would deduct."""
    from .periods import parse_period

    q = parse_period(quarter)
    if "Q" not in q.code:
        raise ValidationError("period", "期间", "按季度扣分，应写成 2026Q3")
    return ledger.query(
        "SELECT m.id, m.name, coalesce(u.name, m.work_unit_name) AS unit FROM members m "
        "LEFT JOIN units u ON u.id = m.work_unit_id "
        "WHERE m.deleted = 0 AND m.status = '在册' AND (m.report_date = '' OR m.report_date <= ?) "
        "AND m.id NOT IN (SELECT p.member_id FROM activity_participants p JOIN activities a "
        " ON a.id = p.activity_id WHERE p.member_id IS NOT NULL AND p.deleted = 0 "
        " AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ?) "
        "AND m.id NOT IN (SELECT member_id FROM points_entries WHERE source_kind = 'deduction' "
        " AND source_uuid = ? AND deleted = 0 AND member_id IS NOT NULL) "
        "ORDER BY m.name_pinyin, m.id", (q.end, q.start, q.end, f"idle:{q.code}"))


def apply_idle_deductions(ledger: Ledger, quarter: str) -> int:
    """One deduction per member without service in the quarter (see idle_members). Running it
    twice deducts nothing more. Returns the number of entries made."""
    from .periods import parse_period

    with ledger.transaction():
        q = parse_period(quarter)
        delta = -abs(float(rules(ledger)["idle_quarter"]))
        if not delta:
            return 0
        rows = idle_members(ledger, q.code)
        for row in rows:
            _entry(ledger, q.end, delta, f"{q.label}无服务记录", "deduction", f"idle:{q.code}",
                   member_id=row["id"])
        return len(rows)
