"""评价: unsaved grades are not lost by going to another page or closing the window; the user
is asked 保存 / 放弃修改 / 取消."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from db import evaluations, members
from desktop.ui.app import build_window, ui_settings


@pytest.fixture
def window(qtbot, ledger, ids):
    ledger.li = members.add_member(ledger, name="李明", id_number=ids(),  # type: ignore[attr-defined]
                                   report_date="2025-01-01",
                                   residence_node_id=ledger.nodes["1单元"])
    win = build_window(ledger, ui_settings())
    qtbot.addWidget(win)
    win.show()
    win.nav.setCurrentRow(win.keys.index("evaluation"))
    page = win.pages["evaluation"]
    page.period.setCurrentText("2026H1")
    page.load()
    grade = [c.key for c in page.model.columns].index("grade")
    assert page.model.setData(page.model.index(0, grade), "一般")
    assert page.dirty()
    return win


def forget_edits(win) -> None:
    """pytest-qt closes the window after the test: let it close unasked."""
    win.pages["evaluation"].model.edited = set()


def press(label: str, asked: list[str]):
    def handler(box: QMessageBox) -> None:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == label).click()
    return handler


def saved_grade(win) -> str | None:
    row = evaluations.get_evaluation(win.ledger, "2026H1", member_id=win.ledger.li)
    return row["grade"] if row else None


def test_cancel_stays_on_the_page_with_the_edits(window, answer):
    asked: list[str] = []
    answer(press("取消", asked))
    window.nav.setCurrentRow(window.keys.index("members"))
    assert asked == ["评价表中有1项修改还没有保存。要保存吗？"]
    assert window.nav.currentRow() == window.keys.index("evaluation")
    assert window.current_page() is window.pages["evaluation"]
    assert window.pages["evaluation"].dirty()
    forget_edits(window)


def test_save_then_leave(window, answer):
    asked: list[str] = []
    answer(press("保存", asked))
    window.nav.setCurrentRow(window.keys.index("members"))
    assert window.current_page() is window.pages["members"]
    assert saved_grade(window) == "一般"


def test_discard_then_leave(window, answer):
    asked: list[str] = []
    answer(press("放弃修改", asked))
    window.nav.setCurrentRow(window.keys.index("members"))
    assert window.current_page() is window.pages["members"]
    assert saved_grade(window) is None
    page = window.pages["evaluation"]
    assert not page.dirty()
    assert page.model.rows[0].get("grade") in (None, "")  # the abandoned edit is not shown


def test_closing_the_window_asks_too(window, answer):
    asked: list[str] = []
    answer(press("取消", asked))
    assert not window.close()
    assert window.isVisible() and len(asked) == 1
    answer(press("保存", asked))
    assert window.close()
    assert saved_grade(window) == "一般"


def test_closing_from_another_page_shows_the_sheet_first(window, answer):
    page = window.pages["evaluation"]
    asked: list[str] = []
    # Put 概览 in front without the page hook (as if the sheet were edited, then left).
    window.stack.setCurrentIndex(0)
    window.nav.blockSignals(True)
    window.nav.setCurrentRow(0)
    window.nav.blockSignals(False)
    answer(press("取消", asked))
    assert not window.close()
    assert window.current_page() is page and len(asked) == 1
    forget_edits(window)


@pytest.fixture
def other_ledger(tmp_path):
    from db import open_ledger

    path = tmp_path / "另一个社区.db"
    open_ledger(path, create=True).close()
    return str(path)


def test_opening_another_ledger_asks_first_and_cancel_keeps_this_one(window, answer,
                                                                      other_ledger):
    here = window.ledger.path
    asked: list[str] = []
    answer(press("取消", asked))
    window.open_requested.emit(other_ledger)
    assert asked == ["评价表中有1项修改还没有保存。要保存吗？"]
    assert window.ledger.path == here  # the other ledger was not opened
    assert window.pages["evaluation"].dirty()
    forget_edits(window)


def test_opening_another_ledger_after_saving(window, answer, other_ledger):
    first = window.ledger
    li = first.li
    answer(press("保存", []))
    window.open_requested.emit(other_ledger)
    assert str(window.ledger.path) == other_ledger
    from db import open_ledger

    with open_ledger(first.path, create=False) as again:
        row = evaluations.get_evaluation(again, "2026H1", member_id=li)
    assert row is not None and row["grade"] == "一般"
