"""报表: statistics with charts for any period and grid subtree, 导出报表 (.xlsx and PDF), the
quarter's compliance lists (export, print, 提醒函), and the 平急两用 call sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db import stats
from db.ledger import Ledger

from .charts import make_chart, month_chart, node_chart
from .compliance_tab import ComplianceTab
from .emergency_tab import EmergencyTab
from .models import load
from .report_common import (
    LazyTabs,
    ask_save,
    fill_grid_combo,
    grid_combo,
    last_finished_quarter,
    mark_running,
    months,
    period_combo,
    period_of,
    quarters,
    show_pdf,
    tabbed_page,
)
from .worker import run_ledger_job

TILES = ("units", "members", "claims", "branches", "activities", "person_times", "hours",
         "projects", "orders_received", "orders_completed", "completion_rate", "satisfaction")


class StatsTab(QWidget):
    def __init__(self, page: StatsPage):
        super().__init__(page)
        self.page = page
        ledger = page.ledger
        today = dt.date.today()
        self.period = period_combo([str(today.year), *quarters(today, count=4),
                                    *months(today, count=6), str(today.year - 1)])
        mark_running(self.period, today)
        # The last finished quarter, not the one just begun: its figures are final.
        self.period.setCurrentIndex(self.period.findText(last_finished_quarter(today)))
        self.node = grid_combo(ledger, (1, 2, 3, 4), "全部网格")
        run = QPushButton("统计")
        run.clicked.connect(self.refresh)
        editor = self.period.lineEdit()
        if editor is not None:
            editor.returnPressed.connect(self.refresh)
        self.node.activated.connect(lambda _i: self.refresh())
        export = QPushButton("导出报表…")
        export.setToolTip("同时生成格式化的Excel报表和PDF报表")
        export.clicked.connect(self.export)
        bar = QHBoxLayout()
        for w in (QLabel("期间"), self.period, QLabel("范围"), self.node, run):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(export)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.tiles = QGridLayout()
        self.tiles.setSpacing(6)
        self.tile_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for i, key in enumerate(TILES):
            frame = QFrame()
            frame.setObjectName("tile")
            box = QVBoxLayout(frame)
            box.setContentsMargins(6, 4, 6, 4)
            frame.setToolTip(stats.sql_text()[key])
            value, label = QLabel("—"), QLabel(stats.LABELS[key])
            value.setObjectName("tileValue")
            label.setObjectName("tileLabel")
            for w in (value, label):
                w.setAlignment(Qt.AlignmentFlag.AlignCenter)
                box.addWidget(w)
            label.setWordWrap(True)
            self.tile_labels[key] = (value, label)
            self.tiles.addWidget(frame, i // 6, i % 6)
        self.month_chart, month_view = make_chart("按月趋势")
        self.node_chart, node_view = make_chart("按网格分布")
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(month_view)
        charts.addWidget(node_view)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.heading)
        layout.addLayout(self.tiles)
        layout.addWidget(charts, 1)
        layout.addWidget(self.note)
        self.result: dict[str, Any] | None = None

    def reload_choices(self) -> None:
        fill_grid_combo(self.node, self.page.ledger, (1, 2, 3, 4), "全部网格")

    def refresh(self) -> None:
        period, node = period_of(self.period), self.node.currentData()
        # Counted off the GUI thread on a city ledger (about half a second).
        load(self, "统计", lambda ledger: stats.statistics(ledger, period, node), self._show)

    def _show(self, result: dict[str, Any]) -> None:
        self.result = r = result
        running = f"，进行中，统计至{dt.date.today().isoformat()}" if r["in_progress"] else ""
        self.heading.setText(f"{r['scope']}　{r['label']}（{r['start']}至{r['end']}{running}）")
        f = r["figures"]
        for key, (value, _label) in self.tile_labels.items():
            value.setText(stats.format_value(key, f[key]))
        rate_tile = self.tile_labels["completion_rate"][0].parentWidget()
        assert rate_tile is not None  # each value label sits in its tile
        rate_tile.setToolTip(f"受理{f['orders_received']}件、办结{f['orders_completed']}件。"
                             + stats.COMPLETION_RULE + "。")
        self.note.setText(
            f"另：新报到单位{f['units_new']}个、新报到党员{f['members_new']}人，单位参与活动"
            f"{f['unit_times']}次，群众评价{f['rated']}件（满意{f['satisfied']}件）。"
            "所有数字均为台账记录的直接计数：活动只计已审核的，需求按受理或办结所在期间计。")
        self._month_chart(r["months"])
        self._node_chart(r["by_node"])

    def _month_chart(self, rows: list[dict[str, Any]]) -> None:
        month_chart(self.month_chart, rows)

    def _node_chart(self, rows: list[dict[str, Any]]) -> None:
        node_chart(self.node_chart, rows)

    def export(self) -> None:
        if self.result is None:
            self.refresh()
        if self.result is None:
            return
        r = self.result
        name = f"{r['scope']}双报到统计报表{r['period']}.xlsx"
        target = ask_save(self, self.page.settings, "导出报表", name, "Excel 报表 (*.xlsx)")
        if target is None:
            return
        xlsx, pdf = target.with_suffix(".xlsx"), target.with_suffix(".pdf")
        code, node = r["period"], r["node_id"]

        def work(ledger: Ledger, progress: Any, cancelled: Any) -> tuple[Path, Path, list[str]]:
            from db.settings import identity
            from desktop.cards.reports import stats_pdf
            from desktop.sync.report_xlsx import stats_workbook

            progress("正在统计…", 0.1)
            result = stats.statistics(ledger, code, node)
            progress("正在写入Excel报表…", 0.4)
            stats_workbook(result, xlsx, identity(ledger)["office_name"])
            progress("正在生成PDF报表…", 0.7)
            out, warnings = stats_pdf(ledger, result, pdf)
            return xlsx, out, warnings

        def done(result: tuple[Path, Path, list[str]]) -> None:
            self.page.last_export = result
            self.page.status.setText(f"已导出：{result[0]}　{result[1]}")
            show_pdf(self, result[1], result[2], 1, "统计报表预览", "份报表")

        self.page.job = run_ledger_job(self, "导出报表", self.page.ledger, work, done)


class StatsPage(QWidget):
    changed = Signal()  # this page only reads; kept for the main window's contract

    def __init__(self, ledger: Ledger, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.settings = ledger, settings
        self.job: Any = None
        self.last_export: tuple[Path, Path, list[str]] | None = None
        self.stats_tab = StatsTab(self)
        self.tabs, self.status = tabbed_page(self, [(self.stats_tab, "统计报表")])
        # built when first shown (or asked for): each holds a drop-down of every grid cell
        self.later = LazyTabs(self.tabs)
        self.later.add("compliance", "达标检查", lambda: ComplianceTab(self))
        self.later.add("emergency", "平急两用", lambda: EmergencyTab(self))
        self.stats_tab.refresh()

    @property
    def compliance_tab(self) -> ComplianceTab:
        return cast(ComplianceTab, self.later.get("compliance"))

    @property
    def emergency_tab(self) -> EmergencyTab:
        return cast(EmergencyTab, self.later.get("emergency"))

    def preview(self, path: Any, warnings: list[str], count: int, title: str,
                what: str) -> None:
        show_pdf(self, path, warnings, count, title, what)

    def output_dir(self) -> Path:
        """Where printouts go before the user saves them elsewhere from the preview."""
        from desktop.paths import data_dir

        folder = Path(data_dir()) / "打印"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def refresh(self) -> None:
        self.stats_tab.reload_choices()
        if self.later.is_built("compliance"):
            self.compliance_tab.reload_choices()
        if self.later.is_built("emergency"):
            self.emergency_tab.reload_choices()
        self.stats_tab.refresh()
        if self.later.is_built("compliance") and self.compliance_tab.lists is not None:
            self.compliance_tab.refresh()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        if self.later.is_built("compliance"):
            self.compliance_tab.lists = None
        self.refresh()
