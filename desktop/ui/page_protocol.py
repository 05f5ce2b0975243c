"""The contract between the main window and its pages, both ways.

`Page`: what the window asks of every page it shows in its navigation (refresh when shown
stale, follow another ledger, tell when the ledger was written). `Guarded`: a page that can
hold unsaved edits (评价) and is asked before it is left. `Host`: what a page (or a dialog
started from one) may ask of the window that holds it; `host_of(widget)` finds it, or None
for a page shown on its own (tests, previews). desktop.ui.main_window.MainWindow is the one
Host; the pages name no window class. `HostWindow` is that window as the dialogs of its menus
see it (backups, passwords, users, the idle lock): a QMainWindow that is a Host and can take
another ledger."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QMainWindow, QWidget

from db.ledger import Ledger


@runtime_checkable
class Page(Protocol):
    changed: Any  # Signal(): the page wrote to the ledger (the other pages go stale)

    def refresh(self) -> None: ...

    def set_ledger(self, ledger: Ledger) -> None: ...


@runtime_checkable
class Guarded(Protocol):
    """A page with edits that are not saved yet."""

    def dirty(self) -> bool: ...

    def can_leave(self) -> bool:
        """Ask about unsaved edits: True once they are saved or dropped, False to stay."""
        ...


@runtime_checkable
class Host(Protocol):
    ledger: Ledger

    def reload_all(self, *_args: Any) -> None: ...

    def filter_by_node(self, node_id: int | None, name: str) -> None: ...

    def go_to(self, key: str, filters: dict[str, Any]) -> None: ...

    def show_status(self, text: str, timeout_ms: int = 10000) -> None: ...


def host_of(widget: QWidget) -> Host | None:
    """The window holding `widget`, when it is a Host."""
    window = widget.window()
    return window if isinstance(window, Host) else None


class Lock(Protocol):
    """The idle lock (desktop.ui.idle_lock.IdleLock) as the window and its settings see it."""

    minutes: float

    def can_lock(self) -> bool: ...

    def lock(self) -> bool: ...


class HostWindow(QMainWindow):
    """The main window's declared face (desktop.ui.main_window.MainWindow provides it)."""

    ledger: Ledger
    idle_lock: Lock | None

    def reload_all(self, *_args: Any) -> None:
        raise NotImplementedError

    def set_ledger(self, ledger: Ledger) -> None:
        """Show another ledger (the old connection is closed)."""
        raise NotImplementedError

    def show_ledger_info(self) -> None:
        """Title, status line and which menu entries the logged-in user may use."""
        raise NotImplementedError

    def show_status(self, text: str, timeout_ms: int = 10000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def body(self) -> QWidget:
        """The pages and the navigation (hidden while locked, disabled while re-keying)."""
        central = self.centralWidget()
        assert central is not None  # set when the window is built
        return central
