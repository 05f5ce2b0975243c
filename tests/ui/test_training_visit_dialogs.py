"""培训与表彰 in 党员详情, 一联一帮走访 and 季度预警 in the app: entries added, edited and
removed through the real widgets; a visit recorded from the not-visited list takes the
household off it; the lists print through the preview; every window fits 1366×768."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from db import activities, members, training, visits
from desktop.ui import visit_dialogs, warning_dialogs
from desktop.ui.detail import MemberDetail
from desktop.ui.training_dialogs import AwardDialog, TrainingDialog, TrainingTab
from desktop.ui.visit_dialogs import NotVisitedDialog, VisitDialog
from desktop.ui.warning_dialogs import WarningDialog

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")
SCREEN = (1366, 768 - 40)  # less a taskbar


def _shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _fits(widget) -> None:
    assert widget.width() <= SCREEN[0] and widget.height() <= SCREEN[1], widget.size()


@pytest.fixture
def wang(ledger, ids):
    return members.add_member(ledger, name="王芳", id_number=ids(),
                              residence_node_id=ledger.nodes["1单元"], report_date="2026-01-05",
                              household_name="刘奶奶", household_reason="老年",
                              household_address="3号楼101", household_phone="13912345678")


def test_training_and_awards_are_added_edited_and_removed_in_the_detail(qtbot, ledger, wang,
                                                                         answer):
    detail = MemberDetail(ledger, wang)
    qtbot.addWidget(detail)
    titles = [detail.tabs.tabText(i) for i in range(detail.tabs.count())]
    assert "培训与表彰（培训0，表彰0）" in titles and "一联一帮" in titles
    tab = next(detail.tabs.widget(i) for i in range(detail.tabs.count())
               if isinstance(detail.tabs.widget(i), TrainingTab))

    def fill_training(dialog: TrainingDialog) -> None:
        values = dialog.form.fields
        values["date"].set("2026.3.5")
        values["title"].set("党员志愿服务骨干培训")
        values["issuer"].set("桃城区委组织部")
        values["hours"].set(8)
        dialog.try_save()

    answer(fill_training)
    tab.trainings.buttons["添加培训…"].click()
    assert [t["title"] for t in training.member_trainings(ledger, wang)] == ["党员志愿服务骨干培训"]
    assert tab.trainings.table.item(0, 0).text() == "2026-03-05"
    assert detail.tabs.tabText(detail.tabs.indexOf(tab)) == "培训与表彰（培训1，表彰0）"

    def bad_then_good(dialog: AwardDialog) -> None:
        dialog.form.fields["date"].set("2025-07-01")
        dialog.form.fields["title"].set("")
        assert not dialog.try_save()  # the field is named, nothing saved
        assert "荣誉名称" in dialog.error.text()
        dialog.form.fields["title"].set("优秀共产党员")
        dialog.form.fields["level"].set("区级")
        assert dialog.try_save()

    answer(bad_then_good)
    tab.awards.buttons["添加表彰…"].click()
    assert training.member_awards(ledger, wang)[0]["level"] == "区级"
    detail.tabs.setCurrentWidget(tab)
    _shot(detail, "member-detail-training")

    tab.trainings.table.selectRow(0)

    def edit(dialog: TrainingDialog) -> None:
        assert dialog.form.fields["title"].get() == "党员志愿服务骨干培训"
        dialog.form.fields["hours"].set(6)
        dialog.try_save()

    answer(edit)
    tab.trainings.buttons["修改…"].click()
    assert training.member_trainings(ledger, wang)[0]["hours"] == 6
    tab.awards.table.selectRow(0)
    answer(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    tab.awards.buttons["删除"].click()
    assert training.member_awards(ledger, wang) == []
    assert tab.awards.table.rowCount() == 0


def test_a_visit_recorded_from_the_list_takes_the_household_off(qtbot, ledger, wang, ids,
                                                                monkeypatch, answer):
    li = members.add_member(ledger, name="李强", id_number=ids(),
                            residence_node_id=ledger.nodes["2单元"], report_date="2026-01-05",
                            household_name="陈大爷", household_phone="13987654321")
    shown = []
    monkeypatch.setattr(visit_dialogs, "preview_pdf",
                        lambda parent, path, pages, warnings, title: shown.append((path, title)))
    dialog = NotVisitedDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    _fits(dialog)
    assert dialog.table.rowCount() == 2
    assert "未走访 2 户" in dialog.summary.text()
    today = dt.date.today()
    assert dialog.month.currentText() == f"{today.year}年{today.month}月（进行中）"
    assert dialog.table.item(0, 6).text() == "139****5678"  # masked on screen too
    _shot(dialog, "not-visited")
    dialog.table.selectRow(0)

    def visit(form: VisitDialog) -> None:
        assert "刘奶奶" in form.household.text()
        form.form.fields["way"].set("电话")
        form.form.fields["note"].set("问候，身体良好")
        _shot(form, "record-visit")
        assert form.try_save()

    answer(visit)
    dialog.buttons["登记走访…"].click()
    assert [v["way"] for v in visits.member_visits(ledger, wang)] == ["电话"]
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "李强"
    # the 网格 box narrows the list
    dialog.grid.setCurrentIndex(dialog.grid.findData(ledger.nodes["1单元"]))
    assert dialog.table.rowCount() == 0
    dialog.buttons["打印名单"].click()  # written in the background, then previewed
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[-1][0].is_file() and "未走访联系户" in shown[-1][1]
    assert li


def test_the_member_detail_records_a_visit(qtbot, ledger, wang, answer):
    detail = MemberDetail(ledger, wang)
    qtbot.addWidget(detail)
    tab = detail.tabs.widget([detail.tabs.tabText(i) for i in range(detail.tabs.count())]
                             .index("一联一帮"))
    button = next(b for b in tab.findChildren(QPushButton) if b.text() == "登记走访…")

    def visit(form: VisitDialog) -> None:
        form.form.fields["date"].set("2099-01-01")
        assert not form.try_save() and "晚于今天" in form.error.text()
        form.form.fields["date"].set(dt.date.today().isoformat())
        assert form.try_save()

    answer(visit)
    button.click()
    assert len(visits.member_visits(ledger, wang)) == 1
    detail.tabs.setCurrentWidget(tab)
    _shot(detail, "member-detail-household")
    labels = [w.text() for w in tab.findChildren(type(detail.header))]
    assert any("本月已走访" in text for text in labels)


def test_the_warning_dialog_lists_prints_and_clears(qtbot, ledger, wang, monkeypatch):
    shown = []
    monkeypatch.setattr(warning_dialogs, "preview_pdf",
                        lambda parent, path, pages, warnings, title: shown.append((path, pages, title)))
    dialog = WarningDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    _fits(dialog)
    code = dialog.warning.quarter.code
    assert code == f"{dt.date.today().year}Q{(dt.date.today().month - 1) // 3 + 1}"
    # the box reads as the app's other period boxes, this quarter first
    assert dialog.quarter.currentText() == f"{dialog.warning.quarter.label}（进行中）"
    assert dialog.members.rowCount() == 1 and dialog.members.item(0, 0).text() == "王芳"
    assert "扣 5 分" in dialog.summary.text()
    _shot(dialog, "quarter-warning")
    dialog.buttons["打印预警名单"].click()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    dialog.buttons["为选中的打印温馨提示"].click()
    assert "请先在名单中选中" in dialog.error.text()
    dialog.members.selectRow(0)
    dialog.buttons["为选中的打印温馨提示"].click()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    assert shown[1][0].is_file()
    assert [s[1:] for s in shown] == [(1, f"{dialog.warning.quarter.label}双报到预警名单"),
                                      (1, "温馨提示（1份）")]
    activities.record_activity(ledger, members=[(wang, 1)], date=dt.date.today().isoformat(),
                               kind="志愿服务", title="清扫", verified=True, verifier="刘书记")
    dialog.reload()
    assert dialog.members.rowCount() == 0


def test_the_print_menu_opens_visits_and_warnings(qtbot, answer, ledger, wang, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop.ui.main_window import MainWindow

    window = MainWindow(ledger, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    menu = next(a for a in window.menuBar().actions() if a.text().startswith("打印")).menu()
    actions = {a.text(): a for a in menu.actions()}
    assert {"一联一帮走访…", "季度预警…"} <= set(actions)
    seen = []

    def opened(dialog) -> None:
        seen.append((type(dialog).__name__, dialog.table.rowCount() if hasattr(dialog, "table")
                     else dialog.members.rowCount()))
        _fits(dialog)
        dialog.accept()

    answer(opened, opened)
    actions["一联一帮走访…"].trigger()
    actions["季度预警…"].trigger()
    assert [name for name, _rows in seen] == ["NotVisitedDialog", "WarningDialog"]
    assert all(rows == 1 for _name, rows in seen)  # 王芳: not visited, no service yet


def test_a_certificate_issued_with_training_and_awards_ticked(qtbot, ledger, wang, monkeypatch):
    from desktop.ui import certificate_dialogs
    from desktop.ui.certificate_dialogs import IssueDialog

    shown = []
    monkeypatch.setattr(certificate_dialogs, "preview_pdf",
                        lambda parent, path, pages, warnings, title: shown.append(path))
    activities.record_activity(ledger, members=[(wang, 2)], date="2026-03-01", kind="志愿服务",
                               title="清扫", verified=True, verifier="刘书记")
    training.add_training(ledger, wang, "2026-03-05", "党员志愿服务骨干培训", "区委组织部", 8)
    dialog = IssueDialog(ledger, member_id=wang)
    qtbot.addWidget(dialog)
    dialog.start.setText("2026-01-01")
    dialog.end.setText("2026-06-30")
    dialog.leader.setText("刘建国")
    dialog.handler.setText("王干事")
    dialog.records.setChecked(True)
    assert "将列出培训 1 项、表彰奖励 0 项" in dialog.facts.text()
    dialog.issue()
    cert = ledger.one("SELECT * FROM certificates")
    assert cert["trainings_text"] == "2026-03-05 党员志愿服务骨干培训（区委组织部，8学时）"
    assert shown and shown[0].is_file()
