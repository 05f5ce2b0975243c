"""打印 → 志愿服务记录证明… / 证明登记簿… open the certificate screens from the window, the
first for the member selected on the members page."""

from __future__ import annotations

from tests.ui.test_main_window import make_window


def test_the_print_menu_opens_the_certificate_screens(qtbot, answer):
    window = make_window(qtbot)
    menu = next(a for a in window.menuBar().actions() if a.text().startswith("打印")).menu()
    actions = {a.text(): a for a in menu.actions()}
    assert {"志愿服务记录证明…", "证明登记簿…"} <= set(actions)
    window.nav.setCurrentRow(3)
    page = window.pages["members"]
    page.table.selectRow(0)
    chosen = page.selected_ids()
    assert len(chosen) == 1
    seen = []

    def issue(dialog):
        seen.append((dialog.windowTitle(), dialog.member_id))
        dialog.reject()

    answer(issue, lambda dialog: (seen.append((dialog.windowTitle(), None)), dialog.reject()))
    actions["志愿服务记录证明…"].trigger()
    actions["证明登记簿…"].trigger()
    assert seen[0] == ("出具志愿服务记录证明", chosen[0])
    assert "登记簿" in seen[1][0]
