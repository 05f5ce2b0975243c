"""启动应急响应 as a secretary does it on the 报表 page's 平急两用 tab: pick the grid, see the
roster's size, confirm; the activity, the numbered roster and the call sheet (with 已联系 /
到岗) appear, the tab shows 应急中; later the 到岗 ticks go in through 按签到表录入 as verified
hours, and 结束应急响应 clears the state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from db import activities, emergency, grid, members, points, posts
from desktop.ui.emergency_dialogs import EndDialog, StartDialog, status_text
from desktop.ui.signin_dialogs import SigninEntryDialog
from desktop.ui.stats_page import StatsPage
from tests.cards.conftest import flat, pdf_text

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


@pytest.fixture
def town(ledger, ids):
    led = ledger
    wang = members.add_member(led, name="王芳", id_number=ids(), mobile="13912345678",
                              residence_node_id=led.nodes["1单元"], room="302")
    li = members.add_member(led, name="李强", id_number=ids(), residence_node_id=led.nodes["2单元"])
    willow = grid.add_node(led, grid.get_node(led, led.nodes["杨树小区"])["parent_id"], "柳树小区")
    qian = members.add_member(led, name="钱岗", id_number=ids(),
                              residence_node_id=grid.add_node(led, willow, "1号楼"))
    post = posts.add_post(led, name="防汛值守岗", category="疫情防控", node_id=led.nodes["3号楼"])
    posts.claim_post(led, post, qian, date="2026-01-05")
    return {"ledger": led, "wang": wang, "li": li, "qian": qian}


@pytest.fixture
def shown(monkeypatch):
    """The previews opened (path, title), instead of windows left on the screen."""
    seen: list[tuple[Path, str]] = []

    def fake(_parent, path, _warnings, _count, title, *_a, **_k):
        seen.append((Path(path), title))

    import desktop.ui.emergency_dialogs as dialogs

    monkeypatch.setattr(dialogs, "show_pdf", fake)
    return seen


def test_start_dialog_creates_everything_and_shows_the_call_sheet(qtbot, town, shown):
    led = town["ledger"]
    dialog = StartDialog(led, led.nodes["3号楼"])
    qtbot.addWidget(dialog)
    assert dialog.node.currentData() == led.nodes["3号楼"]  # the selected grid node
    assert dialog.count.text().startswith("将列入 3 人：居住在该网格的在册党员 2 人，"
                                          "另有本网格的网格负责人和岗位党员 1 人")
    assert dialog.title.placeholderText() == "默认：杨树小区3号楼应急响应"
    assert dialog.full.text() == "联络表印出完整电话（记入审计日志）"  # the log's name in the menu
    assert dialog.height() <= 700 and dialog.width() <= 1300  # fits 1366×768
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(Path(SHOTS) / "emergency-start.png"))
    dialog.time.setText("20:30")
    dialog.title.setText("暴雨防汛值守")
    dialog.start()  # no 负责人 yet
    assert "负责人" in dialog.error.text() and emergency.responses(led) == []
    dialog.leader.setText("周强")
    dialog.time.setText("25:61")
    dialog.start()
    qtbot.waitUntil(lambda: "开始时间" in dialog.error.text(), timeout=10000)
    assert emergency.responses(led) == [] and dialog.buttons.isEnabled()
    dialog.time.setText("20:30")
    with qtbot.waitSignal(dialog.started, timeout=15000):
        dialog.start()
    (r,) = emergency.responses(led)
    assert (r.path, r.title, r.leader, r.people) == ("杨树小区3号楼", "暴雨防汛值守", "周强", 3)
    assert activities.get_activity(led, r.activity_id)["kind"] == "应急响应"
    (pdf, title), = shown
    assert title == f"应急联络表（签到表编号 {r.number}）"
    text = flat("".join(pdf_text(pdf)))
    assert "已联系" in text and "到岗" in text and r.number in text and "13912345678" in text
    assert status_text(led) == "应急中：杨树小区3号楼"
    # a second one on a node inside it is refused before anything runs
    again = StartDialog(led, led.nodes["1单元"])
    qtbot.addWidget(again)
    assert "已在应急响应中" in again.busy.text()
    assert not again.buttons.button(again.buttons.StandardButton.Ok).isEnabled()


def test_tab_shows_state_and_arrivals_become_verified_hours(qtbot, town, shown, tmp_path):
    led = town["ledger"]
    page = StatsPage(led, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    tab = page.emergency_tab
    assert tab.state.text() == "当前没有网格在应急响应中。" and not tab.end_button.isEnabled()
    tab.node.setCurrentIndex(tab.node.findData(led.nodes["3号楼"]))
    tab.start_response()
    dialog = tab.dialog
    assert isinstance(dialog, StartDialog) and dialog.isVisible()
    dialog.leader.setText("周强")
    with qtbot.waitSignal(dialog.started, timeout=15000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    (r,) = emergency.responses(led)
    assert tab.state.text().startswith("应急中：杨树小区3号楼（") and r.number in tab.state.text()
    assert tab.end_button.isEnabled()
    if SHOTS:
        page.resize(1280, 700)
        page.tabs.setCurrentWidget(tab)
        tab.refresh()
        page.grab().save(str(Path(SHOTS) / "emergency-tab.png"))
    # the call sheet button of the tab now prints the roster's numbers and ticks too
    # 按签到表录入: the roster sheet is loaded, labelled 到岗, with a 审核人
    tab.enter_arrivals()
    entry = tab.dialog
    assert isinstance(entry, SigninEntryDialog) and entry.roster
    assert entry.number.text() == r.number and entry.table.rowCount() == 3
    assert entry.table.horizontalHeaderItem(3).text() == "到岗"
    assert entry.verifier.isVisible() or not entry.isVisible()
    names = [entry.table.item(i, 1).text() for i in range(3)]
    assert names == ["王芳", "李强", "钱岗"]
    entry.cell(0, 3).setCheckState(Qt.CheckState.Checked)
    entry.table.item(0, 6).setText("3")
    entry.cell(2, 3).setCheckState(Qt.CheckState.Checked)
    entry.table.item(2, 4).setText("20:30")
    entry.table.item(2, 5).setText("22:30")
    assert entry.summary.text() == "共 3 行，到岗 2 人"
    if SHOTS:
        entry.grab().save(str(Path(SHOTS) / "emergency-entry.png"))
    entry.verifier.setText("")
    entry.save()
    assert "审核人" in entry.error.text() and activities.participants(led, r.activity_id) == []
    entry.verifier.setText("刘书记")
    entry.table.item(0, 6).setText("三小时")
    entry.save()  # in the background: its refusal comes back naming row and field
    qtbot.waitUntil(lambda: "第1行时长" in entry.error.text(), timeout=10000)
    assert activities.participants(led, r.activity_id) == [] and entry.buttons.isEnabled()
    entry.table.item(0, 6).setText("3")
    entry.save()
    qtbot.waitUntil(lambda: entry.result() == entry.DialogCode.Accepted, timeout=10000)
    a = activities.get_activity(led, r.activity_id)
    assert a["verified"] == 1 and a["verifier"] == "刘书记"
    got = {p["member_name"]: p["hours"] for p in activities.participants(led, r.activity_id)}
    assert got == {"王芳": 3.0, "钱岗": 2.0}
    assert points.accumulated(led, member_id=town["wang"]) == 80 + 3 + 3
    assert "已录入到岗情况并审核：新增2人" in page.status.text()
    # 结束应急响应
    tab.end_response()
    end = tab.dialog
    assert isinstance(end, EndDialog) and end.which.count() == 1
    end.when.setText("昨天")
    end.finish()
    assert "结束" in end.error.text() and emergency.responses(led)
    end.when.setText(f"{r.date} 23:59")
    end.finish()
    assert emergency.responses(led) == [] and status_text(led) == ""
    assert tab.state.text() == "当前没有网格在应急响应中。"


def test_the_window_status_bar_says_which_grid_is_in_emergency(qtbot, shown):
    from tests.ui.test_main_window import make_window

    window = make_window(qtbot)
    assert window.emergency_label.text() == ""
    window.nav.setCurrentRow(window.keys.index("stats"))
    tab = window.pages["stats"].emergency_tab
    node = tab.node.itemData(1)
    tab.node.setCurrentIndex(1)
    tab.start_response()
    dialog = tab.dialog
    dialog.leader.setText("周强")
    with qtbot.waitSignal(dialog.started, timeout=15000):
        dialog.start()
    (r,) = emergency.responses(window.ledger)
    assert r.node_id == node and window.emergency_label.text() == f"应急中：{r.path}"
    if SHOTS:
        window.resize(1366, 740)
        window.grab().save(str(Path(SHOTS) / "emergency-window.png"))
    emergency.deactivate(window.ledger, activity_id=r.activity_id)
    window.show_ledger_info()
    assert window.emergency_label.text() == ""
