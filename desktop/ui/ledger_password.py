"""台账密码: asking for an encrypted ledger's shared password when it opens, and setting,
changing or removing it (or, on a ledger with users, encrypting with the users' keys), the
ledger and its backups re-encrypted in one journaled step in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from db import backup, open_ledger
from db.users import wait_seconds

from .backups import backup_folder
from .forms import confirm, dialog_buttons, show_error
from .page_protocol import HostWindow
from .worker import run_job


def ask_password(path: Path, parent: QWidget | None = None) -> Any:
    """Ask for the ledger's password until it opens or the user gives up."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from db.crypto import WrongPasswordError

    failures = 0
    hint = ""
    while True:
        delay = wait_seconds(failures)
        if delay:
            loop = QEventLoop()
            QTimer.singleShot(delay * 1000, loop.quit)
            notice = QMessageBox(QMessageBox.Icon.Information, "请稍候",
                                 f"密码已连续输错{failures}次，请等待{delay}秒后再试。", parent=parent)
            notice.setStandardButtons(QMessageBox.StandardButton.NoButton)
            notice.show()
            loop.exec()
            notice.close()
        password, ok = QInputDialog.getText(
            parent, "台账密码", f"{hint}“{path.name}”已设置密码，请输入：",
            QLineEdit.EchoMode.Password)
        if not ok:
            return None
        try:
            ledger = open_ledger(path, create=False, backup_dir=backup_folder(), password=password)
        except WrongPasswordError:
            failures += 1
            hint = f"密码不正确（第{failures}次）。"
            from db.crypto import remember

            remember(path, None)
            continue
        from db import audit

        audit.record(ledger, "登录", path.name)
        return ledger


class PasswordDialog(QDialog):
    """设置台账密码: set, change or remove (leave the new one empty) the ledger's password."""

    def __init__(self, parent: QWidget | None, has_password: bool):
        from PySide6.QtWidgets import QFormLayout, QLineEdit

        super().__init__(parent)
        self.setWindowTitle("设置台账密码")
        self.old, self.new, self.again = QLineEdit(), QLineEdit(), QLineEdit()
        for edit in (self.old, self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if has_password:
            form.addRow("原密码：", self.old)
        form.addRow("新密码：", self.new)
        form.addRow("再输一次：", self.again)
        note = QLabel("设置密码后，台账文件和它的备份都会加密，拷走也看不到内容。"
                      "密码忘记后无法找回，请妥善保管。新密码留空表示取消密码。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        buttons = dialog_buttons(self.check, self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.has_password = has_password
        self.setMinimumWidth(420)

    def check(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("两次输入的新密码不一致")
        elif self.new.text() and len(self.new.text()) < 6:
            self.error.setText("密码至少6位")
        elif not self.new.text() and not self.has_password:
            self.error.setText("请输入新密码")
        else:
            self.accept()


def set_password(window: HostWindow, dialog: PasswordDialog | None = None) -> Any:
    """Re-encrypt the ledger and its backups in the background; the window waits disabled."""
    from db import vault
    from db.crypto import password_for

    path = window.ledger.path
    current = password_for(path)
    if vault.keyed(window.ledger):
        return _encrypt_with_keys(window, current)
    dialog = dialog or PasswordDialog(window, bool(current))
    if dialog.result() != QDialog.DialogCode.Accepted and not dialog.exec():
        return None
    old = dialog.old.text() if current else None
    if current and old != current:
        show_error(window, "设置台账密码", "原密码不正确")
        return None
    return _rekey(window, old, dialog.new.text() or None)


def _encrypt_with_keys(window: HostWindow, current: str | None, ask: bool = True) -> Any:
    """A ledger with users is encrypted with its own file key, which each user's password
    unwraps (db.keys): there is no shared ledger password to type or to pass on."""
    from db import keys


    held = keys.held(window.ledger.path)
    if held is None or not held.secretary:
        show_error(window, "台账加密", "只有书记可以给台账加密或取消加密")
        return None
    encrypt = current != held.sqlcipher_key
    text = ("加密后，台账文件和它的备份都会加密，拷走也看不到内容。\n"
            "每个用户用自己的用户名和登录密码打开台账，不再有共用的台账密码；"
            "停用一个用户就收回了他的钥匙。" if encrypt else
            "取消加密后，台账文件不再加密（完整身份证号仍只有书记能看到）。确定取消？")
    if current and encrypt:
        text += "\n\n原来的共用台账密码将不再使用。"
    if ask and not confirm(window, "台账加密", text):
        return None
    return _rekey(window, current, held.sqlcipher_key if encrypt else None)


def _rekey(window: HostWindow, old: str | None, new: str | None) -> Any:
    from db import audit

    path = window.ledger.path
    window.ledger.close()
    window.body().setEnabled(False)

    def work(progress: Any, cancelled: Any) -> list[str]:
        progress("正在加密台账和备份…", 0.1)
        return backup.change_password(path, backup_folder(), old, new)

    def finish(skipped: list[str] | None, error: BaseException | None = None) -> None:
        ledger = open_ledger(path, create=False, password=new if error is None else old)
        window.set_ledger(ledger)
        window.body().setEnabled(True)
        if error is not None:
            show_error(window, "设置台账密码", f"没有完成，台账保持原样：{error}")
            return
        audit.record(ledger, "设置密码" if new else "取消密码", Path(path).name)
        note = f"\n以下备份无法转换（密码不同），已保持原样：{'、'.join(skipped)}" if skipped else ""
        QMessageBox.information(window, "设置台账密码",
                                ("台账和备份已加密。" if new else "已取消密码，台账不再加密。") + note)

    return run_job(window, "设置台账密码", work, finish, lambda e, _t: finish(None, e))
