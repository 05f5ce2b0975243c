"""Building the grid fast: 批量添加 (a numbered range under the selected node, optionally each
with a range of children, leaders typed straight into the preview) and 从Excel粘贴 (rows of
级别/名称/上级/负责人/电话 copied from a spreadsheet, checked row by row before anything is
written). Both create everything in one transaction (db.gridbatch)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import grid, gridbatch
from db.errors import LedgerError
from db.ledger import Ledger

NEW_BRUSH = QBrush(QColor("#E2F0D9"))
KEPT_BRUSH = QBrush(QColor("#F2F2F2"))
BAD_COLOR = QColor("#C00000")
DEFAULTS = {3: ("", 1, 3, "小区"), 4: ("", 1, 12, "号楼"), 5: ("", 1, 4, "单元")}


def _item(text: Any, editable: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class RangeEditor(QWidget):
    """前缀 + 从 n 到 m + 后缀, e.g. 1号楼 … 12号楼."""

    def __init__(self, level: int, parent: QWidget | None = None):
        super().__init__(parent)
        prefix, start, end, suffix = DEFAULTS.get(level, ("", 1, 1, ""))
        self.prefix = QLineEdit(prefix)
        self.prefix.setPlaceholderText("（可空）")
        self.start = QSpinBox()
        self.end = QSpinBox()
        for box, value in ((self.start, start), (self.end, end)):
            box.setRange(0, 999)
            box.setValue(value)
        self.suffix = QLineEdit(suffix)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("名称前缀"), self.prefix, QLabel("序号从"), self.start, QLabel("到"),
                       self.end, QLabel("后缀"), self.suffix):
            layout.addWidget(widget)
        layout.addStretch(1)
        for edit in (self.prefix, self.suffix):
            edit.setFixedWidth(90)
        for box in (self.start, self.end):
            box.setFixedWidth(70)

    def names(self) -> list[str]:
        return gridbatch.numbered(self.prefix.text(), self.start.value(), self.end.value(),
                                  self.suffix.text())

    def on_change(self, slot: Any) -> None:
        for edit in (self.prefix, self.suffix):
            edit.textChanged.connect(slot)
        for box in (self.start, self.end):
            box.valueChanged.connect(slot)


class PlanTable(QTableWidget):
    """The plan as a table: what is new (green, leaders editable), what is already there."""

    HEADERS = ("行号", "级别", "网格", "处理", "负责人", "电话")

    def __init__(self, with_rows: bool, parent: QWidget | None = None):
        super().__init__(0, len(self.HEADERS), parent)
        self.with_rows = with_rows
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        self.setColumnHidden(0, not with_rows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((4, 120), (5, 140)):  # room to type a leader in
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        self.plan: gridbatch.GridPlan | None = None

    def show_plan(self, plan: gridbatch.GridPlan) -> None:
        self.plan = plan
        self.setRowCount(len(plan.items))
        for row, index in enumerate(range(len(plan.items))):
            item = plan.items[index]
            new = item.existing_id is None
            cells = (_item(item.row or ""), _item(grid.LEVEL_NAMES[item.level]),
                     _item(item.path), _item(item.action),
                     _item(item.leader_name or item.changes.get("leader_name", ""), new),
                     _item(item.leader_phone or item.changes.get("leader_phone", ""), new))
            for column, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, index)
                cell.setBackground(NEW_BRUSH if new else KEPT_BRUSH)
                self.setItem(row, column, cell)

    def take_leaders(self) -> None:
        """Leaders typed into the new rows go into the plan."""
        if self.plan is None:
            return
        for row in range(self.rowCount()):
            cells = [self.item(row, column) for column in (0, 4, 5)]
            if any(cell is None for cell in cells):
                continue
            first, name, phone = cells
            assert first is not None and name is not None and phone is not None
            item = self.plan.items[first.data(Qt.ItemDataRole.UserRole)]
            if item.existing_id is None:
                item.leader_name = name.text().strip()
                item.leader_phone = phone.text().strip()


class BatchDialog(QDialog):
    """批量添加 under one node: a range (or a list) of names, optionally each with children."""

    def __init__(self, parent: QWidget | None, ledger: Ledger, parent_id: int):
        super().__init__(parent)
        self.ledger = ledger
        self.parent_id = parent_id
        node = grid.get_node(ledger, parent_id)
        self.level = node["level"] + 1
        kind = grid.LEVEL_NAMES[self.level]
        self.setWindowTitle(f"批量添加{kind} — {node['name']}")
        layout = QVBoxLayout(self)
        names = QGroupBox(f"在“{node['name']}”下添加的{kind}")
        grid_layout = QGridLayout(names)
        self.by_number = QRadioButton("按序号")
        self.by_list = QRadioButton("逐个填写名称（每行一个，或用顿号分隔）")
        modes = QButtonGroup(self)
        modes.addButton(self.by_number)
        modes.addButton(self.by_list)
        self.range = RangeEditor(self.level)
        self.list = QPlainTextEdit()
        self.list.setPlaceholderText("例如：\n杨树小区\n丽景小区\n和平小区")
        self.list.setFixedHeight(70)
        grid_layout.addWidget(self.by_number, 0, 0)
        grid_layout.addWidget(self.range, 0, 1)
        grid_layout.addWidget(self.by_list, 1, 0, 1, 2)
        grid_layout.addWidget(self.list, 2, 0, 1, 2)
        layout.addWidget(names)
        self.with_children = QCheckBox()
        self.child_range = RangeEditor(self.level + 1)
        if self.level < 5:
            self.with_children.setText(f"每个{kind}再添加{grid.LEVEL_NAMES[self.level + 1]}：")
            box = QHBoxLayout()
            box.addWidget(self.with_children)
            box.addWidget(self.child_range, 1)
            layout.addLayout(box)
        else:
            self.with_children.hide()
            self.child_range.hide()
        self.with_children.setChecked(self.level == 4)
        (self.by_list if self.level == 3 else self.by_number).setChecked(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = PlanTable(with_rows=False)
        layout.addWidget(self.table, 1)
        hint = QLabel("绿色为将新建的网格，可直接在表中填写负责人和电话；灰色为已有网格，不会重复创建。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("创建", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create_nodes)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.created: list[int] = []
        for mode in (self.by_number, self.by_list, self.with_children):
            mode.toggled.connect(self.refresh)
        self.range.on_change(self.refresh)
        self.child_range.on_change(self.refresh)
        self.list.textChanged.connect(self.refresh)
        self.refresh()
        self.resize(820, 600)

    def names(self) -> list[str]:
        if self.by_number.isChecked():
            return self.range.names()
        return gridbatch.split_names(self.list.toPlainText())

    def refresh(self) -> None:
        self.range.setEnabled(self.by_number.isChecked())
        self.list.setEnabled(self.by_list.isChecked())
        self.child_range.setEnabled(self.with_children.isChecked())
        self.error.clear()
        try:
            children = self.child_range.names() if self.with_children.isChecked() else None
            plan = gridbatch.batch_plan(self.ledger, self.parent_id, self.names(), children)
        except LedgerError as error:
            self.summary.setText(str(error))
            self.table.show_plan(gridbatch.GridPlan())
            self.ok.setEnabled(False)
            return
        self.summary.setText(plan.summary() + "。")
        self.table.show_plan(plan)
        self.ok.setEnabled(plan.writes > 0)

    def create_nodes(self) -> None:
        plan = self.table.plan
        if plan is None or not plan.writes:
            return
        self.table.take_leaders()
        try:
            self.created = gridbatch.create(self.ledger, plan)
        except LedgerError as error:
            self.error.setText(f"没有创建任何网格：{error}")
            return
        self.accept()


class PasteDialog(QDialog):
    """Rows copied from Excel: checked before anything is written, every reason per row."""

    def __init__(self, parent: QWidget | None, ledger: Ledger, text: str = ""):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("从Excel粘贴网格")
        layout = QVBoxLayout(self)
        hint = QLabel("在Excel或WPS中选中“级别、名称、上级、负责人、电话”几列（可连同表头）复制，"
                      "再点“从剪贴板粘贴”。级别填小区、楼院或单元；上级留空时，小区属于本社区，"
                      "楼院、单元属于它上面最近的一行小区或楼院；上级重名时写成“杨树小区/3号楼”。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        paste = QPushButton("从剪贴板粘贴")
        paste.clicked.connect(self.paste)
        check = QPushButton("检查")
        check.clicked.connect(self.check)
        row.addWidget(paste)
        row.addWidget(check)
        row.addStretch(1)
        layout.addLayout(row)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("级别\t名称\t上级\t负责人\t电话\n小区\t杨树小区\t\t周强\t13800138000")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.summary = QLabel("粘贴后点“检查”，先看将要新建的网格和有问题的行，确认后才写入。")
        self.summary.setWordWrap(True)
        self.table = PlanTable(with_rows=True)
        self.issues = QTableWidget(0, 3)
        self.issues.setHorizontalHeaderLabels(["行号", "列", "原因"])
        self.issues.verticalHeader().setVisible(False)
        self.issues.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.issues.horizontalHeader().setStretchLastSection(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.text)
        split.addWidget(self.table)
        split.addWidget(self.issues)
        split.setSizes([140, 260, 120])
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create_nodes)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok.setEnabled(False)
        self.plan: gridbatch.GridPlan | None = None
        self.created: list[int] = []
        self.text.textChanged.connect(lambda: self.ok.setEnabled(False))
        if text:
            self.text.setPlainText(text)
            self.check()
        self.resize(900, 640)

    def paste(self) -> None:
        self.text.setPlainText(QApplication.clipboard().text())
        self.check()

    def check(self) -> None:
        self.error.clear()
        plan = gridbatch.plan_rows(self.ledger, gridbatch.parse_text(self.text.toPlainText()))
        self.plan = plan
        self.table.show_plan(plan)
        self.issues.setRowCount(len(plan.issues))
        for row, issue in enumerate(plan.issues):
            for column, value in enumerate((issue.row, issue.column, issue.reason)):
                cell = _item(value)
                cell.setForeground(BAD_COLOR)
                self.issues.setItem(row, column, cell)
        self.summary.setText(f"共{plan.rows}行：{plan.summary()}。")
        self.ok.setEnabled(plan.writes > 0)

    def create_nodes(self) -> None:
        if self.plan is None or not self.plan.writes:
            return
        self.table.take_leaders()
        try:
            self.created = gridbatch.create(self.ledger, self.plan)
        except LedgerError as error:
            self.error.setText(f"没有导入任何网格：{error}")
            return
        self.accept()
