import itertools

import pytest

from db import members, orders, points, units
from db.errors import ValidationError, WorkflowError

ACTIONS = {
    "派单": lambda L, o, m: orders.dispatch(L, o, member_id=m, date="2026-05-02"),
    "退回": lambda L, o, m: orders.give_back(L, o, "没空"),
    "接单": lambda L, o, m: orders.accept(L, o, "2026-05-03"),
    "完成": lambda L, o, m: orders.complete(L, o, "2026-06-01", "已打扫"),
    "评价": lambda L, o, m: orders.rate(L, o, "满意", date="2026-06-02"),
    "取消": lambda L, o, m: orders.cancel(L, o, "群众已自行解决"),
}
PATH = {"待派单": [], "已派单": ["派单"], "已接单": ["派单", "接单"],
        "已完成": ["派单", "接单", "完成"], "已评价": ["派单", "接单", "完成", "评价"],
        "已取消": ["取消"]}


@pytest.fixture
def member(ledger, ids):
    return members.add_member(ledger, name="赵玉茹", id_number=ids(),
                              residence_node_id=ledger.nodes["1单元"])


def new_order(ledger):
    return orders.add_order(ledger, kind="微心愿", title="帮忙打扫房间", requester_name="赵女士",
                            requested_date="2026-05-01")


def test_full_workflow_counts_in_month_done(ledger, member):
    order_id = new_order(ledger)
    order = orders.get_order(ledger, order_id)
    assert order["state"] == "待派单" and order["due_date"] == "2026-05-08"
    for action in PATH["已评价"]:
        ACTIONS[action](ledger, order_id, member)
    order = orders.get_order(ledger, order_id)
    assert order["state"] == "已评价"
    assert order["completed_date"] == "2026-06-01"
    assert order["rating"] == "满意"
    # 3 for completing + 2 for 满意, dated when done and rated, not when asked
    assert points.earned(ledger, member, start="2026-06-01", end="2026-06-30") == 5
    assert points.earned(ledger, member, start="2026-05-01", end="2026-05-31") == 0


@pytest.mark.parametrize("state, action", list(itertools.product(PATH, ACTIONS)))
def test_only_legal_transitions(ledger, member, state, action):
    order_id = new_order(ledger)
    for step in PATH[state]:
        ACTIONS[step](ledger, order_id, member)
    legal = action in orders.next_actions(orders.get_order(ledger, order_id))
    if legal:
        ACTIONS[action](ledger, order_id, member)
        assert orders.get_order(ledger, order_id)["state"] == orders.TRANSITIONS[action][1]
    else:
        with pytest.raises(WorkflowError, match=f"当前状态为“{state}”，不能{action}"):
            ACTIONS[action](ledger, order_id, member)
        assert orders.get_order(ledger, order_id)["state"] == state


def test_next_actions_per_state(ledger):
    assert orders.next_actions({"state": "待派单"}) == ["派单", "取消"]
    assert orders.next_actions({"state": "已派单"}) == ["派单", "退回", "接单", "取消"]
    assert orders.next_actions({"state": "已完成"}) == ["评价"]
    assert orders.next_actions({"state": "已评价"}) == []


def test_dispatch_to_unit_and_needs_exactly_one_assignee(ledger, member):
    unit_id = units.add_unit(ledger, name="桃城区财政局党组")
    order_id = new_order(ledger)
    with pytest.raises(ValidationError, match="接单对象"):
        orders.dispatch(ledger, order_id)
    with pytest.raises(ValidationError, match="接单对象"):
        orders.dispatch(ledger, order_id, member_id=member, unit_id=unit_id)
    orders.dispatch(ledger, order_id, unit_id=unit_id)
    assert orders.list_orders(ledger)[0]["assignee_unit_name"] == "桃城区财政局党组"


def test_dates_cannot_go_backwards(ledger, member):
    order_id = new_order(ledger)
    with pytest.raises(ValidationError, match="派单日期：不能早于2026-05-01"):
        orders.dispatch(ledger, order_id, member_id=member, date="2026-04-30")


def test_overdue(ledger, member):
    order_id = new_order(ledger)
    order = orders.get_order(ledger, order_id)
    assert orders.is_overdue(order, today="2026-05-09")
    assert not orders.is_overdue(order, today="2026-05-08")
    assert [o["id"] for o in orders.list_orders(ledger, overdue_only=True, today="2026-05-09")] == [order_id]
    orders.cancel(ledger, order_id, "重复")
    assert not orders.is_overdue(orders.get_order(ledger, order_id), today="2026-05-09")


def test_cancel_needs_reason(ledger):
    with pytest.raises(ValidationError, match="取消原因"):
        orders.cancel(ledger, new_order(ledger), "")


def test_saturday_work_entered_on_monday(ledger, member, monkeypatch):
    """Each step takes its own date: work done on Saturday is entered on Monday with
    Saturday's date, and counts in the month it was done."""
    monkeypatch.setattr(orders, "_today", lambda: "2026-06-01")  # a Monday
    order_id = new_order(ledger)
    orders.dispatch(ledger, order_id, member_id=member, date="2026-05-28", note="周六上午上门")
    orders.accept(ledger, order_id, date="2026-05-29", note="赵玉茹电话确认")
    orders.complete(ledger, order_id, date="2026-05-30", result="已打扫干净")
    orders.rate(ledger, order_id, "满意", "很满意", date="2026-06-01")
    order = orders.get_order(ledger, order_id)
    assert (order["dispatched_date"], order["accepted_date"], order["completed_date"],
            order["rated_date"]) == ("2026-05-28", "2026-05-29", "2026-05-30", "2026-06-01")
    assert order["result"].splitlines() == ["派单 2026-05-28：周六上午上门",
                                            "接单 2026-05-29：赵玉茹电话确认",
                                            "完成 2026-05-30：已打扫干净"]
    assert order["rating_comment"] == "很满意"
    assert points.earned(ledger, member, start="2026-05-01", end="2026-05-31") == 3


def test_step_dates_in_order_and_not_in_the_future(ledger, member, monkeypatch):
    monkeypatch.setattr(orders, "_today", lambda: "2026-06-01")
    order_id = new_order(ledger)
    with pytest.raises(ValidationError, match=r"派单日期：不能晚于今天（2026-06-01）"):
        orders.dispatch(ledger, order_id, member_id=member, date="2026-06-02")
    orders.dispatch(ledger, order_id, member_id=member, date="2026-05-20")
    with pytest.raises(ValidationError, match=r"接单日期：不能早于2026-05-20（派单日期）"):
        orders.accept(ledger, order_id, date="2026-05-19")
    orders.accept(ledger, order_id)  # default: today
    assert orders.get_order(ledger, order_id)["accepted_date"] == "2026-06-01"
    with pytest.raises(ValidationError, match=r"完成日期：不能早于2026-06-01（接单日期）"):
        orders.complete(ledger, order_id, date="2026-05-30")
    assert orders.get_order(ledger, order_id)["state"] == "已接单"


def test_a_completion_without_step_notes_keeps_the_plain_result(ledger, member):
    order_id = new_order(ledger)
    for action in PATH["已完成"]:
        ACTIONS[action](ledger, order_id, member)
    assert orders.get_order(ledger, order_id)["result"] == "已打扫"


def test_giving_back_keeps_the_step_log(ledger, member, monkeypatch):
    monkeypatch.setattr(orders, "_today", lambda: "2026-05-03")
    order_id = new_order(ledger)
    orders.dispatch(ledger, order_id, member_id=member, date="2026-05-02", note="周末上门")
    orders.give_back(ledger, order_id, "出差")
    assert orders.get_order(ledger, order_id)["result"].splitlines() == [
        "派单 2026-05-02：周末上门", "退回 2026-05-03：出差"]
