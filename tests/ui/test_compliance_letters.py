"""达标检查: the quarter box is the 排行's (last finished quarter first, the running one marked),
one button writes all of a quarter's 提醒函 and 感谢信 in the background, and
`baodao compliance` defaults to the last finished quarter."""

from __future__ import annotations

import datetime as dt

import pytest

from db import activities, meetings, members, periods, units
from desktop.cli import main
from desktop.ui import stats_page
from desktop.ui.ranking_tab import period_code
from desktop.ui.stats_page import StatsPage

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def december(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def led(ledger, ids):
    """2026Q3: 王䶮 served; 李明 and 赵强 did not; 医院 did a 实事 and came to the meeting,
    税务局 did neither."""
    wang = members.add_member(ledger, name="王䶮", id_number=ids(), report_date="2025-01-01")
    for name in ("李明", "赵强"):
        members.add_member(ledger, name=name, id_number=ids(), report_date="2025-01-01")
    activities.record_activity(ledger, members=[(wang, 3)], date="2026-08-10", kind="集中服务日",
                               title="义诊", verified=True, verifier="刘书记")
    hospital = units.add_unit(ledger, name="衡水市第二人民医院党委", report_date="2025-01-01")
    units.add_unit(ledger, name="衡水市税务局机关党委", report_date="2025-01-01")
    activities.record_activity(ledger, units=[(hospital, 2)], date="2026-09-12", kind="共建项目",
                               title="楼道改造", unit_id=hospital, verified=True,
                               verifier="刘书记")
    meetings.add_meeting(ledger, unit_ids=[hospital], date="2026-09-20", title="第三季度联席会议")
    return ledger


@pytest.fixture
def page(pdf_page, led):
    return pdf_page(stats_page, StatsPage, led)


def test_quarter_box_opens_on_the_last_finished_quarter(page):
    box = page.compliance_tab.quarter
    items = [box.itemText(i) for i in range(box.count())]
    assert items[:3] == ["2026年第四季度（进行中）", "2026年第三季度", "2026年第二季度"]
    assert len(items) == 7
    assert box.currentText() == "2026年第三季度" and period_code(box) == "2026Q3"
    page.compliance_tab.refresh()
    assert page.compliance_tab.code == "2026Q3"
    assert page.compliance_tab.tabs.tabText(0).endswith("（2）")  # 李明, 赵强


def test_all_of_a_quarters_letters_from_one_button(page, qtbot):
    tab = page.compliance_tab
    tab.all_letters_button.click()
    qtbot.waitUntil(lambda: bool(page.shown), timeout=20000)
    path, count = page.shown[-1]
    assert path.name == "感谢信提醒函2026Q3.pdf" and path.exists()
    # 感谢信: 王䶮 (member ranking) and 医院 (unit ranking); 提醒函: 李明, 赵强, 税务局.
    assert count == 5
    assert "2026年第三季度：感谢信2份，提醒函3份" in page.status.text()


def test_a_running_quarter_is_asked_about_first(page, answer):
    tab = page.compliance_tab
    tab.quarter.setCurrentIndex(0)
    asked: list[str] = []

    def no(box) -> None:
        asked.append(box.text())
        box.reject()

    answer(no)
    tab.all_letters_button.click()
    assert "2026年第四季度还没有结束" in asked[0]
    assert page.shown == [] and page.job is None


def test_cli_compliance_defaults_to_the_last_finished_quarter(led, capsys):
    path = str(led.path)
    led.close()
    assert main(["compliance", path]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2026年第三季度达标检查"
    assert "  本季度无服务记录的党员：2（李明、赵强）" in out.splitlines()
