"""季度预警: before the quarter's end, the members with no verified service and the units with
no 实事 yet (db.early_warning), with the 预警名单 and a 温馨提示 for each to print. The lists
are computed each time: a service verified since takes its member off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import compliance, early_warning, periods
from db.early_warning import QuarterWarning
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import fill_table, fitting, list_table, show_error
from .report_common import grid_combo, period_combo, period_of
from .signin_dialogs import preview_pdf, temp_pdf
from .worker import Job, run_ledger_job

MEMBER_HEADERS = ("姓名", "工作单位", "居住网格", "联系电话", "报到日期", "上次服务")
UNIT_HEADERS = ("单位名称", "类别", "联系人", "联系电话", "包联小区")


class WarningDialog(QDialog):
    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 node_id: int | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("季度预警 — 尚无服务的党员和尚未办成实事的单位")
        # labelled as the app's other period boxes (2026年第四季度（进行中）), this quarter first
        self.quarter = period_combo(periods.choices("quarter", 3))
        self.quarter.setMinimumContentsLength(15)
        self.grid = grid_combo(ledger, (2, 3, 4, 5))
        if node_id is not None:
            self.grid.setCurrentIndex(max(0, self.grid.findData(node_id)))
        self.quarter.currentIndexChanged.connect(self.reload)
        self.grid.currentIndexChanged.connect(self.reload)
        show = QPushButton("查询")
        show.clicked.connect(self.reload)
        top = QHBoxLayout()
        for label, widget in (("季度：", self.quarter), ("网格：", self.grid)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(show)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.members = list_table(MEMBER_HEADERS, multi=True)
        self.units = list_table(UNIT_HEADERS, multi=True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.members, "党员")
        self.tabs.addTab(self.units, "报到单位")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("打印预警名单", self.print_list),
                           ("为选中的打印温馨提示", self.print_selected),
                           ("为全部打印温馨提示", self.print_all)):
            button = self.buttons[text] = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.warning: QuarterWarning | None = None
        self.job: Job | None = None
        self.reload()
        self.resize(fitting(self, QSize(1040, 620)))

    def reload(self) -> None:
        self.error.clear()
        try:
            code = compliance.quarter(period_of(self.quarter)).code
            w = self.warning = early_warning.warnings(self.ledger, code, self.grid.currentData())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        end = (f"距季度结束（{w.quarter.end}）还有 {w.days_left} 天" if not w.ended
               else f"本季度已于 {w.quarter.end} 结束")
        rule = (f"季度结束时仍无服务记录的党员每人扣 {w.deduction:g} 分" if w.deduction
                else "积分规则未设季度无服务扣分")
        self.summary.setText(
            f"{w.quarter.label}，截至 {w.as_of}：尚无经审核服务记录的党员 {len(w.members)} 名，"
            f"尚未办成实事的报到单位 {len(w.units)} 个。{end}；{rule}。"
            "参加服务（或完成实事）并经社区审核后即自动移出名单。"
            + ("本季度的无服务扣分已经记入积分。" if w.deducted else ""))
        fill_table(self.members, [(r["name"], r["org"], r["place"], r["phone"], r["report_date"],
                              r["last_service"] or "（无）") for r in w.members])
        fill_table(self.units, [(r["name"], r["category"], r["contact"], r["phone"], r["place"])
                           for r in w.units])
        self.tabs.setTabText(0, f"党员（{len(w.members)}）")
        self.tabs.setTabText(1, f"报到单位（{len(w.units)}）")

    def _print(self, title: str, make: Callable[[Ledger], tuple[Path, list[str]]],
               shown: str) -> None:
        """Write the PDF off the GUI thread (a street's list runs to hundreds of pages), then
        show it in the preview."""
        def work(ledger: Ledger, _progress: object, _cancelled: object) -> tuple[Path, list[str]]:
            return make(ledger)

        def done(result: tuple[Path, list[str]]) -> None:
            preview_pdf(self, result[0], 1, result[1], shown)

        self.job = run_ledger_job(self, title, self.ledger, work, done,
                                  lambda error, _trace: show_error(self, title, error))

    def print_list(self) -> None:
        from desktop.cards.early_warning import warning_list_pdf

        warning = self.warning
        if warning is None:
            return
        out = temp_pdf(f"预警名单{warning.quarter.code}.pdf")
        self._print("打印预警名单", lambda ledger: warning_list_pdf(ledger, warning, out),
                    f"{warning.quarter.label}双报到预警名单")

    def _selected(self, table: QTableWidget, rows: list[dict[str, Any]]) -> list[int]:
        picked = {i.row() for i in table.selectionModel().selectedRows()}
        return [rows[i]["id"] for i in sorted(picked) if i < len(rows)]

    def print_selected(self) -> None:
        if self.warning is None:
            return
        member_ids = self._selected(self.members, self.warning.members)
        unit_ids = self._selected(self.units, self.warning.units)
        if not member_ids and not unit_ids:
            self.error.setText("请先在名单中选中要提示的党员或单位（可按住Ctrl多选）")
            return
        self._print_notes(member_ids, unit_ids)

    def print_all(self) -> None:
        if self.warning is None:
            return
        if not self.warning.members and not self.warning.units:
            self.error.setText("名单为空，不需要提示")
            return
        self._print_notes(None, None)

    def _print_notes(self, member_ids: list[int] | None, unit_ids: list[int] | None) -> None:
        from desktop.cards.early_warning import reminders, reminders_pdf

        warning = self.warning
        assert warning is not None
        count = len(reminders(self.ledger, warning, member_ids, unit_ids))
        out = temp_pdf(f"温馨提示{warning.quarter.code}.pdf")
        self._print("打印温馨提示", lambda ledger: reminders_pdf(
            ledger, reminders(ledger, warning, member_ids, unit_ids), out),
            f"温馨提示（{count}份）")
