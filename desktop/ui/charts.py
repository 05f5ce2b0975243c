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


def _bars(chart: QChart, series: Any, rows: list[dict[str, Any]],
          sets: tuple[tuple[str, str], ...], colors: list[str] | tuple[str, ...],
          categories: list[str], horizontal: bool = False) -> None:
    """Fill a bar series, then put the category axis and a rounded value axis on it."""
    reset(chart)
    peak = 1.0
    for (key, name), color in zip(sets, colors, strict=False):
        bar = QBarSet(name)
        bar.setColor(QColor(color))
        for row in rows:
            bar.append(float(row[key]))
            peak = max(peak, float(row[key]))
        series.append(bar)
    chart.addSeries(series)
    category = QBarCategoryAxis()
    category.append(categories or [""])
    value = QValueAxis()
    value.setRange(0, peak * 1.05)
    value.applyNiceNumbers()
    value.setLabelFormat("%d")
    chart.addAxis(category, Qt.AlignmentFlag.AlignLeft if horizontal
                  else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(value, Qt.AlignmentFlag.AlignBottom if horizontal
                  else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(category)
    series.attachAxis(value)


def month_chart(chart: QChart, rows: list[dict[str, Any]]) -> None:
    """Bars per month: activities, person-times, orders completed."""
    _bars(chart, QBarSeries(), rows,
          (("activities", "活动（场）"), ("person_times", "服务人次"),
           ("orders_completed", "办结需求")), COLORS,
          [f"{int(r['month'][5:])}月" for r in rows])


def node_chart(chart: QChart, rows: list[dict[str, Any]]) -> None:
    """Horizontal bars per grid node (at most 20): person-times and orders completed."""
    rows = list(reversed(rows[:20]))  # the first node on top
    _bars(chart, QHorizontalBarSeries(), rows,
          (("person_times", "服务人次"), ("orders_completed", "办结需求")), COLORS[2:],
          [r["name"] for r in rows], horizontal=True)
