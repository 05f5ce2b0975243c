"""在职党员进社区反馈卡 (and the reporting unit's version): one page addressed to the work
unit's party organisation, with the grade boxes, the community's comment, seal and date, and
a tear-off 回执 for the unit to sign and send back, with the 回执's number (db.receipts) so
that it is found by number when it comes back."""

from __future__ import annotations

from reportlab.lib.units import mm

from .data import Common, FeedbackCard
from .layout import Cell, Layout, Page

MEMBER_TITLE = "在职党员进社区反馈卡"
UNIT_TITLE = "报到单位党组织进社区反馈卡"


def _grades(lay: Layout, x: float, y: float, h: float, grades: tuple[str, ...],
            chosen: str) -> None:
    s = lay.s
    box = s.body * 1.05
    cx = x + s.pad * 2
    for grade in grades:
        lay.checkbox(cx, y + (h - box) / 2, box, grade == chosen)
        lay.text(cx + box + 1.5 * mm, y + h / 2 + s.body * 0.36, grade, s.body)
        cx += box + 1.5 * mm + lay.fonts.width(grade, s.body) + 9 * mm * s.width / (210 * mm)


def _facts_rows(lay: Layout, x: float, y: float, card: FeedbackCard) -> float:
    """Label/value pairs three to a row; long values (党支部, 单位名称) get a whole row."""
    s = lay.s
    w = s.content_width
    lab = w * 0.155
    val = (w - 3 * lab) / 3
    wide = {"所在党支部", "单位名称"}
    pending: list[Cell] = []
    for label, value in card.facts:
        if label in wide:
            y += lay.row(x, y, [Cell(lab, label, True), Cell(w - lab, value)])
            continue
        pending += [Cell(lab, label, True), Cell(val, value)]
        if len(pending) == 6:
            y += lay.row(x, y, pending)
            pending = []
    if pending:
        pending[-1] = Cell(w - sum(c.width for c in pending[:-1]), pending[-1].text)
        y += lay.row(x, y, pending)
    return y


def layout_feedback(lay: Layout, card: FeedbackCard, base: Common) -> list[Page]:
    s = lay.s
    k = s.width / (210 * mm)  # A5 is about 0.7 of A4
    period = base.period
    assert period is not None
    x, w = s.margin_x, s.content_width
    lab = w * 0.155
    y = lay.title(s.margin_top, UNIT_TITLE if card.is_unit else MEMBER_TITLE)
    lay.text(s.width / 2, y + s.body * 0.2, f"（{period.label}）", s.body, "c")
    y += s.body * 1.4
    lay.text(x, y + s.body, f"{card.addressee}：", s.body)
    y += s.body * 1.7
    intro = lay.wrap("　　" + card.intro, w, s.body)
    for line in intro:
        lay.text(x, y + s.body, line, s.body)
        y += s.body * 1.6
    y += 1.5 * mm
    start = y
    y = _facts_rows(lay, x, y, card)
    if not card.is_unit:
        y += lay.row(x, y, [Cell(lab, "认领岗位", True), Cell(w - lab, card.posts or "（未认领岗位）")])
    h = s.row * 1.1
    lay.rect(x, y, lab, h)
    lay.cell_text(Cell(lab, "评价等次", True), x, y, h, s.body)
    lay.rect(x + lab, y, w - lab, h)
    _grades(lay, x + lab, y, h, base.grades, card.grade)
    y += h
    # The comment box takes what is left above the receipt, never less than a few lines.
    receipt_h = 52 * mm * k
    box = max(28 * mm * k, s.bottom - receipt_h - y)
    lay.rect(x, y, lab, box)
    lay.cell_text(Cell(lab, "社区评语", True), x, y, box, s.body)
    lay.rect(x + lab, y, w - lab, box)
    sign_h = s.body * 4.2
    text_w = w - lab - 2 * s.pad
    room = box - sign_h - 2 * s.pad
    size, lines = s.body, lay.wrap(card.comment, text_w, s.body) if card.comment else []
    while len(lines) * size * 1.45 > room and size > 6:  # a long comment: smaller type
        size = max(6.0, size - 0.5)
        lines = lay.wrap(card.comment, text_w, size)
    fits = max(1, int(room // (size * 1.45)))
    if len(lines) > fits:
        lay.notes.append(f"{card.subject}的社区评语太长，卡片上只印出了前{fits}行（共{len(lines)}行）")
        lines = lines[:fits]
    for i, line in enumerate(lines):
        lay.text(x + lab + s.pad, y + s.pad + size * (1.05 + 1.45 * i), line, size)
    right = x + w - 4 * mm * k
    lay.text(right, y + box - s.body * 2.6, f"{base.office}党组织（盖章）", s.body, "r")
    date = card.evaluated_date or "　　　　年　　月　　日"
    lay.text(right, y + box - s.body * 1.0, f"签字：__________　{date}", s.body, "r")
    y += box
    lay.rect(x, start, w, y - start, 1.1)
    _receipt(lay, y + 7 * mm * k, card, base)
    return lay.pages


def _receipt(lay: Layout, y: float, card: FeedbackCard, base: Common) -> None:
    s = lay.s
    k = s.width / (210 * mm)
    x, w = s.margin_x, s.content_width
    lay.cut_line(y - 3.5 * mm * k)
    top = y
    y += 2 * mm * k
    head = s.title * 0.8
    lay.text(s.width / 2, y + head, "回　　执", head, "c", bold=True)
    if card.receipt_number:  # matched by it in 回执登记 when the slip comes back
        number = f"编号：{card.receipt_number}"
        right = x + w - s.pad * 2
        title_end = s.width / 2 + lay.fonts.width("回　　执", head) / 2 + 3 * mm * k
        if right - lay.fonts.width(number, s.body) >= title_end:
            lay.text(right, y + head, number, s.body, "r", bold=True)
        else:  # a long community name: the number on its own line below the title
            y += s.body * 1.4
            lay.text(right, y + head, number, s.body, "r", bold=True)
    y += head * 1.5
    lay.text(x + s.pad * 2, y + s.body, f"{base.office}党组织：", s.body)
    y += s.body * 1.7
    for line in lay.wrap("　　" + card.receipt, w - 4 * s.pad, s.body):
        lay.text(x + s.pad * 2, y + s.body, line, s.body)
        y += s.body * 1.6
    y += s.body * 0.8
    right = x + w - 4 * mm * k
    lay.text(right, y + s.body, f"{card.addressee}（盖章）", s.body, "r")
    y += s.body * 1.9
    lay.text(right, y + s.body, "联系人：__________　　　　年　　月　　日", s.body, "r")
    y += s.body * 1.6
    lay.rect(x, top, w, y - top + 1 * mm, 0.8)
