"""Choosing members (one or many) and units: a search box, an optional grid filter, a list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import grid, members, units
from db.ledger import Ledger

from .forms import dialog_buttons

LIMIT = 500


class MemberPicker(QWidget):
    """Search or pick a grid node; tick members. `checked()` keeps ticks across searches."""

    selection_changed = Signal()

    def __init__(self, ledger: Ledger, multi: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.multi = ledger, multi
        self.ticked: dict[int, str] = {}
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、拼音首字母、身份证号后几位或手机号")
        self.search.setClearButtonEnabled(True)
        self.node = QComboBox()
        self.node.addItem("全部网格", None)
        for label, node_id in grid.choices(ledger, (3, 4, 5)):
            self.node.addItem(label, node_id)
        self.node.setMinimumContentsLength(12)
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        self.info = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.search, 2)
        row.addWidget(self.node, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        if multi:
            buttons = QHBoxLayout()
            all_button = QPushButton("全选列出的")
            none_button = QPushButton("全不选")
            all_button.clicked.connect(lambda: self.tick_all(True))
            none_button.clicked.connect(lambda: self.tick_all(False))
            buttons.addWidget(all_button)
            buttons.addWidget(none_button)
            buttons.addStretch(1)
            buttons.addWidget(self.info)
            layout.addLayout(buttons)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self.reload)
        self.node.currentIndexChanged.connect(self.reload)
        self.list.itemChanged.connect(self.item_changed)
        self.reload()

    def reload(self) -> None:
        found = members.list_members(self.ledger, self.search.text(), self.node.currentData(),
                                     limit=LIMIT)
        self.list.blockSignals(True)
        self.list.clear()
        for m in found:
            text = f"{m['name']}　{m['work_unit_name'] or ''}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, m["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, m["name"])
            if self.multi:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if m["id"] in self.ticked
                                   else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        more = "（只列出前500人，请缩小范围）" if len(found) == LIMIT else ""
        self.info.setText(f"已选 {len(self.ticked)} 人{more}")

    def item_changed(self, item: QListWidgetItem) -> None:
        member_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.ticked[member_id] = item.data(Qt.ItemDataRole.UserRole + 1)
        else:
            self.ticked.pop(member_id, None)
        self.info.setText(f"已选 {len(self.ticked)} 人")
        self.selection_changed.emit()

    def tick_all(self, on: bool) -> None:
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Checked if on
                                              else Qt.CheckState.Unchecked)

    def checked(self) -> dict[int, str]:
        return dict(self.ticked)

    def current(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class PickDialog(QDialog):
    """Pick one member, or (with units=True) one member or one unit."""

    def __init__(self, ledger: Ledger, title: str, units_too: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.kind = QComboBox()
        self.kind.addItem("党员", "member")
        if units_too:
            self.kind.addItem("报到单位", "unit")
        self.picker = MemberPicker(ledger, multi=False)
        self.unit_list = QListWidget()
        for u in units.list_units(ledger):
            item = QListWidgetItem(u["name"])
            item.setData(Qt.ItemDataRole.UserRole, u["id"])
            self.unit_list.addItem(item)
        self.unit_list.hide()
        self.kind.currentIndexChanged.connect(self.switch)
        buttons = dialog_buttons(self.accept_choice, self.reject)
        layout = QVBoxLayout(self)
        if units_too:
            layout.addWidget(self.kind)
        layout.addWidget(self.picker)
        layout.addWidget(self.unit_list)
        self.hint = QLabel()
        self.hint.setObjectName("formError")
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.picker.list.itemDoubleClicked.connect(lambda _i: self.accept_choice())
        self.unit_list.itemDoubleClicked.connect(lambda _i: self.accept_choice())
        self.choice: tuple[str, int] | None = None
        self.resize(480, 460)

    def switch(self) -> None:
        unit = self.kind.currentData() == "unit"
        self.picker.setVisible(not unit)
        self.unit_list.setVisible(unit)

    def accept_choice(self) -> None:
        if self.kind.currentData() == "unit":
            item = self.unit_list.currentItem()
            chosen = ("unit", item.data(Qt.ItemDataRole.UserRole)) if item else None
        else:
            member_id = self.picker.current()
            chosen = ("member", member_id) if member_id else None
        if chosen is None:
            self.hint.setText("请先在列表中选中一项")
            return
        self.choice = chosen
        self.accept()
