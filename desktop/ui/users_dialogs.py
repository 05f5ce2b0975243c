"""用户管理, 修改密码, 切换用户 and 锁定设置 (登录 itself is desktop.ui.login_dialogs). The rules themselves (who may see and change what) live
in db.access / db.users; these dialogs only ask and show the answers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import LedgerError, grid, users
from db.access import GRID_WORKER, ROLES, SECRETARY, actor_of, is_secretary
from db.ledger import Ledger

from .forms import dialog_buttons, list_dialog
from .login_dialogs import _password_edit, login
from .page_protocol import HostWindow


class UserForm(QDialog):
    """增加用户 or 修改用户: name, role, the grid a 网格员 answers for, the password."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 row: dict[str, Any] | None = None, first: bool = False):
        super().__init__(parent)
        self.ledger, self.row = ledger, row
        self.setWindowTitle("修改用户" if row else "增加用户")
        self.username = QLineEdit(row["username"] if row else "")
        self.username.setPlaceholderText("如 王丽（登录时选择）")
        self.username.setEnabled(row is None)
        self.role = QComboBox()
        self.role.addItems(ROLES)
        self.role.setEnabled(not first)
        self.node = QComboBox()
        for label, node_id in grid.choices(ledger, (2, 3, 4, 5)):
            self.node.addItem(label, node_id)
        if row:
            self.role.setCurrentText(row["role"])
            index = self.node.findData(row["node_id"])
            if index >= 0:
                self.node.setCurrentIndex(index)
        self.password = _password_edit("至少6位")
        self.again = _password_edit("再输一遍")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("角色：", self.role)
        form.addRow("负责网格：", self.node)
        form.addRow("密码：" if row is None else "新密码：", self.password)
        form.addRow("确认密码：", self.again)
        if row is not None:
            self.password.setPlaceholderText("改变角色时必填（钥匙随密码重做）")
        hint = QLabel("书记：查看全部数据和完整身份证号，导入导出，管理用户和设置。\n"
                      "网格员：只能查看和修改负责网格（含下级）内的党员、需求和活动，身份证号打码显示。"
                      if not first else
                      "第一个用户必须是书记（就是您自己）。设置后，打开台账都要先登录。\n"
                      "请牢记密码：忘记时只能用恢复密钥（下一步打印）设置新密码；"
                      "密码和恢复密钥都丢了，完整身份证号就再也无法读出。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.save, self.reject, "保存"))
        self.role.currentTextChanged.connect(self.role_changed)
        self.role_changed(self.role.currentText())
        self.setMinimumWidth(460)

    def role_changed(self, role: str) -> None:
        self.node.setEnabled(role == GRID_WORKER)

    def save(self) -> None:
        role = self.role.currentText()
        node = self.node.currentData() if role == GRID_WORKER else None
        try:
            if self.row is None:
                if self.password.text() != self.again.text():
                    self.error.setText("两次输入的密码不一致")
                    return
                # the first 书记's ID sealing runs in the background afterwards (start_sealing)
                users.add_user(self.ledger, self.username.text(), self.password.text(), role, node,
                               seal=False)
            else:
                if self.password.text() != self.again.text():
                    self.error.setText("两次输入的密码不一致")
                    return
                users.update_user(self.ledger, self.row["id"], role=role, node_id=node,
                                  password=self.password.text() or None)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.accept()


class UsersDialog(QDialog):
    """用户管理 (书记 only): the users of this ledger and what they may do."""

    def __init__(self, window: HostWindow):
        super().__init__(window)
        self.window_ = window
        self.ledger: Ledger = window.ledger
        self.setWindowTitle("用户管理")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["用户名", "角色", "负责网格", "状态"])
        from PySide6.QtWidgets import QHeaderView

        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit)
        self.buttons = list_dialog(self, self.note, self.table, [
            ("增加用户…", self.add), ("修改…", self.edit), ("重设密码…", self.reset),
            ("停用/启用", self.toggle), ("恢复密钥…", self.recovery)], (680, 360))
        self.load()

    def load(self) -> None:
        self.rows = users.list_users(self.ledger)
        first = not self.rows
        self.note.setText(
            "尚未设置用户：现在任何人打开本台账都有书记的全部权限。\n"
            "先增加一个书记账号（就是您自己），再为网格员各建一个账号。" if first else
            "每个人用自己的账号登录；网格员只能看到并修改自己负责的网格。")
        self.table.setRowCount(len(self.rows))
        for r, user in enumerate(self.rows):
            values = (user["username"], user["role"], user["node_name"] or "全部",
                      "在用" if user["active"] else "已停用")
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        for column in (0, 1, 3):
            self.table.resizeColumnToContents(column)
        for text in ("修改…", "重设密码…", "停用/启用", "恢复密钥…"):
            self.buttons[text].setEnabled(not first)

    def selected(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            return self.rows[row]
        QMessageBox.information(self, "用户管理", "请先在表中选中一个用户")
        return None

    def add(self) -> None:
        first = not self.rows
        if UserForm(self.ledger, self, first=first).exec():
            self.load()
            if first:
                from .key_dialogs import RecoveryKeyDialog

                RecoveryKeyDialog(self.ledger, self, first=True).exec()
                self.window_.show_ledger_info()
                from .key_dialogs import start_sealing

                start_sealing(self.window_)

    def recovery(self) -> None:
        from .key_dialogs import RecoveryKeyDialog

        RecoveryKeyDialog(self.ledger, self).exec()

    def edit(self, *_args: Any) -> None:
        row = self.selected()
        if row and UserForm(self.ledger, self, row).exec():
            self.load()

    def reset(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = PasswordForm(self, f"重设“{row['username']}”的密码", ask_old=False)
        while dialog.exec():
            try:
                users.set_password(self.ledger, row["id"], dialog.new.text())
            except LedgerError as error:
                dialog.error.setText(str(error))
                continue
            QMessageBox.information(self, "重设密码", f"已重设“{row['username']}”的密码。")
            self.load()
            return

    def toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        password = None
        if not row["active"]:  # coming back: the slot was taken away, a new password remakes it
            dialog = PasswordForm(self, f"启用“{row['username']}”：设一个新密码", ask_old=False)
            if not dialog.exec():
                return
            password = dialog.new.text()
        try:
            users.update_user(self.ledger, row["id"], active=not row["active"], password=password)
        except LedgerError as error:
            QMessageBox.warning(self, "用户管理", str(error))
        self.load()


class PasswordForm(QDialog):
    def __init__(self, parent: QWidget | None, title: str, ask_old: bool = True):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.old, self.new, self.again = (_password_edit(), _password_edit("至少6位"),
                                          _password_edit())
        self.error = QLabel()
        self.error.setObjectName("formError")
        form = QFormLayout()
        if ask_old:
            form.addRow("原密码：", self.old)
        form.addRow("新密码：", self.new)
        form.addRow("确认新密码：", self.again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.check, self.reject))
        self.setMinimumWidth(360)

    def check(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("两次输入的新密码不一致")
            return
        self.accept()


def change_own_password(window: HostWindow) -> None:
    actor = actor_of(window.ledger)
    if actor is None:
        QMessageBox.information(window, "修改我的密码",
                                "本台账还没有设置用户。要给台账文件加密码，请用“设置台账密码”。")
        return
    dialog = PasswordForm(window, "修改我的密码")
    while dialog.exec():
        try:
            users.set_password(window.ledger, actor.user_id or 0, dialog.new.text(),
                               dialog.old.text())
        except LedgerError as error:
            dialog.error.setText(str(error))
            continue
        QMessageBox.information(window, "修改我的密码", "密码已修改，下次登录请用新密码。")
        return


def switch_user(window: HostWindow) -> None:
    """退出登录 and let someone else log in; nobody logging in closes the program."""
    from PySide6.QtWidgets import QApplication

    users.logout(window.ledger)
    central = window.body()
    central.hide()
    try:
        if not login(window.ledger, window):
            QApplication.quit()
            return
    finally:
        central.show()
    window.reload_all()
    from .key_dialogs import start_sealing

    start_sealing(window)


class LockSettingsDialog(QDialog):
    """锁定设置: minutes without input before the window locks (书记 only)."""

    def __init__(self, window: HostWindow):
        from db import settings

        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("自动锁定")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(" 分钟")
        self.minutes.setValue(int(settings.get_setting(window.ledger, "lock_minutes") or 10))
        self.error = QLabel()
        self.error.setObjectName("formError")
        hint = QLabel("无人操作超过这个时间，窗口自动遮挡，需要输入密码才能继续。\n"
                      "台账设置了用户或台账密码时才会锁定。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("无操作后锁定：", self.minutes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.save, self.reject, "保存"))
        self.setMinimumWidth(380)

    def save(self) -> None:
        from db import settings

        try:
            settings.set_setting(self.window_.ledger, "lock_minutes", self.minutes.value())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        lock = self.window_.idle_lock
        if lock is not None:
            lock.minutes = float(self.minutes.value())
        self.accept()


def secretary_only(window: HostWindow) -> bool:
    return is_secretary(window.ledger)


__all__ = ["LockSettingsDialog", "SECRETARY", "UsersDialog", "change_own_password",
           "secretary_only", "switch_user"]
