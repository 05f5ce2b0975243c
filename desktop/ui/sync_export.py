"""导出到U盘: the exchange file for another office (or a part of the grid), to a removable
drive or a chosen place, counted and written in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import merge, settings
from db.ledger import Ledger
from desktop.sync.drives import removable_drives
from desktop.ui.sync_common import EXCEL_FILTER
from desktop.ui.worker import Cancelled, Progress, run_ledger_job, worker_ledger


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, ledger_path: str | Path):
        super().__init__(parent)
        self.setWindowTitle("导出到U盘")
        self.ledger_path = str(ledger_path)
        with worker_ledger(self.ledger_path) as ledger:  # the dialog's own short-lived connection
            ident = settings.identity(ledger)
            self.nodes = ledger.query("SELECT id, level, name FROM grid_nodes WHERE deleted = 0 "
                                      "AND level <= 3 ORDER BY level, sort_order, id")
            self.peers = merge.peers(ledger)
        stamp = dt.date.today().strftime("%Y%m%d")
        office = ident["office_name"] or "报到台账"
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("选择U盘（插入U盘后点“刷新”）："))
        self.drives = QListWidget()
        self.drives.setMinimumHeight(90)
        layout.addWidget(self.drives)
        form = QFormLayout()
        self.name = QLineEdit(f"报到台账-{office}-{stamp}.xlsx")
        form.addRow("文件名：", self.name)
        self.scope = QComboBox()
        self.scope.addItem("整个台账", None)
        for node in self.nodes:
            self.scope.addItem("　" * (node["level"] - 1) + node["name"], node["id"])
        form.addRow("导出范围：", self.scope)
        self.receiver = QComboBox()
        self.receiver.addItem("不指定（导出全部数据）", None)
        for peer in self.peers:
            self.receiver.addItem(peer["name"] or peer["community"] or peer["office"][:8],
                                  peer["office"])
        if len(self.peers) == 1:
            self.receiver.setCurrentIndex(1)
        form.addRow("发给：", self.receiver)
        self.full = QCheckBox("导出全部数据（对方丢了文件、重装了程序时用）")
        form.addRow("", self.full)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow("", self.summary)
        self.mask_ids = QCheckBox("隐去身份证号和电话（对方只能查看，不能导入）")
        form.addRow("", self.mask_ids)
        self.protect = QCheckBox("设置打开密码（Excel和WPS打开时需输入；建议始终设置）")
        self.protect.setChecked(True)  # the file carries full ID numbers: protected by default
        form.addRow("", self.protect)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2.setPlaceholderText("再输入一次")
        row = QHBoxLayout()
        row.addWidget(self.password)
        row.addWidget(self.password2)
        form.addRow("密码：", row)
        layout.addLayout(form)
        self.protect.toggled.connect(self._sync_enabled)
        for signal in (self.receiver.currentIndexChanged, self.scope.currentIndexChanged):
            signal.connect(self._describe)
        for box in (self.full, self.mask_ids):
            box.toggled.connect(self._describe)
        buttons = QHBoxLayout()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        self.to_drive = QPushButton("导出到所选U盘")
        self.to_drive.setDefault(True)
        self.to_drive.clicked.connect(self._export_to_drive)
        save_as = QPushButton("另存为…")
        save_as.clicked.connect(self._save_as)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        for button in (refresh, self.to_drive, save_as, cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.result_path: Path | None = None
        self.refresh()
        self._sync_enabled()
        self._describe()
        self.resize(560, 440)

    def _describe(self) -> None:
        """What the file will hold, counted in the background: "发给 杨树社区：自上次以来的
        1,204 条变更"."""
        office, name = self.receiver.currentData(), self.receiver.currentText()
        self.full.setEnabled(office is not None)
        if office is None or self.mask_ids.isChecked():
            self.summary.setText("将导出所选范围内的全部数据")
            return
        peer = next(p for p in self.peers if p["office"] == office)
        if self.full.isChecked() or not peer["acked_seq"]:
            why = "" if self.full.isChecked() else "（对方还没有确认收到过本台账的文件）"
            self.summary.setText(f"发给 {name}：全部数据{why}")
            return
        self.summary.setText(f"发给 {name}：正在统计变更…")
        ledger_path, grid_node = self.ledger_path, self.scope.currentData()
        asked = (office, grid_node)
        self._asked = asked

        def work(ledger: Ledger, _progress: Progress, _cancelled: Cancelled) -> int:
            from desktop.sync.export import pending_changes, scope_for

            return pending_changes(ledger, scope_for(ledger, office, grid_node=grid_node))

        def done(count) -> None:
            if self._asked == asked:  # not a count for a choice changed meanwhile
                self.summary.setText(f"发给 {name}：自上次以来的 {count:,} 条变更"
                                     + ("（无新变更，只带回已收到的确认）" if not count else ""))

        self.count_job = run_ledger_job(self, "正在统计变更", ledger_path, work, done)

    def _sync_enabled(self) -> None:
        on = self.protect.isChecked()
        self.password.setEnabled(on)
        self.password2.setEnabled(on)

    def refresh(self) -> None:
        self.drives.clear()
        found = removable_drives()
        for drive in found:
            item = QListWidgetItem(drive.title())
            item.setData(Qt.ItemDataRole.UserRole, str(drive.path))
            self.drives.addItem(item)
        if self.drives.count():
            self.drives.setCurrentRow(0)
        else:
            item = QListWidgetItem("没有找到U盘。可以插入U盘后点“刷新”，或用“另存为…”选择位置。")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.drives.addItem(item)
        self.to_drive.setEnabled(bool(found))

    def options(self) -> dict[str, Any] | None:
        password = None
        if self.protect.isChecked():
            password = self.password.text()
            if not password:
                QMessageBox.warning(self, "导出到U盘", "请输入密码")
                return None
            if password != self.password2.text():
                QMessageBox.warning(self, "导出到U盘", "两次输入的密码不一致")
                return None
        if password is None and not self.mask_ids.isChecked():
            answer = QMessageBox.warning(
                self, "导出到U盘",
                "导出文件将含有完整的身份证号和手机号，又没有设置打开密码：\n"
                "U盘丢失或借给别人时，任何人都能看到这些个人信息。\n\n"
                "确定不设密码导出吗？（这次导出会记入审计日志）",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return None
        return {"mask": self.mask_ids.isChecked(), "password": password,
                "grid_node": self.scope.currentData(), "for_office": self.receiver.currentData(),
                "full": self.full.isChecked()}

    def _export_to_drive(self) -> None:
        item = self.drives.currentItem()
        folder = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not folder:
            QMessageBox.information(self, "导出到U盘", "请先选择U盘，或用“另存为…”")
            return
        name = self.name.text().strip() or "报到台账.xlsx"
        if not name.lower().endswith(".xlsx"):
            name += ".xlsx"
        self._run(Path(folder) / name)

    def _save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出到", self.name.text(), EXCEL_FILTER)
        if path:
            self._run(Path(path))

    def _run(self, target: Path) -> None:
        options = self.options()
        if options is None:
            return
        ledger_path = self.ledger_path

        def work(ledger: Ledger, progress: Progress, cancelled: Cancelled) -> Any:
            from desktop.sync.export import export_ledger

            return export_ledger(ledger, target, progress=progress, cancelled=cancelled,
                                 **options)

        def done(result) -> None:
            self.result_path = result.path
            total = sum(result.counts.values())
            kind = ""
            if result.receiver:
                kind = f"发给{result.receiver}，" + ("自上次以来的变更" if result.incremental
                                                    else "全部数据") + "，"
            QMessageBox.information(self, "导出到U盘",
                                    f"已导出 {total} 行（{kind}已读回核对无误）到\n{result.path}")
            self.accept()

        self.job = run_ledger_job(self, "导出到U盘", ledger_path, work, done)


def export_to_usb(parent: QWidget | None, ledger_path: str | Path) -> ExportDialog:
    dialog = ExportDialog(parent, ledger_path)
    dialog.open()
    return dialog
