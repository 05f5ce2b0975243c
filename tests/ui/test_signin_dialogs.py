"""The activity dialog's 签到表 path as a secretary uses it: fill in times, place and people,
print a sheet for a grid cell, then 按签到表录入 with ticks, times and a walk-in; the hours
land in the activity naming the sheet. Bad input says which row and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from db import activities, members, signin
from desktop.ui import signin_dialogs
from desktop.ui.activity_dialog import ActivityDialog
from desktop.ui.signin_dialogs import SigninEntryDialog, SigninPrintDialog

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.resize(min(widget.width(), 1366), min(widget.height(), 768))
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def people(ledger, ids):
    unit1 = ledger.nodes["1单元"]
    wang = members.add_member(ledger, name="王芳", id_number=ids(), residence_node_id=unit1,
                              work_unit_name="市医院")
    li = members.add_member(ledger, name="李强", id_number=ids(), residence_node_id=unit1,
                            work_unit_name="税务局")
    zhao = members.add_member(ledger, name="赵敏", id_number=ids(),
                              residence_node_id=ledger.nodes["2单元"])
    return {"wang": wang, "li": li, "zhao": zhao}


def _field(dialog, key):
    return dialog.form.fields[key].widget


def test_activity_dialog_saves_times_people_and_refuses_a_bad_time(qtbot, ledger, people,
                                                                   answer):
    dialog = ActivityDialog(ledger)
    qtbot.addWidget(dialog)
    assert not dialog.print_sheet.isEnabled()  # a sheet needs a saved activity
    _field(dialog, "title").setText("义诊")
    _field(dialog, "start_time").setText("9:00")
    _field(dialog, "end_time").setText("8:30")
    _field(dialog, "place").setText("杨树小区广场")
    _field(dialog, "leader").setText("周强")
    _field(dialog, "recorder").setText("李四")
    assert dialog.try_save() is False
    assert "结束时间" in dialog.error.text() and not dialog.error.isHidden()
    _field(dialog, "end_time").setText("11:30")
    assert dialog.try_save() is True
    a = activities.get_activity(ledger, dialog.saved_id)
    assert (a["start_time"], a["end_time"], a["leader"], a["recorder"]) == \
        ("09:00", "11:30", "周强", "李四")


def test_print_then_enter_a_sheet(qtbot, ledger, people, monkeypatch, answer):
    act = activities.record_activity(ledger, date="2026-05-10", kind="集中服务日", title="义诊",
                                     node_id=ledger.nodes["1单元"], start_time="9:00",
                                     end_time="11:30")
    shown = []
    monkeypatch.setattr(signin_dialogs, "preview_pdf",
                        lambda parent, path, pages, warnings, title: shown.append((path, title)))
    dialog = ActivityDialog(ledger, act)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "activity-dialog")
    printer = SigninPrintDialog(ledger, act, {}, dialog)
    qtbot.addWidget(printer)
    assert printer.count.text() == "将预填 2 名党员"  # the activity's grid cell
    _shot(printer, "signin-print")
    printer.generate()
    assert shown and shown[0][1] == "签到表 丽景社区签到-2026-0001" and shown[0][0].exists()
    entry = SigninEntryDialog(ledger, act, dialog)
    qtbot.addWidget(entry)
    # the activity's only sheet is read at once: 李强, 王芳 by pinyin, none ticked yet
    assert [entry.cell(r, 1).text() for r in range(entry.table.rowCount())] == ["李强", "王芳"]
    entry.cell(0, 3).setCheckState(Qt.CheckState.Checked)
    entry.cell(1, 3).setCheckState(Qt.CheckState.Checked)
    entry.table.item(1, 4).setText("9:30")
    entry.table.item(1, 5).setText("9:00")  # before the sign-in: refused, row named
    entry.save()
    assert "第2行签退时间" in entry.error.text()
    entry.table.item(1, 5).setText("11:00")

    def pick_zhao(picker):
        picker.picker.search.setText("赵敏")
        qtbot.waitUntil(lambda: picker.picker.list.count() == 1)
        picker.picker.list.setCurrentRow(0)
        picker.accept_choice()

    answer(pick_zhao)
    entry.add_walk_in()
    assert entry.cell(2, 1).text() == "赵敏（临时到场）"
    entry.table.item(2, 6).setText("1")
    entry.show()
    _shot(entry, "signin-entry")
    entry.save()
    assert entry.result() and entry.counts == {"added": 3, "updated": 0, "removed": 0}
    hours = {p["member_name"]: (p["hours"], p["sheet_id"]) for p in
             activities.participants(ledger, act)}
    sheet = signin.find_sheet(ledger, "1", act)["id"]
    assert hours == {"李强": (2.5, sheet), "王芳": (1.5, sheet), "赵敏": (1.0, sheet)}
    dialog.reload_people()
    assert dialog.summary.text() == "共 3 人"
    QApplication.processEvents()
