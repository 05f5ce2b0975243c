"""Issue 14 on screen: 排行, 评价 and the idle deduction open on the last finished period (a
running one can still be picked, marked （进行中）); equal points show one shared rank; members
and units rank by month or quarter; a quarter's letters are written in the background, and a
cancel writes nothing."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton

from db import activities, meetings, members, periods, points, units
from desktop.ui import points_page
from desktop.ui.evaluation_page import EvaluationPage
from desktop.ui.points_page import PointsPage

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")
TODAY = dt.date(2026, 12, 2)  # December and Q4 have just begun


@pytest.fixture(autouse=True)
def december(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def led(ledger, ids):
    """November: 王䶮 served 3h (5 points), 李明 and 赵强 1h (3 each); 20 more did nothing.
    Unit 医院 did a 共建项目 and came to the joint meeting in September; 税务局 did neither."""
    wang = members.add_member(ledger, name="王䶮", id_number=ids(), report_date="2025-01-01")
    li = members.add_member(ledger, name="李明", id_number=ids(), report_date="2025-01-01")
    zhao = members.add_member(ledger, name="赵强", id_number=ids(), report_date="2025-01-01")
    for i in range(20):
        members.add_member(ledger, name=f"党员{i:02d}", id_number=ids(), report_date="2025-01-01")
    activities.record_activity(ledger, members=[(wang, 3), (li, 1), (zhao, 1)],
                               date="2026-11-10", kind="集中服务日", title="义诊",
                               verified=True, verifier="刘书记")
    hospital = units.add_unit(ledger, name="衡水市第二人民医院党委", report_date="2025-01-01")
    units.add_unit(ledger, name="衡水市税务局机关党委", report_date="2025-01-01")
    activities.record_activity(ledger, units=[(hospital, 2)], date="2026-09-12", kind="共建项目",
                               title="楼道改造", unit_id=hospital, verified=True,
                               verifier="刘书记")
    meetings.add_meeting(ledger, unit_ids=[hospital], date="2026-09-20", title="第三季度联席会议")
    return ledger


@pytest.fixture
def page(pdf_page, led):
    return pdf_page(points_page, PointsPage, led, (1280, 760))


def _column(tab, col: int) -> list[str]:
    return [tab.model.index(r, col).data() for r in range(tab.model.rowCount())]


def _items(box) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def test_ranking_opens_on_last_month_and_marks_the_running_one(page):
    tab = page.rank_tab
    assert _items(tab.period)[:3] == ["2026年12月（进行中）", "2026年11月", "2026年10月"]
    assert tab.period.currentText() == "2026年11月"
    assert tab.ranking.period.code == "2026-11"
    assert _column(tab, 1)[:3] == ["王䶮", "李明", "赵强"]
    # Shared ranks: 李明 and 赵强 share 2nd; the 20 with nothing share 4th (not 4…23).
    assert _column(tab, 0)[:4] == ["1", "2（并列）", "2（并列）", "4（并列）"]
    assert set(_column(tab, 0)[3:]) == {"4（并列）"}
    assert "共23名" in tab.rule.text() and "第4名，20名" in tab.rule.text()
    # The running month can still be picked, and says it is running.
    tab.period.setCurrentIndex(0)
    tab.refresh()
    assert tab.ranking.period.code == "2026-12" and "还没有结束" in tab.state.text()


def test_members_by_quarter_and_units_by_month(page):
    tab = page.rank_tab
    tab.span.setCurrentIndex(tab.span.findData("quarter"))
    assert _items(tab.period)[:2] == ["2026年第四季度（进行中）", "2026年第三季度"]
    assert tab.ranking.period.code == "2026Q3" and tab.ranking.kind == "member"
    assert "党员季度排行" in tab.rule.text()
    tab.kind.setCurrentIndex(tab.kind.findData("unit"))
    assert tab.ranking.period.code == "2026Q3"
    assert _column(tab, 1) == ["衡水市第二人民医院党委", "衡水市税务局机关党委"]
    tab.span.setCurrentIndex(tab.span.findData("month"))
    assert tab.ranking.period.code == "2026-11" and "报到单位月度排行" in tab.rule.text()
    tab.period.setCurrentText("2026-09")  # typed codes still work
    tab.refresh()
    assert tab.ranking.rows[0]["points"] == 5 and _column(tab, 0) == ["1", "2"]


def test_letters_for_a_tie_say_so_before_writing(page, answer):
    tab = page.rank_tab
    tab.top.setValue(2)
    tab.bottom.setValue(3)
    asked: list[str] = []

    def agree(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    answer(agree)
    tab.letters()
    assert "感谢信3份、提醒函20份" in asked[0]
    assert "第2名有2名党员并列" in asked[0] and "第4名有20名党员并列" in asked[0]
    assert page.shown[-1][1] == 23


def test_a_quarters_letters_in_the_background(page, answer, qtbot):
    tab = page.rank_tab
    offered: list[list[str]] = []

    def pick(dialog: QInputDialog) -> None:
        offered.append(list(dialog.comboBoxItems()))
        assert dialog.textValue() == "2026年第三季度"  # the last finished quarter
        dialog.accept()

    answer(pick)
    tab.quarter_letters()
    qtbot.waitUntil(lambda: bool(page.shown), timeout=20000)
    assert offered[0][0] == "2026年第四季度（进行中）"
    path, count = page.shown[-1]
    # Q3: 医院 thanked for its 实事; 税务局 reminded; all 23 members reminded (no service).
    assert path.name == "感谢信提醒函2026Q3.pdf" and path.exists()
    assert count == 25
    assert "2026年第三季度：感谢信1份，提醒函24份" in page.status.text()


def test_cancelling_a_quarters_letters_writes_nothing(page, answer, qtbot, monkeypatch):
    from desktop.cards import letters

    real = letters.quarter_letters

    def slow(ledger, code, top, cancelled):
        deadline = time.monotonic() + 15
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(ledger, code, top, cancelled)

    monkeypatch.setattr(letters, "quarter_letters", slow)
    answer(lambda dialog: dialog.accept())
    tab = page.rank_tab
    tab.quarter_letters()
    dialog = tab.job.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)  # shown once the work takes a while
    dialog.findChild(QPushButton).click()  # 取消
    qtbot.waitUntil(lambda: "已取消" in page.status.text(), timeout=20000)
    assert page.shown == []
    assert list(page.output_dir().glob("*.pdf")) == []
    assert page.ledger.meta(f"document_number:{page.ledger.office}:2026") is None


def test_a_running_quarters_letters_are_asked_about_first(page, answer):
    asked: list[str] = []

    def running(dialog: QInputDialog) -> None:
        dialog.setTextValue("2026年第四季度（进行中）")
        dialog.accept()

    answer(running, lambda m: (asked.append(m.text()),
                               m.button(QMessageBox.StandardButton.No).click()))
    page.rank_tab.quarter_letters()
    assert asked and asked[0].startswith("2026年第四季度还没有结束")
    assert page.rank_tab.job is None and page.shown == []


def test_idle_deduction_offers_the_last_finished_quarter(page, answer):
    box = page.rules_tab.quarter
    assert box.currentText() == "2026年第三季度"
    assert box.itemText(0) == "2026年第四季度（进行中）"
    box.setCurrentIndex(0)
    asked: list[str] = []
    answer(lambda m: (asked.append(m.text()), m.button(QMessageBox.StandardButton.No).click()))
    page.rules_tab.idle_deductions()
    assert asked[0].startswith("注意：2026年第四季度还没有结束")
    assert points.entries(page.ledger, member_id=1) == [] or all(
        e["source_kind"] != "deduction" for e in points.entries(page.ledger, member_id=1))


def test_evaluation_opens_on_the_last_finished_half_year(qtbot, led, tmp_path):
    w = EvaluationPage(led, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert _items(w.period)[:2] == ["2026年下半年（进行中）", "2026年上半年"]
    assert w.period.currentText() == "2026年上半年" and w.code == "2026H1"
    w.period.setCurrentIndex(0)
    w.load()
    assert w.code == "2026H2"


def test_the_ranking_tab_renders(page, tmp_path):
    """Drawn for a person to look at (saved to BAODAO_SCREENSHOTS when set)."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.tabs.setCurrentWidget(page.rank_tab)
    page.show()
    shot = page.grab()
    assert not shot.isNull() and shot.width() > 600
    assert shot.save(str(folder / "ranking_shared_ranks.png"))
