"""登录: the login when a ledger with users opens, the open of a ledger encrypted with the
users' own keys (db.users.open_as, the same as the CLI's), and unlocking after the idle lock.
The rules themselves live in db.access / db.users; these dialogs only ask and show the answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db import LedgerError, users
from db.access import actor_of
from db.ledger import Ledger

from .forms import dialog_buttons


def _password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


class LoginDialog(QDialog):
    """登录: pick the user, type the password. After wrong passwords the 登录 button stays
    disabled, with a countdown, for as long as the ledger says to wait."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None, title: str = "登录",
                 intro: str = "", fixed_user: str | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.path = Path(ledger.path)
        self.setWindowTitle(title)
        self.user = QComboBox()
        self.user.addItems([fixed_user] if fixed_user else self.names())
        self.user.setEnabled(fixed_user is None)
        self.password = _password_edit("至少6位")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        head = QLabel(intro or f"“{self.path.name}”设有用户，请登录。")
        head.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户：", self.user)
        form.addRow("密码：", self.password)
        self.buttons = dialog_buttons(self.try_login, self.reject, "登录")
        self.ok = self.buttons.buttons()[0]
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)
        if fixed_user is None:
            from .key_dialogs import add_recover_button

            add_recover_button(self, self.path)
        self.wait_left = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.count_down)
        self.password.setFocus()

    def names(self) -> list[str]:
        return users.usernames(self.ledger)

    def check(self) -> Any:
        return users.login(self.ledger, self.user.currentText(), self.password.text(),
                           seal=False)  # sealing, if any is left, runs in the background

    def try_login(self) -> None:
        if self.wait_left:
            return
        try:
            self.actor = self.check()
        except users.LoginError as error:
            self.error.setText(str(error))
            self.password.selectAll()
            self.password.setFocus()
            if error.wait_seconds:
                self.wait_left = error.wait_seconds
                self.ok.setEnabled(False)
                self.timer.start(1000)
            return
        self.accept()

    def count_down(self) -> None:
        self.wait_left -= 1
        if self.wait_left <= 0:
            self.timer.stop()
            self.wait_left = 0
            self.ok.setEnabled(True)
            self.error.setText("可以再试了。")
        else:
            self.ok.setText(f"登录（{self.wait_left}秒）")
            return
        self.ok.setText("登录")


def login(ledger: Ledger, parent: QWidget | None = None) -> bool:
    """Ask until someone logs in (True) or the user gives up (False)."""
    return LoginDialog(ledger, parent).exec() == QDialog.DialogCode.Accepted


class OpenDialog(LoginDialog):
    """登录 to a ledger encrypted with per-user keys: the password opens the user's key slot,
    the slot's file key opens the ledger, and the same password logs in (no shared ledger
    password). `ledger` is the opened ledger once accepted."""

    def __init__(self, path: Any, parent: QWidget | None = None):
        from types import SimpleNamespace

        self.problem = ""
        super().__init__(SimpleNamespace(path=str(path)), parent,  # type: ignore[arg-type]
                         intro=f"“{Path(path).name}”已加密，请用您的用户名和密码登录。")
        self.ledger = None  # type: ignore[assignment]
        self.error.setText(self.problem)

    def names(self) -> list[str]:
        from db import keys

        try:
            return keys.usernames(self.path)
        except keys.KeyringError as error:
            self.problem = str(error)
            return []

    def check(self) -> Any:
        from db import keys
        from desktop.paths import backup_folder

        name, password = self.user.currentText(), self.password.text()
        try:  # the same open as the CLI's: slot, open sequence, login (sealing in background)
            ledger = users.open_as(self.path, lambda: (name, password),
                                   backup_dir=backup_folder(), seal=False)
        except keys.KeyringError as error:
            raise users.LoginError(str(error)) from None
        except LedgerError as error:
            if isinstance(error, users.LoginError):
                raise
            raise users.LoginError(f"钥匙对了，但台账打不开：{error}") from None
        self.ledger = ledger
        return actor_of(ledger)


def open_with_keys(path: Any, parent: QWidget | None = None) -> Ledger | None:
    """Ask for a user and password until the encrypted ledger opens, or the user gives up."""
    dialog = OpenDialog(path, parent)
    return dialog.ledger if dialog.exec() == QDialog.DialogCode.Accepted else None


class UnlockDialog(LoginDialog):
    """The idle lock: the same user types their password again (other tries are counted)."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        actor = actor_of(ledger)
        assert actor is not None  # only a ledger someone is logged in to locks
        super().__init__(ledger, parent, "台账已锁定",
                         "长时间未操作，台账已锁定。请输入密码解锁：", actor.username)

    def check(self) -> Any:
        from db import audit

        actor = users.verify(self.ledger, self.user.currentText(), self.password.text())
        audit.record(self.ledger, "解锁", "", "成功")
        return actor


__all__ = ["LoginDialog", "OpenDialog", "UnlockDialog", "login", "open_with_keys"]
