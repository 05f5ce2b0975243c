"""感谢信 and 提醒函: one A4 page per member or unit, addressed by name, with the figures that
earned the letter, signed by the community's party organisation.

`ranking_letters` writes to the top and bottom of a ranking; `compliance_letters` to those on
a quarter's compliance list (no service, no 实事, no joint meeting); `quarter_letters` all of a
quarter's letters at once: 感谢信 to the top of the quarter's member and unit rankings, 提醒函
to everyone on its compliance lists (a unit missing both 实事 and meeting gets one letter)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import compliance, periods, rankings, settings
from db.ledger import Ledger
from db.rankings import Ranking, select

from .data import org_name
from .draw import new_canvas
from .fonts import FontSet
from .layout import Layout, style_for
from .report_pdf import ReportPainter

THANKS, REMINDER = "感谢信", "提醒函"
Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]


class LettersCancelled(Exception):
    """The user cancelled writing letters: no file was written and no 文号 used."""


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


def place_text(row: dict[str, Any], total: int, member: bool) -> str:
    """在1452名在职党员中排名第3位, or, in a tie, 在1452名在职党员中与其他1225名并列第227位."""
    whole = f"在{total}{'名在职党员' if member else '个报到单位'}中"
    others = int(row.get("tied", 1)) - 1
    if others > 0:
        return f"{whole}与其他{others}{'名' if member else '个单位'}并列第{row['rank']}位"
    return f"{whole}排名第{row['rank']}位"


def _ranking_letter(ranking: Ranking, row: dict[str, Any], kind: str, office: str) -> Letter:
    member = ranking.kind == "member"
    salute = f"{row['name']}同志：" if member else f"{org_name(row['name'])}："
    you = "您" if member else "贵单位"
    did = ""
    if row["services"]:
        did = (f"参加服务{row['services']}次、累计{_number(row['hours'])}小时，" if member
               else f"办成实事{row['services']}件，")
    figures = (f"{ranking.period.label}，{you}在{office}{did}获得积分{_number(row['points'])}分，"
               f"{place_text(row, len(ranking.rows), member)}。")
    if kind == THANKS:
        body = [figures,
                f"{you}积极参加社区服务，用实际行动践行了全心全意为人民服务的宗旨，"
                "为社区治理和居民群众办了实事、解了难题。在此，谨向"
                f"{'您' if member else '贵单位全体党员'}表示衷心的感谢！",
                "希望继续发挥先锋模范作用，带动更多党员参与社区建设。"]
    else:
        body = [figures,
                "按照“双报到”工作要求，在职党员每季度至少参加一次社区服务，报到单位每季度至少参加一次联席会议、"
                f"办成一件实事。{you}本期参与较少，特此提醒。",
                "请结合所认领的服务岗位和社区需求，主动联系社区，积极参加集中服务日、群众点单等活动。"]
    return Letter(kind, row["name"], salute, body, row["org"] if member else "")


def ranking_letters(ledger: Ledger, ranking: Ranking, top: int, bottom: int) -> list[Letter]:
    """感谢信 to the top, 提醒函 to the bottom; a tie at either boundary is taken whole
    (rankings.select says so in its notes)."""
    office = settings.identity(ledger)["office_name"]
    chosen = select(ranking, top, bottom)
    return ([_ranking_letter(ranking, r, THANKS, office) for r in chosen.head]
            + [_ranking_letter(ranking, r, REMINDER, office) for r in chosen.tail])


ASK = {
    "idle_members": "请主动与社区联系，结合认领的岗位和居民需求，尽快安排参加社区服务。",
    "units_no_project": "请主动与社区联系，结合共建共驻协议和社区需求清单，尽快商定并办成实事。",
    "units_no_meeting": "请主动与社区联系，按时派员参加社区联席会议，共商共办社区事务。",
    "both": "请主动与社区联系，按时派员参加社区联席会议，结合共建共驻协议和社区需求清单尽快办成实事。",
}


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
                ASK[key]]
        letters.append(Letter(REMINDER, row["name"], salute, body, row.get("org", "") if member else ""))
    return letters


@dataclass
class QuarterLetters:
    code: str
    label: str
    letters: list[Letter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for x in self.letters if x.kind == kind)

    @property
    def summary(self) -> str:
        return f"{self.label}：感谢信{self.count(THANKS)}份，提醒函{self.count(REMINDER)}份"


BOTH = ("没有在社区办成实事（共建项目），也没有参加社区联席会议。按照“双报到”工作要求，报到单位每季度"
        "至少参加一次联席会议、办成一件实事")


def quarter_letters(ledger: Ledger, code: str, top: int = 10,
                    cancelled: Cancelled | None = None) -> QuarterLetters:
    """Every letter of a quarter: 感谢信 to the first `top` of the quarter's member ranking and
    of its unit ranking (a tie at the boundary taken whole, positive points only), 提醒函 to
    each member without service and each unit without 实事 or joint meeting. Nobody reminded
    is thanked in the same quarter."""
    q = compliance.quarter(code)
    out = QuarterLetters(q.code, q.label)
    if not periods.is_finished(q):
        out.notes.append(f"{q.label}还没有结束：名单只算到今天，之后参加服务的也会收到提醒函。")
    lists = compliance.check_lists(ledger, q.code)
    reminded = {("member", r["id"]) for r in lists["idle_members"]}
    no_project = {r["id"] for r in lists["units_no_project"]}
    no_meeting = {r["id"] for r in lists["units_no_meeting"]}
    reminded |= {("unit", i) for i in no_project | no_meeting}
    office = settings.identity(ledger)["office_name"]
    for kind in ("member", "unit"):
        if cancelled and cancelled():
            raise LettersCancelled()
        ranking = rankings.get_ranking(ledger, kind, q.code)
        chosen = select(ranking, top, 0)
        head = [r for r in chosen.head if (kind, r["id"]) not in reminded]
        out.notes += [f"{rankings.SUBJECTS[kind]}{note}" for note in chosen.notes]
        if len(head) < len(chosen.head):
            out.notes.append(f"{rankings.SUBJECTS[kind]}排行前列中有{len(chosen.head) - len(head)}"
                             f"{'名' if kind == 'member' else '个'}本季度未达标，只发提醒函。")
        out.letters += [_ranking_letter(ranking, r, THANKS, office) for r in head]
    out.letters += compliance_letters(ledger, q.label, "idle_members", lists["idle_members"])
    both = no_project & no_meeting
    for key in ("units_no_project", "units_no_meeting"):
        rows = [r for r in lists[key] if r["id"] not in both]
        out.letters += compliance_letters(ledger, q.label, key, rows)
    rows = [r for r in lists["units_no_project"] if r["id"] in both]
    for letter in compliance_letters(ledger, q.label, "units_no_project", rows):
        letter.paragraphs = [f"{q.label}，贵单位{BOTH}，特此提醒。", ASK["both"]]
        out.letters.append(letter)
    return out


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


def layout_letter(lay: Layout, letter: Letter, office: str, date: str,
                  signer: str | None = None) -> None:
    """One letter on the current page, signed by signer (default: the community's 党委 as
    the 文号 letters name it)."""
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
    if signer is None:
        signer = f"中共{office}委员会" if not office.endswith(("委员会", "党委", "支部")) else office
    lay.text(right, y, f"{signer}（盖章）", size, "r")
    lay.text(right, y + size * 2.2, date, size, "r")
    if letter.cc:
        lay.line(x, s.bottom - 14 * mm, x + w, s.bottom - 14 * mm, 0.4)
        lay.text(x, s.bottom - 8 * mm, f"抄送：{org_name(letter.cc)}", s.body)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_letters(ledger: Ledger, letters: list[Letter], out: str | Path,
                  fonts: FontSet | None = None, today: dt.date | None = None,
                  progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> tuple[Path, list[str]]:
    """All letters into one PDF, one page each; returns the path and font warnings. Each
    letter without a 文号 gets the community's next number of the year. A cancel
    (LettersCancelled) leaves no file and gives back the numbers it had reserved."""
    out = Path(out)
    fonts = fonts or FontSet.discover()
    office = settings.identity(ledger)["office_name"]
    day = today or dt.date.today()
    date = chinese_date(day)
    report = progress or (lambda _label, _fraction: None)
    total = max(1, len(letters))

    def check() -> None:
        if cancelled and cancelled():
            raise LettersCancelled()

    unnumbered = [x for x in letters if not x.number]
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with ledger.transaction():  # the 文号 are kept only once the file is in place
            numbers = (settings.next_document_numbers(ledger, day.year, len(unnumbered))
                       if unnumbered else [])
            for letter, number in zip(unnumbered, numbers, strict=True):
                letter.number = settings.document_number(ledger, day.year, number)
            lay = Layout(fonts, style_for("A4"))
            lay.pages.clear()
            for i, letter in enumerate(letters):
                if i % 20 == 0:
                    check()
                    report(f"正在排版{letter.kind}：{i + 1}/{len(letters)}", 0.5 * i / total)
                lay.new_page()
                fonts.context = f"{letter.kind}（{letter.addressee}）"
                layout_letter(lay, letter, office, date)
            kinds = "、".join(sorted({x.kind for x in letters})) or "信函"
            out.parent.mkdir(parents=True, exist_ok=True)
            canvas = new_canvas(str(tmp), f"{kinds}（{len(letters)}份）", office, "",
                                fonts.primary)
            painter = ReportPainter(canvas, fonts)
            for i, page in enumerate(lay.pages):
                if i % 20 == 0:
                    check()
                    report(f"正在生成PDF：第{i + 1}/{len(lay.pages)}页", 0.5 + 0.5 * i / total)
                painter.page(page)
            check()
            canvas.save()
            os.replace(tmp, out)
    except LettersCancelled:
        for letter in unnumbered:
            letter.number = ""
        raise
    finally:
        tmp.unlink(missing_ok=True)
    report("完成", 1.0)
    return out, fonts.warnings
