"""报表 page: the figures and charts shown equal db.stats; 导出报表 writes the .xlsx and the PDF;
compliance lists and the call sheet come out in one action each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt

from db import compliance, demo, stats
from desktop.ui import compliance_tab, emergency_tab, stats_page
from desktop.ui.stats_page import StatsPage

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


@pytest.fixture
def tiny(tmp_path):
    led = demo.generate(tmp_path / "tiny.db", "tiny")
    yield led
    led.close()


@pytest.fixture
def page(qtbot, tiny, tmp_path, monkeypatch):
    shown: list[tuple[Path, int]] = []
    monkeypatch.setattr(stats_page, "show_pdf",
                        lambda _parent, path, _warnings, count, *_a, **_k: shown.append((path, count)))
    w = StatsPage(tiny, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.shown = shown  # type: ignore[attr-defined]
    return w


def test_tiles_and_charts_show_the_ledgers_figures(page):
    tab = page.stats_tab
    tab.period.setCurrentText("2025")
    tab.refresh()
    expected = stats.statistics(page.ledger, "2025")
    for key, (value, _label) in tab.tile_labels.items():
        assert value.text() == stats.format_value(key, expected["figures"][key]), key
    assert "2025年" in tab.heading.text()
    bars = tab.month_chart.series()[0].barSets()
    assert [b.label() for b in bars] == ["活动（场）", "服务人次", "办结需求"]
    assert [bars[0].at(i) for i in range(12)] == [m["activities"] for m in expected["months"]]
    assert tab.node_chart.series()[0].barSets()[0].count() == len(expected["by_node"])
    compound = tab.node.findText("小区", flags=Qt.MatchFlag.MatchContains)
    tab.node.setCurrentIndex(compound)
    tab.refresh()
    assert tab.tile_labels["members"][0].text() == str(stats.statistics(
        page.ledger, "2025", tab.node.currentData())["figures"]["members"])
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.grab().save(str(Path(SHOTS) / "stats_page.png"))


def test_a_bad_period_is_explained(page, answer):
    seen = []
    answer(lambda box: (seen.append(box.text()), box.accept()))
    page.stats_tab.period.setCurrentText("2026Q5")
    page.stats_tab.refresh()
    assert "无法识别" in seen[0]


def test_export_report_writes_xlsx_and_pdf(page, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(stats_page, "ask_save", lambda *_a: tmp_path / "out" / "报表.xlsx")
    tab = page.stats_tab
    tab.period.setCurrentText("2025Q3")
    tab.refresh()
    tab.export()
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=20000)
    xlsx, pdf, _warnings = page.last_export
    assert xlsx == tmp_path / "out" / "报表.xlsx" and pdf == tmp_path / "out" / "报表.pdf"
    figures = stats.statistics(page.ledger, "2025Q3")["figures"]
    sheet = load_workbook(xlsx)["主要指标"]
    assert {r[0].value: r[1].value for r in sheet.iter_rows(min_row=4)}["开展活动（场）"] == \
        figures["activities"]
    assert page.shown == [(pdf, 1)]


def test_compliance_tab_lists_exports_and_prints(page, tmp_path, monkeypatch, qtmodeltester):
    tab = page.compliance_tab
    tab.quarter.setCurrentText("2025Q2")
    tab.refresh()
    lists = compliance.check_lists(page.ledger, "2025Q2")
    model = tab.models["idle_members"]
    assert model.rowCount() == len(lists["idle_members"]) > 0
    qtmodeltester.check(model)
    assert f"（{len(lists['idle_members'])}）" in tab.tabs.tabText(0)
    assert "****" in model.index(0, 3).data()  # phones masked by default
    monkeypatch.setattr(compliance_tab, "ask_save", lambda *_a: tmp_path / "c.xlsx")
    tab.export()
    assert load_workbook(tmp_path / "c.xlsx").worksheets[0].max_row == 3 + model.rowCount()
    tab.print_pdf()
    tab.tabs.setCurrentIndex(0)
    tab.letters()
    assert [count for _p, count in page.shown] == [1, len(lists["idle_members"])]
    assert all(p.exists() for p, _c in page.shown)


def test_emergency_call_sheet_in_one_action(page, tmp_path, monkeypatch):
    tab = page.emergency_tab
    tab.node.setCurrentIndex(1)
    tab.refresh()
    assert tab.model.rowCount() > 0
    monkeypatch.setattr(emergency_tab, "ask_save", lambda *_a: tmp_path / "call.pdf")
    tab.generate()
    assert (tmp_path / "call.pdf").exists() and (tmp_path / "call.xlsx").exists()
    assert page.shown == [(tmp_path / "call.pdf", 1)]
    # A sheet to call from: full phones unless unticked, and the printing is audited.
    assert tab.full.isChecked()
    from db import audit

    assert audit.entries(page.ledger, 1)[0]["action"] == "打印完整电话"
    phones = [str(tab.model.rows[i]["phone"]) for i in range(tab.model.rowCount())]
    assert any(p.strip() for p in phones) and not any("*" in p for p in phones)


def test_overview_shows_this_years_trend(qtbot, tiny):
    import datetime as dt

    from PySide6.QtCharts import QChartView

    from db.stats import month_rows
    from desktop.ui.overview_page import OverviewPage

    page = OverviewPage(tiny)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: bool(page.findChildren(QChartView)), timeout=10000)
    views = page.findChildren(QChartView)
    assert len(views) == 1
    chart = views[0].chart()
    year = dt.date.today().year
    assert chart.title() == f"{year}年按月趋势"
    bars = chart.series()[0].barSets()
    expected = month_rows(tiny, str(year))
    assert [bars[1].at(i) for i in range(12)] == [m["person_times"] for m in expected]
