"""What the 积分 tabs (rules, entries, 积分超市, 积分排行) may ask of the page that holds them:
a declared interface, so a tab names no page class (desktop.ui.points_page.PointsPage is the
one that provides it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from db.ledger import Ledger


class PointsHost(Protocol):
    ledger: Ledger
    settings: Any  # QSettings: the page's stored choices
    status: Any  # QLabel under the tabs
    changed: Any  # Signal(): the ledger changed (the window refreshes the other pages)
    job: Any
    recalc_dialog: Any
    recalc_finished: bool

    def preview(self, path: Any, warnings: list[str], count: int, title: str,
                what: str) -> None: ...

    def output_dir(self) -> Path: ...
