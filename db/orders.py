"""群众需求: 点单 → 派单 → 接单 → 完成 → 评价, or 取消 before completion.

Only the transitions in TRANSITIONS are legal; anything else is refused with the order's
title, its current state and the action asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import audit, points, records
from .errors import ValidationError, WorkflowError
from .ledger import Ledger
from .settings import get_setting
from .validate import clean, normalize_phone, one_of, parse_date, required

KINDS = ("群众点单", "微心愿", "社区需求")
STATES = ("待派单", "已派单", "已接单", "已完成", "已评价", "已取消")
OPEN_STATES = ("待派单", "已派单", "已接单")
RATINGS = ("满意", "基本满意", "不满意")
# action → (states it may start from, state it leads to)
TRANSITIONS = {
    "派单": (("待派单", "已派单"), "已派单"),
    "退回": (("已派单", "已接单"), "待派单"),
    "接单": (("已派单",), "已接单"),
    "完成": (("已接单",), "已完成"),
    "评价": (("已完成",), "已评价"),
    "取消": (OPEN_STATES, "已取消"),
}
FIELDS = ("kind", "title", "content", "requester_name", "requester_phone", "requester_address",
          "node_id", "requested_date", "due_date")


def _today() -> str:
    return dt.date.today().isoformat()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    out["kind"] = one_of(out["kind"] or "群众点单", KINDS, "kind", "需求类别")
    out["title"] = required(out["title"], "title", "需求内容")
    out["content"] = clean(out["content"])
    out["requester_name"] = clean(out["requester_name"])
    out["requester_phone"] = normalize_phone(out["requester_phone"], "requester_phone", "点单人电话")
    out["requester_address"] = clean(out["requester_address"])
    out["requested_date"] = parse_date(out["requested_date"], "requested_date", "点单日期",
                                       allow_blank=False)
    out["due_date"] = parse_date(out["due_date"], "due_date", "办结期限")
    if out["due_date"] and out["due_date"] < out["requested_date"]:
        raise ValidationError("due_date", "办结期限", "早于点单日期")
    return out


def add_order(ledger: Ledger, **values: Any) -> int:
    records.only_known(values, FIELDS)
    values.setdefault("requested_date", _today())
    with ledger.transaction():
        row = _clean(values)
        if not row["due_date"]:
            days = int(get_setting(ledger, "order_due_days") or 7)
            row["due_date"] = (dt.date.fromisoformat(row["requested_date"])
                               + dt.timedelta(days=days)).isoformat()
        return records.insert(ledger, "orders", {**row, "state": "待派单"})


def update_order(ledger: Ledger, order_id: int, **changes: Any) -> bool:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "orders", order_id)
        return records.update(ledger, "orders", order_id,
                              _clean({k: current[k] for k in FIELDS} | changes))


def delete_order(ledger: Ledger, order_id: int) -> None:
    with ledger.transaction():
        order = records.get(ledger, "orders", order_id)
        points.revoke_source(ledger, "order", order["uuid"])
        points.revoke_source(ledger, "rating", order["uuid"])
        records.tombstone(ledger, "orders", order_id)
        audit.record(ledger, "删除", f"群众需求 {order['title']}（{order['requested_date']}）")


def get_order(ledger: Ledger, order_id: int) -> dict[str, Any]:
    return records.get(ledger, "orders", order_id)


def next_actions(order: dict[str, Any]) -> list[str]:
    """The actions the order's state allows, in the order the UI should show them."""
    return [action for action, (sources, _) in TRANSITIONS.items() if order["state"] in sources]


def _start(ledger: Ledger, order_id: int, action: str) -> dict[str, Any]:
    order = records.get(ledger, "orders", order_id)
    sources, _target = TRANSITIONS[action]
    if order["state"] not in sources:
        raise WorkflowError(
            f"需求“{order['title']}”当前状态为“{order['state']}”，不能{action}"
            f"（{action}只能在{'、'.join(sources)}状态下进行）")
    return order


# Each step's date, and the step whose date it may not precede.
STEP_DATES = {"派单": ("dispatched_date", "派单日期", "requested_date", "点单日期"),
              "接单": ("accepted_date", "接单日期", "dispatched_date", "派单日期"),
              "完成": ("completed_date", "完成日期", "accepted_date", "接单日期"),
              "评价": ("rated_date", "评价日期", "completed_date", "完成日期")}


def earliest_date(order: dict[str, Any], action: str) -> str:
    """The first day `action` may be dated: the previous step's date (blank when unknown)."""
    return str(order.get(STEP_DATES[action][2]) or "")


def _day(value: str | None, order: dict[str, Any], action: str) -> str:
    """A step's date: the day given (default today), never before the previous step and never
    in the future, so Saturday's work can be entered on Monday but not on Friday."""
    field, label, _before, before_label = STEP_DATES[action]
    today = _today()
    day = parse_date(value or today, field, label, allow_blank=False)
    after = earliest_date(order, action)
    if after and day < after:
        raise ValidationError(field, label, f"不能早于{after}（{before_label}）")
    if day > today:
        raise ValidationError(field, label, f"不能晚于今天（{today}）")
    return day


def _log(order: dict[str, Any], action: str, day: str, note: str) -> str:
    """办理结果 (result) doubles as the order's step log: a note given at 派单 or 接单 is kept
    there as a dated line (the table has no per-step note column); 完成's note follows them."""
    note = clean(note)
    lines = [line for line in str(order.get("result") or "").splitlines() if line.strip()]
    if not note:
        return "\n".join(lines)
    if action == "完成" and not lines:
        return note  # the plain 办理结果, as before
    return "\n".join([*lines, f"{action} {day}：{note}"])


def dispatch(ledger: Ledger, order_id: int, member_id: int | None = None,
             unit_id: int | None = None, date: str | None = None, note: str = "") -> None:
    with ledger.transaction():
        order = _start(ledger, order_id, "派单")
        if (member_id is None) == (unit_id is None):
            raise ValidationError("assignee", "接单对象", "请选择一名党员或一个报到单位")
        if member_id is not None:
            member = records.get(ledger, "members", member_id)
            if member["status"] != "在册":
                raise WorkflowError(f"“{member['name']}”当前状态为{member['status']}，不能接单")
        else:
            records.get(ledger, "units", unit_id)  # type: ignore[arg-type]
        day = _day(date, order, "派单")
        records.update(ledger, "orders", order_id, {
            "state": "已派单", "assignee_member_id": member_id, "assignee_unit_id": unit_id,
            "dispatched_date": day, "result": _log(order, "派单", day, note)})


def give_back(ledger: Ledger, order_id: int, reason: str = "") -> None:
    """退回: the assignee cannot take it; the order waits to be dispatched again."""
    with ledger.transaction():
        order = _start(ledger, order_id, "退回")
        records.update(ledger, "orders", order_id, {
            "state": "待派单", "assignee_member_id": None, "assignee_unit_id": None,
            "dispatched_date": "", "accepted_date": "",
            "result": _log(order, "退回", _today(), reason)})  # the log keeps the earlier steps


def accept(ledger: Ledger, order_id: int, date: str | None = None, note: str = "") -> None:
    with ledger.transaction():
        order = _start(ledger, order_id, "接单")
        day = _day(date, order, "接单")
        records.update(ledger, "orders", order_id, {
            "state": "已接单", "accepted_date": day, "result": _log(order, "接单", day, note)})


def complete(ledger: Ledger, order_id: int, date: str | None = None, result: str = "") -> None:
    """Counted in the period of `date` (the day it was done), not when it was asked."""
    with ledger.transaction():
        order = _start(ledger, order_id, "完成")
        day = _day(date, order, "完成")
        records.update(ledger, "orders", order_id, {
            "state": "已完成", "result": _log(order, "完成", day, result), "completed_date": day})
        points.award_order(ledger, order_id)


def rate(ledger: Ledger, order_id: int, rating: str, comment: str = "",
         date: str | None = None) -> None:
    with ledger.transaction():
        order = _start(ledger, order_id, "评价")
        records.update(ledger, "orders", order_id, {
            "state": "已评价", "rating": one_of(rating, RATINGS, "rating", "群众评价"),
            "rating_comment": clean(comment),
            "rated_date": _day(date, order, "评价")})
        points.award_order(ledger, order_id)


def cancel(ledger: Ledger, order_id: int, reason: str) -> None:
    with ledger.transaction():
        _start(ledger, order_id, "取消")
        records.update(ledger, "orders", order_id, {
            "state": "已取消", "cancel_reason": required(reason, "cancel_reason", "取消原因")})


def is_overdue(order: dict[str, Any], today: str | None = None) -> bool:
    return (order["state"] in OPEN_STATES and bool(order["due_date"])
            and order["due_date"] < (today or _today()))


def list_orders(ledger: Ledger, state: str | None = None, text: str = "",
                overdue_only: bool = False, today: str | None = None,
                member_id: int | None = None) -> list[dict[str, Any]]:
    clauses: list[str] = ["o.deleted = 0"]
    params: list[Any] = []
    if member_id is not None:
        clauses.append("o.assignee_member_id = ?")
        params.append(member_id)
    if state:
        clauses.append("o.state = ?")
        params.append(state)
    if text:
        clauses.append("(o.title LIKE ? OR o.requester_name LIKE ? OR o.content LIKE ?)")
        params += [f"%{text}%"] * 3
    if overdue_only:
        clauses.append(f"o.state IN {OPEN_STATES} AND o.due_date != '' AND o.due_date < ?")
        params.append(today or _today())
    return ledger.query(
        "SELECT o.*, m.name AS assignee_member_name, u.name AS assignee_unit_name FROM orders o "
        "LEFT JOIN members m ON m.id = o.assignee_member_id "
        "LEFT JOIN units u ON u.id = o.assignee_unit_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY o.requested_date DESC, o.id DESC", params)
