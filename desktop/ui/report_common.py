"""Shared pieces of the 积分, 评价 and 报表 pages: a table model over a list of rows, period and
grid choosers, the save-file prompt, the in-app PDF preview and the tabbed page body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import grid
from db.ledger import Ledger

from .forms import large_list

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    align: str = "l"  # l or r
    editable: bool = False
    fmt: Callable[[Any], str] | None = None


def number(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class RowsModel(QAbstractTableModel):
    """A read-mostly model over a list of dicts (kept by reference: edits land in the rows)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []
        self.edited: set[int] = set()

    def set_rows(self, rows: list[dict[str, Any]],
                 columns: Sequence[Column] | None = None) -> None:
        self.beginResetModel()
        if columns is not None:
            self.columns = list(columns)
        self.rows = rows
        self.edited = set()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        col = self.columns[index.column()]
        value = self.rows[index.row()].get(col.key)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole:
                return "" if value is None else value
            return col.fmt(value) if col.fmt else number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if col.align == "r" else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 12:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        col = self.columns[index.column()]
        if not col.editable:
            return False
        row = self.rows[index.row()]
        if row.get(col.key) == value:
            return False
        row[col.key] = value
        self.edited.add(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def refresh_rows(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))

    def row(self, index: Index) -> dict[str, Any] | None:
        return self.rows[index.row()] if index.isValid() else None


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down editor for a column whose value is one of a few choices."""

    def __init__(self, choices: Callable[[], Sequence[str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        box = QComboBox(parent)
        box.addItem("（未评）", "")
        for choice in self.choices():
            box.addItem(choice, choice)
        box.activated.connect(lambda _i, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(0, position))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def table_view(model: RowsModel, parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.verticalHeader().setDefaultSectionSize(26)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def period_combo(choices: Sequence[str], current: str | None = None) -> QComboBox:
    """An editable period box: the usual choices, or type 2026Q3 / 2026-05 / 2026H1 / 2026."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(choices))
    if current:
        box.setCurrentText(current)
    box.setMinimumContentsLength(9)
    return box


RUNNING = "（进行中）"


def period_of(box: QComboBox) -> str:
    """The period code typed or chosen in a period box, without its （进行中） mark."""
    return box.currentText().replace(RUNNING, "").strip()


def mark_running(box: QComboBox, today: dt.date | None = None) -> None:
    """Mark the periods that have not ended yet: their figures are still growing."""
    from db.periods import parse_period

    day = (today or dt.date.today()).isoformat()
    for i in range(box.count()):
        code = box.itemText(i).replace(RUNNING, "").strip()
        box.setItemText(i, code + (RUNNING if parse_period(code).end >= day else ""))
    box.setMinimumContentsLength(14)  # 2026Q4（进行中） whole, not clipped at the front


def last_finished_quarter(today: dt.date | None = None) -> str:
    """The newest quarter that has ended: on 2026-12-02, 2026Q3 (2026Q4 has just begun)."""
    return quarters(today, count=2)[1]


def months(today: dt.date | None = None, count: int = 12) -> list[str]:
    today = today or dt.date.today()
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def quarters(today: dt.date | None = None, count: int = 6) -> list[str]:
    today = today or dt.date.today()
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(f"{y}Q{q}")
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    return out


def half_years(today: dt.date | None = None, count: int = 4) -> list[str]:
    today = today or dt.date.today()
    y, h = today.year, 1 if today.month <= 6 else 2
    out = []
    for _ in range(count):
        out.append(f"{y}H{h}")
        y, h = (y - 1, 2) if h == 1 else (y, 1)
    return out


def grid_combo(ledger: Ledger, levels: tuple[int, ...] = (2, 3, 4, 5),
               everything: str | None = "全部网格") -> QComboBox:
    box = QComboBox()
    large_list(box, 14)
    fill_grid_combo(box, ledger, levels, everything)
    return box


def fill_grid_combo(box: QComboBox, ledger: Ledger, levels: tuple[int, ...],
                    everything: str | None) -> None:
    current = box.currentData()
    box.clear()
    if everything:
        box.addItem(everything, None)
    for label, node_id in grid.choices(ledger, levels):
        box.addItem(label, node_id)
    position = box.findData(current)
    box.setCurrentIndex(max(0, position))


def ask_save(parent: QWidget, settings: QSettings, title: str, name: str,
             pattern: str) -> Path | None:
    """A save-as prompt that starts in the folder used last time."""
    folder = str(settings.value("reports/folder", str(Path.home())))
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / name), pattern)
    if not path:
        return None
    settings.setValue("reports/folder", str(Path(path).parent))
    return Path(path)


PREVIEWS: list[QWidget] = []  # open previews (tests look here; also keeps them alive)


def show_pdf(parent: QWidget, path: Path, warnings: list[str], count: int, title: str,
             what: str = "份", notes: Sequence[str] = ()) -> QWidget:
    """The generated PDF in the app's preview (print, save as, open externally)."""
    from desktop.cards import FontSet, PrintResult

    from .card_dialogs import PreviewDialog

    fonts = FontSet.discover()
    result = PrintResult(Path(path), count, 0, fonts.primary_label, fonts.embedded,
                         list(warnings), list(notes))
    dialog = PreviewDialog(parent, result, title)
    pages = dialog.document.pageCount()
    font = f"字体：{result.font}" + ("（已嵌入）" if result.embedded else "（未嵌入）")
    dialog.summary.setText(f"共 {count} {what}，{pages} 页　{font}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    PREVIEWS.append(dialog)
    dialog.destroyed.connect(lambda *_a, d=dialog: PREVIEWS.remove(d) if d in PREVIEWS else None)
    dialog.open()
    return dialog


class LazyTabs:
    """Tabs of a page built when first shown or first asked for, so a page opens with only its
    front tab built: a city's 报表 built three tabs' drop-downs of 3,769 grid cells (and their
    tables) before it could show one. A tab's widget replaces its placeholder in place."""

    def __init__(self, tabs: QTabWidget):
        self.tabs = tabs
        self.waiting: dict[str, tuple[QWidget, str, Callable[[], QWidget]]] = {}
        self.made: dict[str, QWidget] = {}
        tabs.currentChanged.connect(self._shown)

    def add(self, key: str, title: str, factory: Callable[[], QWidget]) -> None:
        placeholder = QWidget()
        self.tabs.addTab(placeholder, title)
        self.waiting[key] = (placeholder, title, factory)

    def is_built(self, key: str) -> bool:
        return key in self.made

    def get(self, key: str) -> QWidget:
        if key not in self.made:
            placeholder, title, factory = self.waiting.pop(key)
            widget = factory()
            index = self.tabs.indexOf(placeholder)
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)  # the same tab stays in front: nothing to announce
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, title)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self.made[key] = widget
        return self.made[key]

    def _shown(self, index: int) -> None:
        shown = self.tabs.widget(index)
        for key, (placeholder, _title, _factory) in list(self.waiting.items()):
            if placeholder is shown:
                self.get(key)


def tabbed_page(page: QWidget, tabs: Sequence[tuple[QWidget, str]]) -> tuple[QTabWidget, QLabel]:
    """The body of a page made of tabs (积分, 报表) with a status line under them."""
    widget = QTabWidget()
    for tab, title in tabs:
        widget.addTab(tab, title)
    status = QLabel()
    status.setObjectName("hint")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(12, 8, 12, 8)
    layout.addWidget(widget, 1)
    layout.addWidget(status)
    return widget, status
