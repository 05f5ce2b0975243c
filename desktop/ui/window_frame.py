"""The main window's frame: its first size on a small screen, pages in scroll areas, and the
pages made on first use."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from .page_protocol import Page

# Room a window manager takes above and around a window (title bar, borders): the window's
# client area plus this must fit the screen's available area (1366×768 minus a taskbar).
FRAME_ALLOWANCE = QSize(16, 40)
WANTED_SIZE = QSize(1280, 800)


def initial_size(available: QRect, wanted: QSize = WANTED_SIZE) -> QSize:
    """The first window size on a screen: as wanted, but never taller or wider than the
    screen's free area, so the status bar is not hidden behind the taskbar on 1366×768."""
    return QSize(min(wanted.width(), available.width() - FRAME_ALLOWANCE.width()),
                 min(wanted.height(), available.height() - FRAME_ALLOWANCE.height()))


def scrolling(page: QWidget) -> QScrollArea:
    """A page in a frameless scroll area: a page taller than a small screen (the 概览 tiles and
    charts) scrolls instead of pushing the window's status bar off the screen."""
    area = QScrollArea()
    area.setObjectName("pageScroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    area.viewport().setAutoFillBackground(False)  # the window's background shows through
    return area


class Pages(dict[str, Page]):
    """Pages by key, each made on first use."""

    def __init__(self, make: Callable[[str], Page]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Page:
        page = self.make(key)
        self[key] = page
        return page
