"""A secretary's first day through the real widgets: wizard, grid, unit, members, post, order,
activity, member detail, export of the current list."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QMessageBox

from db import activities, grid, members, open_ledger, orders, settings
from desktop import paths
from desktop.ui.app import SetupWizard, build_window, ui_settings
from desktop.ui.dialogs import MemberDialog
from desktop.ui.pickers import MemberPicker
from tests.conftest import make_id


def fill(dialog, **values):
    for key, value in values.items():
        dialog.form.fields[key].set(value)


def save(dialog):
    ok = dialog.try_save()
    if not ok:
        print("SAVE FAILED:", dialog.error.text())
        dialog.form.snapshot = dialog.form.values()
        dialog.reject()
    assert ok, dialog.error.text()


def text_answer(value):
    def handler(dialog: QInputDialog):
        dialog.setTextValue(value)
        dialog.accept()
    return handler


def test_wizard_requires_street_and_creates_ledger(qtbot, tmp_path):
    wizard = SetupWizard(path=tmp_path / "l.db")
    qtbot.addWidget(wizard)
    wizard.create_ledger()
    assert "街道" in wizard.error.text()
    assert not (tmp_path / "l.db").exists()
    wizard.street.setText("河东街道")
    wizard.community.setText("丽景社区")
    wizard.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert wizard.result() == SetupWizard.DialogCode.Accepted
    with open_ledger(tmp_path / "l.db") as led:
        assert settings.identity(led)["community"] == "丽景社区"
        assert [n["name"] for n in grid.list_nodes(led)] == ["河东街道", "丽景社区"]


@pytest.fixture
def window(qtbot):
    wizard = SetupWizard()
    wizard.street.setText("河东街道")
    wizard.community.setText("丽景社区")
    wizard.create_ledger()
    led = open_ledger(paths.default_ledger())
    win = build_window(led, ui_settings())
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_day_of_work(window, qtbot, answer, tmp_path):
    led = window.ledger
    # -- 网格: 杨树小区 / 3号楼 / 1单元, 2单元 under the community -----------------------------
    window.nav.setCurrentRow(1)
    page = window.pages["grid"]
    community = next(n["id"] for n in grid.list_nodes(led) if n["level"] == 2)
    for parent_name, child in ((None, "杨树小区"), ("杨树小区", "3号楼"), ("3号楼", "1单元"),
                               ("3号楼", "2单元")):
        parent = community if parent_name is None else next(
            n["id"] for n in grid.list_nodes(led) if n["name"] == parent_name)
        page.select(parent)
        answer(text_answer(child))
        page.add_child()
    nodes = {n["name"]: n["id"] for n in grid.list_nodes(led)}
    assert grid.path_names(led, nodes["2单元"])[-3:] == ["杨树小区", "3号楼", "2单元"]
    page.select(nodes["3号楼"])
    page.form.fields["leader_name"].set("李四")
    page.form.fields["leader_phone"].set("1380013")
    page.save()
    assert "负责人电话" in page.error.text()  # a bad phone is refused with its field named
    page.form.fields["leader_phone"].set("13800138000")
    page.save()
    assert grid.get_node(led, nodes["3号楼"])["leader_name"] == "李四"
    # selecting a node filters the registers to its subtree; the community shows everything
    assert window.pages["members"].grid_chip.text() == "网格：3号楼"
    page.select(community)

    # -- 报到单位 --------------------------------------------------------------------------------
    window.nav.setCurrentRow(2)
    units_page = window.pages["units"]

    def unit_form(dialog):
        fill(dialog, name="衡水市第二人民医院党委", category="事业", contact_name="刘医生",
             contact_phone="0318-2123456", paired_node_id=nodes["杨树小区"],
             agreement_signed_date="2026.3.1")
        save(dialog)

    answer(unit_form)
    units_page.new_record()
    assert units_page.model.rowCount() == 1
    unit_id = units_page.model.row_id(0)

    # -- 在职党员: an invalid ID first, then a valid one ---------------------------------------
    window.nav.setCurrentRow(3)
    members_page = window.pages["members"]
    good = make_id("19850304", seq=122)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    def member_form(dialog: MemberDialog):
        fill(dialog, name="赵玉茹", id_number=bad, mobile="13912345678",
             work_unit_id=unit_id, residence_node_id=nodes["1单元"])
        assert not dialog.try_save()
        id_widget = dialog.form.fields["id_number"].widget
        assert id_widget.property("error") is True
        assert "校验位" in dialog.error.text()
        fill(dialog, id_number=good)
        dialog.fill_from_id()
        assert "1985-03-04" in dialog.derived.text()
        assert dialog.form.fields["gender"].get() == "女"
        save(dialog)

    answer(member_form)
    members_page.new_record()
    zhao = members.search_members(led, "zyr")[0]["id"]
    others = [members.add_member(led, name=n, id_number=make_id(b, seq=s),
                                 residence_node_id=nodes["2单元"])
              for n, b, s in (("王䶮", "19900101", 111), ("张三", "19700505", 131))]
    members_page.refresh()
    assert members_page.model.rowCount() == 3

    # a duplicate ID is refused naming the existing member
    dup = MemberDialog(led, parent=window)
    qtbot.addWidget(dup)
    fill(dup, name="赵玉如", id_number=good)
    offered = []

    def back_to_form(box):
        offered.append(box.text())
        next(b for b in box.buttons() if b.text() == "返回修改").click()

    answer(back_to_form)  # the other choice, 打开已有记录: tests/ui/test_unit_link_ui.py
    assert not dup.try_save()
    assert "“赵玉茹”已经报到" in offered[0] and dup.existing_id is None
    assert "该党员已报到" in dup.error.text() and "赵玉茹" in dup.error.text()
    dup.form.snapshot = dup.form.values()
    dup.reject()

    # -- 服务岗位 and 认岗 ----------------------------------------------------------------------
    window.nav.setCurrentRow(4)
    posts_page = window.pages["posts"]

    def post_form(dialog):
        fill(dialog, name="义诊岗", category="生活服务", capacity=10)
        save(dialog)

    answer(post_form)
    posts_page.new_record()
    posts_page.table.selectRow(0)

    def tick_zhao(dialog):
        picker = dialog.findChild(MemberPicker)
        picker.search.setText("赵玉茹")
        picker.list.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.accept()

    answer(tick_zhao)
    posts_page.claim()
    assert posts_page.model.row_dict(0)["claimed"] == 1

    # -- 群众需求: 点单 → 派单 → 接单 → 完成 → 评价 --------------------------------------------
    window.nav.setCurrentRow(5)
    orders_page = window.pages["orders"]

    def order_form(dialog):
        fill(dialog, kind="微心愿", title="帮忙打扫房间", requester_name="赵女士",
             requester_phone="13011112222", node_id=nodes["1单元"])
        save(dialog)

    answer(order_form)
    orders_page.new_record()
    orders_page.table.selectRow(0)
    assert orders_page.buttons["派单"].isEnabled()
    assert not orders_page.buttons["评价"].isEnabled()

    def pick_zhao(dialog):
        dialog.chooser.picker.search.setText("zyr")
        dialog.chooser.picker.list.setCurrentRow(0)
        dialog.run()

    answer(pick_zhao)
    orders_page.buttons["派单"].click()
    orders_page.table.selectRow(0)
    answer(lambda dialog: dialog.run())  # 接单 today
    orders_page.buttons["接单"].click()
    orders_page.table.selectRow(0)
    today = dt.date.today().isoformat()

    def done(dialog):
        dialog.note.setText("已打扫干净")
        dialog.run()

    answer(done)
    orders_page.buttons["完成"].click()
    orders_page.table.selectRow(0)

    def rate(dialog):
        dialog.rating.setCurrentText("满意")
        dialog.note.setText("很好")
        dialog.run()

    answer(rate)
    orders_page.buttons["评价"].click()
    order = orders.list_orders(led)[0]
    assert (order["state"], order["assignee_member_name"], order["rating"]) == (
        "已评价", "赵玉茹", "满意")
    assert order["completed_date"] == today

    # -- 活动纪实: one 集中服务日 for three members --------------------------------------------
    window.nav.setCurrentRow(6)
    acts_page = window.pages["activities"]

    def activity_form(dialog):
        fill(dialog, date="2026-11-10", kind="集中服务日", title="义诊进社区",
             node_id=nodes["杨树小区"], verified=True, verifier="王书记")
        dialog.hours.setValue(3)
        dialog.picker.tick_all(True)
        assert dialog.table.rowCount() == 3
        save(dialog)

    answer(activity_form)
    acts_page.new_record()
    assert acts_page.model.row_dict(0)["people"] == 3
    assert acts_page.model.row_dict(0)["hours"] == 9

    # -- the member detail shows all of it --------------------------------------------------
    from desktop.ui.detail import MemberDetail

    detail = MemberDetail(led, zhao, window)
    qtbot.addWidget(detail)
    tabs = [detail.tabs.tabText(i) for i in range(detail.tabs.count())]
    assert "服务纪实（1次，3小时）" in tabs
    assert "认领岗位（1）" in tabs
    assert detail.services_table.item(0, 2).text() == "义诊进社区"
    assert "累计积分 90" in detail.header.text()  # 80 + 5 (activity) + 3 (order) + 2 (满意)
    assert all(activities.member_services(led, m) for m in others)

    # -- 导出当前列表 --------------------------------------------------------------------------
    window.nav.setCurrentRow(3)
    members_page.refresh()
    members_page.search.setText("赵")
    out = tmp_path / "list.xlsx"
    members_page.export_current(str(out))
    qtbot.waitUntil(lambda: out.exists(), timeout=5000)
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    model = members_page.model  # the headings as the table shows them
    assert list(rows[0]) == [model.headerData(i, Qt.Orientation.Horizontal)
                             for i in range(model.columnCount())]
    assert len(rows) == 2 and rows[1][0] == "赵玉茹"
    assert (rows[0][2], rows[1][2]) == ("出生年份", "1985年")  # not the masked digits
    assert rows[1][3] == good[:6] + "********" + good[-4:]  # as shown: masked, as text
    assert sheet.cell(2, 4).data_type == "s"
    from db import audit

    qtbot.waitUntil(lambda: audit.entries(window.ledger)[0]["action"] == "导出", timeout=5000)
    assert audit.entries(window.ledger)[0]["result"] == "号码已打码"


def test_deleting_a_grid_node_with_members_is_refused(window, qtbot, answer):
    led = window.ledger
    community = next(n["id"] for n in grid.list_nodes(led) if n["level"] == 2)
    compound = grid.add_node(led, community, "杨树小区")
    building = grid.add_node(led, compound, "3号楼")
    members.add_member(led, name="李娜", id_number=make_id(), residence_node_id=building)
    page = window.pages["grid"]
    page.refresh()
    page.select(building)

    def confirm_then_read(dialog: QMessageBox):
        dialog.button(QMessageBox.StandardButton.Yes).click()

    seen = []

    def refusal(dialog: QMessageBox):
        seen.append(dialog.text())
        dialog.accept()

    answer(confirm_then_read, refusal)
    page.delete()
    assert "1名在册党员" in seen[0]
    assert building in {n["id"] for n in grid.list_nodes(led)}
