"""在职党员进社区情况纪实卡: member header, every verified service of the period, totals, and
the community's verification. Long tables continue on further pages, each repeating the
title, the member and the column headings."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm

from db.validate import birth_year

from .data import Common, RecordCard, fmt_number, service_text
from .layout import Cell, Layout, Page

TITLE = "在职党员进社区情况纪实卡"
# Column widths as fractions of the content width; their sum is 1.
# 服务类型 wide enough for 集中服务日 at the table's type size, on A5 too (it shrank beside
# 点单服务).
COLUMNS = (("序号", 0.065), ("服务日期", 0.125), ("服务类型", 0.13), ("服务内容", 0.37),
           ("时长(小时)", 0.10), ("积分", 0.07), ("审核人", 0.14))
# With a signature column for the member to sign each row (the paper the 纪实 rules ask for).
SIGNED = (("序号", 0.06), ("服务日期", 0.125), ("服务类型", 0.13), ("服务内容", 0.30),
          ("时长(小时)", 0.09), ("积分", 0.06), ("审核人", 0.105), ("本人签名", 0.13))


def _when(row: dict[str, Any]) -> str:
    """The date, and below it the activity's times when it has them."""
    start, end = row.get("start_time") or "", row.get("end_time") or ""
    if start and end:
        return f"{row['date']}\n{start}-{end}"
    return f"{row['date']}\n{start}" if start else row["date"]


def _what(row: dict[str, Any]) -> str:
    """The service, where it took place and the 签到表 its hours came from."""
    text = service_text(row)
    extra = []
    if row.get("place"):
        extra.append(f"地点：{row['place']}")
    if row.get("sheet_number"):
        extra.append(f"签到表：{row['sheet_number']}")
    return "\n".join([text, *extra])


def _top(lay: Layout, base: Common, card: RecordCard, continued: bool) -> float:
    s = lay.s
    y = lay.title(s.margin_top, TITLE + ("（续页）" if continued else ""))
    period = base.period
    assert period is not None
    left = f"社区：{base.office}"
    right = f"期间：{period.label}（{period.start}至{period.end}）"
    lay.text(s.margin_x, y + s.body, left, s.body)
    lay.text(s.width - s.margin_x, y + s.body, right, s.body, "r")
    return y + s.body + 2.5 * mm


def _header(lay: Layout, y: float, card: RecordCard, full: bool) -> float:
    s, m = lay.s, card.member
    w = s.content_width
    x = s.margin_x
    lab = w * 0.13
    start = y
    if not full:
        y += lay.row(x, y, [Cell(lab, "姓名", True), Cell(w * 0.2, m["name"]),
                            Cell(lab, "工作单位", True), Cell(w - 2 * lab - w * 0.2,
                                                             m["work_unit_name"])])
        lay.rect(x, start, w, y - start, 1.1)
        return y
    lab = w * 0.115
    val = (w - 4 * lab) / 4
    # Birth year only: a member's cards are filed together, and the month read with the
    # masked number on the info card would leave two or three possible numbers.
    y += lay.row(x, y, [Cell(lab, "姓名", True), Cell(w * 0.17, m["name"]),
                        Cell(lab, "性别", True), Cell(w * 0.09, m["gender"]),
                        Cell(lab, "出生年份", True), Cell(w * 0.11, birth_year(m["birth_date"])),
                        Cell(lab, "报到日期", True), Cell(w * 0.17, m["report_date"])])
    wide = w - 3 * lab - val
    y += lay.row(x, y, [Cell(lab, "工作单位", True), Cell(wide, m["work_unit_name"]),
                        Cell(lab, "职务", True), Cell(lab + val, m["position"])])
    y += lay.row(x, y, [Cell(lab, "所在党支部", True), Cell(wide, m["branch"]),
                        Cell(lab, "入党日期", True), Cell(lab + val, m["join_date"])])
    y += lay.row(x, y, [Cell(lab, "居住地址", True), Cell(w - lab, card.residence)])
    y += lay.row(x, y, [Cell(lab, "认领岗位", True), Cell(w - lab, card.posts or "（未认领岗位）")])
    lay.rect(x, start, w, y - start, 1.1)
    return y


def _cells(lay: Layout, values: list[str], columns: tuple[tuple[str, float], ...] = COLUMNS
           ) -> list[Cell]:
    w = lay.s.content_width
    cells = []
    for (name, share), value in zip(columns, values, strict=True):
        wide = name == "服务内容"
        cell = Cell(w * share, value, align="l" if wide else "c", nowrap=not wide)
        if not wide and "\n" in value:
            # a date over its times: each line kept whole, in smaller type when narrow (A5)
            room = cell.width - 2 * lay.cell_pad(cell)
            widest = max(lay.fonts.width(line, lay.s.table) for line in value.split("\n"))
            if widest > room:
                cell.size = max(5.0, lay.s.table * room / widest)
        cells.append(cell)
    return cells


def _footer_height(lay: Layout) -> float:
    return lay.s.row + 30 * mm * (lay.s.width / (210 * mm))


def _footer(lay: Layout, y: float, card: RecordCard, base: Common) -> float:
    s = lay.s
    w, x = s.content_width, s.margin_x
    lab = w * 0.13
    total = (f"共 {card.times} 次，服务时长 {fmt_number(card.hours)} 小时，"
             f"获得积分 {fmt_number(card.points)} 分")
    h = lay.row(x, y, [Cell(lab, "合计", True), Cell(w - lab, total)], s.table)
    y += h
    box = _footer_height(lay) - s.row
    lay.rect(x, y, lab, box)
    lay.cell_text(Cell(lab, "社区党组织\n审核意见", True), x, y, box, s.table)
    lay.rect(x + lab, y, w - lab, box)
    lay.text(x + lab + s.pad * 2, y + s.pad + s.table * 1.6,
             "经核实，以上服务记录属实。", s.table)
    right = x + w - s.pad * 4
    lay.text(right, y + box * 0.55, f"{base.office}党组织（盖章）", s.table, "r")
    lay.text(right, y + box * 0.55 + s.table * 2.1, "审核人签字：__________　　年　　月　　日",
             s.table, "r")
    return y + box


def layout_record(lay: Layout, card: RecordCard, base: Common,
                  signatures: bool = False) -> list[Page]:
    """Add the pages of one record card to lay (on a fresh page); returns them. With
    signatures, each row gets a 本人签名 cell."""
    s = lay.s
    first = len(lay.pages) - 1
    size = s.table
    columns = SIGNED if signatures else COLUMNS
    y = _header(lay, _top(lay, base, card, False), card, True) + 2.5 * mm
    heads = [name for name, _ in columns]

    def table_head(y: float) -> float:
        return y + lay.row(s.margin_x, y, [Cell(c.width, c.text, True)
                                            for c in _cells(lay, heads, columns)], size)

    y = table_head(y)
    tail = [""] if signatures else []
    rows = [[str(i), _when(r), r["kind"], _what(r), fmt_number(r["hours"]),
             fmt_number(r["points"]), r["verifier"], *tail] for i, r in enumerate(card.rows, 1)]
    if not rows:
        rows = [["", "", "", "本期没有经社区审核的服务记录", "", "", "", *tail]]
    min_row = s.row * 0.8
    if signatures:
        min_row = max(min_row, 9 * mm)  # room to sign
    for i, values in enumerate(rows):
        cells = _cells(lay, values, columns)
        measured = lay.measure_row(cells, size, min_row)
        h = measured[0]
        last = i == len(rows) - 1
        room = s.bottom - (_footer_height(lay) if last else 0)
        if y + h > room:
            lay.text(s.width - s.margin_x, y + s.small * 1.6, "（转下页）", s.small, "r")
            lay.new_page()
            y = _header(lay, _top(lay, base, card, True), card, False) + 2.5 * mm
            y = table_head(y)
        y += lay.row(s.margin_x, y, cells, size, measured=measured)
    # Blank ruled rows down to the totals, as on the printed form, for handwritten additions.
    blank = int((s.bottom - _footer_height(lay) - y) // min_row)
    if blank > 0:
        widths = [c.width for c in _cells(lay, [""] * len(columns), columns)]
        y += lay.blank_rows(s.margin_x, y, widths, min_row, blank)
    if y + _footer_height(lay) > s.bottom:
        lay.new_page()
        y = _header(lay, _top(lay, base, card, True), card, False) + 2.5 * mm
    _footer(lay, y, card, base)
    pages = lay.pages[first:]
    for number, page in enumerate(pages, 1):
        lay.page = page
        lay.page_number(number, len(pages), f"{card.member['name']} 纪实卡")
    lay.page = lay.pages[-1]
    return pages
