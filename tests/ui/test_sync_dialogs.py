from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from db import members, open_ledger, settings, units
from desktop.sync import drives
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger
from desktop.ui import roster_dialog, sync_export, sync_import
from tests.sync.helpers import wps_roster

SHOTS = Path(os.environ.get("BAODAO_SHOTS", "/tmp/baodao-shots"))


def _shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


@pytest.fixture(autouse=True)
def quiet_boxes(monkeypatch):
    shown = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda _p, title, text, *a, _k=kind, **kw: shown.append((_k, text)))
    return shown


@pytest.fixture
def two_offices(tmp_path, ids):
    a = open_ledger(tmp_path / "a.db")
    settings.initialise(a, "河东街道", "丽景社区")
    b = open_ledger(tmp_path / "b.db")
    settings.initialise(b, "河东街道", "杨树社区")
    unit = units.add_unit(a, name="衡水市第二人民医院党委", category="事业", contact_name="王")
    shared = ids()
    members.add_member(a, name="张伟", id_number=shared, mobile="13800138001")
    export_ledger(a, tmp_path / "a1.xlsx")
    apply(b, preview_file(b, tmp_path / "a1.xlsx").source, backup=False)
    units.update_unit(a, unit, contact_name="刘医生")
    units.update_unit(b, b.scalar("SELECT id FROM units"), contact_name="赵主任")
    dup = ids()
    members.add_member(a, name="李娜", id_number=dup, report_date="2026-01-05")
    members.add_member(b, name="李娜", id_number=dup, report_date="2025-03-01")
    members.add_member(a, name="王强", id_number=ids())
    export_ledger(a, tmp_path / "a2.xlsx")
    book = openpyxl.load_workbook(tmp_path / "a2.xlsx")  # one damaged cell for 无效行
    sheet = book["在职党员"]
    col = [c.value for c in sheet[1]].index("版本") + 1
    sheet.cell(row=sheet.max_row, column=col, value="三")
    book.save(tmp_path / "a2.xlsx")
    yield a, b, tmp_path
    a.close()
    b.close()


def test_import_preview_dialog_shows_counts_conflicts_and_invalid_rows(qtbot, two_offices):
    _a, b, folder = two_offices
    preview = preview_file(b, folder / "a2.xlsx")
    dialog = sync_import.ImportPreviewDialog(None, preview)
    qtbot.addWidget(dialog)
    dialog.show()
    counts = dialog.tabs.widget(0)
    row = [counts.item(2, c).text() for c in range(counts.columnCount())]  # 在职党员? find it
    titles = [counts.item(r, 0).text() for r in range(counts.rowCount())]
    row = [counts.item(titles.index("报到单位"), c).text() for c in range(8)]
    assert row[:5] == ["报到单位", "0", "0", "0", "1"]
    member_row = [counts.item(titles.index("在职党员"), c).text() for c in range(8)]
    assert member_row[5:7] == ["1", "1"]  # one invalid, one possible duplicate
    _shot(dialog, "import-preview")
    dialog.tabs.setCurrentIndex(1)
    conflicts = dialog.conflicts
    details = {conflicts.detail.item(r, 0).text(): (conflicts.detail.item(r, 1).text(),
                                                     conflicts.detail.item(r, 2).text())
               for r in range(conflicts.detail.rowCount())}
    assert details["联系人"] == ("赵主任", "刘医生")
    _shot(dialog, "import-conflicts")
    conflicts.choose_all("mine")
    assert set(dialog.choices().values()) == {"mine"}
    conflicts.choose_all("theirs")
    assert conflicts.list.item(0, 2).text() == "对方"
    dialog.tabs.setCurrentIndex(2)
    _shot(dialog, "import-duplicates")
    dialog.tabs.setCurrentIndex(3)
    issues = dialog.issues
    assert issues.table.item(0, 3).text() and issues.table.item(0, 2).text() == "版本"
    _shot(dialog, "import-invalid")
    # and confirming applies the choices through the worker
    done = []
    dialog.close()
    shown = sync_import._show_preview(None, b.path, preview, done.append)
    qtbot.addWidget(shown)
    shown.conflicts.choose_all("theirs")
    shown.accept()
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert b.scalar("SELECT contact_name FROM units") == "刘医生"
    assert b.scalar("SELECT count(*) FROM members WHERE name = '李娜'") == 1  # not merged


def test_mapping_dialog_checks_and_imports(qtbot, ledger, ids, tmp_path):
    people = [{"name": "张伟", "id": ids(), "mobile": "13800138001", "unit": "市财政局",
               "join": "2010.7.1", "compound": "杨树小区", "building": "3号楼", "unit_no": "1单元"},
              {"name": "李娜", "id": float(ids()), "join": "2012年5月4日"},
              {"name": "王强", "id": ids(), "join": "20150701"}]
    path = wps_roster(tmp_path / "花名册.xlsx", people)
    from desktop.sync import roster

    parsed = roster.read_roster(path)
    dialog = roster_dialog.MappingDialog(None, ledger.path, parsed, {})
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.mapping()["公民身份号码"] == "id_number"
    assert dialog.combos["序号"].currentData() is None
    dialog.check()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert (dialog.result.new, len(dialog.result.issues)) == (2, 1)
    assert "精度已丢失" in dialog.issues_widget.table.item(0, 3).text()
    assert dialog.ok.isEnabled()
    _shot(dialog, "roster-mapping")


def test_export_dialog_writes_to_the_chosen_drive(qtbot, ledger, tmp_path, monkeypatch,
                                                  quiet_boxes):
    from db import audit

    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr(sync_export, "removable_drives",
                        lambda: [drives.Drive(stick, "KINGSTON")])
    dialog = sync_export.ExportDialog(None, ledger.path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.drives.item(0).text() == f"KINGSTON（{stick}）"
    assert dialog.protect.isChecked()  # full ID numbers leave the office protected by default
    dialog.password.setText("丽景2026")
    dialog.password2.setText("丽景2026")
    _shot(dialog, "export-usb")
    dialog._export_to_drive()
    qtbot.waitUntil(lambda: dialog.result_path is not None, timeout=20000)
    assert dialog.result_path.parent == stick and dialog.result_path.exists()
    assert dialog.result_path.read_bytes()[:4] == bytes.fromhex("d0cf11e0")  # encrypted (OLE)
    assert audit.entries(ledger)[0]["result"].endswith("（含完整证件号，已设打开密码）")

    # Exporting full numbers without a password is a deliberate, logged choice.
    dialog = sync_export.ExportDialog(None, ledger.path)
    qtbot.addWidget(dialog)
    dialog.name.setText("明文.xlsx")
    dialog.protect.setChecked(False)
    dialog._export_to_drive()  # the warning is answered “No” (the patched box returns None)
    assert "没有设置打开密码" in quiet_boxes[-1][1]
    assert not (stick / "明文.xlsx").exists()
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    dialog._export_to_drive()
    qtbot.waitUntil(lambda: dialog.result_path is not None, timeout=20000)
    assert audit.entries(ledger)[0]["result"].endswith("（含完整证件号，未设打开密码）")


def test_linux_mounts_are_listed(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sdb1 /media/user/KINGSTON vfat rw 0 0\n"
                      "/dev/sda1 / ext4 rw 0 0\n/dev/sdc1 /run/media/li/U\\040盘 vfat rw 0 0\n")
    found = drives._unix(str(mounts), roots=("/media/", "/run/media/"))
    assert [str(d.path) for d in found][:2] == ["/media/user/KINGSTON", "/run/media/li/U 盘"]


def test_import_asks_for_the_password_again(qtbot, ledger, tmp_path, monkeypatch, ids):
    members.add_member(ledger, name="张伟", id_number=ids())
    export_ledger(ledger, tmp_path / "locked.xlsx", password="丽景")
    other = open_ledger(tmp_path / "other.db")
    other.close()
    asked, shown = [], []
    monkeypatch.setattr(sync_import, "_ask_password",
                        lambda _p, message: asked.append(message) or "丽景")
    monkeypatch.setattr(sync_import, "_show_preview",
                        lambda _p, _l, preview, _cb: shown.append(preview))
    sync_import.import_exchange_file(None, tmp_path / "other.db", path=str(tmp_path / "locked.xlsx"))
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert asked == ["文件设有打开密码，请输入密码"]
    assert shown[0].totals().new >= 3


def test_roster_import_flow_opens_the_mapping_dialog(qtbot, ledger, ids, tmp_path, monkeypatch):
    path = wps_roster(tmp_path / "r.xlsx", [{"name": "张伟", "id": ids()}])
    opened = []
    monkeypatch.setattr(roster_dialog, "_show_mapping",
                        lambda _p, _l, parsed, known, _cb: opened.append((parsed, known)))
    roster_dialog.import_roster(None, ledger.path, path=str(path))
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    assert opened[0][0].header_row == 3 and opened[0][1] == {}


def test_blank_template_is_saved(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert roster_dialog.save_roster_template(None) == target and target.exists()


def test_export_dialog_says_what_a_file_for_an_office_holds(qtbot, two_offices, monkeypatch):
    a, b, folder = two_offices
    export_ledger(b, folder / "b1.xlsx")  # b's file tells a what b holds
    apply(a, preview_file(a, folder / "b1.xlsx"), default="mine", backup=False)
    for i in range(3):
        units.add_unit(a, name=f"新单位{i}")
    monkeypatch.setattr(drives, "removable_drives", lambda: [])
    dialog = sync_export.ExportDialog(None, a.path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.receiver.currentText() == "杨树社区"  # the one office it knows
    qtbot.waitUntil(lambda: "条变更" in dialog.summary.text(), timeout=5000)
    # b acknowledged a1 only: since then a changed the unit (and settled its conflict) and
    # added 李娜, 王强 and these three units
    assert dialog.summary.text() == "发给 杨树社区：自上次以来的 6 条变更"
    _shot(dialog, "export-for-office")
    dialog.full.setChecked(True)
    assert dialog.summary.text() == "发给 杨树社区：全部数据"
    dialog.receiver.setCurrentIndex(0)
    assert not dialog.full.isEnabled()


def test_importing_a_file_again_says_so_at_once(qtbot, two_offices, quiet_boxes):
    _a, b, folder = two_offices  # b imported a1 whole
    sync_import.import_exchange_file(None, b.path, path=str(folder / "a1.xlsx"))
    qtbot.waitUntil(lambda: bool(quiet_boxes), timeout=5000)
    kind, text = quiet_boxes[-1]
    assert kind == "information" and "导入，无新变化" in text


def test_cancelling_an_import_in_the_job_runner_leaves_the_ledger_as_it_was(qtbot, tmp_path):
    from db import demo
    from desktop.ui.worker import run_job

    source = demo.generate(tmp_path / "tiny.db", "tiny")
    export_ledger(source, tmp_path / "a.xlsx")
    source.close()
    target = tmp_path / "t.db"
    open_ledger(target).close()
    with open_ledger(target) as ledger:
        preview = preview_file(ledger, tmp_path / "a.xlsx")
    started = []

    def work(progress, cancelled):
        with open_ledger(target) as ledger:
            def slow_cancel():
                started.append(1)
                return len(started) > 2 and cancelled()
            return apply(ledger, preview, backup=False, progress=progress, cancelled=slow_cancel)

    ended = []
    job = run_job(None, "正在导入", work, lambda r: ended.append("done"))
    job.cancelled.connect(lambda: ended.append("cancelled"))
    job.dialog.canceled.emit()  # the user clicks 取消
    qtbot.waitUntil(lambda: bool(ended), timeout=20000)
    assert ended == ["cancelled"]
    with open_ledger(target) as ledger:
        assert ledger.scalar("SELECT count(*) FROM members") == 0
        assert ledger.scalar("SELECT count(*) FROM sync_log") == 0
