"""The 网格 tree as a Qt model: five levels with leaders and member counts, edited in place,
moved by drag and drop (the node's id travels as MIME)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from db import grid
from db.errors import LedgerError
from db.ledger import Ledger

MIME = "application/x-baodao-grid-node"
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("网格名称", "层级", "负责人", "联系电话", "党员数")


EDITABLE_COLUMNS = {0: "name", 2: "leader_name", 3: "leader_phone"}


class GridModel(QAbstractItemModel):
    """The grid tree, loaded whole (a city has ~4,000 nodes); rows are node ids. Names and
    leaders are edited in place (double-click or F2), as in a spreadsheet."""

    move_failed = Signal(str)
    moved = Signal(int)
    edit_failed = Signal(str)

    def __init__(self, ledger: Ledger, parent: Any = None):
        super().__init__(parent)
        self.ledger = ledger
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        nodes = grid.list_nodes(self.ledger)
        self.nodes = {n["id"]: n for n in nodes}
        self.kids: dict[int | None, list[int]] = {}
        for n in sorted(nodes, key=lambda n: (n["sort_order"], n["id"])):
            parent = n["parent_id"] if n["parent_id"] in self.nodes else None
            self.kids.setdefault(parent, []).append(n["id"])
        self.counts = grid.subtree_member_counts(self.ledger)
        self.endResetModel()

    def node_id(self, index: Index) -> int | None:
        return index.internalId() if index.isValid() else None  # type: ignore[return-value]

    def index_of(self, node_id: int) -> QModelIndex:
        node = self.nodes.get(node_id)
        if node is None:
            return QModelIndex()
        parent = node["parent_id"] if node["parent_id"] in self.nodes else None
        return self.createIndex(self.kids[parent].index(node_id), 0, node_id)

    # -- tree structure ------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        parent_id = self.node_id(parent)
        children = self.kids.get(parent_id, [])
        if not (0 <= row < len(children)) or not (0 <= column < len(COLUMNS)):
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node_id = self.node_id(index)
        if node_id is None:
            return QModelIndex()
        parent_id = self.nodes[node_id]["parent_id"]
        if parent_id not in self.nodes:
            return QModelIndex()
        return self.index_of(parent_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.kids.get(self.node_id(parent), []))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node_id = self.node_id(index)
        if node_id is None:
            return None
        node = self.nodes[node_id]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (node["name"], grid.LEVEL_NAMES[node["level"]], node["leader_name"],
                    node["leader_phone"], str(self.counts.get(node_id, 0)))[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return node_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    # -- drag and drop -------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        node_id = self.node_id(index)
        if node_id is None:
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags = base | Qt.ItemFlag.ItemIsDropEnabled
        if index.column() in EDITABLE_COLUMNS and self.nodes[node_id]["level"] >= 3:
            flags |= Qt.ItemFlag.ItemIsEditable
        if self.nodes[node_id]["level"] >= 3:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node_id = self.node_id(index)
        key = EDITABLE_COLUMNS.get(index.column())
        if node_id is None or key is None or role != Qt.ItemDataRole.EditRole:
            return False
        if str(value or "").strip() == (self.nodes[node_id][key] or ""):
            return False
        try:
            grid.update_node(self.ledger, node_id, **{key: value})
        except LedgerError as error:
            self.edit_failed.emit(str(error))
            return False
        self.nodes[node_id] = grid.get_node(self.ledger, node_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        ids = sorted({self.node_id(i) or 0 for i in indexes if i.isValid()})
        data.setData(MIME, ",".join(str(i) for i in ids).encode())
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        if not data.hasFormat(MIME) or self.node_id(parent) is None:
            return False
        target = self.node_id(parent)
        for text in bytes(data.data(MIME).data()).decode().split(","):
            try:
                grid.move_node(self.ledger, int(text), target)  # type: ignore[arg-type]
            except LedgerError as error:
                self.move_failed.emit(str(error))
                return False
            self.reload()
            self.moved.emit(int(text))
        # The move is done in the ledger and the tree reloaded: tell the view not to remove rows.
        return False
