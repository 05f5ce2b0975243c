"""The printed reports: statistics (统计报表), compliance lists (达标检查), the emergency call
sheet (平急两用联络表) and a member's passbook (爱心存折). Each returns the PDF path and the
font warnings the caller must show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db import compliance, emergency, grid, points, redeem, settings
from db import stats as stats_rules
from db.ledger import Ledger

from .fonts import FontSet
from .report_pdf import Doc

MONTH_SERIES = (("activities", "活动（场）"), ("person_times", "服务人次"),
                ("orders_completed", "办结需求"))  # as the app's chart and the .xlsx
NODE_SERIES = (("person_times", "服务人次"), ("orders_completed", "办结需求"))


def _office(ledger: Ledger) -> dict[str, str]:
    return settings.identity(ledger)


def stats_pdf(ledger: Ledger, result: dict[str, Any], out: str | Path,
              fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    """result is db.stats.statistics(...)."""
    ident = _office(ledger)
    doc = Doc(fonts, header=f"{ident['street']} {ident['community']}　双报到工作统计报表")
    scope = result["scope"] or ident["office_name"]
    doc.title(f"{scope}双报到工作统计报表")
    running = "（进行中，数字仍会增加）" if result.get("in_progress") else ""
    doc.para(f"统计期间：{result['label']}（{result['start']}至{result['end']}）{running}"
             f"　统计范围：{scope}", align="c")
    doc.space()
    doc.heading("一、主要指标")
    f = result["figures"]
    doc.table(("指标", "数值", "统计口径"),
              [(label, stats_rules.format_value(key, f[key]), note)
               for key, label, note in stats_rules.FIGURES],
              widths=(0.3, 0.14, 0.56), align=("l", "r", "l"))
    doc.para(f"注：{stats_rules.COMPLETION_NOTE}", doc.s.small)
    months = result["months"]
    table = stats_rules.MONTH_TABLE
    if len(months) > 1:
        doc.space()
        doc.bar_chart("二、按月趋势", [f"{int(m['month'][5:])}月" for m in months],
                      [(name, [m[key] for m in months]) for key, name in MONTH_SERIES])
        doc.table(("月份", *[n for _, n in table]),
                  [(m["month"], *[stats_rules.format_value(k, m[k]) for k, _ in table])
                   for m in months], align=("l",) + ("r",) * len(table))
    nodes = result["by_node"]
    if nodes:
        doc.space()
        number = "三" if len(months) > 1 else "二"
        if len(nodes) <= 16:
            doc.bar_chart(f"{number}、按网格分布", [n["name"] for n in nodes],
                          [(name, [n[key] for n in nodes]) for key, name in NODE_SERIES])
        else:
            doc.heading(f"{number}、按网格分布")
        doc.table(("网格", *[n for _, n in stats_rules.BY_NODE]),
                  [(n["name"], *[n[k] for k, _ in stats_rules.BY_NODE]) for n in nodes],
                  widths=(0.2,) + (0.8 / len(stats_rules.BY_NODE),) * len(stats_rules.BY_NODE),
                  align=("l",) + ("r",) * len(stats_rules.BY_NODE))
    doc.space(6)
    doc.para(f"{ident['office_name']}党组织（盖章）　　　　年　　月　　日", align="r")
    path = doc.save(out, f"{scope}双报到工作统计报表（{result['label']}）", ident["office_name"])
    return path, doc.fonts.warnings


def compliance_pdf(ledger: Ledger, quarter: str, lists: dict[str, list[dict[str, Any]]],
                   out: str | Path, node_id: int | None = None, keys: list[str] | None = None,
                   fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    ident = _office(ledger)
    q = compliance.quarter(quarter)
    scope = grid.path_text(ledger, node_id, 1) if node_id else ident["office_name"]
    doc = Doc(fonts, landscape=True)
    doc.title(f"{q.label}双报到达标检查")
    doc.para(f"范围：{scope}　　检查期间：{q.start}至{q.end}", align="c")
    for check in compliance.CHECKS:
        if keys and check.key not in keys:
            continue
        rows = lists[check.key]
        doc.space()
        doc.heading(f"{check.title}（{len(rows)}）")
        doc.table(("序号", *check.headers),
                  [(i, *r) for i, r in enumerate(compliance.table(check, rows), start=1)],
                  widths=(0.06,) + (0.94 / len(check.headers),) * len(check.headers))
    path = doc.save(out, f"{q.label}达标检查", ident["office_name"])
    return path, doc.fonts.warnings


def callsheet_pdf(ledger: Ledger, node_id: int, sheet: list[emergency.CallCell],
                  out: str | Path, full_phones: bool = False,
                  fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    ident = _office(ledger)
    scope = grid.path_text(ledger, node_id, 1) or ident["office_name"]
    doc = Doc(fonts, landscape=True, header=f"{scope}　平急两用应急联络表"
              + ("" if full_phones else "（电话已部分隐藏）"))
    doc.title(f"{scope}平急两用应急联络表")
    members = sum(len(c.members) for c in sheet)
    doc.para(f"共{len(sheet)}个单元、{members}名在职党员。", align="c")
    for cell in sheet:
        doc.space(2)
        doc.heading(f"{cell.path}　{cell.leader or '（未设单元长）'}", doc.s.body * 1.05)
        if cell.above:
            doc.para("上级负责人：" + "；".join(cell.above), doc.s.small)
        doc.table(("序号", "姓名", "房号", "电话", "认领岗位", "特长", "工作单位"),
                  [(i, m["name"], m["room"], m["phone"], m["posts"], m["specialties"], m["org"])
                   for i, m in enumerate(cell.members, start=1)],
                  widths=(0.05, 0.09, 0.07, 0.12, 0.22, 0.18, 0.27), empty="（无居住党员）")
        if cell.units:
            doc.para("包联单位：" + "；".join(f"{u['name']}（{u['contact']} {u['phone']}）"
                                          for u in cell.units), doc.s.small)
    path = doc.save(out, f"{scope}平急两用应急联络表", ident["office_name"])
    return path, doc.fonts.warnings


def passbook_pdf(ledger: Ledger, member_id: int, out: str | Path,
                 fonts: FontSet | None = None) -> tuple[Path, list[str]]:
    ident = _office(ledger)
    member = ledger.one("SELECT m.*, coalesce(u.name, m.work_unit_name) AS org FROM members m "
                        "LEFT JOIN units u ON u.id = m.work_unit_id WHERE m.id = ?", (member_id,))
    assert member is not None
    lines = redeem.passbook(ledger, member_id)
    doc = Doc(fonts)
    doc.title("爱心存折")
    doc.para(f"{ident['office_name']}　在职党员积分存折", align="c")
    doc.space()
    doc.table(("姓名", "工作单位", redeem.SPENDABLE, points.ACCUMULATED),
              [(member["name"], member["org"], f"{redeem.spendable(ledger, member_id):g}分",
                f"{points.accumulated(ledger, member_id=member_id):g}分")],
              widths=(0.16, 0.46, 0.19, 0.19))
    doc.space()
    doc.table(("日期", "摘要", "存入", "支出", redeem.SPENDABLE),
              [(r["date"], r["reason"], f"{r['delta']:g}" if r["delta"] > 0 else "",
                f"{-r['delta']:g}" if r["delta"] < 0 else "", f"{r['balance']:g}") for r in lines],
              widths=(0.15, 0.5, 0.1, 0.1, 0.15), align=("l", "l", "r", "r", "r"),
              empty="（暂无积分记录）")
    doc.space()
    doc.para(f"说明：{redeem.SPENDABLE_RULE}，可在社区积分超市兑换物品。"
             f"{points.ACCUMULATED_RULE}，印在反馈卡上，不能用于兑换。", doc.s.small)
    path = doc.save(out, f"爱心存折（{member['name']}）", ident["office_name"])
    return path, doc.fonts.warnings


def write_callsheet(ledger: Ledger, node_id: int, out: str | Path,
                    full_phones: bool = True) -> tuple[Path, Path, list[str]]:
    """The PDF and, beside it, the .xlsx of the same call sheet (one action, two files).
    Phones are in full unless asked otherwise (a sheet to call from), and that is audited;
    a 网格员 gets their own grid's sheet (db.emergency.scope)."""
    from db import audit
    from desktop.sync.report_xlsx import callsheet_workbook

    node_id, _mine = emergency.scope(ledger, node_id)
    sheet = emergency.call_sheet(ledger, node_id, full_phones)
    pdf, warnings = callsheet_pdf(ledger, node_id, sheet, Path(out).with_suffix(".pdf"),
                                  full_phones)
    scope = grid.path_text(ledger, node_id, 1)
    xlsx = callsheet_workbook(scope, sheet, Path(out).with_suffix(".xlsx"), not full_phones)
    if full_phones:
        people = sum(len(c.members) for c in sheet)
        audit.record(ledger, "打印完整电话", f"平急两用应急联络表：{scope}，{people}名党员（{pdf.name}）")
    return pdf, xlsx, warnings
