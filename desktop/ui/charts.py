"""Bar charts drawn in the app (QtCharts): trend by month and by grid node."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter

COLORS = ("#c0392b", "#e6a23c", "#409eff", "#67c23a")


def make_chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    chart.setMargins(chart.margins() * 0)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return chart, view


def reset(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def month_chart(chart: QChart, rows: list[dict[str, Any]]) -> None:
    """Bars per month: activities, person-times, orders completed."""
    reset(chart)
    series = QBarSeries()
    peak = 1.0
    for (key, name), color in zip((("activities", "活动（场）"), ("person_times", "服务人次"),
                                   ("orders_completed", "办结需求")), COLORS, strict=False):
        bar = QBarSet(name)
        bar.setColor(QColor(color))
        for row in rows:
            bar.append(float(row[key]))
            peak = max(peak, float(row[key]))
        series.append(bar)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([f"{int(r['month'][5:])}月" for r in rows])
    axis_y = QValueAxis()
    axis_y.setRange(0, peak * 1.05)
    axis_y.applyNiceNumbers()
    axis_y.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)

def node_chart(chart: QChart, rows: list[dict[str, Any]]) -> None:
    """Horizontal bars per grid node (at most 20): person-times and orders completed."""
    reset(chart)
    rows = rows[:20]
    series = QHorizontalBarSeries()
    peak = 1.0
    for (key, name), color in zip((("person_times", "服务人次"), ("orders_completed", "办结需求")),
                                  COLORS[2:], strict=False):
        bar = QBarSet(name)
        bar.setColor(QColor(color))
        for row in reversed(rows):
            bar.append(float(row[key]))
            peak = max(peak, float(row[key]))
        series.append(bar)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([r["name"] for r in reversed(rows)] or [""])
    axis_x = QValueAxis()
    axis_x.setRange(0, peak * 1.05)
    axis_x.applyNiceNumbers()
    axis_x.setLabelFormat("%d")
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
