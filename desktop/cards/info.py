"""在职党员基本信息卡: the member's facts, posts, residence in the grid and 一联一帮 household.

The ID number is masked to its first 6 and last 4 digits unless the caller asks for it in
full (the card often leaves the office); the hidden digits are the birth date, so a masked
card shows the birth year only."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm

from db.validate import birth_year

from .data import Common, InfoCard
from .layout import Cell, Layout, Page

TITLE = "在职党员基本信息卡"


def _claims_text(card: InfoCard) -> str:
    if not card.claims:
        return "（未认领岗位）"
    return "；".join(f"{c['post_name']}（{c['category']}，{c['claimed_date']}认领）"
                    for c in card.claims)


SHOWN = 5  # 培训 / 表彰 entries on the card at most: the newest, the rest counted


def _entries_text(entries: list[str], shown: int, none: str) -> str:
    if not entries:
        return none
    more = len(entries) - shown
    return "\n".join(entries[:shown]) + (f"\n（另有{more}项较早的记录，见台账）" if more else "")


def _entry_rows(lay: Layout, card: InfoCard, lab: float, w: float, h: float,
                room: float) -> list[tuple[str, str]]:
    """The 培训 and 表彰 rows, with as many of the newest entries as the room allows (the
    card stays one page): the longer list gives up one entry at a time."""
    if not card.trainings and not card.awards:  # one row says so: room for a long note
        return [("培训表彰", "（无培训和表彰奖励记录）")]
    counts = [min(len(card.trainings), SHOWN), min(len(card.awards), SHOWN)]
    while True:
        rows = [("培训情况", _entries_text(card.trainings, counts[0], "（无培训记录）")),
                ("表彰奖励", _entries_text(card.awards, counts[1], "（无表彰奖励记录）"))]
        used = sum(lay.row_height([Cell(lab, a, True), Cell(w - lab, b)], lay.s.body, h)
                   for a, b in rows)
        if used <= room or not any(counts):
            return rows
        counts[0 if counts[0] >= counts[1] else 1] -= 1


def layout_info(lay: Layout, card: InfoCard, base: Common, today: str | None = None) -> list[Page]:
    s = lay.s
    k = s.width / (210 * mm)
    m = card.member
    x, w = s.margin_x, s.content_width
    lab = w * 0.125
    y = lay.title(s.margin_top, TITLE)
    lay.text(x, y + s.body, f"社区：{base.office}", s.body)
    lay.text(s.width - x, y + s.body, f"打印日期：{today or dt.date.today().isoformat()}",
             s.body, "r")
    y += s.body + 2.5 * mm
    start = y
    photo = w * 0.16
    inner = w - photo
    val = (inner - 3 * lab) / 3
    h = s.row * 1.6
    # The 6+4 mask hides exactly the birth date: beside a masked number, the year only.
    birth = [Cell(lab, "出生年份", True), Cell(val, birth_year(m["birth_date"]))] \
        if "*" in card.id_text else [Cell(lab, "出生日期", True), Cell(val, m["birth_date"])]
    top_rows = [
        [Cell(lab, "姓名", True), Cell(val, m["name"]), Cell(lab, "性别", True),
         Cell(val, m["gender"]), Cell(lab, "民族", True), Cell(val, m["ethnicity"])],
        [*birth, Cell(lab, "入党日期", True),
         Cell(val, m["join_date"]), Cell(lab, "报到日期", True), Cell(val, m["report_date"])],
        [Cell(lab, "身份证号", True), Cell(val + lab + val * 0.7, card.id_text),
         Cell(lab, "手机号码", True), Cell(val * 1.3, m["mobile"])],
        [Cell(lab, "工作单位", True), Cell(val + lab + val, m["work_unit_name"]),
         Cell(lab, "职务", True), Cell(val, m["position"])],
    ]
    for cells in top_rows:
        y += lay.row(x, y, cells, height=max(h, lay.row_height(cells, s.body)))
    lay.rect(x + inner, start, photo, y - start)
    lay.text(x + inner + photo / 2, (start + y) / 2 + s.body * 0.36, "照　片", s.body, "c")
    rows = [
        ("所在党支部", m["branch"]),
        ("居住地址", card.residence),
        ("所在网格", card.grid_path),
        ("特长", m["specialties"]),
        ("认领岗位", _claims_text(card)),
    ]
    # 一联一帮: the household this member looks after.
    band = lab * 0.55
    rest = w - band - lab
    val2 = (rest - 2 * lab) / 3
    household = [[Cell(lab, "联系户姓名", True), Cell(val2, m["household_name"]),
                  Cell(lab, "类别", True), Cell(val2, m["household_reason"]),
                  Cell(lab, "联系电话", True), Cell(val2, m["household_phone"])],
                 [Cell(lab, "住址", True), Cell(rest - lab - val2, m["household_address"]),
                  Cell(lab, "最近走访", True), Cell(val2, card.last_visit, nowrap=True)]]
    fixed = sum(lay.row_height([Cell(lab, a, True), Cell(w - lab, b)], s.body, h) for a, b in rows)
    # below the 培训/表彰 rows: 一联一帮, the note, the seal and signature lines
    below = (sum(lay.row_height(cells, s.body, h) for cells in household)
             + max(s.row * 2, lay.row_height([Cell(w - lab, m["note"])], s.body))
             + 10 * mm * k + s.body * 3.5)
    rows += _entry_rows(lay, card, lab, w, h, s.bottom - y - fixed - below)
    for label, value in rows:
        y += lay.row(x, y, [Cell(lab, label, True), Cell(w - lab, value)], min_height=h)
    hh = y
    for cells in household:
        y += lay.row(x + band, y, cells, min_height=h)
    lay.rect(x, hh, band, y - hh)
    lay.cell_text(Cell(band, "一联\n一帮", True), x, hh, y - hh, s.body)
    # the note keeps what room the 培训/表彰 lines leave (the card stays one page)
    listed = min(len(card.trainings), SHOWN) + min(len(card.awards), SHOWN)
    note_h = max(min(s.row * max(2, 5 - listed // 2), s.bottom - y - 10 * mm * k - s.body * 3.5),
                 s.row * 2, lay.row_height([Cell(w - lab, m["note"])], s.body))
    y += lay.row(x, y, [Cell(lab, "备注", True), Cell(w - lab, m["note"])], height=note_h)
    lay.rect(x, start, w, y - start, 1.1)
    y += 10 * mm * k
    right = x + w - 4 * mm * k
    lay.text(right, y, f"{base.office}党组织（盖章）", s.body, "r")
    lay.text(right, y + s.body * 2.2, "填表人：__________　　　　年　　月　　日", s.body, "r")
    return lay.pages
