"""群众需求 steps through the real dialogs: each step takes a date (today by default, back to
the previous step's date, never later than today) and a note; 派单 shows 特长 and posts."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSettings

from db import members, orders, posts, units
from desktop.ui.order_steps import StepDialog
from desktop.ui.pages import OrdersPage


def days_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def qdate(iso: str) -> QDate:
    return QDate.fromString(iso, "yyyy-MM-dd")


def test_saturday_work_entered_days_later_through_the_dialogs(qtbot, ledger, ids, tmp_path,
                                                               answer):
    zhao = members.add_member(ledger, name="赵玉茹", id_number=ids(), specialties="家政服务",
                              residence_node_id=ledger.nodes["2单元"])
    posts.claim_post(ledger, posts.add_post(ledger, name="生活服务岗", category="生活服务"), zhao)
    unit = units.add_unit(ledger, name="衡水市第二人民医院党委", category="事业")
    units.add_item(ledger, unit, "资源", "义诊")
    order_id = orders.add_order(ledger, kind="微心愿", title="帮忙打扫房间",
                                requester_name="赵女士", requested_date=days_ago(10))
    page = OrdersPage(ledger, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    seen: dict[str, object] = {}

    def dispatch(dialog: StepDialog) -> None:
        picker = dialog.chooser.picker
        picker.search.setText("赵玉茹")
        seen["member line"] = picker.list.item(0).text()
        dialog.chooser.kind.setCurrentIndex(1)
        seen["unit line"] = dialog.chooser.unit_list.item(0).text()
        dialog.chooser.kind.setCurrentIndex(0)
        dialog.run()  # nothing selected yet: refused in the dialog, which stays open
        seen["no choice"] = dialog.error.text()
        picker.list.setCurrentRow(0)
        seen["range"] = (dialog.date.minimumDate(), dialog.date.maximumDate())
        dialog.date.setDate(qdate(days_ago(9)))
        dialog.note.setText("周六上午上门")
        assert dialog.run()

    page.select_id(order_id)
    answer(dispatch)
    page.buttons["派单"].click()
    assert seen["member line"] == "赵玉茹\n　特长：家政服务　岗位：生活服务岗"
    assert seen["unit line"] == "衡水市第二人民医院党委\n　资源：义诊"
    assert seen["no choice"] == "请先在列表中选中一名党员或一个报到单位"
    assert seen["range"] == (qdate(days_ago(10)), QDate.currentDate())

    def accept(dialog: StepDialog) -> None:
        assert dialog.date.date() == QDate.currentDate()  # today unless changed
        dialog.date.setDate(qdate(days_ago(8)))
        assert dialog.run()

    page.select_id(order_id)
    answer(accept)
    page.buttons["接单"].click()

    def complete(dialog: StepDialog) -> None:
        dialog.date.setDate(qdate(days_ago(20)))  # before 接单: the date box will not go there
        seen["earliest"] = dialog.date.date()
        dialog.date.setDate(QDate.currentDate().addDays(3))  # nor into the future
        seen["latest"] = dialog.date.date()
        dialog.date.setDate(qdate(days_ago(6)))
        dialog.note.setText("已打扫干净")
        assert dialog.run()

    page.select_id(order_id)
    answer(complete)
    page.buttons["完成"].click()
    assert seen["earliest"] == qdate(days_ago(8))
    assert seen["latest"] == QDate.currentDate()

    def rate(dialog: StepDialog) -> None:
        dialog.rating.setCurrentText("满意")
        dialog.note.setText("很满意")
        assert dialog.run()

    page.select_id(order_id)
    answer(rate)
    page.buttons["评价"].click()
    order = orders.get_order(ledger, order_id)
    assert (order["state"], order["assignee_member_id"], order["rating"],
            order["rating_comment"]) == ("已评价", zhao, "满意", "很满意")
    assert (order["dispatched_date"], order["accepted_date"], order["completed_date"],
            order["rated_date"]) == (days_ago(9), days_ago(8), days_ago(6), days_ago(0))
    assert order["result"].splitlines() == [f"派单 {days_ago(9)}：周六上午上门",
                                            f"完成 {days_ago(6)}：已打扫干净"]


def test_a_refused_step_is_shown_in_the_dialog(qtbot, ledger, ids, monkeypatch):
    """The db's check is the last word (a clock that moved on, an order changed meanwhile)."""
    zhao = members.add_member(ledger, name="赵玉茹", id_number=ids(),
                              residence_node_id=ledger.nodes["2单元"])
    order_id = orders.add_order(ledger, title="修水管", requested_date=days_ago(3))
    orders.dispatch(ledger, order_id, member_id=zhao, date=days_ago(1))
    dialog = StepDialog(ledger, order_id, "接单")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(orders, "_today", lambda: days_ago(2))
    assert not dialog.run()
    assert dialog.error.text() == f"接单日期：不能晚于今天（{days_ago(2)}）"
    assert orders.get_order(ledger, order_id)["state"] == "已派单"


def test_the_order_dialog_shows_each_steps_date_and_note(qtbot, ledger, ids):
    from desktop.ui.dialogs import OrderDialog

    zhao = members.add_member(ledger, name="赵玉茹", id_number=ids())
    order_id = orders.add_order(ledger, title="修水管", requested_date=days_ago(5))
    orders.dispatch(ledger, order_id, member_id=zhao, date=days_ago(4), note="带上扳手")
    orders.accept(ledger, order_id, date=days_ago(4))
    orders.complete(ledger, order_id, date=days_ago(2), result="已修好")
    dialog = OrderDialog(ledger, order_id)
    qtbot.addWidget(dialog)
    assert dialog.history.text().splitlines() == [
        f"当前已完成：点单 {days_ago(5)} → 派单 {days_ago(4)} → 接单 {days_ago(4)} → "
        f"完成 {days_ago(2)}",
        "接单人/单位：赵玉茹",
        f"办理记录：派单 {days_ago(4)}：带上扳手；完成 {days_ago(2)}：已修好"]


def test_dispatch_lists_the_orders_grid_cell_first_and_widens_when_it_is_empty(qtbot, ledger,
                                                                               ids):
    here = members.add_member(ledger, name="钱晓东", id_number=ids(),
                              residence_node_id=ledger.nodes["2单元"])
    members.add_member(ledger, name="孙立新", id_number=ids(),
                       residence_node_id=ledger.nodes["1单元"])
    in_cell = orders.add_order(ledger, kind="微心愿", title="修水管", node_id=ledger.nodes["2单元"])
    dialog = StepDialog(ledger, in_cell, "派单")
    qtbot.addWidget(dialog)
    picker = dialog.chooser.picker
    assert picker.node.currentData() == ledger.nodes["2单元"]
    listed = [picker.list.item(i).data(256) for i in range(picker.list.count())]
    assert listed == [here]
    assert any("2单元" in label.text() and "全部网格" in label.text()
               for label in dialog.findChildren(type(dialog.error)))
    # 全部网格 is one click away
    picker.node.setCurrentIndex(0)
    assert picker.list.count() == 2

    # nobody lives in 2单元 any more: the list widens to its 楼院, where both live
    members.update_member(ledger, here, residence_node_id=ledger.nodes["1单元"])
    widened = orders.add_order(ledger, kind="微心愿", title="换灯泡",
                               node_id=ledger.nodes["2单元"])
    dialog = StepDialog(ledger, widened, "派单")
    qtbot.addWidget(dialog)
    assert dialog.chooser.picker.node.currentData() == ledger.nodes["3号楼"]
    assert dialog.chooser.picker.list.count() == 2
