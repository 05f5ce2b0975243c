"""网格: the five-level tree with leaders and member counts; add, edit, move (drag and drop or
a dialog) and delete. Selecting a node filters the member and unit registers to its subtree."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db import grid
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import FieldForm, confirm, memo_field, show_error, text_field
from .grid_model import GridModel


class GridPage(QWidget):
    node_selected = Signal(object, str)  # node id (or None) and its name
    changed = Signal()

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.model = GridModel(ledger, self)
        self.model.move_failed.connect(lambda text: show_error(self, "不能移动", text))
        self.model.moved.connect(self.after_move)
        self.model.edit_failed.connect(lambda text: show_error(self, "不能修改", text))
        self.model.dataChanged.connect(self.edited)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setColumnWidth(0, 220)
        self.tree.setColumnWidth(1, 90)
        self.tree.setColumnWidth(2, 90)
        self.tree.setColumnWidth(3, 120)
        self.tree.selectionModel().currentChanged.connect(self.show_node)
        self.tree.expandToDepth(1)

        self.title = QLabel("请选择左侧的网格")
        self.title.setObjectName("detailHeader")
        self.form = FieldForm([
            text_field("name", "网格名称"),
            text_field("leader_name", "负责人"),
            text_field("leader_phone", "联系电话"),
            text_field("branch_name", "临时党支部"),
            memo_field("note", "备注", 60),
        ])
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        save = QPushButton("保存修改")
        save.clicked.connect(self.save)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加下级…")
        self.add_button.clicked.connect(self.add_child)
        move = QPushButton("移动到…")
        move.clicked.connect(self.move_dialog)
        self.batch_button = QPushButton("批量添加…")
        self.batch_button.setToolTip("一次添加多个下级，如1–12号楼、每栋1–4单元")
        self.batch_button.clicked.connect(self.add_batch)
        delete = QPushButton("删除")
        delete.clicked.connect(self.delete)
        for button in (self.add_button, self.batch_button, move, delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(save)
        paste = QPushButton("从Excel粘贴网格…")
        paste.setToolTip("粘贴从Excel复制的“级别、名称、上级、负责人、电话”几列（Ctrl+V）")
        paste.clicked.connect(lambda: self.paste_rows())
        shortcut = QShortcut(QKeySequence.StandardKey.Paste, self.tree)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda: self.paste_rows(QApplication.clipboard().text()))
        top = QHBoxLayout()
        top.addWidget(paste)
        top.addStretch(1)
        hint = QLabel("提示：双击网格的名称、负责人或电话可直接修改；可用鼠标把楼院或单元拖到新的"
                      "上级网格下；选中网格后，“在职党员”和“报到单位”只列出该网格的记录。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(top)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.form)
        right_layout.addWidget(self.error)
        right_layout.addLayout(buttons)
        right_layout.addStretch(1)
        right_layout.addWidget(hint)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.splitter)
        self.current: int | None = None
        self.node_buttons = (self.add_button, self.batch_button, move, delete, save)
        self.enable(False)

    def enable(self, on: bool) -> None:
        self.form.setEnabled(on)
        for button in self.node_buttons:
            button.setEnabled(on)

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.model.ledger = ledger
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        keep = select or self.current
        self.model.reload()
        self.tree.expandToDepth(1)
        if keep and keep in self.model.nodes:
            self.select(keep)
        else:
            self.current = None
            self.enable(False)

    def select(self, node_id: int) -> None:
        index = self.model.index_of(node_id)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    def show_node(self, index: QModelIndex) -> None:
        node_id = self.model.node_id(index)
        self.current = node_id
        self.error.clear()
        self.form.clear_errors()
        if node_id is None:
            self.enable(False)
            self.node_selected.emit(None, "")
            return
        node = self.model.nodes[node_id]
        self.enable(True)
        self.form.set_values(node)
        self.form.fields["branch_name"].widget.setEnabled(node["level"] == 3)
        self.add_button.setEnabled(node["level"] < 5)
        self.batch_button.setEnabled(node["level"] < 5)
        path = grid.path_names(self.ledger, node_id)
        self.title.setText(f"<b>{node['name']}</b>（{grid.LEVEL_NAMES[node['level']]}）"
                           f"　{' / '.join(path[:-1])}")
        self.node_selected.emit(node_id, node["name"])

    def save(self) -> None:
        if self.current is None:
            return
        try:
            grid.update_node(self.ledger, self.current, **self.form.values())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.error.clear()
        self.refresh()
        self.changed.emit()

    def add_child(self) -> None:
        if self.current is None:
            return
        level = self.model.nodes[self.current]["level"] + 1
        name, ok = QInputDialog.getText(self, "添加下级网格",
                                        f"新{grid.LEVEL_NAMES.get(level, '网格')}的名称：")
        if not ok:
            return
        try:
            node_id = grid.add_node(self.ledger, self.current, name)
        except LedgerError as error:
            show_error(self, "添加下级网格", error)
            return
        self.refresh(select=node_id)
        self.changed.emit()

    def edited(self, top_left: QModelIndex, *_args: Any) -> None:
        node_id = self.model.node_id(top_left)
        if node_id is not None and node_id == self.current:
            self.form.set_values(self.model.nodes[node_id])
        self.changed.emit()

    def add_batch(self) -> QDialog | None:
        if self.current is None:
            return None
        from .grid_batch import BatchDialog

        dialog = BatchDialog(self, self.ledger, self.current)
        dialog.accepted.connect(lambda: self.after_batch(dialog.created))
        dialog.open()
        return dialog

    def paste_rows(self, text: str = "") -> QDialog:
        from .grid_batch import PasteDialog

        dialog = PasteDialog(self, self.ledger, text)
        dialog.accepted.connect(lambda: self.after_batch(dialog.created))
        dialog.open()
        return dialog

    def after_batch(self, created: list[int]) -> None:
        self.refresh(select=self.current or (created[0] if created else None))
        for node_id in created[:200]:
            index = self.model.index_of(node_id)
            if index.isValid():
                self.tree.expand(index.parent())
        self.changed.emit()

    def move_dialog(self) -> None:
        if self.current is None:
            return
        node = self.model.nodes[self.current]
        targets = [(label, nid) for label, nid in grid.choices(self.ledger, (node["level"] - 1,))
                   if nid != node["parent_id"]]
        if not targets:
            show_error(self, "移动网格", "没有可移入的上级网格")
            return
        label, ok = QInputDialog.getItem(self, "移动网格", f"把“{node['name']}”移到：",
                                         [t[0] for t in targets], 0, False)
        if not ok:
            return
        target = dict(targets)[label]
        try:
            grid.move_node(self.ledger, self.current, target)
        except LedgerError as error:
            show_error(self, "不能移动", error)
            return
        self.after_move(self.current)

    def after_move(self, node_id: int) -> None:
        self.refresh(select=node_id)
        self.changed.emit()

    def delete(self) -> None:
        if self.current is None:
            return
        node = self.model.nodes[self.current]
        if not confirm(self, "删除网格", f"确定删除“{node['name']}”？"):
            return
        try:
            grid.delete_node(self.ledger, self.current)
        except LedgerError as error:
            show_error(self, "不能删除", error)
            return
        self.current = None
        self.refresh()
        self.changed.emit()
