"""Building the grid from the 网格 page without 55 input dialogs (issue 14, scenario 1):
批量添加, 从Excel粘贴 and editing leaders in the tree, driven through the real widgets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from db import grid
from desktop.ui.grid_batch import BatchDialog, PasteDialog
from desktop.ui.grid_page import GridPage

SHOTS = Path(os.environ.get("BAODAO_SHOTS", "/tmp/baodao-shots"))


def _shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.resize(1366, 768)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def _button(dialog, text: str):
    box = dialog.findChild(QDialogButtonBox)
    return next(b for b in box.buttons() if b.text() == text)


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: shown.append(text))
    return shown


def _paths(ledger) -> set[str]:
    return {"/".join(grid.path_names(ledger, n["id"])[2:]) for n in grid.list_nodes(ledger)
            if n["level"] >= 3}


def test_twelve_buildings_each_with_four_units_in_one_dialog(qtbot, ledger):
    compound = grid.add_node(ledger, ledger.nodes["丽景社区"], "丽景小区")
    page = GridPage(ledger)
    qtbot.addWidget(page)
    page.refresh(select=compound)
    dialog = page.add_batch()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, BatchDialog)
    # the defaults for a 小区's children: 1-12号楼, each with 1-4单元
    assert dialog.by_number.isChecked() and dialog.with_children.isChecked()
    assert dialog.summary.text() == "将新建12个楼院、48个单元。"
    assert dialog.table.rowCount() == 60
    assert dialog.table.item(0, 2).text() == "丽景小区/1号楼"
    dialog.range.end.setValue(3)
    dialog.child_range.end.setValue(2)
    assert dialog.summary.text() == "将新建3个楼院、6个单元。"
    dialog.table.item(0, 4).setText("王楼长")  # leaders typed straight into the preview
    dialog.table.item(0, 5).setText("13800138011")
    dialog.table.item(1, 4).setText("赵单元长")
    _shot(dialog, "grid-batch")
    assert _paths(ledger) == {"杨树小区", "杨树小区/3号楼", "杨树小区/3号楼/1单元",
                              "杨树小区/3号楼/2单元", "丽景小区"}
    _button(dialog, "创建").click()
    assert not dialog.isVisible()
    building = grid.find_node(ledger, "丽景小区/1号楼")
    assert (building["leader_name"], building["leader_phone"]) == ("王楼长", "13800138011")
    assert grid.find_node(ledger, "丽景小区/1号楼/1单元")["leader_name"] == "赵单元长"
    assert {p for p in _paths(ledger) if p.startswith("丽景小区/")} == {
        f"丽景小区/{b}号楼" for b in (1, 2, 3)} | {
        f"丽景小区/{b}号楼/{u}单元" for b in (1, 2, 3) for u in (1, 2)}
    assert len(page.model.kids[compound]) == 3  # the tree shows them at once


def test_a_bad_leader_phone_creates_nothing_and_says_why(qtbot, ledger):
    dialog = BatchDialog(None, ledger, ledger.nodes["杨树小区"])
    qtbot.addWidget(dialog)
    dialog.range.start.setValue(4)
    dialog.range.end.setValue(5)
    dialog.with_children.setChecked(False)
    dialog.table.item(1, 5).setText("123")
    before = _paths(ledger)
    _button(dialog, "创建").click()
    assert dialog.error.text() == "没有创建任何网格：负责人电话：“123”不是有效的手机或固定电话号码"
    assert _paths(ledger) == before


PASTED = ("级别\t名称\t上级\t负责人\t电话\r\n"
          "小区\t丽景小区\t\t周红\t13800138010\r\n"
          "楼院\t1号楼\t丽景小区\t王楼长\t\r\n"
          "单元\t1单元\t\t赵单元长\t\r\n"
          "单元\t2单元\t\t钱\t12345\r\n"
          "单元\t3单元\t9号楼\t孙\t\r\n")


def test_rows_pasted_from_excel_are_checked_then_created(qtbot, ledger, warnings):
    page = GridPage(ledger)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    QApplication.clipboard().setText(PASTED)
    page.tree.setFocus()
    QTest.keyClick(page.tree, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = page.findChild(PasteDialog)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "共5行：将新建1个小区、1个楼院、1个单元；2行有问题，不会导入。"
    reasons = [(dialog.issues.item(r, 0).text(), dialog.issues.item(r, 1).text(),
                dialog.issues.item(r, 2).text()) for r in range(dialog.issues.rowCount())]
    assert reasons == [("5", "电话", "“12345”不是有效的手机或固定电话号码"),
                       ("6", "上级", "找不到上级楼院“9号楼”（网格中没有，本次内容中也没有）")]
    assert _paths(ledger) == {"杨树小区", "杨树小区/3号楼", "杨树小区/3号楼/1单元",
                              "杨树小区/3号楼/2单元"}  # nothing written yet
    _shot(dialog, "grid-paste")
    _button(dialog, "导入").click()
    assert {"丽景小区", "丽景小区/1号楼", "丽景小区/1号楼/1单元"} <= _paths(ledger)
    assert grid.find_node(ledger, "丽景小区/1号楼/1单元")["leader_name"] == "赵单元长"
    assert warnings == []


def test_paste_dialog_reads_the_clipboard_button(qtbot, ledger):
    dialog = PasteDialog(None, ledger)
    qtbot.addWidget(dialog)
    assert not _button(dialog, "导入").isEnabled()
    QApplication.clipboard().setText("小区\t和平小区\t\t李\t\n")
    next(b for b in dialog.findChildren(type(_button(dialog, "导入")))
         if b.text() == "从剪贴板粘贴").click()
    assert dialog.summary.text() == "共1行：将新建1个小区。"
    dialog.text.appendPlainText("x")  # edited after the check: check again before importing
    assert not _button(dialog, "导入").isEnabled()


def test_leaders_are_edited_in_the_tree(qtbot, ledger, warnings):
    page = GridPage(ledger)
    qtbot.addWidget(page)
    page.refresh(select=ledger.nodes["1单元"])
    index = page.model.index_of(ledger.nodes["1单元"])
    leader = index.siblingAtColumn(2)
    assert page.model.flags(leader) & Qt.ItemFlag.ItemIsEditable
    assert page.model.setData(leader, "新单元长")
    assert grid.get_node(ledger, ledger.nodes["1单元"])["leader_name"] == "新单元长"
    assert page.form.values()["leader_name"] == "新单元长"  # the form beside follows
    phone = index.siblingAtColumn(3)
    assert not page.model.setData(phone, "123")
    assert warnings == ["负责人电话：“123”不是有效的手机或固定电话号码"]
    assert grid.get_node(ledger, ledger.nodes["1单元"])["leader_phone"] == ""
    community = page.model.index_of(ledger.nodes["丽景社区"]).siblingAtColumn(0)
    assert not page.model.flags(community) & Qt.ItemFlag.ItemIsEditable  # set in 设置
