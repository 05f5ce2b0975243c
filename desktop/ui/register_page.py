"""A register page: search box, filters, a paged table, and the common actions
(新增 / 编辑 / 删除 / 导出当前列表). Pages for each record kind fill in the specifics."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db import views
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import confirm, show_error
from .models import ViewModel
from .page_protocol import host_of
from .worker import run_ledger_job


class RegisterPage(QWidget):
    changed = Signal()  # the ledger was written: counts elsewhere may be stale
    view: views.View
    search_hint = "搜索"
    new_label = "新增"
    grid_filter = True

    def __init__(self, ledger: Ledger, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.settings = settings
        self.model = ViewModel(ledger, self.view, self)
        self.node_name = ""

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.search_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search.textChanged.connect(self.apply_search)

        # A grid node chosen on the 网格 page filters every register: say so on each page, with
        # the count it hides, and clear it in one click (7 of 366 looked like lost data).
        self.grid_bar = QFrame()
        self.grid_bar.setObjectName("filterBar")
        self.grid_bar.setStyleSheet("QFrame#filterBar { background: #fff4d6; border: 1px solid "
                                    "#f0c36d; border-radius: 4px; }")
        self.grid_chip = QLabel()
        self.grid_chip.setObjectName("chip")
        self.grid_note = QLabel()
        self.grid_clear = QPushButton("清除网格筛选")
        self.grid_clear.setToolTip("显示全部网格的记录（所有列表一起取消）")
        self.grid_clear.clicked.connect(self.clear_node)
        bar = QHBoxLayout(self.grid_bar)
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.grid_chip)
        bar.addWidget(self.grid_note)
        bar.addWidget(self.grid_clear)
        bar.addStretch(1)
        self.grid_bar.hide()

        self.count_label = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        self.filter_row = top
        self.add_filters()
        for key, label, slot in self.page_actions():
            button = QPushButton(label)
            button.clicked.connect(slot)
            self.buttons[key] = button
            top.addWidget(button)
        export = QPushButton("导出当前列表")
        export.setToolTip("把当前列出的行和列保存为Excel文件")
        export.clicked.connect(lambda: self.export_current())
        self.buttons["export"] = export
        top.addWidget(export)
        steps = self.step_actions()
        second = QHBoxLayout()
        if steps:
            second.addWidget(QLabel("办理："))
            for key, label, slot in steps:
                button = QPushButton(label)
                button.clicked.connect(slot)
                self.buttons[key] = button
                second.addWidget(button)
            second.addStretch(1)

        self.table = QTableView()
        self.table.setModel(self.model)
        # No sort indicator at first: the view's own default order (names by pinyin, newest
        # dates first) applies until the user clicks a header.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_record(self.model.row_id(index.row())))
        self.table.selectionModel().selectionChanged.connect(self.update_buttons)
        for index, column in enumerate(self.view.columns):
            self.table.setColumnWidth(index, column.width)
        state = self.settings.value(f"columns/{self.view.name}")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        if steps:
            layout.addLayout(second)
        layout.addWidget(self.grid_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.refresh()

    # -- to override ---------------------------------------------------------------------------
    def page_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return [("new", self.new_label, self.new_record), ("edit", "编辑", self.edit_selected),
                ("delete", "删除", self.delete_selected)]

    def step_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Workflow buttons shown on a second row (orders)."""
        return []

    def add_filters(self) -> None:
        pass

    def new_record(self) -> None:
        pass

    def open_record(self, record_id: int | None) -> None:
        pass

    def delete_record(self, record_id: int) -> None:
        raise NotImplementedError

    def describe(self, row: dict[str, Any]) -> str:
        return str(row.get("name") or row.get("title") or row["id"])

    # -- shared behaviour ----------------------------------------------------------------------
    def add_filter(self, key: str, label: str, choices: list[tuple[str, Any]],
                   default: Any = None) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(label)
        for text, value in choices:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(default), 0))
        self.model.query.filters[key] = combo.currentData()
        combo.currentIndexChanged.connect(lambda _i: self.set_filter(key, combo.currentData()))
        self.filter_row.addWidget(combo)
        return combo

    def add_period_filter(self) -> QComboBox:
        """全部时间 / 本月 / 上季度 / 本年 … on the view's from/to filters."""
        from db.periods import recent_periods

        combo = QComboBox()
        combo.setToolTip("期间")
        combo.addItem("全部时间", None)
        for label, period in recent_periods():
            combo.addItem(f"{label}（{period.label}）", (period.start, period.end))

        def chosen(_index: int) -> None:
            span = combo.currentData()
            self.model.query.filters["from"] = span[0] if span else None
            self.model.query.filters["to"] = span[1] if span else None
            self.refresh()

        combo.currentIndexChanged.connect(chosen)
        self.filter_row.addWidget(combo)
        return combo

    def set_filter(self, key: str, value: Any) -> None:
        self.model.query.filters[key] = value
        self.refresh()

    def apply_search(self, text: str) -> None:
        self.model.query.text = text
        self.refresh()

    def set_node(self, node_id: int | None, name: str) -> None:
        """Filter to a grid subtree (from the grid page)."""
        if not self.grid_filter or not self.view.node_column:
            return
        self.model.query.node_id = node_id
        self.node_name = name
        self.grid_chip.setText(f"网格：{name}")
        self.grid_bar.setVisible(node_id is not None)
        self.refresh()

    def clear_node(self) -> None:
        """Clear the grid filter on every register (the main window keeps it for them all)."""
        host = host_of(self)
        if host is not None:
            host.filter_by_node(None, "")
        else:
            self.set_node(None, "")

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.model.query.node_id = None
        self.grid_bar.hide()
        self.model.set_ledger(ledger)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected_ids()
        self.model.refresh()
        shown = self.model.rowCount()
        if self.model.query.node_id is not None:
            unfiltered = copy.copy(self.model.query)
            unfiltered.node_id = None
            total = views.count(self.ledger, self.view, unfiltered)
            self.grid_note.setText(f"显示 {shown} / {total} 条，已按网格筛选")
            self.count_label.setText(f"共 {shown} / {total} 条，已按网格筛选（{self.node_name}）")
        else:
            self.count_label.setText(f"共 {shown} 条")
        if selected:
            self.select_id(selected[0])
        self.update_buttons()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [rid for rid in (self.model.row_id(r) for r in rows) if rid is not None]

    def select_id(self, record_id: int) -> None:
        row = self.model.row_of(record_id) if self.model.rowCount() <= 5000 else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def update_buttons(self, *_args: Any) -> None:
        count = len(self.table.selectionModel().selectedRows())
        for key in ("edit", "delete"):
            if key in self.buttons:
                self.buttons[key].setEnabled(count == 1 if key == "edit" else count >= 1)

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_record(ids[0])

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = [self.model.row_dict(r.row()) for r in self.table.selectionModel().selectedRows()]
        names = "、".join(self.describe(r) for r in rows[:5]) + (" 等" if len(rows) > 5 else "")
        if not confirm(self, "确认删除", f"确定删除{self.view.title}：{names}？\n"
                                          "删除的记录会随交换文件同步给其他单位。"):
            return
        failures = []
        for record_id in ids:
            try:
                self.delete_record(record_id)
            except LedgerError as error:
                failures.append(str(error))
        self.refresh()
        self.changed.emit()
        if failures:
            show_error(self, "未能删除", "\n".join(failures))

    def export_current(self, path: str | None = None) -> None:
        if path is None:
            default = str(Path.home() / f"{self.view.title}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, "导出当前列表", default,
                                                  "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        view, mask = self.view, self.model.mask
        query = copy.deepcopy(self.model.query)

        def work(ledger: Ledger, progress: Any, cancelled: Any) -> int | None:
            from db import audit
            from desktop.sync.xlsx_write import write_table

            result = views.export_rows(ledger, view, query, mask, progress, cancelled)
            if result is None:
                return None
            progress("正在写入Excel文件…", 0.85)
            count = write_table(path, view.title, *result)
            audit.record(ledger, "导出", f"{view.title}列表{count}行（{Path(path).name}）",
                         "号码已打码" if mask else "含完整号码")
            return count

        def done(count: int | None) -> None:
            host = host_of(self)
            if count is not None and host is not None:
                host.show_status(f"已导出 {count} 行到 {path}")

        def failed(error: BaseException, _trace: str) -> None:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            show_error(self, "导出失败", f"无法导出到“{path}”：{reason}")

        self.export_job = run_ledger_job(self, "导出当前列表", self.ledger, work, done, failed)

    def save_state(self) -> None:
        self.settings.setValue(f"columns/{self.view.name}",
                               self.table.horizontalHeader().saveState())
