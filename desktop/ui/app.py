"""Starting the desktop app: pick the ledger (last used, the default one, a demo, or a new one
made by the first-start wizard) and show the main window."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from db import DamagedLedgerError, LedgerError, open_ledger, settings
from db.ledger import Ledger
from desktop import paths

from .forms import dialog_buttons

if TYPE_CHECKING:
    from .main_window import MainWindow

RECENT_MAX = 8


def ui_settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "界面设置.ini"), QSettings.Format.IniFormat)


class SetupWizard(QDialog):
    """First start: the street and community this ledger belongs to."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("欢迎使用报到台账")
        self.path = path or paths.default_ledger()
        intro = QLabel("第一次使用，请填写本台账所属的街道和社区。\n"
                       "台账将保存在本机：" + str(self.path))
        intro.setWordWrap(True)
        self.street = QLineEdit()
        self.street.setPlaceholderText("如 河东街道")
        self.community = QLineEdit()
        self.community.setPlaceholderText("如 丽景社区（街道办汇总台账可不填）")
        self.error = QLabel()
        self.error.setObjectName("formError")
        form = QFormLayout()
        form.addRow("街道名称：", self.street)
        form.addRow("社区名称：", self.community)
        buttons = dialog_buttons(self.create_ledger, self.reject, "创建台账")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def create_ledger(self) -> None:
        if not self.street.text().strip():
            self.error.setText("请填写街道名称")
            self.street.setFocus()
            return
        try:
            ledger = open_ledger(self.path)
            try:
                settings.initialise(ledger, self.street.text(), self.community.text() or None)
            finally:
                ledger.close()
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.accept()


def remember(store: QSettings, path: str) -> None:
    stored: Any = store.value("recent", []) or []
    recent = [p for p in stored if p != path]
    store.setValue("recent", [path, *recent][:RECENT_MAX])
    store.setValue("last_ledger", path)


def _open(path: str | Path, parent: QWidget | None = None) -> Ledger | None:
    """Open a ledger file for the window: local copy, password, restore of a damaged file, and
    the login when the ledger has users."""
    from db.access import LOCKED

    ledger = _open_file(path, parent)
    if ledger is not None and ledger.actor is LOCKED:
        from .login_dialogs import login

        if not login(ledger, parent):
            ledger.close()
            return None
    return ledger


def _open_file(path: str | Path, parent: QWidget | None = None) -> Ledger | None:
    from db import backup

    from .backups import backup_folder, offer_local_copy

    local = offer_local_copy(path, parent)
    if local is None:
        return None
    from db import keys
    from db.crypto import PasswordRequiredError, looks_encrypted, password_for

    if keys.exists(local) and looks_encrypted(local) and password_for(local) is None:
        from .login_dialogs import open_with_keys

        return open_with_keys(local, parent)  # each user's own password opens it
    try:
        return open_ledger(local, create=False, backup_dir=backup_folder())
    except PasswordRequiredError:
        from .ledger_password import ask_password

        ledger = ask_password(Path(local), parent)
        if ledger is not None or not backup.list_backups(backup_folder(), local):
            return ledger
        return offer_restore_of_unreadable(Path(local), "未能解密", parent)
    except (DamagedLedgerError, sqlite3.DatabaseError, UnicodeError) as error:
        return offer_restore_of_unreadable(Path(local), error, parent)
    except (LedgerError, OSError) as error:
        QMessageBox.critical(parent, "无法打开台账", str(error))
        return None


def offer_restore_of_unreadable(path: Path, error: Exception | str,
                                parent: QWidget | None = None) -> Ledger | None:
    """The file is damaged beyond opening: keep it aside and offer the newest good backup."""
    from db import backup

    from .backups import backup_folder
    from .forms import confirm

    good = backup.newest_good(backup_folder(), path)
    text = f"台账文件“{path.name}”已损坏，无法打开。"
    if good is None:
        QMessageBox.critical(parent, "台账已损坏", text + "\n没有找到可用的备份，请联系技术人员。")
        return None
    if not confirm(parent, "台账已损坏", text + f"\n\n最新的完好备份：{good.label}\n"
                   "是否用它恢复？损坏的文件会改名保留，不会删除。"):
        return None
    damaged = path.with_name(f"{path.stem}-已损坏-{good.taken:%Y%m%d%H%M%S}{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            source.replace(Path(str(damaged) + suffix))
    backup.copy_ledger(good.path, path)
    return open_ledger(path, create=False, backup_dir=backup_folder())


def make_demo(target: Path) -> bool:
    """Generate the demo community in the background with a progress dialog."""
    from PySide6.QtCore import QEventLoop

    from db import demo as demo_data

    from .worker import run_job

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        demo_data.generate(target, "community", progress=progress).close()

    loop = QEventLoop()
    outcome: list[bool] = []
    def failed(error: BaseException, _trace: str) -> None:
        outcome.append(False)
        QMessageBox.critical(None, "演示台账", str(error))

    job = run_job(None, "正在生成演示台账", work, on_done=lambda _r: outcome.append(True),
                  on_error=failed)
    job.cancelled.connect(lambda: outcome.append(False))
    for signal in (job.done, job.error, job.cancelled):
        signal.connect(loop.quit)
    if not outcome:
        loop.exec()
    if not (outcome and outcome[0]):
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        return False
    return True


def choose_start_ledger(store: QSettings, path: str | None, demo: bool) -> Ledger | None:
    if demo:
        target = paths.demo_ledger()
        if not target.exists() and not make_demo(target):
            return None
        return _open(target)
    if path:
        return _open(path)
    last = store.value("last_ledger")
    if last and Path(last).exists():
        return _open(last)
    default = paths.default_ledger()
    if default.exists():
        ledger = _open(default)
        if ledger is None or settings.is_initialised(ledger):
            return ledger
        ledger.close()
    if SetupWizard().exec() != QDialog.DialogCode.Accepted:
        return None
    return _open(default)


def build_window(ledger: Ledger, store: QSettings) -> MainWindow:
    from .main_window import MainWindow

    window = MainWindow(ledger, store)
    remember(store, ledger.path)
    from db import vault

    if vault.unsealed(ledger):  # ID numbers left in full: sealed once the window shows
        from PySide6.QtCore import QTimer

        from .key_dialogs import start_sealing

        QTimer.singleShot(0, lambda: start_sealing(window))
    from db import audit

    audit.record(ledger, "打开台账", Path(ledger.path).name)

    def open_other(path: str) -> None:
        if not window.leave_pages():  # unsaved 评价 edits: saved, dropped, or stay here
            return
        other = _open(path, window)
        if other is not None:
            window.set_ledger(other)
            from .key_dialogs import start_sealing

            start_sealing(window)
            remember(store, other.path)
            from db import audit

            audit.record(other, "打开台账", Path(other.path).name)
            start_health_check(window)

    def new_ledger() -> None:
        target, _ = QFileDialog.getSaveFileName(window, "新建台账", str(paths.data_dir()),
                                                "报到台账 (*.db)")
        if not target:
            return
        if not target.endswith(".db"):
            target += ".db"
        if Path(target).exists():
            QMessageBox.warning(window, "新建台账", "该文件已存在，请换一个文件名")
            return
        if SetupWizard(window, Path(target)).exec():
            open_other(target)

    from .backups import start_health_check

    window.open_requested.connect(open_other)
    window.new_requested.connect(new_ledger)
    return window


def load_style(app: QApplication) -> None:
    style = paths.resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))


def run_app(ledger_path: str | None = None, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    from desktop import crashlog, workarea

    workarea.use_private_temp()  # personal data in temporary files stays in the data folder
    crashlog.setup_logging()
    def crashed(text: str, report: Path) -> None:
        QMessageBox.critical(None, "程序出错", f"程序遇到意外错误，操作没有完成：\n{text}\n\n"
                             f"错误报告（已隐去个人信息）保存在：\n{report}")

    crashlog.install(crashed)
    app.setApplicationName("报到台账")
    app.setOrganizationName("Baodao")
    from .help import app_icon, load_qt_translations

    load_qt_translations(app)  # type: ignore[arg-type]
    app.setWindowIcon(app_icon())  # type: ignore[attr-defined]
    load_style(app)  # type: ignore[arg-type]
    store = ui_settings()
    ledger = choose_start_ledger(store, ledger_path, demo)
    if ledger is None:
        return 1
    window = build_window(ledger, store)
    window.show()
    from .backups import start_health_check
    from .idle_lock import IdleLock

    start_health_check(window)
    window.idle_lock = IdleLock(window)
    from .worker import wait_for_all

    app.aboutToQuit.connect(wait_for_all)
    code = app.exec()
    window.ledger.close()
    return code
