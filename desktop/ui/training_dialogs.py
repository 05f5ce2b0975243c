"""培训与表彰 of one member: the tab in 党员详情 that lists them, with 添加/修改/删除 for each
(db.training does the checking; a removal is a tombstone that travels in the exchange file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import training
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import (
    EditDialog,
    choice_field,
    confirm,
    date_field,
    number_field,
    show_error,
    text_field,
)


class TrainingDialog(EditDialog):
    def __init__(self, ledger: Ledger, member_id: int, training_id: int | None = None,
                 parent: QWidget | None = None):
        self.ledger, self.member_id, self.training_id = ledger, member_id, training_id
        super().__init__("修改培训记录" if training_id else "添加培训记录", [
            date_field("date", "培训日期"), text_field("title", "培训名称"),
            text_field("issuer", "主办单位", "如 桃城区委组织部"),
            number_field("hours", "学时", 0, training.MAX_HOURS, decimals=1, step=0.5),
            text_field("note", "备注")], parent)
        if training_id:
            self.form.set_values(training.get_training(ledger, training_id))
        else:
            self.form.set_values({"date": dt.date.today().isoformat()})

    def save(self, values: dict[str, Any]) -> int | None:
        if self.training_id:
            training.update_training(self.ledger, self.training_id, **values)
            return self.training_id
        return training.add_training(self.ledger, self.member_id, **values)


class AwardDialog(EditDialog):
    def __init__(self, ledger: Ledger, member_id: int, award_id: int | None = None,
                 parent: QWidget | None = None):
        self.ledger, self.member_id, self.award_id = ledger, member_id, award_id
        super().__init__("修改表彰奖励" if award_id else "添加表彰奖励", [
            date_field("date", "表彰日期"), text_field("title", "荣誉名称", "如 优秀共产党员"),
            choice_field("level", "表彰级别", training.LEVELS, blank=True),
            text_field("issuer", "授予单位", "如 中共桃城区委"), text_field("note", "备注")], parent)
        if award_id:
            self.form.set_values(training.get_award(ledger, award_id))
        else:
            self.form.set_values({"date": dt.date.today().isoformat()})

    def save(self, values: dict[str, Any]) -> int | None:
        if self.award_id:
            training.update_award(self.ledger, self.award_id, **values)
            return self.award_id
        return training.add_award(self.ledger, self.member_id, **values)


class _Section(QWidget):
    """One list (培训 or 表彰) with its three buttons."""

    changed = Signal()

    def __init__(self, title: str, headers: tuple[str, ...], noun: str,
                 rows: Callable[[], list[dict[str, Any]]],
                 cells: Callable[[dict[str, Any]], tuple[Any, ...]],
                 dialog: Callable[[int | None], EditDialog], remove: Callable[[int], None]):
        super().__init__()
        self.noun, self.rows_of, self.cells, self.dialog, self.remove_one = (
            noun, rows, cells, dialog, remove)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.title = title
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading)
        buttons.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in ((f"添加{noun}…", self.add), ("修改…", self.edit), ("删除", self.delete)):
            button = self.buttons[text] = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.ids: list[int] = []
        self.reload()

    def reload(self) -> None:
        rows = self.rows_of()
        self.ids = [r["id"] for r in rows]
        self.heading.setText(f"<b>{self.title}（{len(rows)}）</b>")
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(self.cells(row)):
                text = f"{value:g}" if isinstance(value, float) else str(value or "")
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)

    def selected(self) -> int | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.ids):
            show_error(self, self.title, f"请先选中一条{self.noun}记录")
            return None
        return self.ids[row]

    def add(self) -> None:
        if self.dialog(None).exec():
            self.reload()
            self.changed.emit()

    def edit(self) -> None:
        row_id = self.selected()
        if row_id is not None and self.dialog(row_id).exec():
            self.reload()
            self.changed.emit()

    def delete(self) -> None:
        row_id = self.selected()
        if row_id is None or not confirm(self, f"删除{self.noun}", f"确定删除选中的{self.noun}记录？"):
            return
        try:
            self.remove_one(row_id)
        except LedgerError as error:
            show_error(self, f"删除{self.noun}", error)
            return
        self.reload()
        self.changed.emit()


class TrainingTab(QWidget):
    """培训与表彰 in 党员详情; `changed` tells the detail page to refresh its tab title."""

    changed = Signal()

    def __init__(self, ledger: Ledger, member_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.member_id = ledger, member_id
        self.trainings = _Section(
            "培训", ("培训日期", "培训名称", "主办单位", "学时", "备注"), "培训",
            lambda: training.member_trainings(ledger, member_id),
            lambda r: (r["date"], r["title"], r["issuer"], r["hours"], r["note"]),
            lambda row_id: TrainingDialog(ledger, member_id, row_id, self),
            lambda row_id: training.delete_training(ledger, row_id))
        self.awards = _Section(
            "表彰奖励", ("表彰日期", "荣誉名称", "级别", "授予单位", "备注"), "表彰",
            lambda: training.member_awards(ledger, member_id),
            lambda r: (r["date"], r["title"], r["level"], r["issuer"], r["note"]),
            lambda row_id: AwardDialog(ledger, member_id, row_id, self),
            lambda row_id: training.delete_award(ledger, row_id))
        note = QLabel("培训和表彰奖励印在基本信息卡上；出具志愿服务记录证明时可选择一并列出。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.trainings, 1)
        layout.addWidget(self.awards, 1)
        layout.addWidget(note)
        for section in (self.trainings, self.awards):
            section.changed.connect(self.changed)

    def title(self) -> str:
        return f"培训与表彰（培训{len(self.trainings.ids)}，表彰{len(self.awards.ids)}）"
