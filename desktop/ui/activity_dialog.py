"""Recording an activity (e.g. a 集中服务日) for many members at once: one entry that feeds
every card, count and ranking."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import activities, grid
from db.errors import ValidationError
from db.ledger import Ledger
from db.pinyin import name_keys

from .dialogs import unit_items
from .forms import (
    EditDialog,
    check_field,
    choice_field,
    date_field,
    lookup_field,
    memo_field,
    text_field,
)
from .pickers import MemberPicker


class ActivityDialog(EditDialog):
    def __init__(self, ledger: Ledger, activity_id: int | None = None,
                 parent: QWidget | None = None, verifier: str = ""):
        self.ledger, self.activity_id = ledger, activity_id
        fields = [
            date_field("date", "活动日期"),
            text_field("start_time", "开始时间", "如 09:00"),
            text_field("end_time", "结束时间", "如 11:30"),
            choice_field("kind", "活动类型", activities.KINDS),
            text_field("title", "活动名称", "如 义诊进社区"),
            memo_field("content", "服务内容", 50),
            lookup_field("node_id", "活动网格", grid.choices(ledger, (2, 3, 4, 5))),
            text_field("place", "地点"),
            text_field("leader", "活动负责人"),
            text_field("recorder", "记录人"),
            lookup_field("unit_id", "组织单位", unit_items(ledger), "（社区组织）"),
            check_field("verified", "社区审核", "已审核（计入纪实卡和积分）"),
            text_field("verifier", "审核人"),
            date_field("verified_date", "审核日期"),
        ]
        for key in ("start_time", "end_time"):
            next(f for f in fields if f.key == key).widget.setMaximumWidth(230)
        self.picker = MemberPicker(ledger)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.hours.setSuffix(" 小时")
        apply_all = QPushButton("应用到全部")
        apply_all.clicked.connect(self.apply_hours)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["参与党员", "时长（小时）"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.summary = QLabel()
        box = QGroupBox("参与党员（勾选后可逐人修改时长）")
        row = QHBoxLayout()
        row.addWidget(QLabel("每人时长："))
        row.addWidget(self.hours)
        row.addWidget(apply_all)
        row.addStretch(1)
        # 签到表: printed before the activity, entered after it (the activity must be saved).
        self.print_sheet = QPushButton("打印签到表…")
        self.enter_sheet = QPushButton("按签到表录入…")
        for button, slot in ((self.print_sheet, self.open_print_sheet),
                             (self.enter_sheet, self.open_enter_sheet)):
            button.clicked.connect(slot)
            button.setEnabled(activity_id is not None)
            if activity_id is None:
                button.setToolTip("请先保存活动")
            row.addWidget(button)
        row.addWidget(self.summary)
        inner = QHBoxLayout()
        inner.addWidget(self.picker, 3)
        inner.addWidget(self.table, 2)
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(row)
        box_layout.addLayout(inner)
        # Two columns of fields leave the picker room on a 1366×768 screen.
        super().__init__("编辑活动纪实" if activity_id else "登记活动", fields, parent, box,
                         columns=2)
        self.picker.selection_changed.connect(self.sync_table)
        self.hour_of: dict[int, float] = {}
        if activity_id:
            record = activities.get_activity(ledger, activity_id)
            self.form.set_values(record)
            for p in activities.participants(ledger, activity_id):
                if p["member_id"]:
                    self.picker.ticked[p["member_id"]] = p["member_name"]
                    self.hour_of[p["member_id"]] = p["hours"]
            self.picker.reload()
        else:
            self.form.set_values({"date": dt.date.today().isoformat(), "kind": "集中服务日",
                                  "verifier": verifier})
        self.sync_table()
        self.snapshot_people = self.people()
        self.resize(980, 640)

    def open_print_sheet(self) -> None:
        from .signin_dialogs import SigninPrintDialog

        assert self.activity_id is not None
        SigninPrintDialog(self.ledger, self.activity_id, self.picker.checked(), self).exec()

    def open_enter_sheet(self) -> None:
        from .signin_dialogs import SigninEntryDialog

        assert self.activity_id is not None
        if SigninEntryDialog(self.ledger, self.activity_id, self).exec():
            self.reload_people()

    def reload_people(self) -> None:
        """After 按签到表录入 (written at once): the participants as the ledger now has them."""
        self.picker.ticked.clear()
        self.hour_of.clear()
        for p in activities.participants(self.ledger, self.activity_id or 0):
            if p["member_id"]:
                self.picker.ticked[p["member_id"]] = p["member_name"]
                self.hour_of[p["member_id"]] = p["hours"]
        self.picker.reload()
        self.table.setRowCount(0)
        self.sync_table()
        self.snapshot_people = self.people()

    def sync_table(self) -> None:
        ticked = self.picker.checked()
        self.read_table()
        self.table.setRowCount(0)
        # Pinyin order, as the registers list names (members.name_pinyin comes from name_keys).
        for member_id, name in sorted(ticked.items(), key=lambda kv: (name_keys(kv[1])[1], kv[0])):
            row = self.table.rowCount()
            self.table.insertRow(row)
            name_item = QTableWidgetItem(name)
            name_item.setFlags(name_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name_item.setData(Qt.ItemDataRole.UserRole, member_id)
            self.table.setItem(row, 0, name_item)
            hours = self.hour_of.get(member_id, self.hours.value())
            self.table.setItem(row, 1, QTableWidgetItem(f"{hours:g}"))
        self.update_summary()

    def read_table(self) -> None:
        for row in range(self.table.rowCount()):
            member_id = self._cell(row, 0).data(Qt.ItemDataRole.UserRole)
            with contextlib.suppress(ValueError):
                self.hour_of[member_id] = float(self._cell(row, 1).text())

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # sync_table fills every cell
        return item

    def apply_hours(self) -> None:
        for member_id in self.picker.checked():
            self.hour_of[member_id] = self.hours.value()
        self.sync_table()

    def update_summary(self) -> None:
        self.summary.setText(f"共 {self.table.rowCount()} 人")

    def people(self) -> list[tuple[int, str]]:
        return [(self._cell(r, 0).data(Qt.ItemDataRole.UserRole), self._cell(r, 1).text())
                for r in range(self.table.rowCount())]

    def save(self, values: dict[str, Any]) -> int | None:
        people = []
        for row, (member_id, hours) in enumerate(self.people(), start=1):
            try:
                people.append((member_id, float(hours)))
            except ValueError:
                raise ValidationError("hours", "服务时长",
                                      f"第{row}行“{hours}”不是数字") from None
        if self.activity_id:
            activities.update_activity(self.ledger, self.activity_id, members=people, **values)
            return self.activity_id
        return activities.record_activity(self.ledger, members=people, **values)

    def reject(self) -> None:
        if self.people() != self.snapshot_people:
            self.form.snapshot = {}  # make the form count as changed
        super().reject()
