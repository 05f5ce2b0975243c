"""Report commands: `baodao stats`, `baodao compliance`, `baodao callsheet`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from db import open_ledger
from db.errors import ValidationError
from db.grid import resolve_node
from db.ledger import Ledger
from desktop.cards.reports import write_callsheet


def node_arg(ledger: Ledger, text: str | None) -> int | None:
    if not text:
        return None
    return resolve_node(ledger, text)


def _suffix(out: str, allowed: tuple[str, ...]) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        raise ValidationError("out", "输出文件", f"应以 {' 或 '.join(allowed)} 结尾")
    return suffix


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"警告：{warning}", file=sys.stderr)


def _stats(args: argparse.Namespace) -> int:
    from db import stats

    if args.out:
        _suffix(args.out, (".xlsx", ".pdf"))
    with open_ledger(args.ledger, create=False) as ledger:
        result = stats.statistics(ledger, args.period or str(dt.date.today().year),
                                  node_arg(ledger, args.grid))
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            running = "，进行中" if result["in_progress"] else ""
            print(f"{result['scope']}　{result['label']}（{result['start']}至{result['end']}"
                  f"{running}）")
            for key, label, _note in stats.FIGURES:
                print(f"  {label}：{stats.format_value(key, result['figures'][key])}")
            # The same definitions as the app's tooltips and the report's 统计口径 column.
            print(f"口径：报到单位指{stats.UNITS_RULE.replace('统计截止日', '期末')}；"
                  f"需求办结率＝{stats.COMPLETION_RULE}。")
        if args.out:
            if args.out.lower().endswith(".pdf"):
                from desktop.cards.reports import stats_pdf

                path, warnings = stats_pdf(ledger, result, args.out)
                _warn(warnings)
            else:
                from db.settings import identity
                from desktop.sync.report_xlsx import stats_workbook

                path = stats_workbook(result, args.out, identity(ledger)["office_name"])
            print(f"已导出 {path}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _compliance(args: argparse.Namespace) -> int:
    from db import compliance, periods

    if args.out:
        _suffix(args.out, (".xlsx", ".pdf"))
    with open_ledger(args.ledger, create=False) as ledger:
        node_id = node_arg(ledger, args.grid)
        q = compliance.quarter(args.quarter or periods.last_finished("quarter").code)
        lists = compliance.check_lists(ledger, q.code, node_id, full_phones=args.full_phones)
        if args.json:
            print(json.dumps(lists, ensure_ascii=False, indent=2))
        else:
            print(f"{q.label}达标检查")
            for check in compliance.CHECKS:
                rows = lists[check.key]
                names = "、".join(str(r.get("name") or r.get("title")) for r in rows[:8])
                print(f"  {check.title}：{len(rows)}" + (f"（{names}{'等' if len(rows) > 8 else ''}）"
                                                       if rows else ""))
        if args.out:
            if args.out.lower().endswith(".pdf"):
                from desktop.cards.reports import compliance_pdf

                path, warnings = compliance_pdf(ledger, q.code, lists, args.out, node_id)
                _warn(warnings)
            else:
                from desktop.sync.report_xlsx import compliance_workbook

                path = compliance_workbook(q.label, lists, args.out)
            print(f"已导出 {path}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _callsheet(args: argparse.Namespace) -> int:
    with open_ledger(args.ledger, create=False) as ledger:
        node_id = node_arg(ledger, args.grid)
        assert node_id is not None
        pdf, xlsx, warnings = write_callsheet(ledger, node_id, args.out, not args.masked_phones)
    _warn(warnings)
    print(f"已生成 {pdf} 和 {xlsx}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="统计报表：报到单位、党员、岗位、活动、实事、需求与满意率")
    p.add_argument("ledger", help="台账文件")
    p.add_argument("--period", help="期间：2026、2026H1、2026Q3 或 2026-05（默认今年）")
    p.add_argument("--grid", metavar="NODE", help="只统计该网格（编号、名称或“小区/楼院”路径）")
    p.add_argument("--json", action="store_true", help="以JSON输出全部数字")
    p.add_argument("--out", metavar="FILE", help="导出报表：.xlsx 或 .pdf")
    p.set_defaults(handler=_stats)

    c = sub.add_parser("compliance", help="达标检查：无服务党员、无实事或未参会单位、超期需求、缺额岗位")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--quarter", help="季度，如 2026Q3（默认最近结束的季度）")
    c.add_argument("--grid", metavar="NODE", help="只检查该网格")
    c.add_argument("--full-phones", action="store_true", help="显示完整电话（默认隐藏中间4位）")
    c.add_argument("--json", action="store_true", help="以JSON输出")
    c.add_argument("--out", metavar="FILE", help="导出：.xlsx 或 .pdf")
    c.set_defaults(handler=_compliance)

    e = sub.add_parser("callsheet", help="平急两用应急联络表（PDF和Excel一起生成）")
    e.add_argument("ledger", help="台账文件")
    e.add_argument("--grid", metavar="NODE", required=True, help="网格（编号、名称或路径）")
    e.add_argument("--full-phones", action="store_true",
                   help="印出完整电话（默认如此，打印记入审计日志；网格员只印本网格）")
    e.add_argument("--masked-phones", action="store_true", help="隐藏电话中间4位")
    e.add_argument("--out", required=True, help="输出文件名（生成同名的 .pdf 和 .xlsx）")
    e.set_defaults(handler=_callsheet)
