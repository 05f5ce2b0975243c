"""Points commands: `baodao ranking` (view, close, letters) and `baodao recalc` (preview, apply)."""

from __future__ import annotations

import argparse
import json
import sys

from db import open_ledger


def _ranking(args: argparse.Namespace) -> int:
    from db import rankings

    with open_ledger(args.ledger, create=False) as ledger:
        if args.close:
            ranking = rankings.close_period(ledger, args.kind, args.period, args.by or "")
        else:
            ranking = rankings.get_ranking(ledger, args.kind, args.period)
        if args.json:
            print(json.dumps({"period": ranking.period.code, "frozen": ranking.frozen,
                              "closed_at": ranking.closed_at, "rows": ranking.rows},
                             ensure_ascii=False, indent=2))
        else:
            print(f"{rankings.KINDS[args.kind]}　{ranking.status_text}")
            for row in ranking.rows[:args.show]:
                print(f"  {row['rank']:>4}  {row['name']}  {row['points']:g}分  "
                      f"{row['services']}  {row['hours']:g}小时  {row['org']}")
            if len(ranking.rows) > args.show:
                print(f"  …共{len(ranking.rows)}名")
        if args.out:
            from desktop.sync.report_xlsx import ranking_workbook

            path = ranking_workbook(f"{ranking.period.label}{rankings.KINDS[args.kind]}",
                                    ranking.status_text, ranking.rows, args.out,
                                    unit=args.kind == "unit")
            print(f"已导出 {path}", file=sys.stderr)
        if args.letters:
            from desktop.cards.letters import ranking_letters, write_letters

            letters = ranking_letters(ledger, ranking, args.top, args.bottom)
            path, warnings = write_letters(ledger, letters, args.letters)
            for warning in warnings:
                print(f"警告：{warning}", file=sys.stderr)
            print(f"已生成 {path}：感谢信{min(args.top, len(ranking.rows))}份，"
                  f"提醒函{len(letters) - min(args.top, len(ranking.rows))}份", file=sys.stderr)
    return 0


def _recalc(args: argparse.Namespace) -> int:
    from db import recalc

    start, end = args.start or "", args.end or "9999"
    with open_ledger(args.ledger, create=False) as ledger:
        diffs = recalc.preview(ledger, start, end)
        print(recalc.summary(diffs))
        for d in diffs[:args.show]:
            print(f"  {d.date}  {d.name}  {d.what}：{d.old:g} → {d.new:g}（{d.delta:+g}）")
        if args.apply and diffs:
            made = recalc.apply(ledger, diffs, start, end)
            print(f"已追加{made}条积分调整记录")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("ranking", help="积分排行：党员按月、报到单位按季度；封存；感谢信与提醒函")
    r.add_argument("ledger", help="台账文件")
    r.add_argument("--kind", choices=("member", "unit"), default="member",
                   help="member（党员，按月）或 unit（报到单位，按季度）")
    r.add_argument("--period", required=True, help="2026-05（党员）或 2026Q3（单位）")
    r.add_argument("--close", action="store_true", help="封存该期排行（之后的修改不再影响）")
    r.add_argument("--by", help="封存人")
    r.add_argument("--show", type=int, default=20, help="显示前几名（默认20）")
    r.add_argument("--json", action="store_true", help="以JSON输出全部名次")
    r.add_argument("--out", metavar="FILE.xlsx", help="导出排行表")
    r.add_argument("--letters", metavar="FILE.pdf", help="生成前几名的感谢信和后几名的提醒函")
    r.add_argument("--top", type=int, default=10, help="感谢信份数（前N名，默认10）")
    r.add_argument("--bottom", type=int, default=10, help="提醒函份数（后N名，默认10）")
    r.set_defaults(handler=_ranking)

    c = sub.add_parser("recalc", help="按当前积分规则重算：先列出差异，加 --apply 才写入")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--from", dest="start", help="起始日期（含）")
    c.add_argument("--to", dest="end", help="截止日期（含）")
    c.add_argument("--show", type=int, default=30, help="列出前几项差异")
    c.add_argument("--apply", action="store_true", help="确认写入差异调整记录")
    c.set_defaults(handler=_recalc)
