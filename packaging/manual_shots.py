"""Screenshots of the real app for the manual: a demo community ledger opened offscreen, the
main window at 1366×768 on each page, and the dialogs the manual explains, grabbed as PNG.

    QT_QPA_PLATFORM=offscreen python packaging/manual_shots.py OUT_DIR"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZE = (1366, 768)
PAGES = ("overview", "grid", "units", "members", "posts", "orders", "activities", "points",
         "evaluation", "stats")


def settle(app, seconds: float = 0.4) -> None:  # type: ignore[no-untyped-def]
    """Let background counts finish and the widgets repaint."""
    from desktop.ui.worker import wait_for_all

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    wait_for_all()
    app.processEvents()


def take(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="baodao-manual-"))
    os.environ["BAODAO_HOME"] = str(home)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from db import demo, open_ledger
    from desktop import paths
    from desktop.ui.app import SetupWizard, load_style
    from desktop.ui.help import app_icon, load_qt_translations
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("报到台账")
    load_qt_translations(app)
    app.setWindowIcon(app_icon())
    load_style(app)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        settle(app)
        path = out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not save {path}")
        shots.append(path)

    wizard = SetupWizard(None, paths.default_ledger())
    wizard.street.setText("河东街道")
    wizard.community.setText("丽景社区")
    wizard.show()
    save(wizard, "setup")
    wizard.close()

    ledger_path = home / "演示台账-丽景社区.baodao.db"
    demo.generate(ledger_path, "community").close()
    ledger = open_ledger(ledger_path, create=False)
    store = QSettings(str(home / "界面设置.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger, store)
    window.resize(*SIZE)
    window.show()
    for key in PAGES:
        if key in window.keys:
            window.nav.setCurrentRow(window.keys.index(key))
            save(window, f"page-{key}")
    from desktop.ui.activity_dialog import ActivityDialog
    from desktop.ui.dialogs import MemberDialog, UnitDialog

    member = ledger.query("SELECT id FROM members ORDER BY id LIMIT 1")[0]["id"]
    unit = ledger.query("SELECT id FROM units ORDER BY id LIMIT 1")[0]["id"]
    activity = ledger.query("SELECT id FROM activities ORDER BY id LIMIT 1")[0]["id"]
    for name, make in (("member-dialog", lambda: MemberDialog(ledger, member, window)),
                       ("unit-dialog", lambda: UnitDialog(ledger, unit, window)),
                       ("activity-dialog", lambda: ActivityDialog(ledger, activity, window))):
        dialog = make()
        dialog.show()
        save(dialog, name)
        dialog.reject()
    from desktop.ui.backups import BackupDialog
    from desktop.ui.card_dialogs import PrintOptionsDialog
    from desktop.ui.sync_export import ExportDialog
    from desktop.ui.users_dialogs import UsersDialog

    for name, make in (("print-dialog", lambda: PrintOptionsDialog(window, str(ledger_path), "record")),
                       ("export-dialog", lambda: ExportDialog(window, ledger_path)),
                       ("backup-dialog", lambda: BackupDialog(window)),
                       ("users-dialog", lambda: UsersDialog(window))):
        dialog = make()
        dialog.show()
        save(dialog, name)
        dialog.close()
    window.close()
    settle(app)
    ledger.close()
    return shots


if __name__ == "__main__":
    for shot in take(Path(sys.argv[1] if len(sys.argv) > 1 else "build/packaging/shots")):
        print(shot)
