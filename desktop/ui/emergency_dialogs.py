"""平急两用 as one action: 启动应急响应 (pick the subtree, date and time, title and 负责人; see
how many are on the 临时党支部 roster; confirm, and the activity, the numbered roster and the
call sheet with 已联系 / 到岗 columns are made in the background and the call sheet shown),
and 结束应急响应. The 到岗 ticks come back through 按签到表录入 (signin_dialogs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db import emergency, grid
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import dialog_buttons
from .report_common import grid_combo, show_pdf
from .signin_dialogs import temp_pdf
from .worker import JobCancelled, run_ledger_job

ALERT_STYLE = "QLabel { color: #a50e0e; font-weight: bold; }"


def status_text(ledger: Ledger) -> str:
    """“应急中：杨树小区、柳树小区” for a status bar, or "" when no grid is in 应急."""
    active = emergency.responses(ledger)
    return "应急中：" + "、".join(r.path for r in active) if active else ""


class StartDialog(QDialog):
    """启动应急响应."""

    started = Signal(object)  # the emergency.Response, once created

    def __init__(self, ledger: Ledger, node_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("启动应急响应")
        self.node = grid_combo(ledger, (2, 3, 4, 5), None)
        if node_id is not None:
            self.node.setCurrentIndex(max(0, self.node.findData(node_id)))
        now = dt.datetime.now()
        self.date = QDateEdit(QDate(now.year, now.month, now.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.time = QLineEdit(now.strftime("%H:%M"))
        self.time.setPlaceholderText("如 20:30")
        self.title = QLineEdit()
        self.leader = QLineEdit()
        self.leader.setPlaceholderText("必填：现场总负责人")
        self.recorder = QLineEdit()
        self.place = QLineEdit()
        self.full = QCheckBox("联络表印出完整电话（记入审计日志）")
        self.full.setChecked(True)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.count.setWordWrap(True)
        self.busy = QLabel()
        self.busy.setStyleSheet(ALERT_STYLE)
        self.busy.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("网格", self.node)
        form.addRow("日期", self.date)
        form.addRow("开始时间", self.time)
        form.addRow("活动名称", self.title)
        form.addRow("负责人", self.leader)
        form.addRow("记录人", self.recorder)
        form.addRow("地点", self.place)
        form.addRow("", self.full)
        form.addRow("临时党支部名单", self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        self.buttons = dialog_buttons(self.start, self.reject, "启动应急响应")
        layout.addWidget(self.buttons)
        self.node.currentIndexChanged.connect(self.update_preview)
        self.response: emergency.Response | None = None
        self.pdf: Any = None
        self.job: Any = None
        self.update_preview()
        self.resize(520, self.sizeHint().height())

    def update_preview(self) -> None:
        node = self.node.currentData()
        if node is None:
            return
        path = self.node.currentText().strip()
        self.title.setPlaceholderText(f"默认：{grid.path_text(self.ledger, node, 2) or path}应急响应")
        living, others = emergency.roster_size(self.ledger, node)
        extra = f"，另有本网格的网格负责人和岗位党员 {others} 人" if others else ""
        self.count.setText(f"将列入 {living + others} 人：居住在该网格的在册党员 {living} 人{extra}。"
                           "名单编号后随交换文件同步，联络表按名单序号排列。")
        busy = emergency.overlapping(self.ledger, node)
        self.busy.setText("；".join(f"“{r.path}”已在应急响应中（{r.since}起，{r.title}）"
                                   for r in busy))
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(
            not busy and living + others > 0)

    def values(self) -> dict[str, Any]:
        return {"date": self.date.date().toString("yyyy-MM-dd"), "start_time": self.time.text(),
                "title": self.title.text(), "leader": self.leader.text(),
                "recorder": self.recorder.text(), "place": self.place.text()}

    def start(self) -> None:
        self.error.clear()
        node = self.node.currentData()
        if node is None:
            return
        if not self.leader.text().strip():
            self.error.setText("负责人：启动应急响应须填写负责人")
            return
        values, full = self.values(), self.full.isChecked()
        out = temp_pdf(f"{self.node.currentText().strip()}应急联络表.pdf")

        def work(ledger: Ledger, progress: Callable[[str, float], None],
                 cancelled: Callable[[], bool]):
            from desktop.cards.reports import write_callsheet

            progress("正在建立应急响应活动和临时党支部名单…", 0.1)
            if cancelled():
                raise JobCancelled()
            response = emergency.activate(ledger, node, **values)
            # started: the call sheet is made even if 取消 is pressed now
            progress(f"正在生成应急联络表（{response.people}人）…", 0.4)
            pdf, _xlsx, warnings = write_callsheet(ledger, node, out, full, response)
            return response, pdf, warnings

        self.buttons.setEnabled(False)
        self.job = run_ledger_job(self, "启动应急响应", self.ledger, work, self._done,
                                  self._failed)
        self.job.cancelled.connect(self._cancelled)

    def _done(self, result: tuple[emergency.Response, Any, list[str]]) -> None:
        self.response, self.pdf, warnings = result
        self.started.emit(self.response)
        show_pdf(self.parentWidget() or self, self.pdf, warnings, 1,
                 f"应急联络表（签到表编号 {self.response.number}）", "份联络表")
        self.accept()

    def _failed(self, error: BaseException, _trace: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(str(error) if isinstance(error, LedgerError) else
                           f"应急响应没有启动：{error}")

    def _cancelled(self) -> None:
        self.buttons.setEnabled(True)
        self.update_preview()  # if it had started meanwhile, it shows as 已在应急响应中


class EndDialog(QDialog):
    """结束应急响应: which one, and when."""

    ended = Signal(object)

    def __init__(self, ledger: Ledger, node_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("结束应急响应")
        self.which = QComboBox()
        active = emergency.responses(ledger)
        for r in active:
            self.which.addItem(f"{r.path}　{r.title}（{r.since}起，名单{r.people}人）",
                               r.activity_id)
        covering = emergency.covering(ledger, node_id) if node_id is not None else None
        if covering is not None:
            self.which.setCurrentIndex(max(0, self.which.findData(covering.activity_id)))
        self.when = QLineEdit(dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
        self.when.setPlaceholderText("年-月-日 时:分")
        hint = QLabel("结束后请在活动的“按签到表录入”中输入名单的签到表编号，勾选到岗人员，"
                      "填写时长并审核，即计入服务时长和积分。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.error = QLabel("" if active else "当前没有网格在应急响应中")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("应急响应", self.which)
        form.addRow("结束时间", self.when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        self.buttons = dialog_buttons(self.finish, self.reject, "结束应急响应")
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(bool(active))
        layout.addWidget(self.buttons)
        self.response: emergency.Response | None = None
        self.resize(520, self.sizeHint().height())

    def finish(self) -> None:
        self.error.clear()
        try:
            self.response = emergency.deactivate(self.ledger, activity_id=self.which.currentData(),
                                                 when=self.when.text())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.ended.emit(self.response)
        self.accept()
