"""审计日志: the sealed log of who did what, its chain checked, exportable to Excel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from .forms import list_dialog
from .page_protocol import HostWindow


class AuditDialog(QDialog):
    """审计日志: newest first; exportable; the chain is checked when it opens."""

    def __init__(self, window: HostWindow):
        from db import audit

        super().__init__(window)
        self.setWindowTitle("审计日志")
        rows = audit.entries(window.ledger, limit=5000)
        self.rows = rows
        problems = audit.verify(window.ledger)
        status = QLabel("日志完整，未发现改动。" if not problems else
                        "警告：" + "；".join(problems[:3]))
        status.setObjectName("hint" if not problems else "formError")
        self.table = QTableWidget(len(rows), 5)
        self.table.setHorizontalHeaderLabels(["时间", "用户", "操作", "对象", "结果"])
        for r, row in enumerate(rows):
            for c, key in enumerate(("at", "user", "action", "target", "result")):
                value = str(row[key])
                self.table.setItem(r, c, QTableWidgetItem(local_time(value)
                                                          if key == "at" else value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        list_dialog(self, status, self.table, [("导出…", self.export)], (760, 480))

    def export(self, path: str | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog

        from desktop.sync.xlsx_write import write_table

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "导出审计日志",
                                                  str(Path.home() / "审计日志.xlsx"),
                                                  "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        write_table(path, "审计日志", ["时间", "时间（UTC）", "用户", "操作", "对象", "结果"],
                    [[local_time(str(r["at"])), r["at"], r["user"], r["action"], r["target"],
                      r["result"]]
                     for r in self.rows])


def local_time(utc: str) -> str:
    """An audit time (UTC, ISO) as the office clock shows it: 2026-11-22 09:30:05."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(utc.replace("Z", "+00:00"))
    except ValueError:
        return utc
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
