"""报表: statistics with charts for any period and grid subtree, 导出报表 (.xlsx and PDF), the
quarter's compliance lists (export, print, 提醒函), and the 平急两用 call sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import compliance, emergency, periods, stats
from db.errors import LedgerError
from db.ledger import Ledger

from .charts import make_chart, month_chart, node_chart
from .forms import confirm, show_error
from .models import load
from .ranking_tab import fill_period_combo, period_code, start_quarter_letters
from .report_common import (
    Column,
    RowsModel,
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
    table_view,
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


class ComplianceTab(QWidget):
    def __init__(self, page: StatsPage):
        super().__init__(page)
        self.page = page
        # The running quarter (marked （进行中）) and six finished ones; the last finished first.
        self.quarter = period_combo([])
        fill_period_combo(self.quarter, "quarter", 6)
        self.node = grid_combo(page.ledger, (1, 2, 3, 4, 5), "全部网格")
        self.full = QCheckBox("显示完整电话")
        check = QPushButton("检查")
        check.clicked.connect(self.refresh)
        self.export_button = QPushButton("导出Excel…")
        self.print_button = QPushButton("打印（PDF）")
        self.letters_button = QPushButton("生成提醒函")
        self.letters_button.setToolTip("为当前列表中的党员或单位各生成一份提醒函")
        self.export_button.clicked.connect(self.export)
        self.print_button.clicked.connect(self.print_pdf)
        self.letters_button.clicked.connect(self.letters)
        self.top = QSpinBox()
        self.top.setRange(0, 500)
        self.top.setValue(10)
        self.top.setPrefix("感谢信前 ")
        self.top.setSuffix(" 名")
        self.top.setToolTip("季度党员排行和报到单位排行各取前几名发感谢信（并列的一并）")
        self.all_letters_button = QPushButton("本季度全部信函…")
        self.all_letters_button.setToolTip(
            "在后台一次生成所选季度的全部提醒函（无服务的党员、未办实事或未参加联席会议的单位）"
            "和感谢信（季度排行前几名），不必逐个标签生成")
        self.all_letters_button.clicked.connect(self.all_letters)
        bar = QHBoxLayout()
        for w in (QLabel("季度"), self.quarter, QLabel("范围"), self.node, self.full, check):
            bar.addWidget(w)
        bar.addStretch(1)
        for action in (self.letters_button, self.top, self.all_letters_button,
                       self.export_button, self.print_button):
            bar.addWidget(action)
        self.tabs = QTabWidget()
        self.models: dict[str, RowsModel] = {}
        for c in compliance.CHECKS:
            model = RowsModel([Column(k, h, "r" if k in ("capacity", "claimed", "short") else "l")
                               for k, h in zip(c.columns, c.headers, strict=True)], self)
            self.models[c.key] = model
            self.tabs.addTab(table_view(model), c.title)
        self.tabs.currentChanged.connect(self._buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        self.lists: dict[str, list[dict[str, Any]]] | None = None
        self.code = ""

    def reload_choices(self) -> None:
        fill_grid_combo(self.node, self.page.ledger, (1, 2, 3, 4, 5), "全部网格")

    def refresh(self) -> None:
        code, node, full = period_code(self.quarter), self.node.currentData(), self.full.isChecked()

        def compute(ledger: Ledger) -> tuple[str, dict[str, list[dict[str, Any]]]]:
            q = compliance.quarter(code)
            return q.code, compliance.check_lists(ledger, q.code, node, full_phones=full)

        load(self, "达标检查", compute, self._show)  # off the GUI thread on a city ledger

    def _show(self, result: tuple[str, dict[str, list[dict[str, Any]]]]) -> None:
        self.code, self.lists = result
        for i, c in enumerate(compliance.CHECKS):
            rows = self.lists[c.key]
            self.models[c.key].set_rows(rows)
            self.tabs.setTabText(i, f"{c.title.replace('本季度', '')}（{len(rows)}）")
        self._buttons()

    def _buttons(self) -> None:
        key = compliance.CHECKS[self.tabs.currentIndex()].key
        self.letters_button.setEnabled(bool(self.lists and self.lists[key])
                                       and key in ("idle_members", "units_no_project",
                                                   "units_no_meeting"))

    def _ready(self) -> bool:
        if self.lists is None:
            self.refresh()
        return self.lists is not None

    def export(self) -> None:
        if not self._ready():
            return
        from desktop.sync.report_xlsx import compliance_workbook

        label = compliance.quarter(self.code).label
        target = ask_save(self, self.page.settings, "导出达标检查", f"{label}达标检查.xlsx",
                          "Excel 文件 (*.xlsx)")
        if target is None:
            return
        assert self.lists is not None
        path = compliance_workbook(label, self.lists, target.with_suffix(".xlsx"))
        self.page.status.setText(f"已导出：{path}")

    def print_pdf(self) -> None:
        if not self._ready():
            return
        from desktop.cards.reports import compliance_pdf

        assert self.lists is not None
        out = self.page.output_dir() / f"达标检查{self.code}.pdf"
        path, warnings = compliance_pdf(self.page.ledger, self.code, self.lists, out,
                                        self.node.currentData())
        show_pdf(self, path, warnings, 1, "达标检查预览", "份清单")

    def letters(self) -> None:
        if not self._ready():
            return
        from desktop.cards.letters import compliance_letters, write_letters

        assert self.lists is not None
        key = compliance.CHECKS[self.tabs.currentIndex()].key
        letters = compliance_letters(self.page.ledger, compliance.quarter(self.code).label, key,
                                     self.lists[key])
        out = self.page.output_dir() / f"提醒函{self.code}-{key}.pdf"
        path, warnings = write_letters(self.page.ledger, letters, out)
        show_pdf(self, path, warnings, len(letters), "提醒函预览", "份提醒函")

    def all_letters(self) -> None:
        """All of the chosen quarter's 提醒函 and 感谢信 in one PDF, in the background (the
        积分 page's 排行 tab does the same job); a cancel writes nothing and uses no 文号."""
        try:
            quarter = periods.parse_period(period_code(self.quarter))
        except LedgerError as error:
            show_error(self, "本季度全部信函", error)
            return
        if not periods.is_finished(quarter) and not confirm(
                self, "本季度全部信函",
                f"{quarter.label}还没有结束：名单只算到今天，本季度稍后才参加服务的党员和单位"
                "也会收到提醒函。仍要生成吗？"):
            return
        out = self.page.output_dir() / f"感谢信提醒函{quarter.code}.pdf"

        def done(result: tuple[Any, Path | None, list[str]]) -> None:
            batch, written, warnings = result
            if written is None:
                self.page.status.setText(f"{batch.label}没有需要发的感谢信或提醒函。")
                return
            self.page.status.setText(f"已生成{batch.summary}。{''.join(batch.notes)}")
            show_pdf(self, written, warnings, len(batch.letters), "感谢信与提醒函预览", "份信函")

        job = start_quarter_letters(self, self.page.ledger.path, quarter.code, self.top.value(),
                                    out, done)
        job.cancelled.connect(
            lambda: self.page.status.setText("已取消：没有生成任何信函，文号未占用。"))
        self.page.job = job  # kept alive while it runs


class EmergencyTab(QWidget):
    def __init__(self, page: StatsPage):
        super().__init__(page)
        self.page = page
        self.node = grid_combo(page.ledger, (2, 3, 4, 5), None)
        self.full = QCheckBox("印出完整电话")
        self.full.setChecked(True)
        self.full.setToolTip("联络表用于打电话，默认印出完整号码（记入操作日志），请妥善保管纸质联络表；"
                             "取消勾选则隐藏手机号中间4位")
        show = QPushButton("查看")
        show.clicked.connect(self.refresh)
        make = QPushButton("生成联络表（PDF＋Excel）…")
        make.setDefault(True)
        make.clicked.connect(self.generate)
        bar = QHBoxLayout()
        for w in (QLabel("网格"), self.node, self.full, show):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(make)
        # 平急两用 as one action (emergency_dialogs): activity, roster, call sheet with ticks
        self.start_button = QPushButton("启动应急响应…")
        self.start_button.clicked.connect(self.start_response)
        self.end_button = QPushButton("结束应急响应…")
        self.end_button.clicked.connect(self.end_response)
        self.entry_button = QPushButton("录入到岗情况…")
        self.entry_button.setToolTip("按联络表上勾选的“到岗”录入服务时长并审核（按签到表录入）")
        self.entry_button.clicked.connect(self.enter_arrivals)
        self.dialog: QWidget | None = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setStyleSheet("QLabel { color: #a50e0e; font-weight: bold; }")
        state_bar = QHBoxLayout()
        state_bar.addWidget(self.state, 1)
        state_bar.addWidget(self.start_button)
        state_bar.addWidget(self.end_button)
        state_bar.addWidget(self.entry_button)
        self.model = RowsModel([Column(k, h) for k, h in zip(
            ("cell", "leader", "name", "room", "phone", "posts", "specialties", "units"),
            emergency.HEADERS, strict=True)], self)
        self.summary = QLabel("选择网格后点“查看”；“生成联络表”一次生成可打印的PDF和Excel。")
        self.summary.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(state_bar)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(table_view(self.model), 1)
        self.show_state()

    def reload_choices(self) -> None:
        fill_grid_combo(self.node, self.page.ledger, (2, 3, 4, 5), None)
        self.show_state()

    def show_state(self) -> None:
        active = emergency.responses(self.page.ledger)
        self.state.setText("；".join(f"应急中：{r.path}（{r.since}起，{r.title}，负责人{r.leader}，"
                                    f"名单{r.people}人，签到表{r.number}）" for r in active)
                           or "当前没有网格在应急响应中。")
        self.end_button.setEnabled(bool(active))
        self.entry_button.setEnabled(bool(active) or bool(emergency.responses(self.page.ledger, None)))

    def start_response(self) -> None:
        from .emergency_dialogs import StartDialog

        dialog = StartDialog(self.page.ledger, self.node.currentData(), self)
        dialog.started.connect(self._changed)
        self.dialog = dialog
        dialog.open()

    def end_response(self) -> None:
        from .emergency_dialogs import EndDialog

        dialog = EndDialog(self.page.ledger, self.node.currentData(), self)
        dialog.ended.connect(self._changed)
        self.dialog = dialog
        dialog.open()

    def enter_arrivals(self) -> None:
        """按签到表录入 for the response on the chosen grid, else the latest one."""
        from .signin_dialogs import SigninEntryDialog

        every = emergency.responses(self.page.ledger, None)
        if not every:
            return
        node = self.node.currentData()
        mine = emergency.covering(self.page.ledger, node) if node is not None else None
        chosen = mine or next((r for r in every if r.node_id == node), every[0])
        dialog = SigninEntryDialog(self.page.ledger, chosen.activity_id, self)
        dialog.accepted.connect(lambda: self._entered(dialog))
        self.dialog = dialog
        dialog.open()

    def _entered(self, dialog: Any) -> None:
        counts = dialog.counts or {}
        self.page.status.setText(f"已录入到岗情况并审核：新增{counts.get('added', 0)}人，"
                                 f"修改{counts.get('updated', 0)}人，取消{counts.get('removed', 0)}人")
        self.page.changed.emit()

    def _changed(self, response: Any) -> None:
        self.show_state()
        self.page.status.setText(f"{response.path}：{response.state}（签到表{response.number}）")
        self.page.changed.emit()

    def refresh(self) -> None:
        node = self.node.currentData()
        if node is None:
            return
        sheet = emergency.call_sheet(self.page.ledger, node, self.full.isChecked())
        keys = ("cell", "leader", "name", "room", "phone", "posts", "specialties", "units")
        self.model.set_rows([dict(zip(keys, row, strict=True)) for row in emergency.rows(sheet)])
        people = sum(len(c.members) for c in sheet)
        self.summary.setText(f"{self.node.currentText()}：{len(sheet)}个单元，{people}名在职党员")

    def generate(self) -> None:
        node = self.node.currentData()
        if node is None:
            return
        from desktop.cards.reports import write_callsheet

        name = f"{self.node.currentText()}应急联络表.pdf"
        target = ask_save(self, self.page.settings, "生成应急联络表", name, "PDF (*.pdf)")
        if target is None:
            return
        pdf, xlsx, warnings = write_callsheet(self.page.ledger, node, target,
                                              self.full.isChecked())
        self.refresh()
        self.page.status.setText(f"已生成：{pdf}　{xlsx}")
        show_pdf(self, pdf, warnings, 1, "应急联络表预览", "份联络表")


class StatsPage(QWidget):
    changed = Signal()  # this page only reads; kept for the main window's contract

    def __init__(self, ledger: Ledger, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.settings = ledger, settings
        self.job: Any = None
        self.last_export: tuple[Path, Path, list[str]] | None = None
        self.stats_tab = StatsTab(self)
        self.compliance_tab = ComplianceTab(self)
        self.emergency_tab = EmergencyTab(self)
        self.tabs, self.status = tabbed_page(self, [
            (self.stats_tab, "统计报表"), (self.compliance_tab, "达标检查"),
            (self.emergency_tab, "平急两用")])
        self.stats_tab.refresh()

    def output_dir(self) -> Path:
        """Where printouts go before the user saves them elsewhere from the preview."""
        from desktop.paths import data_dir

        folder = Path(data_dir()) / "打印"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def refresh(self) -> None:
        for tab in (self.stats_tab, self.compliance_tab, self.emergency_tab):
            tab.reload_choices()
        self.stats_tab.refresh()
        if self.compliance_tab.lists is not None:
            self.compliance_tab.refresh()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.compliance_tab.lists = None
        self.refresh()
