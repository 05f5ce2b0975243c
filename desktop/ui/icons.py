"""Small drawn icons (resources/icons/*.svg) for places that once used emoji: the padlock
(U+1F512) and the like draw as an empty box on an office PC without an emoji font; an SVG
draws everywhere."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop import paths


def icon_path(name: str) -> Path:
    return paths.resources_dir() / "icons" / f"{name}.svg"


def icon(name: str, fallback: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxInformation
         ) -> QIcon:
    """The named SVG icon, or a standard style icon when the file is missing."""
    path = icon_path(name)
    if path.exists():
        return QIcon(str(path))
    return QApplication.style().standardIcon(fallback)


def with_icon(name: str, text: str, size: int = 16) -> str:
    """Rich text for a QLabel: the icon, then `text` (escaped), e.g. 封存 states."""
    path = icon_path(name)
    body = html.escape(text)
    if not path.exists():
        return body
    return (f"<img src='{path.as_uri()}' width='{size}' height='{size}' "
            f"style='vertical-align:middle'>&nbsp;{body}")
