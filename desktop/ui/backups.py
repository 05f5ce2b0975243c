"""备份与恢复 and 检查数据库: the backup folder, a ledger on a USB stick copied to the local disk
first, the check after opening (and the daily backup), restoring a backup, the full check
with its safe repairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from db import backup, check
from db.errors import LedgerError
from db.ledger import Ledger
from desktop import paths

from .forms import confirm, list_dialog, show_error
from .page_protocol import HostWindow
from .worker import run_ledger_job


def backup_folder() -> Path:
    return paths.backup_folder()


def removable_root(path: str | Path) -> Path | None:
    """The USB drive the file is on, if it is on one."""
    from desktop.sync.drives import removable_drives

    target = Path(path).resolve()
    for drive in removable_drives():
        root = drive.path.resolve()
        if target == root or root in target.parents:
            return root
    return None


def offer_local_copy(path: str | Path, parent: QWidget | None = None) -> Path | None:
    """A ledger on a USB stick is copied to the local disk before it is opened.

    Returns the path to open, or None when the user declines."""
    if removable_root(path) is None:
        return Path(path)
    local = paths.data_dir() / Path(path).name
    counter = 1
    while local.exists():
        counter += 1
        local = paths.data_dir() / f"{Path(path).stem}（{counter}）{Path(path).suffix}"
    if not confirm(parent, "台账在U盘上",
                   f"“{Path(path).name}”在U盘上。U盘随时可能被拔出，直接在上面记账会损坏台账。\n"
                   f"是否复制到本机（{local}）后打开？"):
        return None
    try:
        return backup.copy_ledger(path, local)
    except LedgerError as error:
        show_error(parent, "复制台账", error)
        return None


def start_health_check(window: HostWindow) -> Any:
    """After opening: quick_check, foreign keys, audit chain, and the daily backup — in the
    background, so a large ledger opens at once. A damaged ledger is reported with the newest
    good backup offered."""
    ledger_path = window.ledger.path
    folder = backup_folder()

    def work(ledger: Ledger, progress: Any, cancelled: Any) -> tuple[list[str], str | None]:
        found = check.problems(ledger, full=False)
        made = None if found else backup.daily(ledger, folder)
        return found, str(made) if made else None

    def done(result: tuple[list[str], str | None]) -> None:
        found, made = result
        if made:
            window.show_status(f"已自动备份：{Path(made).name}", 8000)
        if found:
            report_damage(window, found)

    def failed(error: BaseException, _trace: str) -> None:
        report_damage(window, [str(error)])

    job = run_ledger_job(window, "正在检查台账", ledger_path, work, done, failed)
    job.dialog.setMinimumDuration(60000)  # stays silent unless it takes a minute
    return job


def report_damage(window: HostWindow, found: list[str]) -> None:
    good = backup.newest_good(backup_folder(), window.ledger.path)
    text = "检查发现台账文件有问题：\n" + "\n".join(f"· {p}" for p in found[:8])
    if good is None:
        QMessageBox.warning(window, "台账可能已损坏", text + "\n\n没有找到可用的备份。"
                            "请先用“文件 → 检查数据库”尝试修复，并联系技术人员。")
        return
    if confirm(window, "台账可能已损坏",
               text + f"\n\n最新的完好备份：{good.label}\n是否用它恢复台账？"
                      "（恢复前会先保存当前台账的副本）"):
        restore_from(window, good.path)


def restore_from(window: HostWindow, backup_path: Path) -> None:
    try:
        safety = backup.restore(window.ledger, backup_path, backup_folder())
    except LedgerError as error:
        show_error(window, "恢复失败", error)
        return
    from db import audit

    audit.record(window.ledger, "恢复", f"{backup_path.name}（原台账另存为 {safety.name}）")
    window.reload_all()
    QMessageBox.information(window, "已恢复", f"台账已恢复到 {backup_path.name}。\n"
                            f"恢复前的台账已另存为 {safety.name}。")


class BackupDialog(QDialog):
    """备份与恢复: the backups with time, reason and counts; back up now; restore."""

    def __init__(self, window: HostWindow):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("备份与恢复")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["备份时间", "原因", "在册党员", "报到单位", "活动纪实"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        note = QLabel(f"备份保存在：{backup_folder()}\n导入、恢复和升级前会自动备份；每天第一次打开且台账"
                      "有改动时也会备份。保留最近7天、8周和12个月的备份。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = list_dialog(self, note, self.table, [
            ("立即备份", self.backup_now), ("用所选备份恢复…", self.restore),
            ("打开备份文件夹", lambda: QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(backup_folder()))))], (640, 420))
        self.restore_button = buttons["用所选备份恢复…"]
        self.fill()

    def fill(self) -> None:
        self.backups = backup.list_backups(backup_folder(), self.window_.ledger.path)
        self.table.setRowCount(len(self.backups))
        for row, item in enumerate(self.backups):
            counts = backup.counts(item.path)
            values = [f"{item.taken:%Y-%m-%d %H:%M:%S}", item.reason,
                      *(str(counts.get(k, "损坏")) for k in ("在册党员", "报到单位", "活动纪实"))]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.restore_button.setEnabled(bool(self.backups))

    def backup_now(self) -> None:
        try:
            made = backup.create(self.window_.ledger, backup_folder(), "手动")
        except (LedgerError, OSError) as error:
            show_error(self, "备份失败", error)
            return
        backup.thin(backup_folder(), self.window_.ledger.path)
        self.fill()
        self.window_.show_status(f"已备份：{made.name}", 8000)

    def restore(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            show_error(self, "恢复", "请先选中一个备份")
            return
        chosen = self.backups[rows[0].row()]
        if confirm(self, "恢复台账", f"确定把台账恢复到 {chosen.label} 的状态？\n"
                                    "之后录入的内容会从台账中撤下（恢复前的台账会另存一份备份）。"):
            restore_from(self.window_, chosen.path)
            self.fill()


def full_check(window: HostWindow) -> None:
    """检查数据库: the full integrity check and the safe repairs, in the background."""
    ledger_path = window.ledger.path

    def work(ledger: Ledger, progress: Any, cancelled: Any) -> tuple[list[str], list[str]]:
        from db import repair

        progress("正在检查数据库…", 0.2)
        return repair.check_and_repair(ledger)

    def done(result: tuple[list[str], list[str]]) -> None:
        repaired, remaining = result
        if not repaired and not remaining:
            QMessageBox.information(window, "检查数据库", "检查完成，没有发现问题。")
            return
        lines = [f"已修复：{r}" for r in repaired] + [f"仍有问题：{p}" for p in remaining]
        QMessageBox.warning(window, "检查数据库", "\n".join(lines))
        window.reload_all()

    run_ledger_job(window, "检查数据库", ledger_path, work, done)
