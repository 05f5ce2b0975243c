"""On a large ledger the 积分排行, 评价, 报表 and 达标检查 figures are counted on a worker thread
(the page stays usable meanwhile) and then show exactly what an in-line count shows; a newer
request supersedes one still running; an error is still explained. The ledger is made to count
as large by lowering the threshold, so the background path runs on the tiny demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from db import compliance, demo, rankings, stats
from desktop.ui import models
from desktop.ui.points_page import PointsPage
from desktop.ui.stats_page import StatsPage
from desktop.ui.worker import _RUNNING


@pytest.fixture
def tiny(tmp_path):
    led = demo.generate(tmp_path / "tiny.db", "tiny")
    yield led
    led.close()


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(models, "BACKGROUND_FROM", 0)


def settle(qtbot):
    qtbot.waitUntil(lambda: not _RUNNING, timeout=20000)
    qtbot.wait(20)


def test_ranking_arrives_from_the_background_and_the_newest_wins(qtbot, tiny, tmp_path, large):
    page = PointsPage(tiny, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    tab = page.rank_tab
    assert models.is_large(tiny)
    settle(qtbot)
    assert tab.model.rowCount() > 0
    # Two requests in a row: the unit ranking asked for last is what shows.
    tab.kind.setCurrentIndex(tab.kind.findData("member"))
    tab.refresh()
    tab.kind.setCurrentIndex(tab.kind.findData("unit"))
    tab.refresh()
    settle(qtbot)
    expected = rankings.get_ranking(tiny, "unit", tab.ranking.period.code)
    assert tab.ranking.kind == "unit"
    assert [tab.model.rows[i]["name"] for i in range(tab.model.rowCount())] == \
        [r["name"] for r in expected.rows]


def test_stats_and_compliance_from_the_background(qtbot, tiny, tmp_path, large, answer):
    page = StatsPage(tiny, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    settle(qtbot)
    tab = page.stats_tab
    tab.period.setCurrentText("2025")
    tab.refresh()
    settle(qtbot)
    expected = stats.statistics(tiny, "2025")
    assert tab.tile_labels["members"][0].text() == stats.format_value(
        "members", expected["figures"]["members"])
    check = page.compliance_tab
    check.refresh()
    settle(qtbot)
    lists = compliance.check_lists(tiny, check.code, None)
    assert {k: len(v) for k, v in check.lists.items()} == {k: len(v) for k, v in lists.items()}
    seen = []
    answer(lambda box: (seen.append(box.text()), box.accept()))
    tab.period.setCurrentText("2026Q5")
    tab.refresh()
    settle(qtbot)
    qtbot.waitUntil(lambda: bool(seen))
    assert "无法识别" in seen[0]


def test_evaluation_sheet_from_the_background(qtbot, tiny, tmp_path, large):
    from db import suggest
    from desktop.ui.evaluation_page import EvaluationPage

    page = EvaluationPage(tiny, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.load()
    settle(qtbot)
    period = page.period.currentText().strip()
    expected = suggest.evaluation_sheet(tiny, period, "member", None)
    assert page.model.rowCount() == len(expected) > 0
    assert page.code == suggest._period(period)
