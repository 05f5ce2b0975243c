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

from db import candidates, grid, members, units
from db.ledger import Ledger

from .forms import dialog_buttons, large_list

LIMIT = 500


class MemberPicker(QWidget):
    """Search or pick a grid node; tick members. `checked()` keeps ticks across searches.
    With details, each member shows their 特长 and claimed posts on a second line (派单)."""

    selection_changed = Signal()

    def __init__(self, ledger: Ledger, multi: bool = True, parent: QWidget | None = None,
                 details: bool = False):
        super().__init__(parent)
        self.ledger, self.multi, self.details = ledger, multi, details
        self.ticked: dict[int, str] = {}
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、拼音首字母、身份证号后几位或手机号")
        self.search.setClearButtonEnabled(True)
        self.node = QComboBox()
        large_list(self.node, 12)
        self.node.addItem("全部网格", None)
        for label, node_id in grid.choices(ledger, (3, 4, 5)):
            self.node.addItem(label, node_id)
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        if details:
            self.list.setSpacing(2)  # two-line entries stay apart
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
        held = candidates.member_posts(self.ledger, [m["id"] for m in found]) \
            if self.details else {}
        for m in found:
            text = m["name"] + (f"　{m['work_unit_name']}" if m["work_unit_name"] else "")
            if self.details:
                text += (f"\n　特长：{m['specialties'] or '—'}"
                         f"　岗位：{'、'.join(held[m['id']]) or '—'}")
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

    def focus_node(self, node_id: int | None) -> str | None:
        """List the members of `node_id`'s grid cell, or of the nearest cell above it that has
        members (a 派单 for a 单元 with no member living there widens to its 楼院). Returns the
        cell's label, or None when the list stays on 全部网格."""
        while node_id is not None:
            index = self.node.findData(node_id)
            if index > 0 and members.list_members(self.ledger, node_id=node_id, limit=1):
                self.node.setCurrentIndex(index)
                return self.node.itemText(index)
            node_id = self.ledger.scalar(
                "SELECT parent_id FROM grid_nodes WHERE id = ?", [node_id])
        return None

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


class AssigneeChooser(QWidget):
    """One member, or (with units_too) one member or one unit. With details (派单), members
    show their 特长 and posts, units their 资源清单."""

    chosen = Signal()  # a double click: the choice is made

    def __init__(self, ledger: Ledger, units_too: bool = False, details: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItem("党员", "member")
        if units_too:
            self.kind.addItem("报到单位", "unit")
        self.picker = MemberPicker(ledger, multi=False, details=details)
        self.unit_list = QListWidget()
        found = units.list_units(ledger) if units_too else []
        resources = candidates.unit_resources(ledger, [u["id"] for u in found]) if details else {}
        for u in found:
            text = u["name"]
            if details:
                text += f"\n　资源：{'、'.join(resources[u['id']]) or '—'}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, u["id"])
            self.unit_list.addItem(item)
        self.unit_list.hide()
        self.kind.currentIndexChanged.connect(self.switch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if units_too:
            layout.addWidget(self.kind)
        layout.addWidget(self.picker)
        layout.addWidget(self.unit_list)
        self.picker.list.itemDoubleClicked.connect(lambda _i: self.chosen.emit())
        self.unit_list.itemDoubleClicked.connect(lambda _i: self.chosen.emit())

    def switch(self) -> None:
        unit = self.kind.currentData() == "unit"
        self.picker.setVisible(not unit)
        self.unit_list.setVisible(unit)

    def choice(self) -> tuple[str, int] | None:
        if self.kind.currentData() == "unit":
            item = self.unit_list.currentItem()
            return ("unit", item.data(Qt.ItemDataRole.UserRole)) if item else None
        member_id = self.picker.current()
        return ("member", member_id) if member_id else None


class PickDialog(QDialog):
    """Pick one member, or (with units=True) one member or one unit."""

    def __init__(self, ledger: Ledger, title: str, units_too: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.chooser = AssigneeChooser(ledger, units_too)
        self.kind, self.picker, self.unit_list = (self.chooser.kind, self.chooser.picker,
                                                  self.chooser.unit_list)
        buttons = dialog_buttons(self.accept_choice, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        self.hint = QLabel()
        self.hint.setObjectName("formError")
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.chooser.chosen.connect(self.accept_choice)
        self.choice: tuple[str, int] | None = None
        self.resize(480, 460)

    def accept_choice(self) -> None:
        chosen = self.chooser.choice()
        if chosen is None:
            self.hint.setText("请先在列表中选中一项")
            return
        self.choice = chosen
        self.accept()
