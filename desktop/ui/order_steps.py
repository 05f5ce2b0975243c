"""One dialog for each step of an order (派单 / 接单 / 完成 / 评价): the step's date (today by
default, editable back to the previous step's date, never later than today) and an optional
note; 派单 also picks who takes it, 评价 the resident's rating."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db import orders
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import dialog_buttons
from .pickers import AssigneeChooser

NOTE_LABELS = {"派单": "派单说明", "接单": "接单备注", "完成": "办理结果", "评价": "评价意见"}
NOTE_HINTS = {"派单": "可不填，如 请周六上午上门", "接单": "可不填", "完成": "可不填，如 已打扫干净",
              "评价": "可不填"}


def _qdate(iso: str) -> QDate:
    return QDate.fromString(iso, "yyyy-MM-dd")


class StepDialog(QDialog):
    """Runs the step through db.orders when 确定 is pressed; a refused date or choice is shown
    in the dialog, which stays open."""

    ACTIONS = ("派单", "接单", "完成", "评价")

    def __init__(self, ledger: Ledger, order_id: int, action: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.order_id, self.action = ledger, order_id, action
        order = orders.get_order(ledger, order_id)
        self.setWindowTitle(f"{action}：{order['title']}")
        who = f"，点单人{order['requester_name']}" if order["requester_name"] else ""
        header = QLabel(f"“{order['title']}”（{order['kind']}{who}，{order['requested_date']}点单，"
                        f"当前{order['state']}）")
        header.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        self.chooser: AssigneeChooser | None = None
        self.rating: QComboBox | None = None
        if action == "派单":
            self.chooser = AssigneeChooser(ledger, units_too=True, details=True)
            self.chooser.picker.list.setMinimumHeight(260)
            cell = self.chooser.picker.focus_node(order["node_id"])
            if cell:
                where = QLabel(f"候选党员按需求所在网格“{cell}”列出；选“全部网格”可看所有党员")
                where.setObjectName("hint")
                where.setWordWrap(True)
                layout.addWidget(where)
            layout.addWidget(self.chooser, 1)
        form = QFormLayout()
        if action == "评价":
            self.rating = QComboBox()
            self.rating.addItems(list(orders.RATINGS))
            form.addRow(f"“{order['requester_name'] or '群众'}”的评价：", self.rating)
        today = QDate.currentDate()
        earliest = orders.earliest_date(order, action)
        self.date = QDateEdit(today)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        low = _qdate(earliest) if earliest else QDate(2000, 1, 1)
        self.date.setDateRange(min(low, today), today)
        self.date.setMaximumWidth(150)
        label = orders.STEP_DATES[action][1]
        form.addRow(f"{label}：", self.date)
        rule = f"默认今天，可改为实际{action}的日期" + (
            f"；不早于{earliest}（{orders.STEP_DATES[action][3]}），不晚于今天" if earliest
            else "，不晚于今天")
        if action == "完成":
            rule += "。按完成日期所在的月份计入统计"
        hint = QLabel(rule)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.note = QLineEdit()
        self.note.setPlaceholderText(NOTE_HINTS[action])
        form.addRow(f"{NOTE_LABELS[action]}：", self.note)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.run, self.reject, action))
        if self.chooser is not None:
            self.chooser.chosen.connect(self.run)
            self.resize(620, 640)
        else:
            self.setMinimumWidth(460)

    def day(self) -> str:
        return self.date.date().toString("yyyy-MM-dd")

    def run(self) -> bool:
        note = self.note.text().strip()
        try:
            if self.action == "派单":
                assert self.chooser is not None
                choice = self.chooser.choice()
                if choice is None:
                    self.error.setText("请先在列表中选中一名党员或一个报到单位")
                    return False
                kind, chosen = choice
                orders.dispatch(self.ledger, self.order_id, date=self.day(), note=note,
                                **{f"{kind}_id": chosen})
            elif self.action == "接单":
                orders.accept(self.ledger, self.order_id, self.day(), note)
            elif self.action == "完成":
                orders.complete(self.ledger, self.order_id, self.day(), note)
            else:
                assert self.rating is not None
                orders.rate(self.ledger, self.order_id, self.rating.currentText(), note,
                            date=self.day())
        except LedgerError as error:
            self.error.setText(str(error))
            return False
        self.accept()
        return True
