"""Points commands: `baodao ranking` (view, close, letters), `baodao letters` (all of a
quarter's 感谢信 and 提醒函) and `baodao recalc` (preview, apply). Without a period they take
the last finished one, never the one just begun."""

from __future__ import annotations

import argparse
import json
import sys

from db import open_ledger


def _ranking(args: argparse.Namespace) -> int:
    from db import periods, rankings

    span = args.span or ("month" if args.kind == "member" else "quarter")
    code = args.period or periods.last_finished(span).code
    with open_ledger(args.ledger, create=False) as ledger:
        if args.close:
            ranking = rankings.close_period(ledger, args.kind, code, args.by or "")
        else:
            ranking = rankings.get_ranking(ledger, args.kind, code)
        if args.json:
            print(json.dumps({"period": ranking.period.code, "frozen": ranking.frozen,
                              "closed_at": ranking.closed_at, "rows": ranking.rows},
                             ensure_ascii=False, indent=2))
        else:
            ongoing = "" if periods.is_finished(ranking.period) else "（进行中）"
            print(f"{ranking.period.label}{ongoing}{ranking.title}　{ranking.status_text}")
            for row in ranking.rows[:args.show]:
                tie = "=" if row["tied"] > 1 else " "
                print(f"  {tie}{row['rank']:>4}  {row['name']}  {row['points']:g}分  "
                      f"{row['services']}  {row['hours']:g}小时  {row['org']}")
            if len(ranking.rows) > args.show:
                print(f"  …共{len(ranking.rows)}名")
        if args.out:
            from desktop.sync.report_xlsx import ranking_workbook

            path = ranking_workbook(f"{ranking.period.label}{ranking.title}",
                                    ranking.status_text, ranking.rows, args.out,
                                    unit=args.kind == "unit")
            print(f"已导出 {path}", file=sys.stderr)
        if args.letters:
            from desktop.cards.letters import THANKS, ranking_letters, write_letters

            for note in rankings.select(ranking, args.top, args.bottom).notes:
                print(f"注意：{note}", file=sys.stderr)
            letters = ranking_letters(ledger, ranking, args.top, args.bottom)
            path, warnings = write_letters(ledger, letters, args.letters)
            for warning in warnings:
                print(f"警告：{warning}", file=sys.stderr)
            thanks = sum(1 for x in letters if x.kind == THANKS)
            print(f"已生成 {path}：感谢信{thanks}份，提醒函{len(letters) - thanks}份",
                  file=sys.stderr)
    return 0


def _letters(args: argparse.Namespace) -> int:
    from db import periods
    from desktop.cards.letters import quarter_letters, write_letters

    code = args.quarter or periods.last_finished("quarter").code
    with open_ledger(args.ledger, create=False) as ledger:
        batch = quarter_letters(ledger, code, args.top)
        for note in batch.notes:
            print(f"注意：{note}", file=sys.stderr)
        if not batch.letters:
            print(f"{batch.label}没有需要发的感谢信或提醒函", file=sys.stderr)
            return 0
        out = args.out or f"感谢信提醒函{batch.code}.pdf"

        def progress(label: str, fraction: float) -> None:
            if args.progress:
                print(f"{int(fraction * 100):>3}%  {label}", file=sys.stderr)

        path, warnings = write_letters(ledger, batch.letters, out, progress=progress)
        for warning in warnings:
            print(f"警告：{warning}", file=sys.stderr)
        print(f"已生成 {path}：{batch.summary}", file=sys.stderr)
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
    r = sub.add_parser("ranking", help="积分排行：党员和报到单位，按月或按季度；封存；感谢信与提醒函")
    r.add_argument("ledger", help="台账文件")
    r.add_argument("--kind", choices=("member", "unit"), default="member",
                   help="member（党员）或 unit（报到单位）")
    r.add_argument("--period", help="2026-05（按月）或 2026Q3（按季度）；"
                                    "默认为已结束的上一期（党员上个月，单位上个季度）")
    r.add_argument("--span", choices=("month", "quarter"),
                   help="不写 --period 时按月（month）还是按季度（quarter）取上一期")
    r.add_argument("--close", action="store_true", help="封存该期排行（之后的修改不再影响）")
    r.add_argument("--by", help="封存人")
    r.add_argument("--show", type=int, default=20, help="显示前几名（默认20）")
    r.add_argument("--json", action="store_true", help="以JSON输出全部名次")
    r.add_argument("--out", metavar="FILE.xlsx", help="导出排行表")
    r.add_argument("--letters", metavar="FILE.pdf", help="生成前几名的感谢信和后几名的提醒函")
    r.add_argument("--top", type=int, default=10, help="感谢信份数（前N名，默认10）")
    r.add_argument("--bottom", type=int, default=10, help="提醒函份数（后N名，默认10）")
    r.set_defaults(handler=_ranking)

    t = sub.add_parser("letters", help="一次生成一个季度的全部感谢信和提醒函（PDF）")
    t.add_argument("ledger", help="台账文件")
    t.add_argument("--quarter", help="季度，如 2026Q3（默认为已结束的上一季度）")
    t.add_argument("--top", type=int, default=10,
                   help="感谢信：季度党员排行和单位排行各前N名，并列者一并（默认10）")
    t.add_argument("--out", metavar="FILE.pdf", help="输出文件（默认 感谢信提醒函2026Q3.pdf）")
    t.add_argument("--progress", action="store_true", help="显示进度")
    t.set_defaults(handler=_letters)

    c = sub.add_parser("recalc", help="按当前积分规则重算：先列出差异，加 --apply 才写入")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--from", dest="start", help="起始日期（含）")
    c.add_argument("--to", dest="end", help="截止日期（含）")
    c.add_argument("--show", type=int, default=30, help="列出前几项差异")
    c.add_argument("--apply", action="store_true", help="确认写入差异调整记录")
    c.set_defaults(handler=_recalc)
