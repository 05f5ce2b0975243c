"""签到表 (PDF): one activity's numbered, pre-filled sign-in sheet, A4 portrait, with ruled
blank rows for walk-ins. Every page repeats the sheet number, so a loose page still says
which sheet it belongs to when it is entered (按签到表录入)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import activities, grid, posts, settings, signin
from db.ledger import Ledger

from .fonts import FontSet
from .layout import Cell
from .report_pdf import Doc

TITLE = "活动签到表"
COLUMNS = (("序号", 0.07), ("姓名", 0.13), ("单位", 0.26), ("签到", 0.10), ("签退", 0.10),
           ("时长(小时)", 0.11), ("签名", 0.23))
ROW = 9 * mm  # room to write a name by hand
MIN_BLANK = 3


@dataclass
class SheetData:
    number: str
    activity: dict[str, Any]
    source: str  # 网格：… / 岗位：… / 名单
    rows: list[tuple[str, str]]  # (姓名, 单位) in 序号 order
    blank: int
    office: str


def sheet_data(ledger: Ledger, sheet_id: int) -> SheetData:
    sheet = signin.get_sheet(ledger, sheet_id)
    activity = activities.get_activity(ledger, sheet["activity_id"])
    if sheet["source"] == "网格" and sheet["node_id"]:
        source = "网格：" + grid.path_text(ledger, sheet["node_id"], 2)
    elif sheet["source"] == signin.ROSTER and sheet["node_id"]:  # an 应急响应's roster
        source = "临时党支部：" + grid.path_text(ledger, sheet["node_id"], 2)
    elif sheet["source"] == "岗位" and sheet["post_id"]:
        source = "岗位：" + posts.get_post(ledger, sheet["post_id"])["name"]
    else:
        source = "指定名单"
    rows = [(r.name, r.work_unit) for r in signin.sheet_rows(ledger, sheet_id) if not r.walk_in]
    return SheetData(sheet["number"], activity, source, rows, int(sheet["blank_rows"]),
                     settings.identity(ledger)["office_name"])


def _time(activity: dict[str, Any]) -> str:
    start, end = activity["start_time"], activity["end_time"]
    day = activity["date"]
    if start and end:
        return f"{day} {start}—{end}"
    return f"{day} {start}" if start else day


def _top(doc: Doc, data: SheetData) -> None:
    lay, s = doc.lay, doc.s
    a = data.activity
    doc.y = lay.title(doc.y, TITLE)
    lay.text(s.margin_x, doc.y + s.body, f"{data.office}", s.body)
    lay.text(s.width - s.margin_x, doc.y + s.body, f"签到表编号：{data.number}", s.body * 1.1,
             "r", bold=True)
    doc.y += s.body + 2.5 * mm
    w, x = s.content_width, s.margin_x
    lab = w * 0.13
    half = w / 2 - lab
    top = doc.y
    doc.y += lay.row(x, doc.y, [Cell(lab, "活动名称", True), Cell(w - lab, a["title"])], s.table)
    doc.y += lay.row(x, doc.y, [Cell(lab, "活动类型", True), Cell(half, a["kind"]),
                                Cell(lab, "活动时间", True), Cell(half, _time(a))], s.table)
    doc.y += lay.row(x, doc.y, [Cell(lab, "活动地点", True), Cell(half, a["place"]),
                                Cell(lab, "签到名单", True), Cell(half, data.source)], s.table)
    doc.y += lay.row(x, doc.y, [Cell(lab, "活动负责人", True), Cell(half, a["leader"]),
                                Cell(lab, "记录人", True), Cell(half, a["recorder"])], s.table)
    lay.rect(x, top, w, doc.y - top, 1.1)
    doc.y += 3 * mm


def _head(doc: Doc, widths: list[float]) -> None:
    cells = [Cell(w, name, True) for w, (name, _share) in zip(widths, COLUMNS, strict=True)]
    doc.y += doc.lay.row(doc.s.margin_x, doc.y, cells, doc.s.table, min_height=ROW * 0.8)


FOOT = 24 * mm


def _foot(doc: Doc) -> None:
    lay, s = doc.lay, doc.s
    y = s.bottom - FOOT + 4 * mm
    lay.text(s.margin_x, y + s.small, "说明：名单以外到场的党员请在空白行写姓名和单位；"
             "签到、签退写到分钟（如 9:05），时长按小时写（如 2.5），由记录人核对。", s.small)
    y += s.small * 2.6
    lay.text(s.margin_x, y + s.table,
             "活动负责人签字：____________　　记录人签字：____________　　"
             "录入人：__________　录入日期：________", s.table)


def signin_pdf(ledger: Ledger, sheet_id: int, out: str | Path,
               fonts: FontSet | None = None) -> tuple[Path, list[str], int]:
    """Write the sheet; returns (path, font warnings, pages)."""
    data = sheet_data(ledger, sheet_id)
    doc = Doc(fonts, header=f"{data.office}　{data.activity['date']} {data.activity['title']}")
    s = doc.s
    widths = [s.content_width * share for _name, share in COLUMNS]
    lines = [(str(i), name, unit) for i, (name, unit) in enumerate(data.rows, 1)]
    _top(doc, data)
    _head(doc, widths)
    room = s.bottom - FOOT

    def row(cells: list[Cell]) -> None:
        if doc.y + ROW > room:
            _foot(doc)
            doc.lay.text(s.width - s.margin_x, doc.y + s.small * 1.6, "（转下页）", s.small, "r")
            doc.new_page()
            _top(doc, data)
            _head(doc, widths)
        doc.y += doc.lay.row(s.margin_x, doc.y, cells, s.table, height=ROW)

    for number, name, unit in lines:
        row([Cell(widths[0], number, True), Cell(widths[1], name, nowrap=True),
             Cell(widths[2], unit)] + [Cell(w) for w in widths[3:]])
    # Blank rows for walk-ins fill what is left of the last page; only when fewer than
    # MIN_BLANK (or the number asked, if smaller) fit does a further page carry the rows asked
    # for, so a sheet never ends on a page of blanks for the sake of one row.
    fits = int((room - doc.y) // ROW)
    total = fits if fits >= min(data.blank, MIN_BLANK) else data.blank
    for i in range(1, total + 1):
        row([Cell(widths[0], str(len(lines) + i), True)] + [Cell(w) for w in widths[1:]])
    _foot(doc)
    a = data.activity
    path = doc.save(out, f"{a['title']}签到表（{data.number}）", data.office,
                    f"{a['date']} {a['title']}")
    return path, doc.fonts.warnings, len(doc.lay.pages)
