"""No emoji in what the UI shows: the padlock emoji and friends draw as an empty box on a PC without an emoji
font. A frozen ranking shows a drawn padlock (resources/icons/lock.svg) instead."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage

from db import activities, members, rankings
from desktop.ui.icons import icon, icon_path
from desktop.ui.points_page import PointsPage

UI = Path(__file__).resolve().parents[2] / "desktop" / "ui"
# Pictographs and emoji outside the Basic Multilingual Plane, and the BMP's symbols and dingbats
# (U+26A0 ⚠, U+2714 ✔): no CJK office font has them.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def test_no_emoji_in_the_ui_sources():
    found = [f"{p.name}:{n}" for p in sorted(UI.glob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if EMOJI.search(line)]
    assert found == []


def test_a_frozen_ranking_shows_a_drawn_padlock(qtbot, ledger, ids, tmp_path):
    wang = members.add_member(ledger, name="王䶮", id_number=ids(), report_date="2025-01-01")
    activities.record_activity(ledger, members=[(wang, 3)], date="2026-05-10", kind="集中服务日",
                               title="义诊", verified=True, verifier="刘书记")
    rankings.close_period(ledger, "member", "2026-05")
    page = PointsPage(ledger, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.tabs.setCurrentWidget(page.rank_tab)
    page.show()
    tab = page.rank_tab
    tab.period.setCurrentText("2026-05")
    tab.refresh()
    assert "已于" in tab.state.text() and icon_path("lock").as_uri() in tab.state.text()
    assert not icon("lock").isNull()
    qtbot.wait(50)
    image = tab.state.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    lock = QColor("#b8660b")
    near = [(x, y) for x in range(min(60, image.width())) for y in range(image.height())
            if abs(QColor(image.pixel(x, y)).red() - lock.red()) < 30
            and abs(QColor(image.pixel(x, y)).green() - lock.green()) < 30
            and abs(QColor(image.pixel(x, y)).blue() - lock.blue()) < 30]
    assert len(near) > 20  # the padlock's body is drawn at the start of the line
