"""Table models over the ledger's list views: rows are fetched a page at a time from SQLite, so
a 44,000-member register costs a count and one page, never a copy of every row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from db import views
from db.access import is_secretary
from db.ledger import Ledger

PAGE = 256
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.UserRole, Qt.ItemDataRole.TextAlignmentRole,
                    Qt.ItemDataRole.BackgroundRole})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Index = QModelIndex | QPersistentModelIndex
OVERDUE = QBrush(QColor("#fde2e1"))
PENDING = QBrush(QColor("#fff4d6"))


class ViewModel(QAbstractTableModel):
    """A register (members, units, posts, orders, activities) as a sortable, filterable table."""

    def __init__(self, ledger: Ledger, view: views.View, parent: Any = None):
        super().__init__(parent)
        self.ledger = ledger
        self.view = view
        self.query = views.Query()
        self.mask = True  # 身份证号 and phones masked unless the user asks
        self._count = 0
        self._pages: dict[int, list[tuple[Any, ...]]] = {}
        self.styler: Callable[[dict[str, Any]], QBrush | None] | None = None
        self.refresh()

    # -- data access ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._order: list[int] | None = None  # a column sort's ids, taken at the first page
        self._count = views.count(self.ledger, self.view, self.query)
        self.endResetModel()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.refresh()

    def _row(self, row: int) -> tuple[Any, ...]:
        page = row // PAGE
        if page not in self._pages and self.query.sort:
            # sorted by a column the user clicked: no index holds that order, so take it once
            if self._order is None:
                self._order = views.ordered_ids(self.ledger, self.view, self.query, self.mask)
            self._pages[page] = views.rows_of(self.ledger, self.view,
                                              self._order[page * PAGE:(page + 1) * PAGE])
        elif page not in self._pages:
            self._pages[page] = views.rows(self.ledger, self.view, self.query, page * PAGE, PAGE,
                                           self.mask, total=self._count)
        rows = self._pages[page]
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else (None,) * (len(self.view.columns) + 1)

    def row_id(self, row: int) -> int | None:
        return self._row(row)[0] if 0 <= row < self._count else None

    def row_dict(self, row: int) -> dict[str, Any]:
        values = self._row(row)
        return {"id": values[0], **{c.key: v for c, v in zip(self.view.columns, values[1:],
                                                             strict=True)}}

    def row_of(self, row_id: int) -> int | None:
        """The visible row of a record (searching loaded pages, then the rest page by page)."""
        for row in range(self._count):
            if self._row(row)[0] == row_id:
                return row
        return None

    def display(self, column: views.Column, value: Any) -> str:
        return views.format_cell(column, value, self.mask)

    # -- Qt model interface --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.view.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for many roles per cell on every paint: answer the unused ones first.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < self._count:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.styler(self.row_dict(row)) if self.styler is not None else None
        column = self.view.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind == "number" else None
        values = self._row(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(column, values[index.column() + 1])
        if role == Qt.ItemDataRole.UserRole:
            return values[0]
        if column.kind in ("id", "phone"):  # ToolTipRole: never a full number in a tooltip
            return None
        return self.display(column, values[index.column() + 1]) or None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.view.columns):
                # a 网格员's IDs stay masked (db.access) even with full phones shown
                masked = self.mask or not is_secretary(self.ledger)
                return views.title(self.view.columns[section], masked)
            return None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.view.columns):
            return
        self.query.sort = self.view.columns[column].key
        self.query.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()


def overdue_styler(today: str | None = None) -> Callable[[dict[str, Any]], QBrush | None]:
    """Orders past their due date and still open get a red background."""
    day = today or dt.date.today().isoformat()

    def style(row: dict[str, Any]) -> QBrush | None:
        if row.get("state") in ("待派单", "已派单", "已接单") and row.get("due_date") and \
                row["due_date"] < day:
            return OVERDUE
        return None

    return style


def pending_styler(row: dict[str, Any]) -> QBrush | None:
    return PENDING if row.get("verified") == "待审核" else None


# A ledger with more members than this loads its 积分/评价/报表 figures on a worker thread
# (a city ledger takes 0.5–1 s per figure set); a small one loads at once, in line.
BACKGROUND_FROM = 5000


def is_large(ledger: Ledger) -> bool:
    if ledger.path == ":memory:":
        return False  # another thread cannot open an in-memory ledger
    count = ledger.query("SELECT count(*) AS n FROM members")[0]["n"]
    return bool(count > BACKGROUND_FROM)


def load(owner: Any, title: str, compute: Callable[[Ledger], Any],
         show: Callable[[Any], None]) -> Any:
    """compute(ledger) → show(result), off the GUI thread when the ledger is large: the page
    stays responsive while a 44,000-member ranking is counted. compute gets a Ledger of its
    own there (one sqlite connection per thread). A newer load by the same owner and title
    supersedes an older one still running; a LedgerError is shown under the title, as before.
    Returns the job when one was started."""
    from db.errors import LedgerError

    from .forms import show_error

    ledger = owner.page.ledger if hasattr(owner, "page") else owner.ledger
    loads = owner.__dict__.setdefault("_loads", {})
    generation = loads[title] = loads.get(title, 0) + 1
    if not is_large(ledger):
        try:
            result = compute(ledger)
        except LedgerError as error:
            show_error(owner, title, error)
            return None
        show(result)
        return None
    from .worker import run_ledger_job

    def done(result: Any) -> None:
        if loads.get(title) == generation:
            show(result)

    def failed(error: BaseException, _trace: str) -> None:
        if loads.get(title) == generation:
            from desktop.faults import message

            show_error(owner, title, error if isinstance(error, LedgerError) else message(error))

    job = run_ledger_job(owner, title, ledger, lambda own, _p, _c: compute(own), done, failed)
    job.dialog.setMinimumDuration(4000)  # only a long count shows a (cancellable) dialog
    owner.__dict__.setdefault("_jobs", {})[title] = job
    return job
