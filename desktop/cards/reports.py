"""The printed reports: statistics (统计报表), compliance lists (达标检查), the emergency call
sheet (平急两用联络表) and a member's passbook (爱心存折). Each returns the PDF path and the
font warnings the caller must show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from db import compliance, emergency, grid, points, redeem, settings, signin
from db import stats as stats_rules
from db.ledger import Ledger
from db.validate import mask_phone

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


CALL_HEADERS = ("序号", "姓名", "房号", "电话", "认领岗位", "特长", "工作单位")
CALL_WIDTHS = (0.05, 0.09, 0.07, 0.12, 0.22, 0.18, 0.27)
# With a 应急响应's roster: its 序号, and a column to tick for each call and each arrival.
TICK_HEADERS = (*CALL_HEADERS, "已联系", "到岗")
TICK_WIDTHS = (0.05, 0.08, 0.06, 0.11, 0.19, 0.14, 0.23, 0.07, 0.07)


def callsheet_pdf(ledger: Ledger, node_id: int, sheet: list[emergency.CallCell],
                  out: str | Path, full_phones: bool = False,
                  fonts: FontSet | None = None,
                  response: emergency.Response | None = None) -> tuple[Path, list[str]]:
    """With a response (启动应急响应), members carry the roster's 序号 and the sheet gets
    已联系 / 到岗 columns; every page names the roster's 签到表编号, which 按签到表录入 takes."""
    ident = _office(ledger)
    scope = grid.path_text(ledger, node_id, 1) or ident["office_name"]
    head = f"{scope}　平急两用应急联络表" + ("" if full_phones else "（电话已部分隐藏）")
    numbers: dict[int, int] = {}
    if response is not None and response.sheet_id is not None:
        head += f"　签到表编号：{response.number}"
        numbers = {r.member_id: r.number for r in signin.sheet_rows(ledger, response.sheet_id)
                   if not r.walk_in}
    doc = Doc(fonts, landscape=True, header=head)
    doc.title(f"{scope}平急两用应急联络表")
    members = sum(len(c.members) for c in sheet)
    doc.para(f"共{len(sheet)}个单元、{members}名在职党员。", align="c")
    if response is not None:
        doc.para(f"应急响应：{response.title}　{response.since}起　负责人：{response.leader}　"
                 f"临时党支部名单{response.people}人　签到表编号：{response.number}", align="c")
        doc.para("打通电话在“已联系”栏打√，人员到岗在“到岗”栏打√，可写到岗时间；结束后在"
                 f"“按签到表录入”中输入编号 {response.number}，按序号勾选到岗人员并填写时长。"
                 "序号为“补”的党员是启动后新登记的，录入时用“添加空白行上的党员”。", doc.s.small)
    headers, widths = (TICK_HEADERS, TICK_WIDTHS) if response is not None else \
        (CALL_HEADERS, CALL_WIDTHS)
    ticks = ("", "") if response is not None else ()
    shown: set[int] = set()
    for cell in sheet:
        doc.space(2)
        doc.heading(f"{cell.path}　{cell.leader or '（未设单元长）'}", doc.s.body * 1.05)
        if cell.above:
            doc.para("上级负责人：" + "；".join(cell.above), doc.s.small)
        rows = []
        for i, m in enumerate(cell.members, start=1):
            number: int | str = i
            if response is not None:
                number = numbers.get(m["id"], "补")
                shown.add(m["id"])
            rows.append((number, m["name"], m["room"], m["phone"], m["posts"], m["specialties"],
                         m["org"], *ticks))
        doc.table(headers, rows, widths=widths, empty="（无居住党员）")
        if cell.units:
            doc.para("包联单位：" + "；".join(f"{u['name']}（{u['contact']} {u['phone']}）"
                                          for u in cell.units), doc.s.small)
    others = [mid for mid in numbers if mid not in shown]
    if others:
        doc.space(5)
        doc.heading("不在本网格居住的网格负责人和岗位党员", doc.s.body * 1.05)
        roles = emergency.roles(ledger, node_id, others)
        found = {r["id"]: r for r in ledger.query(
            "SELECT m.id, m.name, m.mobile, m.residence_node_id, m.room, "
            "coalesce(u.name, m.work_unit_name) AS org FROM members m LEFT JOIN units u "
            "ON u.id = m.work_unit_id WHERE m.id IN (SELECT value FROM json_each(?))",
            (json.dumps(others),))}
        rows = []
        for mid in others:
            if mid not in found:
                continue
            m = found[mid]
            phone = m["mobile"] if full_phones else mask_phone(m["mobile"]) if m["mobile"] else ""
            home = grid.path_text(ledger, m["residence_node_id"], 2) + (m["room"] or "")
            rows.append((numbers[mid], m["name"], home, phone, roles.get(mid, ""), m["org"],
                         "", ""))
        doc.table(("序号", "姓名", "居住地址", "电话", "在本网格的职责", "工作单位", "已联系", "到岗"),
                  rows, widths=(0.05, 0.08, 0.17, 0.11, 0.22, 0.23, 0.07, 0.07))
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
                    full_phones: bool = True,
                    response: emergency.Response | None = None) -> tuple[Path, Path, list[str]]:
    """The PDF and, beside it, the .xlsx of the same call sheet (one action, two files).
    Phones are in full unless asked otherwise (a sheet to call from), and that is audited;
    a 网格员 gets their own grid's sheet (db.emergency.scope). A subtree in 应急响应 (started on
    this very node) gets its roster's 序号 and the tick columns unless a response is given."""
    from db import audit
    from desktop.sync.report_xlsx import callsheet_workbook

    node_id, _mine = emergency.scope(ledger, node_id)
    if response is None:
        response = next((r for r in emergency.responses(ledger) if r.node_id == node_id), None)
    sheet = emergency.call_sheet(ledger, node_id, full_phones)
    pdf, warnings = callsheet_pdf(ledger, node_id, sheet, Path(out).with_suffix(".pdf"),
                                  full_phones, response=response)
    scope = grid.path_text(ledger, node_id, 1)
    xlsx = callsheet_workbook(scope, sheet, Path(out).with_suffix(".xlsx"), not full_phones)
    if full_phones:
        people = sum(len(c.members) for c in sheet)
        audit.record(ledger, "打印完整电话", f"平急两用应急联络表：{scope}，{people}名党员（{pdf.name}）")
    return pdf, xlsx, warnings
