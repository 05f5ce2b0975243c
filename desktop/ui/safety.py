"""Keeping the ledger safe from the app: no live ledger on a USB stick, a health check and the
daily backup in the background after opening, 备份与恢复, and 检查数据库."""

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
    QVBoxLayout,
    QWidget,
)

from db import backup, check, open_ledger
from db.errors import LedgerError
from db.users import wait_seconds
from desktop import paths

from .forms import confirm, dialog_buttons, list_dialog, show_error
from .worker import run_job


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


def start_health_check(window: Any) -> Any:
    """After opening: quick_check, foreign keys, audit chain, and the daily backup — in the
    background, so a large ledger opens at once. A damaged ledger is reported with the newest
    good backup offered."""
    ledger_path = window.ledger.path
    folder = backup_folder()

    def work(progress: Any, cancelled: Any) -> tuple[list[str], str | None]:
        with open_ledger(ledger_path, create=False) as ledger:
            found = check.problems(ledger, full=False)
            made = None if found else backup.daily(ledger, folder)
        return found, str(made) if made else None

    def done(result: tuple[list[str], str | None]) -> None:
        found, made = result
        if made:
            window.statusBar().showMessage(f"已自动备份：{Path(made).name}", 8000)
        if found:
            report_damage(window, found)

    def failed(error: BaseException, _trace: str) -> None:
        report_damage(window, [str(error)])

    job = run_job(window, "正在检查台账", work, done, failed)
    job.dialog.setMinimumDuration(60000)  # stays silent unless it takes a minute
    return job


def report_damage(window: Any, found: list[str]) -> None:
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


def restore_from(window: Any, backup_path: Path) -> None:
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

    def __init__(self, window: Any):
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
        self.window_.statusBar().showMessage(f"已备份：{made.name}", 8000)

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


def full_check(window: Any) -> None:
    """检查数据库: the full integrity check and the safe repairs, in the background."""
    ledger_path = window.ledger.path

    def work(progress: Any, cancelled: Any) -> tuple[list[str], list[str]]:
        from db import repair

        progress("正在检查数据库…", 0.2)
        with open_ledger(ledger_path, create=False) as ledger:
            return repair.check_and_repair(ledger)

    def done(result: tuple[list[str], list[str]]) -> None:
        repaired, remaining = result
        if not repaired and not remaining:
            QMessageBox.information(window, "检查数据库", "检查完成，没有发现问题。")
            return
        lines = [f"已修复：{r}" for r in repaired] + [f"仍有问题：{p}" for p in remaining]
        QMessageBox.warning(window, "检查数据库", "\n".join(lines))
        window.reload_all()

    run_job(window, "检查数据库", work, done)


class AuditDialog(QDialog):
    """审计日志: newest first; exportable; the chain is checked when it opens."""

    def __init__(self, window: Any):
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


def set_password(window: Any, dialog: PasswordDialog | None = None) -> Any:
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


def _encrypt_with_keys(window: Any, current: str | None, ask: bool = True) -> Any:
    """A ledger with users is encrypted with its own file key, which each user's password
    unwraps (db.keys): there is no shared ledger password to type or to pass on."""
    from db import keys

    from .forms import confirm

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


def _rekey(window: Any, old: str | None, new: str | None) -> Any:
    from db import audit

    path = window.ledger.path
    window.ledger.close()
    window.centralWidget().setEnabled(False)

    def work(progress: Any, cancelled: Any) -> list[str]:
        progress("正在加密台账和备份…", 0.1)
        return backup.change_password(path, backup_folder(), old, new)

    def finish(skipped: list[str] | None, error: BaseException | None = None) -> None:
        ledger = open_ledger(path, create=False, password=new if error is None else old)
        window.set_ledger(ledger)
        window.centralWidget().setEnabled(True)
        if error is not None:
            show_error(window, "设置台账密码", f"没有完成，台账保持原样：{error}")
            return
        audit.record(ledger, "设置密码" if new else "取消密码", Path(path).name)
        note = f"\n以下备份无法转换（密码不同），已保持原样：{'、'.join(skipped)}" if skipped else ""
        QMessageBox.information(window, "设置台账密码",
                                ("台账和备份已加密。" if new else "已取消密码，台账不再加密。") + note)

    return run_job(window, "设置台账密码", work, finish, lambda e, _t: finish(None, e))


class IdleLock:
    """Locks an encrypted ledger's window after some minutes without input; unlocking needs
    the password, with the same growing delays after wrong tries."""

    def __init__(self, window: Any, minutes: float | None = None):
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
        central = self.window.centralWidget()
        central.hide()
        failures = 0
        try:
            if actor_of(self.window.ledger) is not None:
                from .users_dialogs import UnlockDialog

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
