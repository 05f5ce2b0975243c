"""导入花名册 into a new ledger through the real dialog (issue 14, scenario 1): the missing grid
is offered, listed and created with the import; every reason shows; the error workbook keeps
the sender's columns; a 不导入 chosen to get past refusals is not remembered."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from db import grid, members, open_ledger, settings
from desktop.sync import roster
from desktop.ui import roster_dialog

SHOTS = Path(os.environ.get("BAODAO_SHOTS", "/tmp/baodao-shots"))


@pytest.fixture
def boxes(monkeypatch):
    shown = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda _p, title, text, *a, _k=kind, **kw: shown.append((_k, text)))
    return shown


@pytest.fixture
def first_day(tmp_path, ids):
    """A new ledger (street and community only) and the street's roster."""
    path = tmp_path / "new.db"
    with open_ledger(path) as led:
        settings.initialise(led, "河东街道", "丽景社区")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["河东街道在职党员花名册"])
    sheet.append(["姓名", "身份证号", "居住小区", "楼栋", "单元", "报到日期"])
    sheet.append(["张伟", ids(), "杨树小区", 3, 1, "2026-03-01"])
    sheet.append(["李娜", ids(), "杨树小区", 3, 2, "2026-03-01"])
    sheet.append(["王强", ids(), "丽景小区", 1, 1, "2026-03-01"])
    sheet.append([None, "123", "丽景小区", 1, 1, "2026年13月1日"])  # three reasons
    book.save(tmp_path / "花名册.xlsx")
    return path, roster.read_roster(tmp_path / "花名册.xlsx")


def _check(qtbot, dialog):
    dialog.result = None
    dialog.check()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)


def test_first_roster_creates_the_grid_it_names_when_ticked(qtbot, first_day, boxes, tmp_path):
    ledger_path, parsed = first_day
    dialog = roster_dialog.MappingDialog(None, str(ledger_path), parsed, {})
    qtbot.addWidget(dialog)
    dialog.show()
    _check(qtbot, dialog)
    assert dialog.result.new == 0 and not dialog.ok.isEnabled()
    assert dialog.create_missing.isVisible()
    assert "有4行写到的小区、楼院或单元网格中还没有" in dialog.create_missing.text()
    table = dialog.issues_widget.table
    row_six = [table.item(r, 2).text() for r in range(table.rowCount())
               if table.item(r, 1).text() == "6"]
    assert row_six[:3] == ["姓名", "身份证号", "居住小区"] and "报到日期" in row_six
    dialog.result = None
    dialog.create_missing.setChecked(True)  # checks again by itself
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert dialog.result.new == 3 and dialog.ok.isEnabled()
    listed = [dialog.new_nodes.item(i).text() for i in range(dialog.new_nodes.count())]
    assert listed == ["新建小区：杨树小区（2人）", "新建楼院：杨树小区/3号楼（2人）",
                      "新建单元：杨树小区/3号楼/1单元（1人）", "新建单元：杨树小区/3号楼/2单元（1人）",
                      "新建小区：丽景小区（1人）", "新建楼院：丽景小区/1号楼（1人）",
                      "新建单元：丽景小区/1号楼/1单元（1人）"]
    assert "网格：将新建2个小区、2个楼院、3个单元。" in dialog.status.text()
    dialog.resize(1366, 768)
    qtbot.wait(100)  # a widget added to a shown layout appears on the next event loop turn
    assert dialog.issues_widget.isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "roster-create-grid.png"))
    with open_ledger(ledger_path, create=False) as led:
        assert grid.list_nodes(led)[-1]["level"] == 2  # nothing written by the checks
    # the error workbook, from the dialog's button, in the sender's own columns
    target = tmp_path / "错误清单.xlsx"
    qtbot_patch = pytest.MonkeyPatch()
    qtbot_patch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    save = next(b for b in dialog.issues_widget.findChildren(QPushButton)
                if b.text() == "保存错误清单…")
    save.click()
    qtbot_patch.undo()
    sheet = openpyxl.load_workbook(target)["错误清单"]
    assert [c.value for c in sheet[1]] == ["原表行号", "错误原因", "姓名", "身份证号", "居住小区",
                                          "楼栋", "单元", "报到日期"]
    assert sheet["A2"].value == 6 and sheet["B2"].value.count("；") == 2


def test_confirmed_import_creates_nodes_and_members_together(qtbot, first_day, boxes):
    ledger_path, parsed = first_day
    done = []
    dialog = roster_dialog._show_mapping(None, str(ledger_path), parsed, {}, done.append)
    qtbot.addWidget(dialog)
    dialog.create_missing.setChecked(True)
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.ok.isEnabled(), timeout=20000)
    # the user also sets 报到日期 to 不导入 for this file
    dialog.combos["报到日期"].setCurrentIndex(0)
    assert not dialog.ok.isEnabled()  # the preview shown no longer fits the mapping
    _check(qtbot, dialog)
    dialog.ok.click()
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert "新建网格 7 个" in boxes[-1][1]
    with open_ledger(ledger_path, create=False) as led:
        where = sorted(grid.path_text(led, m["residence_node_id"], 2)
                       for m in members.list_members(led))
        assert where == ["丽景小区1号楼1单元", "杨树小区3号楼1单元", "杨树小区3号楼2单元"]
        known = roster.remembered(led)
    assert "报到日期" not in known  # a one-off 不导入 is not carried to the next file
    again = roster.guess_mapping(parsed.headers, known)
    assert again["报到日期"] == "report_date"


def test_a_grid_sheet_is_listed_in_the_dry_run(qtbot, first_day, boxes, tmp_path, ids):
    ledger_path, _parsed = first_day
    book = openpyxl.Workbook()
    book.active.title = "花名册"
    book.active.append(["姓名", "身份证号", "居住小区", "楼栋"])
    book.active.append(["张伟", ids(), "杨树小区", "3号楼"])
    sheet = book.create_sheet("网格")
    sheet.append(["级别", "名称", "上级", "负责人", "电话"])
    sheet.append(["小区", "杨树小区", "", "周强", ""])
    sheet.append(["楼院", "3号楼", "", "李四", "13800138000"])
    book.save(tmp_path / "带网格.xlsx")
    parsed = roster.read_roster(tmp_path / "带网格.xlsx")
    dialog = roster_dialog.MappingDialog(None, str(ledger_path), parsed, {})
    qtbot.addWidget(dialog)
    _check(qtbot, dialog)
    listed = [dialog.new_nodes.item(i).text() for i in range(dialog.new_nodes.count())]
    assert listed == ["“网格”表第2行：新建小区：杨树小区", "“网格”表第3行：新建楼院：杨树小区/3号楼"]
    assert dialog.result.new == 1 and not dialog.create_missing.isVisibleTo(dialog)
