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
        for item in page.items:
            if isinstance(item, Text):
                self.text(item, dx, top)
            elif isinstance(item, Line):
                c.setLineWidth(item.width)
                if item.dash:
                    c.setDash(*item.dash)
                c.line(dx + item.x1, top - item.y1, dx + item.x2, top - item.y2)
                if item.dash:
                    c.setDash()
            elif isinstance(item, Rect):
                c.setLineWidth(item.width)
                c.rect(dx + item.x, top - item.y - item.h, item.w, item.h, stroke=1, fill=0)

    def text(self, item: Text, dx: float, top: float) -> None:
        fonts = self.fonts
        runs = fonts.runs(item.text, note=False)
        x = dx + item.x
        if item.align != "l":
            width = fonts.width(item.text, item.size, note=False)
            x -= width if item.align == "r" else width / 2
        y = top - item.y
        c = self.c
        if len(runs) == 1 and runs[0][0] != MISSING and not item.bold:
            # The common case: one font, no fallback; skip the text-object machinery.
            c.setFont(runs[0][0], item.size)
            c.drawString(x, y, item.text)
            return
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
        c.drawText(obj)
