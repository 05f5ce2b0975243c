"""Starting the desktop app."""

from __future__ import annotations

import sys


def run_app(ledger_path: str | None = None, demo: bool = False) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    from db import check, open_ledger, settings
    from desktop import paths

    app = QApplication.instance() or QApplication(sys.argv)
    path = paths.demo_ledger() if demo else (ledger_path or paths.default_ledger())
    if demo and not paths.demo_ledger().exists():
        from db import demo as demo_gen

        demo_gen.generate(path, "community").close()
    with open_ledger(path) as ledger:
        ident = settings.identity(ledger)
        lines = [f"{k}：{v}" for k, v in check.counts(ledger).items()]
    label = QLabel(f"{ident['street']} {ident['community']}\n" + "\n".join(lines))
    label.setWindowTitle(f"报到台账 — {path}")
    label.show()
    return app.exec()
