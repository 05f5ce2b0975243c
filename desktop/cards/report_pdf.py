"""Reports as PDF: headings, paragraphs, ruled tables that continue across pages (repeating
their header row) and simple bar charts — used by the statistics report, the compliance
lists, the emergency call sheet and the passbook. Same fonts and per-character fallback as
the cards (`FontSet`), text extractable, written to a temporary file and renamed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from .draw import Painter, new_canvas
from .fonts import FontSet
from .layout import Cell, Layout, Page, Text, style_for


@dataclass(frozen=True)
class Bar:
    """A filled rectangle (Painter draws outlines only)."""

    x: float
    y: float  # top edge, from the page top
    w: float
    h: float
    gray: float = 0.45


class ReportPainter(Painter):
    def text(self, item: Text, dx: float, top: float) -> None:
        super().text(item, dx, top)
        if item.bold:
            # The text render mode is page state in PDF: without this, everything drawn after a
            # bold (stroked) title on the same page would come out bold too.
            obj = self.c.beginText()
            obj._code.append("0 Tr")  # setTextRenderMode(0) skips it: it thinks 0 is current
            self.c.drawText(obj)

    def items(self, page: Page, dx: float, dy: float) -> None:
        super().items(page, dx, dy)
        top = page.height + dy
        for item in page.items:
            if isinstance(item, Bar):
                self.c.saveState()
                self.c.setFillGray(item.gray)
                self.c.rect(dx + item.x, top - item.y - item.h, item.w, item.h, stroke=0, fill=1)
                self.c.restoreState()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e9 else f"{value:.0f}"
    return str(value)


class Doc:
    """Flowing content top to bottom; a new page whenever the next block does not fit."""

    def __init__(self, fonts: FontSet | None = None, paper: str = "A4",
                 landscape: bool = False, header: str = ""):
        self.fonts = fonts or FontSet.discover()
        style = style_for(paper)
        if landscape:
            style = dataclasses.replace(style, width=style.height, height=style.width)
        self.lay = Layout(self.fonts, style)
        self.s = style
        self.header = header  # a small line at the top of every page
        self.y = self._page_top()

    def _page_top(self) -> float:
        if self.header:
            self.lay.text(self.s.margin_x, self.s.margin_top - 3 * mm, self.header, self.s.small)
        return self.s.margin_top

    def new_page(self) -> None:
        self.lay.new_page()
        self.y = self._page_top()

    def need(self, height: float) -> None:
        if self.y + height > self.s.bottom:
            self.new_page()

    def space(self, height: float = 3 * mm) -> None:
        self.y += height

    def title(self, text: str) -> None:
        self.need(self.s.title * 2)
        self.y = self.lay.title(self.y, text)

    def heading(self, text: str, size: float | None = None) -> None:
        size = size or self.s.body * 1.2
        self.need(size * 2 + self.s.row * 2)  # never a heading alone at a page's foot
        self.lay.text(self.s.margin_x, self.y + size, text, size, bold=True)
        self.y += size * 1.7

    def para(self, text: str, size: float | None = None, align: str = "l") -> None:
        size = size or self.s.body
        width = self.s.content_width
        for line in self.lay.wrap(text, width, size):
            self.need(size * 1.6)
            x = {"l": self.s.margin_x, "c": self.s.width / 2,
                 "r": self.s.width - self.s.margin_x}[align]
            self.lay.text(x, self.y + size, line, size, align)
            self.y += size * 1.6

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float] | None = None, align: Sequence[str] | None = None,
              size: float | None = None, empty: str = "（无）", keep: float = 0.0) -> None:
        """A ruled table; widths are fractions of the content width. keep is the height of
        what follows the table (a total, signature lines, the seal's place): the last row
        goes to a new page with it rather than leave it alone on a page of its own."""
        lay, s = self.lay, self.s
        size = size or s.table
        total = s.content_width
        fractions = list(widths or [1 / len(headers)] * len(headers))
        scale = sum(fractions)
        cols = [total * f / scale for f in fractions]
        aligns = list(align or ["l"] * len(headers))
        min_h = size * 1.35 + 2 * s.pad

        def head() -> None:
            cells = [Cell(w, h, True) for w, h in zip(cols, headers, strict=True)]
            self.y += lay.row(s.margin_x, self.y, cells, size, min_height=min_h)

        self.need(min_h * 2)
        head()
        if not rows:
            self.y += lay.row(s.margin_x, self.y, [Cell(total, empty, True)], size,
                              min_height=min_h)
            return
        for i, row in enumerate(rows):
            cells = [Cell(w, cell_text(v), False, a) for w, v, a in
                     zip(cols, row, aligns, strict=True)]
            h = lay.row_height(cells, size, min_h)
            after = keep if i == len(rows) - 1 and len(rows) > 1 else 0.0
            if self.y + h > s.bottom or (after and self.y + h + after > s.bottom
                                         and keep + h + 2 * min_h < s.bottom - s.margin_top):
                self.new_page()
                head()
            self.y += lay.row(s.margin_x, self.y, cells, size, height=h)

    def bar_chart(self, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                  height: float = 55 * mm) -> None:
        """Grouped vertical bars, one group per label, values written above the bars."""
        lay, s = self.lay, self.s
        self.need(height + s.body * 4)
        self.heading(title, s.body * 1.05)
        x0, w = s.margin_x + 8 * mm, s.content_width - 8 * mm
        grays = (0.35, 0.7, 0.55, 0.85)
        lx = x0
        for k, (name, _values) in enumerate(series):  # the legend, above the bars
            lay.add(Bar(lx, self.y, s.small, s.small * 0.8, grays[k % len(grays)]))
            lay.text(lx + s.small * 1.4, self.y + s.small * 0.8, name, s.small)
            lx += s.small * 2 + self.fonts.width(name, s.small) + 4 * mm
        top, base = self.y + s.small * 2.5, self.y + height - s.small * 2.5
        peak = max([max(v, default=0) for _, v in series] + [1])
        lay.line(x0, base, x0 + w, base, 0.6)
        group = w / max(1, len(labels))
        bar = group * 0.8 / max(1, len(series))
        for i, label in enumerate(labels):
            gx = x0 + i * group + group * 0.1
            for k, (_name, values) in enumerate(series):
                v = float(values[i] or 0)
                h = (base - top) * v / peak
                lay.add(Bar(gx + k * bar, base - h, bar * 0.92, h, grays[k % len(grays)]))
                if len(labels) * len(series) <= 40:
                    lay.text(gx + k * bar + bar / 2, base - h - 1.2, cell_text(round(v, 1)),
                             s.small * 0.8, "c")
            lay.text(gx + group * 0.4, base + s.small * 1.3, label, s.small * 0.9, "c")
        self.y = base + s.small * 2.5

    def save(self, out: str | Path, title: str, author: str = "", subject: str = "") -> Path:
        out = Path(out)
        pages = self.lay.pages
        total = len(pages)
        stamp = dt.date.today().isoformat()
        for number, page in enumerate(pages, start=1):
            page.items.append(Text(self.s.width / 2, self.s.footer,
                                   f"第 {number} 页 共 {total} 页　{stamp}", self.s.small, "c"))
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
        canvas = new_canvas(str(tmp), title, author, subject, self.fonts.primary)
        painter = ReportPainter(canvas, self.fonts)
        try:
            for page in pages:
                painter.page(page)
            canvas.save()
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return out
