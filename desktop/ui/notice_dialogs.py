"""公示: publish a grid subtree's quarter (rows previewed before it is made), print it for the
notice board, record objections against a row and resolve them; each 公示 shows whether it is
公示中 or 已结束 (after which its quarter's records are final, see db.notices)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import grid, notices, periods
from db.errors import LedgerError
from db.ledger import Ledger
from db.validate import parse_date

from .forms import dialog_buttons, fitting
from .signin_dialogs import preview_pdf, temp_pdf


def print_notice(parent: QWidget | None, ledger: Ledger, notice_id: int) -> QDialog:
    from desktop.cards.notice import notice_pdf

    notice = notices.get(ledger, notice_id)
    path, warnings, pages = notice_pdf(ledger, notice_id, temp_pdf(f"公示{notice['number']}.pdf"))
    return preview_pdf(parent, path, pages, warnings, f"公示 {notice['number']}")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


class NewNoticeDialog(QDialog):
    """新建公示: the subtree, the quarter, the 公示期 (3 working days by default), the contact
    for objections; the rows and dates it would publish are shown before it is made."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 node_id: int | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.notice_id: int | None = None
        self.setWindowTitle("新建公示")
        self.node = QComboBox()
        for label, nid in grid.choices(ledger, (3, 2, 4, 5)):
            self.node.addItem(label, nid)
        if node_id is not None and self.node.findData(node_id) >= 0:
            self.node.setCurrentIndex(self.node.findData(node_id))
        self.quarter = QComboBox()
        self.quarter.addItems(periods.choices("quarter", 6))
        self.quarter.setCurrentIndex(1)  # the last finished quarter
        self.start = QLineEdit()
        self.start.setPlaceholderText("默认：季度结束后的第一个工作日或今天")
        self.days = QSpinBox()
        self.days.setRange(1, 30)
        self.days.setValue(notices.DEFAULT_DAYS)
        self.days.setSuffix(" 个工作日")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("受理异议的联系人和电话，如 社区党委 周强 0318-2345678")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("公示范围", self.node)
        form.addRow("季度", self.quarter)
        form.addRow("公示开始日期", self.start)
        form.addRow("公示天数", self.days)
        form.addRow("异议联系人", self.contact)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.publish, self.reject, "发布公示"))
        for box in (self.node, self.quarter):
            box.currentIndexChanged.connect(self.update_summary)
        self.start.textChanged.connect(self.update_summary)
        self.days.valueChanged.connect(self.update_summary)
        self.setMinimumWidth(560)
        self.update_summary()

    def _start(self, period: periods.Period) -> str:
        after = (dt.date.fromisoformat(period.end) + dt.timedelta(days=1)).isoformat()
        text = self.start.text().strip()
        if text:
            return parse_date(text, "start_date", "公示开始日期")
        return max(after, dt.date.today().isoformat())

    def update_summary(self, *_args: object) -> None:
        self.error.clear()
        node_id = self.node.currentData()
        if node_id is None:
            self.summary.setText("台账中还没有网格")
            return
        try:
            period = notices.quarter(self.quarter.currentText())
            rows = notices.rows(self.ledger, node_id, period.code)
            first, last = notices.working_days_end(self._start(period), self.days.value())
        except (LedgerError, ValueError) as error:
            self.summary.setText("")
            self.error.setText(str(error))
            return
        members = sum(1 for r in rows if r["kind"] == "党员")
        same = self.ledger.one("SELECT number FROM notices WHERE deleted = 0 AND status = ? AND "
                               "node_id = ? AND year = ? AND quarter = ?",
                               (notices.ACTIVE, node_id, int(period.code[:4]), int(period.code[-1])))
        if same is not None:
            self.error.setText(f"该范围{period.label}已有公示{same['number']}（可在公示列表中重印）")
        self.summary.setText(
            f"将公示 {period.label}：党员 {members} 名、单位 {len(rows) - members} 个，"
            f"服务 {sum(int(r['services']) for r in rows)} 人次；公示期 {first} 至 {last}。"
            "公示期满后，该范围本季度的服务记录和积分即为定稿，不能再修改（有未处理异议的行除外）。")

    def publish(self) -> None:
        self.error.clear()
        try:
            period = notices.quarter(self.quarter.currentText())
            self.notice_id = notices.create(self.ledger, self.node.currentData(), period.code,
                                            self.start.text().strip() or None, self.days.value(),
                                            contact=self.contact.text())
        except (LedgerError, ValueError) as error:
            self.error.setText(str(error))
            return
        self.accept()


NOTICE_HEADERS = ("公示编号", "范围", "季度", "公示期", "状态", "异议（未处理）", "打印次数")
ROW_HEADERS = ("类别", "姓名／单位", "工作单位", "服务次数", "时长", "本季度积分", "异议")
OBJECTION_HEADERS = ("提出日期", "对象", "提出人", "异议内容", "处理结果", "处理日期")


class NoticesDialog(QDialog):
    """公示: the notices, the rows of the one selected, and its objections."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("公示")
        self.preview: QDialog | None = None
        self.notices = _table(NOTICE_HEADERS)
        self.rows_table = _table(ROW_HEADERS)
        self.objections_table = _table(OBJECTION_HEADERS)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setObjectName("hint")

        def bar(actions: list[tuple[str, Callable[..., Any]]]) -> QHBoxLayout:
            row = QHBoxLayout()
            for text, slot in actions:
                button = self.buttons[text] = QPushButton(text)
                button.clicked.connect(slot)
                row.addWidget(button)
            row.addStretch(1)
            return row

        top, middle, bottom = QWidget(), QWidget(), QWidget()
        for widget, title, table, actions in (
                (top, "公示", self.notices, [("新建公示…", self.new_notice),
                                            ("打印公示", self.print_current),
                                            ("撤销公示…", self.withdraw)]),
                (middle, "公示名单（选中一行登记异议）", self.rows_table,
                 [("登记异议…", self.add_objection)]),
                (bottom, "异议", self.objections_table, [("处理异议…", self.resolve)])):
            box = QVBoxLayout(widget)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(table)
            if table is self.notices:
                box.addWidget(self.state)
            box.addLayout(bar(actions))
        split = QSplitter(Qt.Orientation.Vertical)
        for widget in (top, middle, bottom):
            split.addWidget(widget)
        split.setSizes([170, 300, 150])
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        end = QHBoxLayout()
        end.addWidget(self.error, 1)
        end.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        layout.addLayout(end)
        self.resize(fitting(self, QSize(1000, 700)))
        self.listed: list[dict] = []
        self.rows: list[dict] = []
        self.objections: list[dict] = []
        self.notices.itemSelectionChanged.connect(self.show_notice)
        self.reload()

    # -- reading ---------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        current = select if select is not None else (self.current_notice() or {}).get("id")
        self.listed = notices.listing(self.ledger)
        self.notices.blockSignals(True)
        _fill(self.notices, [(n["number"], n["node_name"] or "", notices.period_of(n).label,
                              f"{n['start_date']} 至 {n['end_date']}", n["state"],
                              f"{n['objections']}（{n['open_objections']}）", str(n["prints"]))
                             for n in self.listed])
        self.notices.blockSignals(False)
        index = next((i for i, n in enumerate(self.listed) if n["id"] == current), 0)
        if self.listed:
            self.notices.selectRow(index)
        self.show_notice()

    def current_notice(self) -> dict | None:
        row = self.notices.currentRow()
        return self.listed[row] if 0 <= row < len(self.listed) else None

    def show_notice(self) -> None:
        notice = self.current_notice()
        self.rows = notices.notice_rows(self.ledger, notice["id"]) if notice else []
        self.objections = notices.objections(self.ledger, notice["id"]) if notice else []
        _fill(self.rows_table, [(r["kind"], r["name"], r["unit_name"] if r["kind"] == "党员" else "",
                                 str(r["services"]), f"{r['hours']:g}", f"{r['points']:g}",
                                 ("有异议（处理中）" if r["open_objections"] else
                                  "已处理" if r["objections"] else ""))
                                for r in self.rows])
        _fill(self.objections_table, [(o["raised_date"], o["subject"], o["raised_by"], o["content"],
                                       o["resolution"] or "（未处理）", o["resolved_date"])
                                      for o in self.objections])
        self.state.setText(self._state_text(notice) if notice else "还没有公示：点“新建公示…”")
        for text in ("打印公示", "撤销公示…", "登记异议…", "处理异议…"):
            self.buttons[text].setEnabled(notice is not None and notice["state"] != "已撤销")

    @staticmethod
    def _state_text(notice: dict) -> str:
        label = notices.period_of(notice).label
        if notice["state"] == "已结束":
            return (f"已结束：{notice['node_name']}{label}的服务记录和积分已定稿，不能再修改"
                    "（有未处理异议的行除外，处理后同样定稿）。")
        if notice["state"] == "公示中":
            return f"公示中：至{notice['end_date']}止，期间可对名单中的某一行登记异议。"
        if notice["state"] == "未开始":
            return f"未开始：公示期自{notice['start_date']}起。"
        return "已撤销：该公示不再使记录定稿。"

    def _need(self) -> dict | None:
        self.error.clear()
        notice = self.current_notice()
        if notice is None:
            self.error.setText("请先选中一个公示（或新建公示）")
        return notice

    # -- actions -----------------------------------------------------------------------------
    def new_notice(self) -> None:
        dialog = NewNoticeDialog(self.ledger, self)
        if dialog.exec() and dialog.notice_id:
            self.reload(dialog.notice_id)

    def print_current(self) -> None:
        notice = self._need()
        if notice is None:
            return
        try:
            self.preview = print_notice(self, self.ledger, notice["id"])
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
        self.reload(notice["id"])

    def withdraw(self) -> None:
        notice = self._need()
        if notice is None:
            return
        reason, ok = QInputDialog.getText(self, "撤销公示", f"撤销 {notice['number']} 的原因：")
        if not ok:
            return
        try:
            notices.withdraw(self.ledger, notice["id"], reason)
        except LedgerError as error:
            self.error.setText(str(error))
        self.reload(notice["id"])

    def add_objection(self, raised_by: str | None = None, content: str | None = None,
                      date: str | None = None) -> None:
        notice = self._need()
        if notice is None:
            return
        row = self.rows_table.currentRow()
        if not 0 <= row < len(self.rows):
            self.error.setText("请先在公示名单中选中有异议的那一行")
            return
        subject = self.rows[row]
        if raised_by is None or content is None:
            dialog = ObjectionDialog(subject["name"], self)
            if not dialog.exec():
                return
            raised_by, content, date = dialog.values()
        try:
            notices.add_objection(self.ledger, notice["id"], content, raised_by,
                                  member_id=subject["member_id"], unit_id=subject["unit_id"],
                                  date=date or None)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.reload(notice["id"])

    def resolve(self, resolution: str | None = None) -> None:
        notice = self._need()
        if notice is None:
            return
        row = self.objections_table.currentRow()
        if not 0 <= row < len(self.objections):
            self.error.setText("请先选中一条异议")
            return
        objection = self.objections[row]
        if resolution is None:
            text, ok = QInputDialog.getText(self, "处理异议",
                                            f"{objection['subject']}的异议“{objection['content']}”"
                                            "的处理结果：")
            if not ok:
                return
            resolution = text
        try:
            notices.resolve(self.ledger, objection["id"], resolution)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.reload(notice["id"])


class ObjectionDialog(QDialog):
    def __init__(self, subject: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"登记异议：{subject}")
        self.raised_by = QLineEdit()
        self.content = QLineEdit()
        self.date = QLineEdit(dt.date.today().isoformat())
        form = QFormLayout(self)
        # the row it is about, in the dialog itself (a title bar is easily overlooked)
        self.subject = QLabel(subject)
        form.addRow("异议对象", self.subject)
        form.addRow("提出人", self.raised_by)
        form.addRow("异议内容", self.content)
        form.addRow("提出日期", self.date)
        form.addRow(dialog_buttons(self.accept, self.reject, "登记"))
        self.setMinimumWidth(460)

    def values(self) -> tuple[str, str, str]:
        return self.raised_by.text(), self.content.text(), self.date.text()
