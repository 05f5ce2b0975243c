"""感谢信 and 提醒函: one A4 page per member or unit, addressed by name, with the figures that
earned the letter, signed by the community's party organisation.

`ranking_letters` writes to the top and bottom of a ranking; `compliance_letters` to those on
a quarter's compliance list (no service, no 实事, no joint meeting)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import settings
from db.ledger import Ledger
from db.rankings import Ranking, top_bottom

from .data import org_name
from .draw import new_canvas
from .fonts import FontSet
from .layout import Layout, style_for
from .report_pdf import ReportPainter

THANKS, REMINDER = "感谢信", "提醒函"


@dataclass
class Letter:
    kind: str  # 感谢信 / 提醒函
    addressee: str  # the member's or unit's name
    salutation: str  # 王䶮同志： / XX党委：
    paragraphs: list[str]
    cc: str = ""  # the member's work unit, told too
    number: str = ""  # 文号, given when the letters are written: 丽景社区〔2026〕第3号


def _number(value: float) -> str:
    return f"{value:g}"


def ranking_letters(ledger: Ledger, ranking: Ranking, top: int, bottom: int) -> list[Letter]:
    ident = settings.identity(ledger)
    office = ident["office_name"]
    label = ranking.period.label
    total = len(ranking.rows)
    head, tail = top_bottom(ranking, top, bottom)
    letters = []
    for row, kind in [(r, THANKS) for r in head] + [(r, REMINDER) for r in tail]:
        member = ranking.kind == "member"
        salute = f"{row['name']}同志：" if member else f"{org_name(row['name'])}："
        you = "您" if member else "贵单位"
        did = ""
        if row["services"]:
            did = (f"参加服务{row['services']}次、累计{_number(row['hours'])}小时，" if member
                   else f"办成实事{row['services']}件，")
        figures = (f"{label}，{you}在{office}{did}获得积分{_number(row['points'])}分，"
                   f"在{total}{'名在职党员' if member else '个报到单位'}中排名第{row['rank']}位。")
        if kind == THANKS:
            body = [figures,
                    f"{'您' if member else '贵单位'}积极参加社区服务，用实际行动践行了全心全意为人民服务的宗旨，"
                    "为社区治理和居民群众办了实事、解了难题。在此，谨向"
                    f"{'您' if member else '贵单位全体党员'}表示衷心的感谢！",
                    "希望继续发挥先锋模范作用，带动更多党员参与社区建设。"]
        else:
            body = [figures,
                    f"按照“双报到”工作要求，在职党员每季度至少参加一次社区服务，报到单位每季度至少参加一次联席会议、"
                    f"办成一件实事。{'您' if member else '贵单位'}本期参与较少，特此提醒。",
                    "请结合所认领的服务岗位和社区需求，主动联系社区，积极参加集中服务日、群众点单等活动。"]
        letters.append(Letter(kind, row["name"], salute, body, row["org"] if member else ""))
    return letters


def compliance_letters(ledger: Ledger, quarter_label: str, key: str,
                       rows: list[dict[str, Any]]) -> list[Letter]:
    """提醒函 for the rows of one compliance list (db.compliance.check_lists)."""
    letters = []
    what = {
        "idle_members": "在社区没有服务记录。按照“双报到”工作要求，在职党员每季度至少参加一次社区服务",
        "units_no_project": "没有在社区办成实事（共建项目）。按照“双报到”工作要求，报到单位每季度至少办成一件实事",
        "units_no_meeting": "没有参加社区联席会议。按照“双报到”工作要求，报到单位每季度至少参加一次联席会议",
    }[key]
    for row in rows:
        member = key == "idle_members"
        salute = f"{row['name']}同志：" if member else f"{org_name(row['name'])}："
        body = [f"{quarter_label}，{'您' if member else '贵单位'}{what}，特此提醒。",
                "请主动与社区联系，结合认领的岗位和居民需求，尽快安排参加社区服务。"]
        letters.append(Letter(REMINDER, row["name"], salute, body, row.get("org", "") if member else ""))
    return letters


UNITS = set("分位名次小件个年月日")


def wrap(lay: Layout, text: str, width: float, size: float) -> list[str]:
    """Layout.wrap, but a number stays on the line of its unit (…获得积分 / 5分, not 5 / 分)."""
    lines = lay.wrap(text, width, size)
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        if line and line[0] in UNITS and prev and prev[-1].isdigit():
            cut = len(prev.rstrip("0123456789."))
            if cut > 0:
                lines[i - 1], lines[i] = prev[:cut], prev[cut:] + line
    return lines


def layout_letter(lay: Layout, letter: Letter, office: str, date: str) -> None:
    s = lay.s
    size = s.body * 1.3
    x, w = s.margin_x + 6 * mm, s.content_width - 12 * mm
    y = s.margin_top + 16 * mm
    lay.text(s.width / 2, y, letter.kind, s.title * 1.6, "c", bold=True)
    if letter.number:
        lay.text(s.width / 2, y + 11 * mm, letter.number, s.body, "c")
    y += 22 * mm
    lay.text(x, y, letter.salutation, size)
    y += size * 2.2
    for para in letter.paragraphs:
        for line in wrap(lay, "　　" + para, w, size):
            lay.text(x, y, line, size)
            y += size * 2.0
        y += size * 0.4
    if letter.kind == THANKS:
        lay.text(x + size * 2, y + size * 0.5, "此致", size)
        lay.text(x, y + size * 2.5, "敬礼！", size)
        y += size * 3
    y = max(y + 18 * mm, s.height * 0.62)
    right = s.width - s.margin_x - 6 * mm
    signer = f"中共{office}委员会" if not office.endswith(("委员会", "党委", "支部")) else office
    lay.text(right, y, f"{signer}（盖章）", size, "r")
    lay.text(right, y + size * 2.2, date, size, "r")
    if letter.cc:
        lay.line(x, s.bottom - 14 * mm, x + w, s.bottom - 14 * mm, 0.4)
        lay.text(x, s.bottom - 8 * mm, f"抄送：{org_name(letter.cc)}", s.body)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_letters(ledger: Ledger, letters: list[Letter], out: str | Path,
                  fonts: FontSet | None = None, today: dt.date | None = None) -> tuple[Path, list[str]]:
    """All letters into one PDF, one page each; returns the path and font warnings. Each
    letter without a 文号 gets the community's next number of the year."""
    out = Path(out)
    fonts = fonts or FontSet.discover()
    office = settings.identity(ledger)["office_name"]
    day = today or dt.date.today()
    date = chinese_date(day)
    unnumbered = [x for x in letters if not x.number]
    numbers = settings.next_document_numbers(ledger, day.year, len(unnumbered)) if unnumbered else []
    for letter, number in zip(unnumbered, numbers, strict=True):
        letter.number = settings.document_number(ledger, day.year, number)
    lay = Layout(fonts, style_for("A4"))
    lay.pages.clear()
    for letter in letters:
        lay.new_page()
        fonts.context = f"{letter.kind}（{letter.addressee}）"
        layout_letter(lay, letter, office, date)
    kinds = "、".join(sorted({x.kind for x in letters})) or "信函"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    canvas = new_canvas(str(tmp), f"{kinds}（{len(letters)}份）", office, "", fonts.primary)
    painter = ReportPainter(canvas, fonts)
    try:
        for page in lay.pages:
            painter.page(page)
        canvas.save()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, fonts.warnings
