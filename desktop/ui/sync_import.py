"""导入交换文件: read another office's file in the background, preview what it changes (per
sheet, conflicts, possible duplicates, invalid rows) and apply the user's choices in one
transaction. The confirm-then-apply step and a protected file's password are shared with the
roster import (desktop.ui.roster_dialog)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.ledger import Ledger
from desktop.sync.exchange import Preview
from desktop.sync.reader import PasswordRequired
from desktop.ui.icons import with_icon
from desktop.ui.sync_common import EXCEL_FILTER, IssuesWidget, _item
from desktop.ui.sync_conflicts import ConflictsWidget
from desktop.ui.worker import Cancelled, Progress, run_ledger_job


def _ask_password(parent: QWidget | None, message: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "文件密码", message, QLineEdit.EchoMode.Password)
    return text if ok and text else None


# -- import preview ---------------------------------------------------------------------------

COUNT_HEADERS = ("工作表", "新增", "更新", "未变", "冲突", "无效", "疑似重复", "其中删除")


class ImportPreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, preview: Preview):
        super().__init__(parent)
        self.preview = preview
        source = preview.source
        self.setWindowTitle("导入交换文件 — 预览")
        layout = QVBoxLayout(self)
        exported = source.readme.get("导出时间（本地）") or source.exported_at
        head = QLabel(f"来源：<b>{source.office_name or '（未写明）'}</b>　导出时间：{exported}"
                      f"　文件：{Path(source.path).name}")
        layout.addWidget(head)
        for line in preview.warnings:
            warn = QLabel(with_icon("warning", line))  # drawn: U+26A0 is a box without a font
            warn.setStyleSheet("color: #9C5700;")
            warn.setWordWrap(True)
            layout.addWidget(warn)
        tabs = QTabWidget()
        counts = QTableWidget(len(preview.sheets) + 1, len(COUNT_HEADERS))
        counts.setHorizontalHeaderLabels(list(COUNT_HEADERS))
        counts.verticalHeader().setVisible(False)
        counts.verticalHeader().setDefaultSectionSize(24)
        for row, s in enumerate([*preview.sheets, preview.totals()]):
            values = (s.title, s.new, s.updated, s.unchanged, s.conflict, s.invalid, s.duplicate,
                      s.deleted)
            for column, value in enumerate(values):
                item = _item(value, column > 0)
                if column > 0 and value and column in (4, 5, 6):
                    item.setForeground(QBrush(QColor("#C00000")))
                if row == len(preview.sheets):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                counts.setItem(row, column, item)
        counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        tabs.addTab(counts, "各表统计")
        self.conflicts = ConflictsWidget(preview.conflicts, offices=preview.offices)
        tabs.addTab(self.conflicts, f"冲突（{len(preview.conflicts)}）")
        self.duplicates = ConflictsWidget(preview.duplicates, duplicates=True,
                                          offices=preview.offices)
        tabs.addTab(self.duplicates, f"疑似重复（{len(preview.duplicates)}）")
        rejected = [i for i in preview.issues if i.row]
        self.issues = IssuesWidget(preview.issues)
        tabs.addTab(self.issues, f"无效行（{len(rejected)}）")
        self.tabs = tabs
        layout.addWidget(tabs)
        total = preview.totals()
        summary = QLabel(f"确认后将新增 {total.new} 条、更新 {total.updated} 条，"
                         f"按所选处理 {total.conflict} 条冲突；导入前会自动备份台账。")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok.setEnabled(total.new + total.updated + total.conflict + total.duplicate > 0)
        layout.addWidget(buttons)
        self.resize(860, 560)

    def choices(self) -> dict[str, str]:
        out = dict(self.conflicts.choices)
        out.update({u: c for u, c in self.duplicates.choices.items() if c == "theirs"})
        return out


def import_exchange_file(parent: QWidget | None, ledger_path: str | Path,
                         on_applied: Callable[[Any], None] | None = None,
                         path: str | None = None, password: str | None = None) -> None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入交换文件", "", EXCEL_FILTER)
        if not path:
            return
    ledger_path = str(ledger_path)

    def work(ledger: Ledger, progress: Progress, _cancelled: Cancelled) -> Preview:
        from desktop.sync.apply import preview_file

        return preview_file(ledger, path, password, progress)

    def read(preview: Preview) -> None:
        if preview.already:  # told from 说明 alone: nothing to preview, nothing to do
            notes = "".join(f"\n\n注意：{w}" for w in preview.warnings)
            (QMessageBox.warning if notes else QMessageBox.information)(
                parent, "导入交换文件", f"{preview.already}。\n\n{Path(path).name}{notes}")
            return
        _show_preview(parent, ledger_path, preview, on_applied)

    run_ledger_job(parent, "读取交换文件", ledger_path, work, read,
                   _reading_failed(parent, "导入交换文件", lambda again: import_exchange_file(
                       parent, ledger_path, on_applied, path, again)))


def _reading_failed(parent: QWidget | None, title: str,
                    retry: Callable[[str], Any]) -> Callable[[BaseException, str], None]:
    """Reading a file failed: a password-protected file asks for the password and tries again
    (retry(password)); anything else is shown."""
    def failed(error: BaseException, _trace: str) -> None:
        if isinstance(error, PasswordRequired):
            again = _ask_password(parent, str(error))
            if again:
                retry(again)
            return
        QMessageBox.warning(parent, title, f"不能导入：\n{error}")
    return failed


def _apply_when_confirmed(dialog: QDialog, parent: QWidget | None, ledger_path: str, label: str,
                          title: str, prepare: Callable[[], Callable[[Any, Any, Any], Any]],
                          summary: Callable[[Any], str], on_applied: Any) -> QDialog:
    """Open the preview dialog; when the user confirms it, prepare() reads their choices and
    returns apply(ledger, progress, cancelled), which runs in the background (its own
    connection); then the summary is shown and on_applied called."""
    def confirmed() -> None:
        apply = prepare()

        def done(result: Any) -> None:
            QMessageBox.information(parent, title, summary(result))
            if on_applied:
                on_applied(result)

        run_ledger_job(parent, label, ledger_path, apply, done)

    dialog.accepted.connect(confirmed)
    dialog.open()
    return dialog


def _import_summary(result: Any) -> str:
    new = sum(c.new for c in result.applied.values())
    updated = sum(c.updated for c in result.applied.values())
    lines = [f"新增 {new} 条，更新 {updated} 条。", f"导入前的备份：{result.backup}"]
    lines += result.kept_after_delete[:10]
    lines += [f"未导入：{i.line()}" for i in result.failed[:10]]
    if result.unresolved:
        lines.append(f"{result.unresolved} 条冲突或疑似重复未处理，保持本台账的数据。")
    return "\n".join(lines)


def _show_preview(parent, ledger_path: str, preview: Preview, on_applied) -> QDialog:
    dialog = ImportPreviewDialog(parent, preview)

    def prepare() -> Callable[[Any, Any, Any], Any]:
        from desktop.sync.apply import apply

        choices = dialog.choices()
        return lambda ledger, progress, cancelled: apply(ledger, preview, choices,
                                                         progress=progress, cancelled=cancelled)

    return _apply_when_confirmed(dialog, parent, ledger_path, "正在导入", "导入完成", prepare,
                                 _import_summary, on_applied)
