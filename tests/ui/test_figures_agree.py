"""Figures that must agree (issue 14): the number of units and the 办结率 read the same on 概览,
the status bar, 报表, the statistics .xlsx and PDF and `baodao stats`; a month with one order
received and none completed is not "100%"; the 报表 charts follow a change of period and
count in whole numbers; the .xlsx carries charts of its own."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFrame, QLabel

from db import demo, open_ledger, orders, stats, units
from desktop import paths
from desktop.cards.reports import stats_pdf
from desktop.cli import main
from desktop.sync.report_xlsx import stats_workbook
from desktop.ui import stats_page
from desktop.ui.app import build_window, choose_start_ledger, ui_settings
from desktop.ui.charts import integer_scale, make_chart, month_chart
from desktop.ui.ranking_tab import period_code
from desktop.ui.report_common import last_finished_quarter, quarters
from desktop.ui.stats_page import StatsPage


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)

YEAR = str(dt.date.today().year)
SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


def tiles(widget) -> dict[str, tuple[str, str]]:
    """Tile label → (value shown, tooltip)."""
    out = {}
    for frame in widget.findChildren(QFrame, "tile"):
        value = frame.findChild(QLabel, "tileValue")
        label = frame.findChild(QLabel, "tileLabel")
        out[label.text()] = (value.text(), frame.toolTip())
    return out


@pytest.fixture
def window(qtbot):
    path = paths.data_dir() / "demo.db"
    with demo.generate(path, "tiny") as led:
        # One unit 注销 (still a row in the ledger), one whose report date is still ahead.
        first, second = [r[0] for r in led.conn.execute(
            "SELECT id FROM units WHERE status = '在册' ORDER BY id LIMIT 2")]
        units.update_unit(led, first, status="注销")
        units.update_unit(led, second, report_date=(dt.date.today()
                                                    + dt.timedelta(days=3)).isoformat())
    w = build_window(choose_start_ledger(ui_settings(), str(path), False), ui_settings())
    qtbot.addWidget(w)
    w.show()
    overview = w.pages["overview"]
    qtbot.waitUntil(lambda: overview.body is not None, timeout=20000)
    return w


def test_units_and_members_read_the_same_on_overview_status_bar_and_report(window):
    led = window.ledger
    shown = tiles(window.pages["overview"])
    all_rows = led.scalar("SELECT count(*) FROM units WHERE deleted = 0")
    expected = led.scalar("SELECT count(*) FROM units WHERE deleted = 0 AND status = '在册' "
                          "AND report_date <= ?", (dt.date.today().isoformat(),))
    assert expected == all_rows - 2
    members = stats.reported_counts(led)["members"]
    assert shown["报到单位"][0] == str(expected)
    assert shown["在册党员"][0] == str(members)
    bar = window.count_label.text()
    assert f"报到单位 {expected}　" in bar and f"在册党员 {members}　" in bar
    assert "注销" in shown["报到单位"][1] and "注销" in window.count_label.toolTip()
    # 报表 counts the same way at the end of a finished period.
    last = last_finished_quarter()
    end = stats.statistics(led, last)["end"]
    assert stats.statistics(led, last)["figures"]["units"] == led.scalar(
        "SELECT count(*) FROM units WHERE deleted = 0 AND status = '在册' AND report_date <= ?",
        (end,))


def test_completion_rate_is_one_number_everywhere(window, qtbot, tmp_path, capsys, fonts):
    led = window.ledger
    f = stats.statistics(led, YEAR)["figures"]
    assert f["orders_received"] > 0
    text = stats.format_value("completion_rate", f["completion_rate"])
    exact = f["orders_completed"] / f["orders_received"] * 100
    assert text == f"{exact:.1f}%" or abs(float(text[:-1]) - exact) <= 0.05 + 1e-9
    overview = tiles(window.pages["overview"])[f"{YEAR}年办结率"]
    assert overview[0] == text
    assert "办结件数÷受理件数" in overview[1] and "—" in overview[1]
    assert f"受理{f['orders_received']}件、办结{f['orders_completed']}件" in overview[1]
    page = StatsPage(led, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.stats_tab.period.setCurrentText(YEAR)
    page.stats_tab.refresh()
    assert tiles(page)["需求办结率"][0] == text
    assert "办结件数÷受理件数" in tiles(page)["需求办结率"][1]
    result = stats.statistics(led, YEAR)
    sheet = load_workbook(stats_workbook(result, tmp_path / "r.xlsx"))["主要指标"]
    cell = {r[0].value: r[1] for r in sheet.iter_rows(min_row=4)}["需求办结率"]
    assert f"{cell.value * 100:.1f}%" == text and cell.number_format == "0.0%"
    pdf, _ = stats_pdf(led, result, tmp_path / "r.pdf", fonts)
    assert f"需求办结率{text}" in re.sub(r"\s+", "", pdf_text(pdf))
    assert main(["stats", str(led.path), "--period", YEAR]) == 0
    assert f"需求办结率：{text}" in capsys.readouterr().out


def test_a_month_with_one_order_open_is_not_100_percent(tmp_path):
    with open_ledger(tmp_path / "m.db") as led:
        oid = orders.add_order(led, title="打扫卫生", requested_date="2026-10-12")
        member = led.scalar("SELECT count(*) FROM members")
        assert member == 0
        units.add_unit(led, name="市医院党委", category="事业")
        unit = led.scalar("SELECT id FROM units")
        orders.dispatch(led, oid, unit_id=unit, date="2026-10-13")
        orders.accept(led, oid, date="2026-10-14")
        orders.complete(led, oid, date="2026-11-03")
        october = stats.statistics(led, "2026-10")["figures"]
        assert (october["orders_received"], october["orders_completed"]) == (1, 0)
        assert stats.format_value("completion_rate", october["completion_rate"]) == "0.0%"
        november = stats.statistics(led, "2026-11")["figures"]
        assert (november["orders_received"], november["orders_completed"]) == (0, 1)
        assert stats.format_value("completion_rate", november["completion_rate"]) == "—"
        months = {m["month"]: m for m in stats.statistics(led, "2026")["months"]}
        assert months["2026-10"]["completion_rate"] == 0.0
        assert months["2026-12"]["completion_rate"] is None


def test_rates_round_half_up_to_one_decimal():
    assert stats.rate(1, 16) == 0.063  # 6.25% → 6.3%, as Excel's 0.0% shows it
    assert stats.format_value("completion_rate", stats.rate(1, 16)) == "6.3%"
    assert stats.format_value("completion_rate", stats.rate(20, 27)) == "74.1%"
    assert stats.rate(0, 0) is None


# -- 报表 charts ----------------------------------------------------------------------------------

def tick_labels(chart) -> list[str]:
    """The value axis' labels as drawn ("%d" of each tick)."""
    axis = next(a for a in chart.axes() if isinstance(a, QValueAxis))
    step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
    return [axis.labelFormat() % (axis.min() + i * step) for i in range(axis.tickCount())]


@pytest.fixture
def report(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(stats_page, "show_pdf", lambda *_a, **_k: None)
    led = demo.generate(tmp_path / "tiny.db", "tiny")
    page = StatsPage(led, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    yield page
    led.close()


def rgb(view):
    return view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def open_report(qtbot, led, tmp_path, name):
    page = StatsPage(led, QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_month_chart_follows_a_change_of_period(report, qtbot):
    """After 2025 → 2025Q3 the chart looks exactly like one opened on 2025Q3: no axis of
    the year left behind, no month labels over each other."""
    tab = report.stats_tab
    for code in ("2025", "2025-06", "2025Q3"):
        tab.period.setCurrentText(code)
        tab.refresh()
        for _ in range(3):  # paint, as the window does between two clicks on 统计
            QApplication.processEvents()
    view = tab.month_chart.scene().views()[0]
    # The same chart drawn once, straight away, at the same size.
    chart, fresh = make_chart("按月趋势")
    month_chart(chart, stats.statistics(report.ledger, "2025Q3")["months"])
    qtbot.addWidget(fresh)
    fresh.resize(view.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    assert len(tab.month_chart.axes()) == 2
    assert tab.month_chart.series()[0].barSets()[0].count() == 3
    assert rgb(view) == rgb(fresh)  # pixel for pixel: no old axis, no labels over each other
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        report.grab().save(str(Path(SHOTS) / "stats_after_period_change.png"))


def test_value_axis_counts_in_whole_numbers(tmp_path, qtbot):
    with open_ledger(tmp_path / "new.db") as led:
        oid = orders.add_order(led, title="修水管", requested_date="2026-03-02")
        units.add_unit(led, name="市医院党委", category="事业")
        orders.dispatch(led, oid, unit_id=led.scalar("SELECT id FROM units"), date="2026-03-02")
        orders.accept(led, oid, date="2026-03-03")
        orders.complete(led, oid, date="2026-03-04")
        tab = open_report(qtbot, led, tmp_path, "new").stats_tab
        tab.period.setCurrentText("2026")
        tab.refresh()
        assert tick_labels(tab.month_chart) == ["0", "1"]  # never 0, 0, 1, 1
        assert tick_labels(tab.node_chart) == ["0", "1"]
        for peak, expected in ((0, 1), (3, 3), (7, 8), (37, 40), (230, 250)):
            top, ticks = integer_scale(peak)
            assert top >= max(peak, 1) and top == expected
            assert (top / (ticks - 1)).is_integer()


def period_code_of(label: str) -> str:
    from db.periods import parse_period

    return parse_period(label).code


def test_report_opens_on_the_last_finished_quarter(report):
    tab = report.stats_tab
    current, last = quarters(count=2)
    assert tab.period.currentText() == last == last_finished_quarter()
    assert "进行中" not in tab.heading.text()
    items = [tab.period.itemText(i) for i in range(tab.period.count())]
    assert f"{current}（进行中）" in items and f"{YEAR}（进行中）" in items
    assert f"{last}（进行中）" not in items
    tab.period.setCurrentIndex(items.index(f"{current}（进行中）"))
    tab.refresh()
    assert "进行中" in tab.heading.text()
    assert stats.statistics(report.ledger, current)["label"] in tab.heading.text()
    compliance_items = [report.compliance_tab.quarter.itemText(i)
                        for i in range(report.compliance_tab.quarter.count())]
    assert period_code(report.compliance_tab.quarter) == last  # the 排行's quarter box
    assert compliance_items[0].endswith("（进行中）")
    assert period_code_of(compliance_items[0]) == current


def test_statistics_workbook_has_native_charts(tmp_path):
    led = demo.generate(tmp_path / "tiny.db", "tiny")
    result = stats.statistics(led, "2025")
    path = stats_workbook(result, tmp_path / "r.xlsx")
    book = load_workbook(path)
    months, nodes = book["按月"], book["按网格"]
    assert len(months._charts) == 1 and len(nodes._charts) == 1
    chart = months._charts[0]
    titles = [s.tx.strRef.f.replace("$", "") for s in chart.series]
    assert titles == ["'按月'!B1", "'按月'!C1", "'按月'!F1"]  # 活动, 服务人次, 办结需求
    assert [c.value for c in months[1]][:7] == ["月份", "活动（场）", "服务人次", "服务时长",
                                               "受理需求", "办结需求", "办结率"]
    assert chart.series[0].val.numRef.f.replace("$", "") == "'按月'!B2:B13"
    assert months["B2"].value == result["months"][0]["activities"]
    assert nodes._charts[0].type == "bar"
    led.close()
