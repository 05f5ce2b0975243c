"""Everything fits a 1366×768 screen at 100% scaling: about 700 px of height once the taskbar
and a title bar are taken. The offscreen screen is made to report that free area."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QScreen

from db import demo, open_ledger
from desktop.cards import PrintJob, print_cards
from desktop.ui import card_dialogs, dialogs
from desktop.ui.activity_dialog import ActivityDialog
from desktop.ui.app import build_window, ui_settings
from desktop.ui.detail import MemberDetail
from desktop.ui.main_window import FRAME_ALLOWANCE, initial_size

# 1366×768 less a taskbar leaves about 728 px; count 700 to allow a taller taskbar.
FREE = QRect(0, 0, 1366, 700)
SHOTS = Path("/tmp/baodao-shots")


def fits(size: QSize) -> bool:
    """A window of this client size, with its title bar and borders, fits the free area."""
    return (size.width() + FRAME_ALLOWANCE.width() <= FREE.width()
            and size.height() + FRAME_ALLOWANCE.height() <= FREE.height())


@pytest.fixture
def small_screen(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(FREE))


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "demo.db"
    demo.generate(path, "tiny").close()
    led = open_ledger(path, create=False)
    yield led
    led.close()


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"small-{name}.png"))


def test_first_window_size_keeps_the_status_bar_on_screen():
    size = initial_size(FREE)
    assert size.height() + FRAME_ALLOWANCE.height() <= FREE.height()
    assert size.width() <= FREE.width()
    assert initial_size(QRect(0, 0, 1920, 1040)) == QSize(1280, 800)  # big screens unchanged


def test_main_window_fits_on_every_page(qtbot, ledger, small_screen):
    window = build_window(ledger, ui_settings())
    qtbot.addWidget(window)
    window.show()
    assert fits(window.size())
    bar = window.statusBar()
    for row, key in enumerate(window.keys):
        window.nav.setCurrentRow(row)
        qtbot.wait(20)
        # No page may force the window taller than the screen (which hid the status bar).
        assert fits(window.minimumSizeHint()), (key, window.minimumSizeHint())
        window.resize(window.minimumSizeHint().expandedTo(QSize(1000, 600)))
        qtbot.wait(10)
        assert bar.isVisible() and bar.geometry().bottom() < window.height()
    window.resize(initial_size(FREE))
    window.nav.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.pages["overview"].body is not None)
    qtbot.wait(50)
    shot(window, "main-overview")
    window.nav.setCurrentRow(window.keys.index("members"))
    shot(window, "main-members")


def test_big_dialogs_fit(qtbot, ledger, small_screen, tmp_path):
    from desktop.ui.help import ManualDialog
    from desktop.ui.key_dialogs import RecoveryKeyDialog

    member_id = ledger.query("SELECT id FROM members ORDER BY id LIMIT 1")[0]["id"]
    result = print_cards(ledger, PrintJob("record", "2026H1", member_ids=[member_id]),
                         tmp_path / "cards.pdf")
    made = {
        "activity": lambda: ActivityDialog(ledger),
        "member": lambda: dialogs.MemberDialog(ledger),
        "order": lambda: dialogs.OrderDialog(ledger),
        "member-detail": lambda: MemberDetail(ledger, member_id),
        "print-options": lambda: card_dialogs.PrintOptionsDialog(None, ledger.path, "record"),
        "preview": lambda: card_dialogs.PreviewDialog(None, result),
        "manual": lambda: ManualDialog(None, result.path),  # any PDF: the viewer's own size
        "recovery-key": lambda: RecoveryKeyDialog(ledger),
    }
    for name, make in made.items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(20)
        assert fits(dialog.size()), (name, dialog.size())
        assert fits(dialog.minimumSizeHint()), (name, dialog.minimumSizeHint())
        shot(dialog, name)
        dialog.hide()
