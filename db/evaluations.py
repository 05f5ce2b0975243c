"""评价: every half year for each member and unit; the grade comes from the ledger's scheme."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import audit, records
from .errors import ValidationError
from .ledger import Ledger
from .periods import parse_period
from .settings import grades
from .validate import clean, one_of, parse_date


def _period(code: str) -> str:
    period = parse_period(code)
    if "H" not in period.code:
        raise ValidationError("period", "评价期间", "评价按半年进行，应写成 2026H1 或 2026H2")
    return period.code


def set_evaluation(ledger: Ledger, period: str, grade: str, member_id: int | None = None,
                   unit_id: int | None = None, comment: str = "", evaluator: str = "",
                   date: str | None = None, suggested_grade: str = "",
                   suggested_reason: str = "") -> int:
    """Create or replace the evaluation of one member or unit for a half year."""
    if (member_id is None) == (unit_id is None):
        raise ValidationError("subject", "评价对象", "请选择一名党员或一个报到单位")
    code = _period(period)
    with ledger.transaction():
        if member_id is not None:
            subject = f"在职党员 {records.get(ledger, 'members', member_id)['name']}"
        else:
            subject = f"报到单位 {records.get(ledger, 'units', unit_id)['name']}"  # type: ignore[arg-type]
        scheme = grades(ledger)
        row = {
            "grade": one_of(grade, scheme, "grade", "评价等次"),
            "comment": clean(comment), "evaluator": clean(evaluator),
            "evaluated_date": parse_date(date or dt.date.today().isoformat(), "evaluated_date",
                                         "评价日期", allow_blank=False),
            "suggested_grade": clean(suggested_grade),
            "suggested_reason": clean(suggested_reason),
        }
        existing = get_evaluation(ledger, code, member_id=member_id, unit_id=unit_id)
        if existing:
            if records.update(ledger, "evaluations", existing["id"], row):
                audit.record(ledger, "评价", f"{subject} {code}：{row['grade']}",
                             f"修改（原为{existing['grade']}）")
            return int(existing["id"])
        audit.record(ledger, "评价", f"{subject} {code}：{row['grade']}")
        return records.insert(ledger, "evaluations", {
            "period": code, "member_id": member_id, "unit_id": unit_id, **row})


def get_evaluation(ledger: Ledger, period: str, member_id: int | None = None,
                   unit_id: int | None = None) -> dict[str, Any] | None:
    column, value = ("member_id", member_id) if member_id is not None else ("unit_id", unit_id)
    return ledger.one(f"SELECT * FROM evaluations WHERE period = ? AND {column} = ? "
                      "AND deleted = 0", (_period(period), value))


def delete_evaluation(ledger: Ledger, evaluation_id: int) -> None:
    with ledger.transaction():
        row = records.get(ledger, "evaluations", evaluation_id)
        records.tombstone(ledger, "evaluations", evaluation_id)
        audit.record(ledger, "删除", f"评价 {row['period']}：{row['grade']}")


def list_evaluations(ledger: Ledger, period: str) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT e.*, m.name AS member_name, u.name AS unit_name FROM evaluations e "
        "LEFT JOIN members m ON m.id = e.member_id LEFT JOIN units u ON u.id = e.unit_id "
        "WHERE e.period = ? AND e.deleted = 0 ORDER BY e.id", (_period(period),))
