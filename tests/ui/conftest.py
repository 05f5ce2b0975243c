from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each UI test gets its own data folder (ledger, ini settings)."""
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))


@pytest.fixture
def answer(qtbot):
    """Queue handlers for the modal dialogs a user action opens, in order.

    answer(fn1, fn2) then an action: when the action opens a modal dialog, fn1 gets it (fill
    fields, click a button); the next modal dialog goes to fn2."""
    queue: list[Callable[[QWidget], None]] = []
    seen: list[QWidget] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and widget not in seen and widget.isVisible():
            seen.append(widget)
            handler = queue.pop(0)
            handler(widget)
        if queue:
            QTimer.singleShot(10, poll)

    def enqueue(*handlers: Callable[[QWidget], None]) -> None:
        queue.extend(handlers)
        QTimer.singleShot(10, poll)

    yield enqueue
    assert not queue, "a dialog the test expected never opened"
