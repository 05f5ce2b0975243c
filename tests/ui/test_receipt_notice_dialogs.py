"""报到 offers its 报到登记表, the 回执登记 ticks off what came back, and the 公示 dialog publishes
a quarter, prints it and takes an objection against a row, as a secretary does it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db import activities, members, notices, receipts, units
from desktop.ui import notice_dialogs, receipt_dialogs
from desktop.ui.dialogs import MemberDialog, UnitDialog
from desktop.ui.notice_dialogs import NewNoticeDialog, NoticesDialog
from desktop.ui.receipt_dialogs import ReceiptsDialog, ReportFormDialog

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def shown(monkeypatch):
    seen: list[tuple[Path, str]] = []

    def preview(parent, path, pages, warnings, title, notes=None):
        seen.append((Path(path), title))

    monkeypatch.setattr(receipt_dialogs, "preview_pdf", preview)
    monkeypatch.setattr(notice_dialogs, "preview_pdf", preview)
    return seen


def test_a_new_unit_report_prints_its_form_when_ticked(qtbot, ledger, shown):
    dialog = UnitDialog(ledger)
    qtbot.addWidget(dialog)
    assert dialog.findChild(receipt_dialogs.QCheckBox, "offerReportForm") is not None
    dialog.form.set_values({"name": "衡水市第二人民医院党委", "category": "事业",
                            "paired_node_id": ledger.nodes["杨树小区"], "report_date": "2026-03-01",
                            "status": "在册"})
    dialog.findChild(receipt_dialogs.QCheckBox, "offerReportForm").setChecked(True)
    assert dialog.try_save()
    assert shown and shown[0][0].exists() and "衡水市第二人民医院党委" in shown[0][1]
    row = receipts.listing(ledger)[0]
    assert row["kind"] == "报到单" and row["prints"] == 1 and row["number"] in shown[0][1]
    # editing an existing unit offers nothing
    edit = UnitDialog(ledger, dialog.saved_id)
    qtbot.addWidget(edit)
    assert edit.findChild(receipt_dialogs.QCheckBox, "offerReportForm") is None


def test_a_member_report_left_unticked_prints_nothing(qtbot, ledger, ids, shown):
    dialog = MemberDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.form.set_values({"name": "王芳", "id_number": ids(), "residence_node_id": ledger.nodes["1单元"],
                            "status": "在册"})
    assert dialog.try_save()
    assert shown == [] and receipts.listing(ledger) == []
    form = ReportFormDialog(ledger, None, member_id=dialog.saved_id)
    qtbot.addWidget(form)
    form.opinion.setPlainText("同意接收，请认领政策宣讲岗")
    form.print_form()
    assert receipts.listing(ledger)[0]["opinion"] == "同意接收，请认领政策宣讲岗"
    assert len(shown) == 1


def test_receipts_register_marks_returns(qtbot, ledger, ids):
    wang = members.add_member(ledger, name="王芳", id_number=ids(), residence_node_id=ledger.nodes["1单元"])
    unit = units.add_unit(ledger, name="市医院党委", paired_node_id=ledger.nodes["杨树小区"])
    receipts.report_receipt(ledger, unit_id=unit, today="2026-03-01")
    receipts.track_feedback(ledger, "2026H1", [wang], today="2026-07-05")
    dialog = ReceiptsDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "receipts-register")
    assert dialog.table.rowCount() == 2 and "未收回 2 份" in dialog.count.text()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    dialog.mark_returned("2026-07-01", "赵敏")  # nothing selected
    assert "请先" in dialog.error.text()
    dialog.table.selectRow(0)  # the unit's, printed first
    dialog.mark_returned("2026-02-01", "赵敏")
    assert "收回日期：早于打印日期2026-03-01" in dialog.error.text()
    dialog.mark_returned("2026-03-10", "赵敏")
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "王芳"
    dialog.kind.setCurrentIndex(dialog.kind.findData(receipts.REPORT))
    assert dialog.table.rowCount() == 0
    dialog.show_box.setCurrentIndex(1)  # 全部
    assert dialog.table.item(0, 7).text() == "2026-03-10"


def test_notice_dialog_publishes_prints_and_takes_an_objection(qtbot, ledger, ids, shown):
    wang = members.add_member(ledger, name="王芳", id_number=ids(), residence_node_id=ledger.nodes["1单元"])
    activities.record_activity(ledger, members=[(wang, 2)], date="2026-05-10", kind="志愿服务",
                               title="清扫", node_id=ledger.nodes["1单元"], verified=True,
                               verifier="刘书记")
    new = NewNoticeDialog(ledger, None, ledger.nodes["杨树小区"])
    qtbot.addWidget(new)
    new.quarter.addItem("2026年第二季度")
    new.quarter.setCurrentText("2026年第二季度")
    new.start.setText("2026-07-03")
    assert "党员 1 名" in new.summary.text() and "2026-07-03 至 2026-07-07" in new.summary.text()
    new.start.setText("2026-06-01")
    new.publish()
    assert "应在2026年第二季度结束之后" in new.error.text()
    new.start.setText("2026-07-03")
    new.contact.setText("周强 13800138000")
    new.publish()
    assert new.notice_id
    dialog = NoticesDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "notices")
    assert dialog.width() <= 1366 and dialog.height() <= 768
    assert dialog.notices.item(0, 4).text() == "已结束"  # 2026-07-07 is long past
    assert dialog.notices.item(0, 2).text() == "2026年第二季度"  # as the new-notice dialog says
    assert dialog.rows_table.item(0, 1).text() == "王芳"
    dialog.print_current()
    assert shown and shown[-1][0].exists() and "丽景社区公示-2026-0001" in shown[-1][1]
    dialog.rows_table.selectRow(0)
    dialog.add_objection("王芳", "服务时长少记1小时", "2026-07-08")  # after the window
    assert "公示期已于2026-07-07结束" in dialog.error.text()
    dialog.rows_table.selectRow(0)
    dialog.add_objection("王芳", "服务时长少记1小时", "2026-07-06")
    assert dialog.objections_table.rowCount() == 1
    assert dialog.rows_table.item(0, 6).text() == "有异议（处理中）"
    dialog.objections_table.selectRow(0)
    dialog.resolve("经核实更正为3小时")
    assert dialog.objections_table.item(0, 4).text() == "经核实更正为3小时"
    assert notices.objections(ledger, new.notice_id)[0]["resolved_date"]


def test_the_objection_dialog_names_the_row_it_is_about(qtbot):
    from desktop.ui.notice_dialogs import ObjectionDialog

    dialog = ObjectionDialog("王芳")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.subject.text() == "王芳" and dialog.windowTitle() == "登记异议：王芳"
    assert dialog.width() <= 1366 and dialog.height() <= 768
