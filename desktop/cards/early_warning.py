"""预警 before the quarter's end (db.early_warning): the list of members with no verified service
and units with no 实事 yet, and a polite 温馨提示 for each, naming the quarter's end and what
it will bring (the deduction of db.points' rule for a member; the 达标检查 list for a unit).

The 温馨提示 is a friendly note, not an official 提醒函: it takes no 文号 and is not copied to
the member's work unit."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from db import early_warning, grid, posts, settings
from db.early_warning import QuarterWarning
from db.ledger import Ledger

from .data import org_name
from .draw import new_canvas
from .fonts import FontSet
from .layout import Layout, style_for
from .letters import Letter, chinese_date, layout_letter
from .report_pdf import Doc, ReportPainter

KIND = "温馨提示"


def _cn(iso: str) -> str:
    return chinese_date(dt.date.fromisoformat(iso))


def _points(value: float) -> str:
    return f"{value:g}"


def consequence(warning: QuarterWarning) -> str:
    """What the quarter's end brings a member still without service."""
    if warning.deduction:
        return f"将按社区积分规则扣减{_points(warning.deduction)}分，并列入季度达标检查名单"
    return "将列入季度达标检查名单"


def _so_far(warning: QuarterWarning) -> str:
    q = warning.quarter
    gone = (dt.date.fromisoformat(warning.as_of) - dt.date.fromisoformat(q.start)).days + 1
    return (f"{q.label}（{_cn(q.start)}至{_cn(q.end)}）已过去{max(gone, 0)}天，"
            f"截至{_cn(warning.as_of)}，")


def member_letter(ledger: Ledger, warning: QuarterWarning, row: dict) -> Letter:
    q = warning.quarter
    claimed = "、".join(c["post_name"] for c in posts.member_claims(ledger, row["id"]))
    how = (f"您认领了“{claimed}”岗位，可结合岗位职责主动与社区联系，" if claimed
           else "可结合自身特长，主动与社区联系认领服务岗位，")
    return Letter(KIND, row["name"], f"{row['name']}同志：", [
        f"您好！{_so_far(warning)}社区台账中还没有您本季度经社区审核的服务记录。",
        "按照“双报到”工作要求，在职党员每季度至少参加一次社区服务。本季度将于"
        f"{_cn(q.end)}结束，届时仍没有服务记录的，{consequence(warning)}。",
        f"{how}参加集中服务日、志愿服务、群众点单等活动。服务经社区审核后，即不再列入预警名单。"
        "感谢您对社区工作的理解和支持！",
    ])


def unit_letter(warning: QuarterWarning, row: dict) -> Letter:
    q = warning.quarter
    return Letter(KIND, row["name"], f"{org_name(row['name'])}：", [
        f"{_so_far(warning)}社区台账中还没有贵单位本季度办成的实事（经社区审核的共建项目）。",
        "按照“双报到”工作要求，报到单位每季度至少办成一件实事。本季度将于"
        f"{_cn(q.end)}结束，届时仍未完成的，将列入季度达标检查名单，并影响半年评价等次。",
        "请结合共建共驻协议和社区需求清单，尽快与社区商定实事项目。项目完成并经社区审核后，"
        "即不再列入预警名单。感谢贵单位对社区建设的大力支持！",
    ])


def reminders(ledger: Ledger, warning: QuarterWarning, member_ids: Sequence[int] | None = None,
              unit_ids: Sequence[int] | None = None) -> list[Letter]:
    """One 温馨提示 per listed member and unit (only the given ones, when given)."""
    out = [member_letter(ledger, warning, r) for r in warning.members
           if member_ids is None or r["id"] in member_ids]
    out += [unit_letter(warning, r) for r in warning.units
            if unit_ids is None or r["id"] in unit_ids]
    return out


def reminders_pdf(ledger: Ledger, letters: list[Letter], out: str | Path,
                  fonts: FontSet | None = None,
                  today: dt.date | None = None) -> tuple[Path, list[str]]:
    """The notes into one PDF, one A4 page each, signed by the community's party organisation."""
    out = Path(out)
    fonts = fonts or FontSet.discover()
    office = settings.identity(ledger)["office_name"]
    date = chinese_date(today or dt.date.today())
    lay = Layout(fonts, style_for("A4"))
    lay.pages.clear()
    for letter in letters:
        lay.new_page()
        fonts.context = f"{KIND}（{letter.addressee}）"
        # signed as the 预警名单 it goes with and the community's other forms
        layout_letter(lay, letter, office, date, signer=f"{office}党组织")
    if not lay.pages:
        lay.new_page()
        lay.text(lay.s.width / 2, lay.s.margin_top + 30, "（没有需要提示的党员或单位）", lay.s.body, "c")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        canvas = new_canvas(str(tmp), f"{KIND}（{len(letters)}份）", office, "", fonts.primary)
        painter = ReportPainter(canvas, fonts)
        for page in lay.pages:
            painter.page(page)
        canvas.save()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, fonts.warnings


def warning_list_pdf(ledger: Ledger, warning: QuarterWarning, out: str | Path,
                     fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    """The 预警名单: who still misses the quarter's requirement, and what the end will bring."""
    q = warning.quarter
    office = settings.identity(ledger)["office_name"]
    node_id = warning.node_id
    scope = grid.path_text(ledger, node_id, 1) if node_id else office
    doc = Doc(fonts, landscape=True, header=f"{scope}　{q.label}双报到预警名单（电话已部分隐藏）")
    doc.title(f"{q.label}双报到预警名单")
    left = (f"距季度结束（{_cn(q.end)}）还有{warning.days_left}天" if not warning.ended
            else f"本季度已于{_cn(q.end)}结束")
    doc.para(f"范围：{scope}　　统计截至：{_cn(warning.as_of)}　　{left}", align="c")
    doc.para(f"说明：季度结束时，仍没有经社区审核服务记录的在职党员{consequence(warning)}；"
             "仍未办成实事的报到单位列入季度达标检查名单。名单随台账实时计算，参加服务（或完成实事）"
             "并经社区审核后即不再列入。", doc.s.small)
    if warning.deducted:
        doc.para("注意：本季度的无服务扣分已经记入积分。", doc.s.small)
    doc.space()
    doc.heading(f"一、本季度尚无服务记录的在职党员（{len(warning.members)}名）")
    doc.table(("序号", "姓名", "工作单位", "居住网格", "联系电话", "报到日期", "上次服务", "季度末扣分"),
              [(i, r["name"], r["org"], r["place"], r["phone"], r["report_date"],
                r["last_service"] or "（无）", f"{_points(warning.deduction)}分" if warning.deduction
                else "—") for i, r in enumerate(warning.members, start=1)],
              widths=(0.05, 0.09, 0.24, 0.2, 0.1, 0.1, 0.1, 0.09),
              align=("c", "c", "l", "l", "c", "c", "c", "c"), empty="（无：本季度人人都有服务记录）")
    doc.space()
    doc.heading(f"二、本季度尚未办成实事的报到单位（{len(warning.units)}个）")
    doc.table(("序号", "单位名称", "类别", "联系人", "联系电话", "包联小区"),
              [(i, r["name"], r["category"], r["contact"], r["phone"], r["place"])
               for i, r in enumerate(warning.units, start=1)],
              widths=(0.05, 0.35, 0.08, 0.1, 0.12, 0.3),
              align=("c", "l", "c", "c", "c", "l"), empty="（无）",
              keep=6 + doc.s.body * 1.6)  # the signature line with the last row
    doc.space(6)
    doc.para(f"{office}党组织　　　年　　月　　日", align="r")
    path = doc.save(out, f"{q.label}双报到预警名单", office)
    return path, doc.fonts.warnings


def write_warnings(ledger: Ledger, code: str | None, out: str | Path,
                   node_id: int | None = None, letters_out: str | Path | None = None,
                   today: dt.date | None = None) -> tuple[QuarterWarning, Path, Path | None,
                                                          list[str]]:
    """The list (and, with letters_out, the 温馨提示 for everyone on it) as PDFs."""
    warning = early_warning.warnings(ledger, code, node_id, today=today)
    path, warns = warning_list_pdf(ledger, warning, out)
    notes_path = None
    if letters_out is not None:
        notes_path, more = reminders_pdf(ledger, reminders(ledger, warning), letters_out,
                                         today=today)
        warns = list(dict.fromkeys([*warns, *more]))
    return warning, path, notes_path, warns
