"""Page layout as plain data: where every string, rule and box goes.

Cards are laid out first (positions in points, measured from the page's top-left corner, so
layout code reads top to bottom) and drawn afterwards by `draw.py`. Keeping the two apart
lets tests inspect a layout without a PDF and lets two A5 cards share one A4 sheet by a shift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm

from .fonts import FontSet

SIZES = {"A4": A4, "A5": A5}
EDGE = 10 * mm  # no text closer than this to any paper edge: office printers clip
NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")
WORD_ONLY = re.compile(r"[0-9A-Za-z.\-:/@_*]+")
NO_LINE_END = set("（《「『“‘([")
WORD = re.compile(r"[0-9A-Za-z.\-:/@_*]+|.", re.S)


@dataclass(slots=True)
class Text:
    x: float
    y: float  # baseline, from the top
    text: str
    size: float
    align: str = "l"  # l, c, r: x is the left edge, centre or right edge
    bold: bool = False


@dataclass(slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    dash: tuple[float, float] | None = None


@dataclass(slots=True)
class Rect:
    x: float
    y: float  # top edge
    w: float
    h: float
    width: float = 0.5


Item = Text | Line | Rect


@dataclass
class Page:
    width: float
    height: float
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Style:
    """Sizes for one paper size; A5 is A4 scaled down, with slightly larger relative type."""

    name: str
    width: float
    height: float
    margin_x: float
    margin_top: float
    margin_bottom: float
    title: float
    body: float
    table: float
    small: float
    pad: float
    row: float  # minimum height of a form row

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin_x

    @property
    def bottom(self) -> float:
        return self.height - self.margin_bottom

    @property
    def footer(self) -> float:
        """Baseline of the page footer: its descenders stay clear of the 10 mm edge margin."""
        return self.height - EDGE - 1 * mm - self.small * 0.25


def style_for(paper: str) -> Style:
    width, height = SIZES[paper]
    if paper == "A5":
        return Style("A5", width, height, 11 * mm, 10.5 * mm, 15 * mm, 14, 8.5, 7.5, 6.5,
                     1.4 * mm, 6.4 * mm)
    return Style("A4", width, height, 18 * mm, 16 * mm, 17 * mm, 19, 10.5, 9.5, 8,
                 2 * mm, 9 * mm)


@dataclass
class Cell:
    width: float
    text: str = ""
    label: bool = False  # labels are centred; values start at the left
    align: str | None = None
    size: float | None = None
    nowrap: bool = False  # short values (a type, a name): smaller type rather than two lines


class Layout:
    """Builds pages; `fonts` measures text so lines wrap where they will really be drawn."""

    def __init__(self, fonts: FontSet, style: Style):
        self.fonts = fonts
        self.s = style
        self.pages: list[Page] = []
        self.notes: list[str] = []  # what the user should know about this layout
        self.page = self.new_page()

    def new_page(self) -> Page:
        self.page = Page(self.s.width, self.s.height)
        self.pages.append(self.page)
        return self.page

    def add(self, item: Any) -> None:  # an Item, or a painter's own kind (report_pdf.Bar)
        self.page.items.append(item)

    def text(self, x: float, y: float, text: str, size: float, align: str = "l",
             bold: bool = False) -> None:
        if text:
            self.add(Text(x, y, text, size, align, bold))

    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.5) -> None:
        self.add(Rect(x, y, w, h, width))

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5,
             dash: tuple[float, float] | None = None) -> None:
        self.add(Line(x1, y1, x2, y2, width, dash))

    # -- text measuring --------------------------------------------------------------------
    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Break text into lines no wider than width. Chinese breaks between any two characters;
        numbers, dates and Latin words stay whole when they fit on a line; closing punctuation
        never starts a line; explicit newlines are kept."""
        measure = self.fonts.width
        if "\n" not in text and measure(text, size) <= width:
            return [text]
        key = (text, round(width, 1), size)
        cached = self.fonts.wrapped.get(key)
        if cached is not None:
            return cached
        lines: list[str] = []
        for para in text.split("\n"):
            current, used, last = "", 0.0, ""
            for token in WORD.findall(para):
                tw = measure(token, size)
                if len(token) > 1 and tw > width:
                    for char in token:  # a word longer than the line: break it anyway
                        cw = measure(char, size)
                        if current and used + cw > width:
                            lines.append(current)
                            current, used = "", 0.0
                        current, used = current + char, used + cw
                    last = char
                    continue
                if not current or used + tw <= width:
                    current, used, last = current + token, used + tw, token
                    continue
                if token in NO_LINE_START and len(current) > len(last):
                    # Carry the previous word down with the punctuation that may not lead.
                    lines.append(current[:-len(last)])
                    current = last + token
                    used = measure(current, size)
                    last = current
                    continue
                if current[-1] in NO_LINE_END and len(current) > 1:
                    # An opening bracket or quote goes down with what it opens.
                    lines.append(current[:-1])
                    current = current[-1] + token
                    used, last = measure(current, size), current
                    continue
                lines.append(current)
                current, used, last = token, tw, token
            lines.append(current)
        if len(self.fonts.wrapped) < 20_000:
            self.fonts.wrapped[key] = lines
        return lines

    # -- forms ---------------------------------------------------------------------------
    def cell_pad(self, cell: Cell) -> float:
        # Labels are short and centred: less padding keeps 5-character labels on one line,
        # yet enough that a label made smaller to fit (时长(小时)) does not touch the rules.
        return self.s.pad * (0.3 if cell.label else 1.0)

    def cell_size(self, cell: Cell, size: float) -> float:
        """A label, or a value that is one date, number or code, is never broken: when it does
        not fit (A5, narrow columns) its type is made smaller instead."""
        size = cell.size or size
        text = cell.text
        if not text or "\n" in text or not (cell.label or cell.nowrap or WORD_ONLY.fullmatch(text)):
            return size
        room = cell.width - 2 * self.cell_pad(cell)
        width = self.fonts.width(text, size)
        return size if width <= room else max(5.0, size * room / width)

    def cell_lines(self, cell: Cell, size: float) -> list[str]:
        return self.wrap(cell.text, cell.width - 2 * self.cell_pad(cell),
                         self.cell_size(cell, size))

    def measure_row(self, cells: list[Cell], size: float,
                    min_height: float | None = None) -> tuple[float, list[list[str]]]:
        """The row's height and each cell's wrapped lines (computed once, drawn by row())."""
        wrapped = [self.cell_lines(c, size) if c.text else [] for c in cells]
        most = max((len(lines) for lines in wrapped), default=1) or 1
        height = max(min_height if min_height is not None else self.s.row,
                     most * size * 1.35 + 2 * self.s.pad)
        return height, wrapped

    def row_height(self, cells: list[Cell], size: float, min_height: float | None = None) -> float:
        return self.measure_row(cells, size, min_height)[0]

    def row(self, x: float, y: float, cells: list[Cell], size: float | None = None,
            height: float | None = None, min_height: float | None = None,
            measured: tuple[float, list[list[str]]] | None = None) -> float:
        """Draw one ruled row of cells with its top at y; returns the height used."""
        size = size or self.s.body
        h, wrapped = measured or self.measure_row(cells, size, min_height)
        if height is not None:
            h = height
        # The row's rules as lines (top, bottom, one per cell edge) rather than a box per
        # cell: the painter joins them into whole table rules.
        right = x + sum(c.width for c in cells)
        self.line(x, y, right, y)
        self.line(x, y + h, right, y + h)
        self.line(x, y, x, y + h)
        for cell, lines in zip(cells, wrapped, strict=True):
            if lines:
                self.cell_text(cell, x, y, h, size, lines=lines)
            x += cell.width
            self.line(x, y, x, y + h)
        return h

    def blank_rows(self, x: float, y: float, widths: list[float], height: float,
                   count: int) -> float:
        """count empty ruled rows (for handwriting), drawn as one grid; returns their height."""
        bottom = y + height * count
        right = x + sum(widths)
        for i in range(count + 1):
            self.line(x, y + i * height, right, y + i * height)
        self.line(x, y, x, bottom)
        for w in widths:
            x += w
            self.line(x, y, x, bottom)
        return bottom - y

    def cell_text(self, cell: Cell, x: float, y: float, h: float, size: float,
                  valign: str = "m", lines: list[str] | None = None) -> None:
        size = self.cell_size(cell, size)
        if lines is None:
            lines = self.cell_lines(cell, size)
        leading = size * 1.35
        align = cell.align or ("c" if cell.label else "l")
        if valign == "t":
            first = y + self.s.pad + size * 0.95
        else:
            block = leading * (len(lines) - 1)
            first = y + h / 2 - block / 2 + size * 0.36
        pad = self.cell_pad(cell)
        tx = {"l": x + pad, "c": x + cell.width / 2, "r": x + cell.width - pad}[align]
        for i, line in enumerate(lines):
            self.text(tx, first + i * leading, line, size, align)

    def title(self, y: float, text: str, size: float | None = None) -> float:
        """A centred bold title spaced like a printed form; returns the y below it."""
        size = size or self.s.title
        self.text(self.s.width / 2, y + size, text, size, "c", bold=True)
        return y + size * 1.6

    def checkbox(self, x: float, y: float, size: float, checked: bool) -> None:
        """A square box whose top-left is (x, y); checked boxes carry a √ (extractable)."""
        self.rect(x, y, size, size, 0.6)
        if checked:
            self.text(x + size / 2, y + size * 0.86, "√", size * 1.05, "c", bold=True)

    def cut_line(self, y: float, label: str = "（沿此线剪下）") -> None:
        s = self.s
        size = s.small
        w = self.fonts.width(label, size) + 4 * mm
        mid = s.width / 2
        self.line(s.margin_x - 4 * mm, y, mid - w / 2, y, 0.5, (3, 2))
        self.line(mid + w / 2, y, s.width - s.margin_x + 4 * mm, y, 0.5, (3, 2))
        self.text(mid, y + size * 0.35, label, size, "c")

    def page_number(self, number: int, total: int, note: str = "") -> None:
        s = self.s
        label = f"第 {number} 页 共 {total} 页" + (f"　{note}" if note else "")
        self.text(s.width / 2, s.footer, label, s.small, "c")
