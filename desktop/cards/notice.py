"""公示 (PDF) for the notice board: one grid subtree's members and units with their services,
hours and points of the quarter, the 公示期, whom to tell an objection, the rule that makes
the quarter final afterwards, and the place of the 公章. A4 landscape; every page repeats the
notice's number and 公示期 at its top and the table's header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import grid, notices, settings
from db.ledger import Ledger

from .data import fmt_number
from .fonts import FontSet
from .layout import Rect
from .report_pdf import Doc

SEAL = 36 * mm
HEADERS = ("序号", "类别", "姓名／单位名称", "工作单位", "所在网格", "服务次数", "时长(小时)",
           "本季度积分", "异议")
WIDTHS = (0.05, 0.05, 0.2, 0.2, 0.17, 0.07, 0.08, 0.08, 0.1)
ALIGN = ("c", "c", "l", "l", "l", "c", "c", "c", "c")


def _cn_date(iso: str) -> str:
    return f"{int(iso[:4])}年{int(iso[5:7])}月{int(iso[8:10])}日" if len(iso) == 10 else iso


def notice_title(ledger: Ledger, notice: dict[str, Any]) -> str:
    node = grid.get_node(ledger, notice["node_id"])
    period = notices.period_of(notice)
    return f"{node['name']}{period.label}在职党员和报到单位服务积分公示"


def _objection(row: dict[str, Any]) -> str:
    if row.get("open_objections"):
        return "有异议（处理中）"
    return "已处理" if row.get("objections") else ""


def notice_pdf(ledger: Ledger, notice_id: int, out: str | Path,
               fonts: FontSet | None = None) -> tuple[Path, list[str], int]:
    """Print the notice (counted and audited); returns (path, font warnings, pages)."""
    notice = notices.get(ledger, notice_id)
    if notice["status"] == notices.WITHDRAWN:
        notices.printed(ledger, notice_id)  # raises the refusal before anything is written
    rows = notices.notice_rows(ledger, notice_id)
    office = settings.identity(ledger)["office_name"] or "本社区"
    window = f"公示期：{_cn_date(notice['start_date'])}至{_cn_date(notice['end_date'])}"
    doc = Doc(fonts, landscape=True, header=f"{office}　公示编号 {notice['number']}　{window}")
    s = doc.s
    doc.title(notice_title(ledger, notice))
    scope = grid.path_text(ledger, notice["node_id"], 1)
    doc.para(f"公示范围：{scope}（含下级网格）　　公示编号：{notice['number']}　　{window}"
             f"（{_days(notice)}个工作日）", s.body, "c")
    doc.space(1 * mm)
    doc.para("根据在职党员进社区“双报到”工作要求，现将本季度经社区审核的服务记录和积分情况予以公示，"
             "接受群众监督。", s.body)
    table = [(i, r["kind"], r["name"], r["unit_name"] if r["kind"] == "党员" else "",
              grid.path_text(ledger, r["node_id"], 2) if r["node_id"] else "",
              r["services"], fmt_number(r["hours"]), fmt_number(r["points"]), _objection(r))
             for i, r in enumerate(rows, 1)]
    doc.table(HEADERS, table, widths=WIDTHS, align=ALIGN, empty="（该范围内没有在册党员和报到单位）",
              keep=1.5 * mm + s.body * 1.6 + SEAL + s.body * 8)  # the total and the seal with the last row
    members = [r for r in rows if r["kind"] == "党员"]
    doc.space(1.5 * mm)
    doc.para(f"合计：党员{len(members)}名、单位{len(rows) - len(members)}个，服务"
             f"{sum(int(r['services']) for r in rows)}人次，"
             f"{fmt_number(sum(float(r['hours']) for r in rows))}小时。", s.body)
    _foot(doc, office, notice)
    path = doc.save(out, f"{notice_title(ledger, notice)}（{notice['number']}）", office, scope)
    notices.printed(ledger, notice_id, Path(out).name)
    return path, doc.fonts.warnings, len(doc.lay.pages)


def _days(notice: dict[str, Any]) -> int:
    import datetime as dt

    day, end = dt.date.fromisoformat(notice["start_date"]), dt.date.fromisoformat(notice["end_date"])
    count = 0
    while day <= end:
        count += day.weekday() < 5
        day += dt.timedelta(days=1)
    return count


def _foot(doc: Doc, office: str, notice: dict[str, Any]) -> None:
    lay, s = doc.lay, doc.s
    doc.need(SEAL + s.body * 8)  # the table's keep holds this much for the last row to come
    doc.space(2 * mm)
    contact = notice["contact"] or "社区党组织"
    doc.para(f"公示期间，对上述内容有异议的，请向{contact}反映（请写明对哪一行、什么内容有异议）。"
             f"{notices.FINAL_NOTE}", s.body)
    y = doc.y + 2 * mm
    seal_x = s.width - s.margin_x - SEAL - 12 * mm
    lay.add(Rect(seal_x, y, SEAL, SEAL, 0.3))
    lay.text(seal_x + SEAL / 2, y + SEAL / 2, "（公章）", s.small, "c")
    right = s.width - s.margin_x
    lay.text(right, y + SEAL + s.body * 1.3, f"{office}党组织（盖章）", s.body, "r")
    lay.text(right, y + SEAL + s.body * 2.9, _cn_date(notice["start_date"]), s.body, "r")
    doc.y = y + SEAL + s.body * 3.5
