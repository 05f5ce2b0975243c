"""自动锁定: the window locks after some minutes without input; unlocking needs the user's (or
the ledger's) password, with the same growing waits after wrong tries."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog

from db.users import wait_seconds

from .page_protocol import HostWindow


class IdleLock:
    """Locks an encrypted ledger's window after some minutes without input; unlocking needs
    the password, with the same growing delays after wrong tries."""

    def __init__(self, window: HostWindow, minutes: float | None = None):
        import time

        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication

        from db import settings as ledger_settings

        self.window = window
        self.minutes = minutes if minutes is not None else float(
            ledger_settings.get_setting(window.ledger, "lock_minutes") or 10)
        self.last = time.monotonic()
        self.locked = False
        inputs = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                  QEvent.Type.MouseMove}
        guard = self

        class Filter(QObject):
            def eventFilter(self, _obj: Any, event: Any) -> bool:  # noqa: N802
                if event.type() in inputs:
                    guard.last = time.monotonic()
                return False

        self.filter = Filter(window)
        app = QApplication.instance()
        assert app is not None  # a window exists, so the application does
        app.installEventFilter(self.filter)
        self.timer = QTimer(window)
        self.timer.timeout.connect(self.tick)
        self.timer.start(15000)

    def can_lock(self) -> bool:
        """Only a ledger with users or a password can be locked: otherwise nothing unlocks it."""
        from db.access import actor_of
        from db.crypto import password_for

        ledger = self.window.ledger
        return bool(password_for(ledger.path)) or actor_of(ledger) is not None

    def tick(self) -> None:
        import time

        idle = time.monotonic() - self.last
        if not self.locked and self.can_lock() and idle >= self.minutes * 60:
            self.lock()

    def lock(self) -> bool:
        """Blank the window and ask for the password; True once unlocked."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from db import audit
        from db.access import actor_of
        from db.crypto import password_for

        self.locked = True
        central = self.window.body()
        central.hide()
        failures = 0
        try:
            if actor_of(self.window.ledger) is not None:
                from .login_dialogs import UnlockDialog

                # The user's own password; wrong ones are counted and slowed down by db.users.
                while UnlockDialog(self.window.ledger, self.window).exec() != \
                        QDialog.DialogCode.Accepted:
                    pass
                return True
            while True:
                delay = wait_seconds(failures)
                if delay:
                    from PySide6.QtCore import QEventLoop, QTimer

                    loop = QEventLoop()
                    QTimer.singleShot(delay * 1000, loop.quit)
                    loop.exec()
                password, ok = QInputDialog.getText(
                    self.window, "台账已锁定",
                    ("密码不正确，请重新输入：" if failures else
                     "长时间未操作，台账已锁定。请输入台账密码解锁："), QLineEdit.EchoMode.Password)
                if ok and password == password_for(self.window.ledger.path):
                    audit.record(self.window.ledger, "解锁", "", "成功")
                    return True
                if ok:
                    failures += 1
                    audit.record(self.window.ledger, "解锁", "", f"密码错误（第{failures}次）")
        finally:
            central.show()
            self.locked = False
            import time

            self.last = time.monotonic()
