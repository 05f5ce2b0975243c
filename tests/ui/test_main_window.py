from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from db import demo
from desktop import paths
from desktop.ui.app import build_window, choose_start_ledger, ui_settings
from desktop.ui.dialogs import MemberDialog, UnitDialog
from desktop.ui.grid_page import GridPage


def make_window(qtbot, profile="tiny"):
    path = paths.data_dir() / "demo.db"
    if not path.exists():
        demo.generate(path, profile).close()
    window = build_window(choose_start_ledger(ui_settings(), str(path), False), ui_settings())
    qtbot.addWidget(window)
    window.show()
    return window


def test_pages_and_status_bar(qtbot):
    window = make_window(qtbot)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[:7] == ["概览", "网格", "报到单位", "在职党员", "服务岗位", "群众需求", "活动纪实"]
    assert "demo.db" in window.file_label.text()
    assert "在册党员 57" in window.count_label.text()
    assert window.windowTitle() == "报到台账 — 丽景社区"


def test_shortcuts(qtbot, answer):
    window = make_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts act on the active window
    window.nav.setCurrentRow(3)
    page = window.pages["members"]
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is page.search
    opened = []

    def close(dialog):
        opened.append(type(dialog))
        dialog.reject()

    answer(close)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [MemberDialog]
    window.nav.setCurrentRow(2)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    answer(close)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened[-1] is UnitDialog
    units_page = window.pages["units"]
    units_page.table.setFocus()
    units_page.table.selectRow(0)
    name = units_page.model.row_dict(0)["name"]
    seen = []

    def no_thanks(box):
        seen.append(box.text())
        box.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    answer(no_thanks)
    QTest.keyClick(units_page.table, Qt.Key.Key_Delete)
    assert name in seen[0]
    before = units_page.model.rowCount()
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert units_page.model.rowCount() == before


def test_selecting_a_grid_node_filters_members_and_units(qtbot):
    window = make_window(qtbot)
    grid_page: GridPage = window.pages["grid"]
    members_page = window.pages["members"]
    everyone = members_page.model.rowCount()
    compound = next(i for i, n in grid_page.model.nodes.items() if n["level"] == 3)
    grid_page.select(compound)
    subset = members_page.model.rowCount()
    assert 0 < subset < everyone
    assert members_page.grid_chip.isVisibleTo(members_page)
    members_page.grid_clear.click()
    assert members_page.model.rowCount() == everyone


def test_window_state_is_remembered(qtbot):
    window = make_window(qtbot)
    window.nav.setCurrentRow(5)
    window.pages["members"].table.setColumnWidth(0, 143)
    window.pages["grid"].splitter.setSizes([300, 500])
    window.close()
    store = ui_settings()
    assert store.value("window/geometry") == window.saveGeometry()
    again = make_window(qtbot)
    assert again.nav.currentRow() == 5
    assert again.pages["grid"].splitter.sizes()[0] < again.pages["grid"].splitter.sizes()[1]
    assert again.pages["members"].table.columnWidth(0) == 143


def test_overview_todo_opens_overdue_orders(qtbot):
    window = make_window(qtbot, "community")
    overview = window.pages["overview"]
    overview.go_to.emit("orders", {"overdue": True})
    page = window.pages["orders"]
    assert window.current_page() is page
    assert page.overdue.isChecked()
    states = {page.model.row_dict(r)["state"] for r in range(page.model.rowCount())}
    assert states <= {"待派单", "已派单", "已接单"}


def test_period_filter_on_activities(qtbot):
    import datetime as dt

    from db import activities
    from db.periods import recent_periods

    window = make_window(qtbot, "community")
    today = dt.date.today().isoformat()
    activities.record_activity(window.ledger, date=today, kind="志愿服务", title="今天的活动")
    page = window.pages["activities"]
    everything = page.model.rowCount()
    page.period.setCurrentIndex(page.period.findText("本月", Qt.MatchFlag.MatchStartsWith))
    month = dict(recent_periods())["本月"]
    rows = [page.model.row_dict(r) for r in range(page.model.rowCount())]
    assert "今天的活动" in [r["title"] for r in rows]
    assert len(rows) < everything
    assert all(month.start <= r["date"] <= month.end for r in rows)
    page.period.setCurrentIndex(0)
    assert page.model.rowCount() == everything


def test_demo_option_generates_and_opens_the_community(qtbot):
    ledger = choose_start_ledger(ui_settings(), None, demo=True)
    try:
        assert ledger.meta("demo_profile") == "community"
        assert ledger.path == str(paths.demo_ledger())
    finally:
        ledger.close()


def test_unsaved_changes_are_not_lost_silently(qtbot, answer):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(qtbot)
    dialog = UnitDialog(window.ledger, 1, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.fields["contact_name"].set("新联系人")
    asked = []

    def keep_editing(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    answer(keep_editing)
    dialog.reject()
    assert asked == ["修改还没有保存。要保存吗？"]
    assert dialog.isVisible()

    def save_it(box):
        box.button(QMessageBox.StandardButton.Save).click()

    answer(save_it)
    dialog.reject()
    from db import units

    assert units.get_unit(window.ledger, 1)["contact_name"] == "新联系人"
    assert not dialog.isVisible()


def test_print_menu_opens_the_card_dialog_for_the_selection(qtbot):
    from PySide6.QtWidgets import QPushButton

    from desktop.ui.card_dialogs import PrintOptionsDialog
    from desktop.ui.detail import MemberDetail

    window = make_window(qtbot)
    window.nav.setCurrentRow(3)
    page = window.pages["members"]
    page.table.selectRow(0)
    chosen = page.selected_ids()
    printing = next(a.menu() for a in window.menuBar().actions() if a.text() == "打印(&P)")
    next(a for a in printing.actions() if a.text() == "纪实卡…").trigger()
    dialog = window.findChildren(PrintOptionsDialog)[-1]
    assert dialog.isVisible() and dialog.scope["member_ids"] == chosen
    assert dialog.kind.currentData() == "record"
    dialog.close()
    detail = MemberDetail(window.ledger, chosen[0], window, print_cards=page.print_cards)
    qtbot.addWidget(detail)
    menu = next(b.menu() for b in detail.findChildren(QPushButton) if b.text() == "打印卡片")
    assert [a.text() for a in menu.actions()] == ["纪实卡", "反馈卡", "基本信息卡"]
    menu.actions()[2].trigger()
    dialog = window.findChildren(PrintOptionsDialog)[-1]
    assert dialog.kind.currentData() == "info" and dialog.scope["member_ids"] == chosen
