"""Drawing laid-out pages onto a reportlab canvas, one font run at a time."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from .fonts import MISSING, FontSet
from .layout import Line, Page, Rect, Text

AUTHOR = "报到台账"


def new_canvas(target, title: str, author: str, subject: str = "",
               font: str = "Helvetica") -> Canvas:
    """A canvas with the document information a viewer shows and searches. Its initial font
    is ours, so no unembedded Helvetica is referenced from every page."""
    canvas = Canvas(target, pagesize=A4, pageCompression=1, invariant=0, initialFontName=font,
                    initialFontSize=10)
    canvas.setTitle(title)
    canvas.setAuthor(author or AUTHOR)
    canvas.setCreator(AUTHOR)
    canvas.setProducer(AUTHOR)
    if subject:
        canvas.setSubject(subject)
    return canvas


Segment = tuple[float, float, float, float]


def merged_rules(page: Page) -> dict[float, list[Segment]]:
    """Every solid rule of the page as few segments as possible, by line width.

    A form is drawn row by row, so a table's column rules come in one piece per row and boxes
    share edges. Joining collinear pieces draws each rule once: thinner files, no doubled
    hairlines, and far fewer drawing operations for a thousand cards."""
    rows: dict[tuple[float, float], list[tuple[float, float]]] = {}
    cols: dict[tuple[float, float], list[tuple[float, float]]] = {}
    pieces: list[tuple[float, float, float, float, float]] = []
    for item in page.items:
        if isinstance(item, Line):
            if not item.dash:
                pieces.append((item.x1, item.y1, item.x2, item.y2, item.width))
        elif isinstance(item, Rect):
            x, y, r, b, width = item.x, item.y, item.x + item.w, item.y + item.h, item.width
            pieces += [(x, y, r, y, width), (x, b, r, b, width), (x, y, x, b, width),
                       (r, y, r, b, width)]
    for x1, y1, x2, y2, width in pieces:
        if y1 == y2 or abs(y1 - y2) < 0.01:
            rows.setdefault((round(y1, 2), width), []).append((x1, x2) if x1 < x2 else (x2, x1))
        elif x1 == x2 or abs(x1 - x2) < 0.01:
            cols.setdefault((round(x1, 2), width), []).append((y1, y2) if y1 < y2 else (y2, y1))
    out: dict[float, list[Segment]] = {}
    for horizontal, groups in ((True, rows), (False, cols)):
        for (at, width), spans in groups.items():
            spans.sort()
            target = out.setdefault(width, [])
            start, end = spans[0]
            for a, b in spans[1:]:
                if a <= end + 0.01:
                    if b > end:
                        end = b
                    continue
                target.append((start, at, end, at) if horizontal else (at, start, at, end))
                start, end = a, b
            target.append((start, at, end, at) if horizontal else (at, start, at, end))
    # Thick outer frames last, so they are not painted over by the thin inner rules.
    return dict(sorted(out.items()))


class Painter:
    def __init__(self, canvas: Canvas, fonts: FontSet):
        self.c = canvas
        self.fonts = fonts

    def page(self, page: Page) -> None:
        self.c.setPageSize((page.width, page.height))
        self.items(page, 0.0, 0.0)
        self.c.showPage()

    def sheet(self, pages: Sequence[Page | None]) -> None:
        """Two A5 portrait pages side by side on one A4 landscape sheet, with a cut line."""
        width, height = landscape(A4)
        self.c.setPageSize((width, height))
        for i, page in enumerate(pages):
            if page is not None:
                self.items(page, i * width / 2, height - page.height)
        self.c.saveState()
        self.c.setDash(2, 3)
        self.c.setLineWidth(0.3)
        self.c.setStrokeGray(0.55)
        self.c.line(width / 2, 6, width / 2, height - 6)
        self.c.restoreState()
        self.c.showPage()

    def items(self, page: Page, dx: float, dy: float) -> None:
        c = self.c
        top = page.height + dy
        for width, segments in merged_rules(page).items():
            c.setLineWidth(width)
            c.lines([(dx + x1, top - y1, dx + x2, top - y2) for x1, y1, x2, y2 in segments])
        # Consecutive plain strings (one font, not bold) share one text object: one BT/ET
        # block instead of one per string. Mixed-font and bold text is drawn on its own, in
        # its place, so the text keeps its reading order for search and copy.
        plain = c.beginText()
        font: tuple[str, float] | None = None

        def emit(text: str) -> None:
            # textOut() also measures the string to advance the cursor, which is wasted here
            # (every string gets its own origin) and costs a tenth of the drawing time; the
            # formatter is reportlab's own (pinned version), with textOut as the fallback.
            fmt = getattr(plain, "_formatText", None)
            if fmt is None:
                plain.textOut(text)
            else:
                plain._code.append(fmt(text))

        for item in page.items:
            if isinstance(item, Text):
                runs = self.fonts.runs(item.text, note=False)
                if item.bold or len(runs) != 1 or runs[0][0] == MISSING:
                    if font is not None:
                        c.drawText(plain)
                        plain, font = c.beginText(), None
                    self.text(item, dx, top)
                    continue
                if font != (runs[0][0], item.size):
                    font = (runs[0][0], item.size)
                    plain.setFont(*font)
                x = dx + item.x
                if item.align != "l":
                    width = self.fonts.width(item.text, item.size, note=False)
                    x -= width if item.align == "r" else width / 2
                plain.setTextOrigin(x, top - item.y)
                emit(item.text)
            elif isinstance(item, Line) and item.dash:
                c.setLineWidth(item.width)
                c.setDash(*item.dash)
                c.line(dx + item.x1, top - item.y1, dx + item.x2, top - item.y2)
                c.setDash()
        if font is not None:
            c.drawText(plain)

    def text(self, item: Text, dx: float, top: float) -> None:
        fonts = self.fonts
        runs = fonts.runs(item.text, note=False)
        x = dx + item.x
        if item.align != "l":
            width = fonts.width(item.text, item.size, note=False)
            x -= width if item.align == "r" else width / 2
        y = top - item.y
        c = self.c
        obj = c.beginText(x, y)
        if item.bold:
            # No bold face is available in most CJK fonts: fill and stroke the outline.
            obj.setTextRenderMode(2)
            c.setLineWidth(item.size / 28)
        for name, chunk in runs:
            if name == MISSING:
                # No font has these characters: leave a ruled box to write them in by hand.
                box = item.size
                cx, cy = obj.getX(), obj.getY()
                c.setLineWidth(0.6)
                for i in range(len(chunk)):
                    c.rect(cx + i * box + box * 0.06, cy - box * 0.14, box * 0.88, box * 0.9)
                obj.setTextOrigin(cx + box * len(chunk), cy)
                continue
            obj.setFont(name, item.size)
            obj.textOut(chunk)
        if item.bold:
            # The render mode outlives the text object (it is graphics state): reset it, or
            # everything after a title on the page would come out stroked too.
            obj.setTextRenderMode(0)
        c.drawText(obj)
