"""一联一帮 每月必访: the paired households not visited in a month, for the 网格员 to take
round (A4 landscape, grouped by 小区/楼院/单元, a column to write the visit in by hand).

Phones are masked unless the full list is asked for, as on the other printed lists; a full
list is audited (打印完整电话), like the emergency call sheet."""

from __future__ import annotations

from pathlib import Path

from db import audit, grid, settings, visits
from db.ledger import Ledger

from .fonts import FontSet
from .report_pdf import Doc

TITLE = "一联一帮未走访联系户"
HEADERS = ("序号", "居住网格", "党员", "党员电话", "联系户", "类别", "联系户住址", "联系户电话",
           "上次走访", "走访日期/方式", "走访情况")
WIDTHS = (0.04, 0.14, 0.07, 0.09, 0.07, 0.06, 0.12, 0.09, 0.08, 0.1, 0.14)


def visit_list_pdf(ledger: Ledger, code: str, out: str | Path, node_id: int | None = None,
                   full_phones: bool = False,
                   fonts: FontSet | None = None) -> tuple[Path, list[str], int]:
    """The list as a PDF: returns (path, font warnings, households listed)."""
    period = visits.month(code)
    node_id = visits.scope_node(ledger, node_id)
    rows = visits.not_visited(ledger, period.code, node_id, full_phones=full_phones)
    summary = visits.month_summary(ledger, period.code, node_id)
    office = settings.identity(ledger)["office_name"]
    scope = grid.path_text(ledger, node_id, 1) if node_id else office
    doc = Doc(fonts, landscape=True, header=f"{scope}　{period.label}{TITLE}"
              + ("" if full_phones else "（电话已部分隐藏）"))
    doc.title(f"{period.label}{TITLE}")
    doc.para(f"范围：{scope}　　结对联系户 {summary['paired']} 户，本月已走访 {summary['visited']} 户，"
             f"未走访 {summary['missing']} 户。按照“一联一帮”每月必访的要求，请在月底前完成走访。",
             align="c")
    doc.space()
    doc.table(HEADERS, [(i, r["place"], r["name"], r["mobile"], r["household_name"],
                         r["household_reason"], r["household_address"], r["household_phone"],
                         r["last_visit"] or "（无记录）", "", "")
                        for i, r in enumerate(rows, start=1)],
              widths=WIDTHS, align=("c", "l", "c", "c", "c", "c", "l", "c", "c", "l", "l"),
              empty="本月所有结对联系户都已走访",
              keep=doc.s.small * 1.6 + 6 + doc.s.body * 1.6)  # the note and the signatures
    doc.para("注：最后两栏由网格员走访后填写，交社区录入台账。", doc.s.small)
    doc.space(6)
    doc.para("网格员（签字）：__________　　　社区核对人：__________　　　年　　月　　日", align="r")
    path = doc.save(out, f"{scope}{period.label}{TITLE}", office)
    if full_phones and rows:
        audit.record(ledger, "打印完整电话",
                     f"{period.label}一联一帮未走访联系户：{scope}，{len(rows)}户（{path.name}）")
    return path, doc.fonts.warnings, len(rows)
