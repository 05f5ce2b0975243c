"""After a unit reports: members who already wrote its name as their work unit (free text) are
offered for linking, listed with a count, linked only when the secretary confirms."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import grid, members, units
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import dialog_buttons, show_error


class LinkMembersDialog(QDialog):
    """The loose members, each ticked; 关联 links the ticked ones."""

    def __init__(self, ledger: Ledger, unit_id: int, rows: list[dict[str, Any]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        unit = units.get_unit(ledger, unit_id)
        self.setWindowTitle(f"关联党员：{unit['name']}")
        self.intro = QLabel(f"有{len(rows)}名党员的工作单位写作“{unit['name']}”（或不带“党委”等字样），"
                            "但还没有关联到这个报到单位。关联后，他们计入本单位的报到党员、"
                            "反馈卡寄往本单位。请核对，取消勾选不属于本单位的人：")
        self.intro.setWordWrap(True)
        self.table = QTableWidget(len(rows), 4)
        self.table.setHorizontalHeaderLabels(["姓名", "填写的工作单位", "居住网格", "状态"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            name = QTableWidgetItem(row["name"])
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Checked)
            name.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.table.setItem(r, 0, name)
            place = grid.path_text(ledger, row["residence_node_id"], skip_levels=2) + row["room"]
            for c, text in enumerate((row["work_unit_name"], place, row["status"]), start=1):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(2, 200)
        self.table.itemChanged.connect(lambda _i: self.update_count())
        self.count = QLabel()
        self.buttons = dialog_buttons(self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.resize(700, 460)
        self.update_count()

    def checked_ids(self) -> list[int]:
        items = [self.table.item(r, 0) for r in range(self.table.rowCount())]
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item is not None and item.checkState() == Qt.CheckState.Checked]

    def update_count(self) -> None:
        n = len(self.checked_ids())
        self.count.setText(f"共{self.table.rowCount()}人，已勾选{n}人")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"关联这{n}名党员")
        ok.setEnabled(n > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("暂不关联")


def offer_link(parent: QWidget, ledger: Ledger, unit_id: int) -> int:
    """Ask about the unit's loose members, if any; returns how many were linked."""
    rows = members.loose_for_unit(ledger, unit_id)
    if not rows:
        return 0
    dialog = LinkMembersDialog(ledger, unit_id, rows, parent)
    if not dialog.exec():
        return 0
    try:
        return members.link_to_unit(ledger, unit_id, dialog.checked_ids())
    except LedgerError as error:
        show_error(parent, "关联党员", error)
        return 0
