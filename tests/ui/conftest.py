from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Each UI test gets its own data folder (ledger, ini settings)."""
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path / "home"))


@pytest.fixture
def answer(qtbot):
    """Queue handlers for the modal dialogs a user action opens, in order.

    answer(fn1, fn2) then an action: the first modal dialog the action opens goes to fn1
    (fill fields, click a button), the next to fn2. A modal dialog nobody expected is closed
    and fails the test with its text, instead of hanging it."""
    queue: list[Callable[[QWidget], None]] = []
    seen: list[QWidget] = []
    unexpected: list[str] = []
    timer = QTimer()
    timer.setInterval(15)

    def poll() -> None:
        # A dialog answered and gone may come back at the same address (Qt reuses the memory
        # of a static QMessageBox): forget the ones no longer shown.
        seen[:] = [w for w in seen if shiboken6.isValid(w) and w.isVisible()]
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible() or widget in seen or \
                isinstance(widget, QProgressDialog):  # progress is not a question
            return
        seen.append(widget)
        if queue:
            queue.pop(0)(widget)
            return
        text = widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle()
        unexpected.append(text)
        if isinstance(widget, QDialog):
            widget.done(0)

    timer.timeout.connect(poll)
    timer.start()

    def enqueue(*handlers: Callable[[QWidget], None]) -> None:
        queue.extend(handlers)

    yield enqueue
    timer.stop()
    assert not unexpected, f"unexpected dialog: {unexpected}"
    assert not queue, "a dialog the test expected never opened"


@pytest.fixture
def pdf_page(qtbot, tmp_path, monkeypatch):
    """make(module, PageClass, ledger, size): the page on its own settings file, with the
    module's show_pdf replaced by a recorder: page.shown lists (pdf path, page count)."""
    def make(module: Any, page_class: Any, ledger: Any,
             size: tuple[int, int] | None = None) -> Any:
        shown: list[tuple[Any, int]] = []
        monkeypatch.setattr(module, "show_pdf",
                            lambda _p, path, _w, count, *_a, **_k: shown.append((path, count)))
        page = page_class(ledger, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(page)
        if size:
            page.resize(*size)
        page.shown = shown
        return page
    return make
