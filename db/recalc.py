"""Explicit recalculation after a rule change.

Saving new rules changes no entry. The secretary first sees `preview(...)`: for every source
(a verified activity's participant, a completed order, a rating, a no-show, an idle quarter)
whose entries no longer add up to what the current rules give, the old and the new points.
`apply(...)` then writes one correcting entry per difference — same source, same date — so
nothing is erased and every change still has its reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import access
from .errors import RuleError
from .ledger import Ledger
from .points import _entry, order_deltas, rules


@dataclass(frozen=True)
class Difference:
    source_kind: str
    source_uuid: str
    member_id: int | None
    unit_id: int | None
    name: str
    date: str
    what: str
    old: float
    new: float

    @property
    def delta(self) -> float:
        return round(self.new - self.old, 2)


def _current(ledger: Ledger, kinds: tuple[str, ...]) -> dict[tuple[str, str, Any, Any], float]:
    marks = ", ".join("?" for _ in kinds)
    rows = ledger.conn.execute(
        f"SELECT source_kind, source_uuid, member_id, unit_id, sum(delta) FROM points_entries "
        f"WHERE deleted = 0 AND source_kind IN ({marks}) "
        "GROUP BY source_kind, source_uuid, member_id, unit_id", kinds).fetchall()
    return {(r[0], r[1], r[2], r[3]): float(r[4]) for r in rows}


def preview(ledger: Ledger, start: str = "", end: str = "9999") -> list[Difference]:
    """Every source dated in [start, end] whose points differ from the current rules."""
    rule = rules(ledger)
    per_activity, per_hour = rule["per_activity"], float(rule["per_hour"])
    have = _current(ledger, ("activity", "order", "rating", "noshow", "deduction"))
    out: list[Difference] = []

    def check(kind: str, uuid: str, member: Any, unit: Any, name: str, date: str,
              what: Callable[..., str], new: float) -> None:
        old = have.get((kind, uuid, member, unit), 0.0)
        if abs(old - new) > 0.001:  # the text is only built for the few that differ
            out.append(Difference(kind, uuid, member, unit, name, date, what(),
                                  round(old, 2), round(new, 2)))

    for row in ledger.conn.execute(
            "SELECT p.uuid, p.member_id, p.unit_id, coalesce(m.name, u.name), a.date, a.kind, "
            "a.title, p.hours FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
            "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN units u ON u.id = p.unit_id "
            "WHERE p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 AND a.date BETWEEN ? AND ? "
            "ORDER BY a.date, a.id, p.id", (start, end)):
        uuid, member, unit, name, date, kind, title, hours = row
        check("activity", uuid, member, unit, name, date,
              lambda k=kind, t=title, h=hours: f"{k}“{t}”{h:g}小时",
              float(per_activity.get(kind, 0)) + per_hour * hours)
    for row in ledger.conn.execute(
            "SELECT o.uuid, o.assignee_member_id, o.assignee_unit_id, coalesce(m.name, u.name), "
            "o.completed_date, o.rated_date, o.title, o.rating FROM orders o "
            "LEFT JOIN members m ON m.id = o.assignee_member_id "
            "LEFT JOIN units u ON u.id = o.assignee_unit_id WHERE o.deleted = 0 "
            "AND o.state IN ('已完成', '已评价') AND o.completed_date BETWEEN ? AND ? "
            "AND (o.assignee_member_id IS NOT NULL OR o.assignee_unit_id IS NOT NULL) "
            "ORDER BY o.completed_date, o.id", (start, end)):
        uuid, member, unit, name, done, rated, title, rating = row
        member, unit = (member, None) if member else (None, unit)
        completed, bonus = order_deltas(rule, rating)
        check("order", uuid, member, unit, name, done, lambda t=title: f"完成群众需求“{t}”",
              completed)
        if rating:
            check("rating", uuid, member, unit, name, rated or done,
                  lambda r=rating, t=title: f"群众评价“{r}”：{t}", bonus)
    # Deductions keep their kind; only the amount follows the rule.
    for kind, amount in (("noshow", rule["no_show"]), ("deduction", rule["idle_quarter"])):
        for row in ledger.conn.execute(
                "SELECT e.source_uuid, e.member_id, e.unit_id, coalesce(m.name, u.name), "
                "min(e.date), min(e.reason) FROM points_entries e "
                "LEFT JOIN members m ON m.id = e.member_id LEFT JOIN units u ON u.id = e.unit_id "
                "WHERE e.deleted = 0 AND e.source_kind = ? AND e.date BETWEEN ? AND ? "
                "GROUP BY e.source_uuid, e.member_id, e.unit_id ORDER BY min(e.date)",
                (kind, start, end)):
            uuid, member, unit, name, date, reason = row
            check(kind, uuid, member, unit, name, date, lambda r=reason: r.split("（")[0],
                  -abs(float(amount)))
    return out


def summary(diffs: list[Difference]) -> str:
    if not diffs:
        return "按当前规则重新计算，所有积分记录都已一致，无需调整。"
    people = {(d.member_id, d.unit_id) for d in diffs}
    total = round(sum(d.delta for d in diffs), 2)
    return (f"按当前规则重新计算，有{len(diffs)}项积分与原记录不同，涉及{len(people)}名党员或单位，"
            f"合计{total:+g}分。确认后将为每项追加一条“积分规则调整”记录，原记录保留。")


def apply(ledger: Ledger, expected: list[Difference], start: str = "",
          end: str = "9999") -> int:
    """Write the correcting entries of a preview the user confirmed. If the ledger changed
    since the preview (so the differences are no longer those shown), nothing is written."""
    access.require_secretary(ledger, "重算积分")
    with ledger.transaction():
        diffs = preview(ledger, start, end)
        if diffs != expected:
            raise RuleError("预览之后台账已有变化，请重新预览后再确认重算")
        for d in diffs:
            _entry(ledger, d.date, d.delta, f"积分规则调整：{d.what}，原{d.old:g}分，现{d.new:g}分",
                   d.source_kind, d.source_uuid, member_id=d.member_id, unit_id=d.unit_id)
        return len(diffs)
