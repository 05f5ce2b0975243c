"""Conflicts and possible duplicates of an import, side by side: a choice per row or for all."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.sync.exchange import Conflict
from desktop.ui.sync_common import DIFF_BRUSH, SYNC_HEADERS, _item


class ConflictsWidget(QWidget):
    """Conflicts (or possible duplicates) listed on the left, the chosen one side by side on
    the right with differing fields highlighted; a choice per row, or all at once."""

    def __init__(self, conflicts: list[Conflict], duplicates: bool = False,
                 parent: QWidget | None = None, offices: dict[str, str] | None = None):
        super().__init__(parent)
        self.conflicts = conflicts
        self.offices = offices or {}
        self.choices: dict[str, str] = {
            c.uuid: ("mine" if duplicates else c.suggested) for c in conflicts}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QTableWidget(len(conflicts), 3)
        self.list.setHorizontalHeaderLabels(["工作表", "记录", "保留"])
        self.list.verticalHeader().setVisible(False)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, c in enumerate(conflicts):
            self.list.setItem(row, 0, _item(c.title))
            self.list.setItem(row, 1, _item(c.name))
            self.list.setItem(row, 2, _item(""))
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.verticalHeader().setDefaultSectionSize(24)
        self.list.currentCellChanged.connect(lambda row, *_: self.show_conflict(row))
        splitter.addWidget(self.list)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        self.note.setWordWrap(True)
        side.addWidget(self.note)
        self.detail = QTableWidget(0, 3)
        self.detail.setHorizontalHeaderLabels(["项目", "本台账", "对方文件"])
        self.detail.verticalHeader().setVisible(False)
        self.detail.verticalHeader().setDefaultSectionSize(24)
        self.detail.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.detail.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        side.addWidget(self.detail)
        pick = QHBoxLayout()
        self.mine = QPushButton("保留本台账的" if not duplicates else "保留本台账的记录")
        self.theirs = QPushButton("采用对方的" if not duplicates else "保留导入的记录（本台账的转出）")
        self.mine.clicked.connect(lambda: self.choose_selected("mine"))
        self.theirs.clicked.connect(lambda: self.choose_selected("theirs"))
        pick.addWidget(self.mine)
        pick.addWidget(self.theirs)
        side.addLayout(pick)
        splitter.addWidget(right)
        splitter.setSizes([300, 500])
        layout.addWidget(splitter)
        every = QHBoxLayout()
        all_mine = QPushButton("全部保留本台账的")
        all_theirs = QPushButton("全部采用对方的")
        all_mine.clicked.connect(lambda: self.choose_all("mine"))
        all_theirs.clicked.connect(lambda: self.choose_all("theirs"))
        every.addStretch(1)
        every.addWidget(all_mine)
        every.addWidget(all_theirs)
        layout.addLayout(every)
        for row in range(len(conflicts)):
            self._label(row)
        if conflicts:
            self.list.selectRow(0)
            self.show_conflict(0)

    def _label(self, row: int) -> None:
        choice = self.choices[self.conflicts[row].uuid]
        item = self.list.item(row, 2)
        if item is not None:
            item.setText("本台账" if choice == "mine" else "对方")

    def show_conflict(self, row: int) -> None:
        if not 0 <= row < len(self.conflicts):
            return
        c = self.conflicts[row]
        suggested = "本台账" if c.suggested == "mine" else "对方"
        self.note.setText(f"{c.title}“{c.name}”：{c.note}。建议保留{suggested}的版本。")
        self.detail.setRowCount(len(c.headers))
        fields = [(h, self._shown(h, c.mine[i] if i < len(c.mine) else ""),
                   self._shown(h, c.theirs[i] if i < len(c.theirs) else ""))
                  for i, h in enumerate(c.headers)]
        # differing content first, highlighted; sync columns and the rest below for context
        fields.sort(key=lambda f: (f[1] == f[2], f[0] in SYNC_HEADERS))
        for index, (header, mine, theirs) in enumerate(fields):
            cells = (_item(header), _item(mine), _item(theirs))
            for column, cell in enumerate(cells):
                if mine != theirs:
                    cell.setBackground(DIFF_BRUSH)
                self.detail.setItem(index, column, cell)

    def _shown(self, header: str, value: str) -> str:
        if header == "修改单位":
            return self.offices.get(value, value[:8] + "…" if len(value) > 8 else value)
        if header in ("更新时间", "创建时间") and value.endswith("Z"):
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return value

    def choose_selected(self, side: str) -> None:
        rows = {i.row() for i in self.list.selectionModel().selectedRows()} or \
            {self.list.currentRow()}
        for row in rows:
            if 0 <= row < len(self.conflicts):
                self.choices[self.conflicts[row].uuid] = side
                self._label(row)

    def choose_all(self, side: str) -> None:
        for row, c in enumerate(self.conflicts):
            self.choices[c.uuid] = side
            self._label(row)
