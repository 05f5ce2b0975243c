"""What the exchange and roster dialogs share: file filters, table cells, and the list of
rejected rows with 保存错误清单."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.sync.errors_book import write_errors
from desktop.sync.exchange import Issue

EXCEL_FILTER = "Excel 工作簿 (*.xlsx)"
ROSTER_FILTER = "表格文件 (*.xlsx *.xls *.ods);;所有文件 (*)"
DIFF_BRUSH = QBrush(QColor("#FFF2CC"))
SYNC_HEADERS = {"UUID", "版本", "更新时间", "修改单位", "创建时间", "已删除"}


def _item(text: Any, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item



class IssuesWidget(QWidget):
    """Rejected rows with sheet, row, column and reason, and 保存错误清单."""

    def __init__(self, issues: list[Issue], parent: QWidget | None = None):
        super().__init__(parent)
        self.issues = issues
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(len(issues), 4)
        self.table.setHorizontalHeaderLabels(["工作表", "行号", "列", "原因"])
        for row, issue in enumerate(issues):
            self.table.setItem(row, 0, _item(issue.sheet))
            self.table.setItem(row, 1, _item(issue.row or "", True))
            self.table.setItem(row, 2, _item(issue.column))
            self.table.setItem(row, 3, _item(issue.reason))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        save = QPushButton("保存错误清单…")
        save.setEnabled(bool(issues))
        save.clicked.connect(self.save)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(f"共 {len(issues)} 条，可保存为Excel发回报送单位修改"))
        bar.addStretch(1)
        bar.addWidget(save)
        layout.addLayout(bar)

    def save(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "保存错误清单", "错误清单.xlsx", EXCEL_FILTER)
        if not path:
            return None
        write_errors(path, self.issues)
        QMessageBox.information(self, "保存错误清单", f"已保存到\n{path}")
        return Path(path)
