"""恢复密钥: showing and printing the recovery key (offered when the first 书记 is created),
and using it when every 书记 password is forgotten (db.keys, db.users.recover)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import LedgerError, keys, users
from db.ledger import Ledger

from .forms import dialog_buttons
from .page_protocol import HostWindow

EXPLAIN = ("恢复密钥能打开台账里的全部数据（包括完整身份证号），相当于书记的密码。"
           "所有书记都忘记密码时，只能用它设置新密码；钥匙文件（台账文件名后加 .keys）丢失时，"
           "也要用它重建。\n\n如果书记密码忘记了，恢复密钥也丢了，完整身份证号将无法再读出，"
           "任何人都无法找回。请现在打印出来，锁进档案柜；不要拍照，不要存在电脑上。")


class RecoveryKeyDialog(QDialog):
    """The recovery key on screen, with 打印恢复密钥… (a PDF to print)."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, first: bool = False):
        super().__init__(parent)
        self.ledger = ledger
        self.printed: Path | None = None
        self.setWindowTitle("恢复密钥")
        held = keys.held(ledger.path)
        text = keys.recovery_text(held) if held is not None and held.secretary else ""
        head = QLabel(("书记账号已建好。" if first else "") + EXPLAIN)
        head.setWordWrap(True)
        self.key = QLabel("\n".join("  ".join(text.split("-")[i:i + 5]) for i in (0, 5, 10)))
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        self.key.setFont(font)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("打印恢复密钥…")
        self.print_button.clicked.connect(self.save_pdf)
        self.open_button = QPushButton("打开PDF打印")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_pdf)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        done = QPushButton("我已妥善保管")
        done.clicked.connect(self.finish)
        layout.addWidget(done, alignment=Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(520)

    def save_pdf(self, _checked: bool = False, target: str | None = None) -> Path | None:
        from desktop.cards.recovery import recovery_pdf

        if target is None:
            target, _ = QFileDialog.getSaveFileName(
                self, "保存恢复密钥", str(Path.home() / "报到台账恢复密钥.pdf"), "PDF 文件 (*.pdf)")
        if not target:
            return None
        try:
            path, _warnings = recovery_pdf(self.ledger, target)
        except (LedgerError, OSError) as error:
            self.status.setText(f"没有保存：{error}")
            return None
        self.printed = path
        self.status.setText(f"已保存到“{path}”。请打开打印，打印后删除这个文件。")
        self.open_button.setEnabled(True)
        return path

    def open_pdf(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.printed is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.printed)))

    def finish(self) -> None:
        if self.confirmed():
            self.accept()

    def reject(self) -> None:
        if self.confirmed():
            super().reject()

    def confirmed(self) -> bool:
        return self.printed is not None or QMessageBox.question(
            self, "恢复密钥", "还没有打印恢复密钥。以后书记登录后，可以在“用户管理”里再打印。"
            "确定现在不打印？") == QMessageBox.StandardButton.Yes


class RecoverDialog(QDialog):
    """使用恢复密钥: a 书记 who forgot the password types the recovery key and a new password."""

    def __init__(self, path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle("使用恢复密钥")
        self.user = QComboBox()
        self.user.setEditable(True)
        with contextlib.suppress(keys.KeyringError):  # a lost keyring: the name is typed
            self.user.addItems(keys.usernames(self.path))
        self.key = QLineEdit()
        self.key.setPlaceholderText("13组，每组4个字母或数字，可带空格或横线")
        self.new, self.again = QLineEdit(), QLineEdit()
        for edit in (self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new.setPlaceholderText("至少6位")
        form = QFormLayout()
        form.addRow("书记用户名：", self.user)
        form.addRow("恢复密钥：", self.key)
        form.addRow("新密码：", self.new)
        form.addRow("再输一次：", self.again)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        note = QLabel("恢复密钥是建立第一个书记账号时打印的那张纸上的字。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.check, self.reject, "设置新密码"))
        self.setMinimumWidth(480)
        self.others: list[str] = []

    def check(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("两次输入的新密码不一致")
            return
        try:
            self.others = users.recover(self.path, self.key.text(), self.user.currentText(),
                                        self.new.text())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        text = f"已为书记“{self.user.currentText()}”设置新密码，请用新密码登录。"
        if self.others:
            text += f"\n钥匙文件是重建的，以下用户需要书记重设密码：{'、'.join(self.others)}"
        QMessageBox.information(self, "使用恢复密钥", text)
        self.accept()


def add_recover_button(dialog: Any, path: str | Path) -> None:
    """A 忘记密码？ link under a login dialog's buttons."""
    button = QPushButton("忘记密码？使用恢复密钥…")
    button.setFlat(True)
    button.clicked.connect(lambda: RecoverDialog(path, dialog).exec())
    dialog.layout().addWidget(button)


def start_sealing(window: HostWindow) -> None:
    """Seal the ID numbers still stored in full (the first 书记 just created, or a ledger from
    before key slots), in the background with progress; a cancel leaves them for next time."""
    from db import vault
    from db.access import is_secretary

    from .worker import run_ledger_job

    ledger = getattr(window, "ledger", None)
    try:
        if ledger is None or not is_secretary(ledger) or not vault.unsealed(ledger):
            return
    except sqlite3.Error:  # the window has moved on to another ledger, or closed
        return
    def failed(error: BaseException, _trace: str) -> None:
        text = str(error) if isinstance(error, LedgerError) else f"没有完成：{error}"
        QMessageBox.information(window, "保护身份证号", text)

    run_ledger_job(window, "保护身份证号", ledger, vault.seal_existing, lambda _count: None, failed)
