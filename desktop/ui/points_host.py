"""What a page's tabs may ask of the page that holds them: a declared interface, so a tab names
no page class. The 积分 tabs (rules, entries, 积分超市, 积分排行) take a PointsHost
(desktop.ui.points_page.PointsPage), the 报表 tabs (达标检查, 平急两用) a TabHost
(desktop.ui.stats_page.StatsPage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from db.ledger import Ledger


class TabHost(Protocol):
    """What a tab may ask of the page that holds it (the 积分 tabs, the 报表 tabs)."""
    ledger: Ledger
    settings: Any  # QSettings: the page's stored choices
    status: Any  # QLabel under the tabs
    changed: Any  # Signal(): the ledger changed (the window refreshes the other pages)
    job: Any

    def preview(self, path: Any, warnings: list[str], count: int, title: str,
                what: str) -> None: ...

    def output_dir(self) -> Path: ...


class PointsHost(TabHost, Protocol):
    recalc_dialog: Any
    recalc_finished: bool
