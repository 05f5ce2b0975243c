"""Render resources/icons/baodao.svg to the PNG and multi-size ICO files the packages need.

Qt draws the SVG (its text uses the system's CJK font); the ICO holds PNG-compressed images,
which Windows Vista and later read at every size."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "baodao.svg"
SMALL_SVG = ROOT / "resources" / "icons" / "baodao-small.svg"  # drawn for 16–32 px
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(size: int, svg: Path | None = None) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = svg or (SMALL_SVG if size <= 32 else SVG)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR, ICONDIRENTRY per size, the data)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def wizard_bitmap(path: Path, svg: Path = SVG) -> Path:
    """The picture on the installer's welcome and finish pages (NSIS: 164×314, 24-bit BMP)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QLinearGradient, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(164, 314, QImage.Format.Format_RGB888)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(0, 0, 0, 314)
    gradient.setColorAt(0, QColor("#fffaf0"))
    gradient.setColorAt(1, QColor("#f3e3bd"))
    painter.fillRect(image.rect(), gradient)
    QSvgRenderer(str(svg)).render(painter, QRectF(26, 60, 112, 112))
    painter.setPen(QColor("#a50e0e"))
    font = QFont(["WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei"], 17)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(0, 190, 164, 30), Qt.AlignmentFlag.AlignCenter, "报到台账")
    font.setPointSize(9)
    font.setBold(False)
    painter.setFont(font)
    painter.drawText(QRectF(0, 224, 164, 20), Qt.AlignmentFlag.AlignCenter, "社区双报到 一账三卡")
    painter.end()
    if not image.save(str(path), "BMP"):
        raise SystemExit(f"cannot write {path}")
    return path


def build(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(size) for size in ICO_SIZES}
    made = {"ico": out / "baodao.ico", "wizard": wizard_bitmap(out / "installer-wizard.bmp")}
    made["ico"].write_bytes(ico_bytes(pngs))
    for size in (16, 32, 48, 64, 128, 256):
        path = out / f"baodao-{size}.png"
        path.write_bytes(pngs[size])
        made[f"png{size}"] = path
    return made


if __name__ == "__main__":
    for name, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")).items():
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
