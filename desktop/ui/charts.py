"""Bar charts drawn in the app (QtCharts): trend by month and by grid node."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
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


def integer_scale(peak: float, most: int = 6) -> tuple[int, int]:
    """(axis maximum, tick count) for counts: every tick a whole number, at most `most`
    intervals. A peak of 1 gives 0, 1 (never 0, 0, 1, 1 from quarter steps shown as %d)."""
    peak = max(1, math.ceil(peak))
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            intervals = math.ceil(peak / step)
            if intervals <= most:
                return intervals * step, intervals + 1
        power *= 10


def _axes(chart: QChart, horizontal: bool) -> tuple[QBarCategoryAxis, QValueAxis]:
    """The chart's two axes, made once and reused. Axes removed from a shown chart stay drawn
    (QtCharts keeps their items in the scene), so a new period must not bring new axes."""
    found = getattr(chart, "_baodao_axes", None)
    if found is None:
        category, value = QBarCategoryAxis(chart), QValueAxis(chart)
        value.setLabelFormat("%d")
        value.setTickType(QValueAxis.TickType.TicksFixed)
        value.setMinorTickCount(0)
        chart.addAxis(category, Qt.AlignmentFlag.AlignLeft if horizontal
                      else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value, Qt.AlignmentFlag.AlignBottom if horizontal
                      else Qt.AlignmentFlag.AlignLeft)
        found = (category, value)
        chart._baodao_axes = found  # type: ignore[attr-defined]
    return found


def _bars(chart: QChart, series: QAbstractBarSeries, rows: list[dict[str, Any]],
          sets: tuple[tuple[str, str], ...], colors: list[str] | tuple[str, ...],
          categories: list[str], horizontal: bool = False) -> None:
    """Fill a bar series, then put the category axis and a whole-number value axis on it."""
    chart.removeAllSeries()
    category, value = _axes(chart, horizontal)
    peak = 0.0
    for (key, name), color in zip(sets, colors, strict=False):
        bar = QBarSet(name)
        bar.setColor(QColor(color))
        for row in rows:
            bar.append(float(row[key]))
            peak = max(peak, float(row[key]))
        series.append(bar)
    chart.addSeries(series)
    category.clear()
    category.append(categories or [""])
    top, ticks = integer_scale(peak)
    value.setRange(0, top)
    value.setTickCount(ticks)
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
