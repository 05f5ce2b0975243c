"""报表 › 达标检查: the quarter's compliance lists (who did not serve, units without a 实事 or
missing the joint meeting, posts short of people), their export and print, 提醒函 one list at
a time or all of a quarter's letters at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import compliance, periods
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import confirm, show_error
from .models import load
from .points_host import TabHost
from .ranking_tab import fill_period_combo, period_code, start_quarter_letters
from .report_common import (
    Column,
    RowsModel,
    ask_save,
    fill_grid_combo,
    grid_combo,
    period_combo,
    table_view,
)


class ComplianceTab(QWidget):
    def __init__(self, page: TabHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing TabHost
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
        self.page.preview(path, warnings, 1, "达标检查预览", "份清单")

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
        self.page.preview(path, warnings, len(letters), "提醒函预览", "份提醒函")

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
            self.page.preview(written, warnings, len(batch.letters), "感谢信与提醒函预览", "份信函")

        job = start_quarter_letters(self, self.page.ledger.path, quarter.code, self.top.value(),
                                    out, done)
        job.cancelled.connect(
            lambda: self.page.status.setText("已取消：没有生成任何信函，文号未占用。"))
        self.page.job = job  # kept alive while it runs
