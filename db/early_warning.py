"""预警 before the end-of-quarter deduction: mid-quarter, the members with no verified service
and the units with no 实事 yet in the quarter, and what the quarter's end will bring.

The lists are db.compliance's own (check_lists: the same members and units the 达标检查 names
at the quarter's end), read as of today; the deduction is db.points' rule (`idle_quarter`, what
apply_idle_deductions enters). Nothing is stored: the warning is computed, so the next verified
service (or 共建项目) takes a member (or unit) off it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from . import compliance, points, visits
from .ledger import Ledger
from .periods import Period, quarter_of


@dataclass
class QuarterWarning:
    quarter: Period
    as_of: str  # the day the lists are read for
    days_left: int  # days from as_of to the quarter's end, that day included
    deduction: float  # points each listed member loses at the quarter's end (0: no deduction)
    deducted: bool  # the quarter's deduction has already been entered
    node_id: int | None = None  # the grid the lists are for (a 网格员's own, at most)
    members: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.days_left <= 0


def current_quarter(today: dt.date | None = None) -> str:
    return quarter_of(today or dt.date.today())


def deduction(ledger: Ledger) -> float:
    """The points a member without service loses at a quarter's end (positive; 0 if none)."""
    return abs(float(points.rules(ledger)["idle_quarter"]))


def warnings(ledger: Ledger, code: str | None = None, node_id: int | None = None,
             today: dt.date | None = None, full_phones: bool = False) -> QuarterWarning:
    """The quarter's (default: the current one) members and units still missing what the
    quarter requires, as of today, within the grid subtree if given."""
    day = today or dt.date.today()
    q = compliance.quarter(code or current_quarter(day))
    node_id = visits.scope_node(ledger, node_id)
    lists = compliance.check_lists(ledger, q.code, node_id, today=day, full_phones=full_phones)
    as_of = min(q.end, day.isoformat())
    end = dt.date.fromisoformat(q.end)
    counted_from = max(day, dt.date.fromisoformat(q.start))
    left = (end - counted_from).days + 1 if day <= end else 0
    idle = lists["idle_members"]
    last = _last_services(ledger, [r["id"] for r in idle], q.start)
    for row in idle:
        row["last_service"] = last.get(row["id"], "")
    deducted = bool(ledger.scalar(
        "SELECT count(*) FROM points_entries WHERE source_kind = 'deduction' AND source_uuid = ? "
        "AND deleted = 0", (f"idle:{q.code}",)))
    return QuarterWarning(q, as_of, left, deduction(ledger), deducted, node_id, idle,
                          lists["units_no_project"])


def _last_services(ledger: Ledger, member_ids: list[int], before: str) -> dict[int, str]:
    """Each member's latest verified service before the quarter began."""
    if not member_ids:
        return {}
    return {r[0]: r[1] for r in ledger.conn.execute(
        "SELECT p.member_id, max(a.date) FROM activity_participants p JOIN activities a "
        "ON a.id = p.activity_id WHERE p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 "
        "AND a.date < ? AND p.member_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY p.member_id", (before, json.dumps(member_ids)))}
