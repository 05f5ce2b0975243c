"""平急两用 commands: `baodao emergency start|end|list LEDGER ...` (the call sheet alone stays
`baodao callsheet`)."""

from __future__ import annotations

import argparse
import sys

from db import emergency, open_ledger
from db.grid import resolve_node


def _describe(r: emergency.Response) -> str:
    state = r.state + (f"（{r.ended}结束）" if r.ended else "")
    return (f"{r.path}　{state}　{r.title}　{r.since}起　负责人{r.leader}　"
            f"临时党支部名单{r.people}人　签到表{r.number}　活动编号{r.activity_id}")


def _start(args: argparse.Namespace) -> int:
    from desktop.cards.reports import write_callsheet

    with open_ledger(args.ledger, create=False) as ledger:
        node_id = resolve_node(ledger, args.grid)
        r = emergency.activate(ledger, node_id, args.date, args.time, args.title or "",
                               args.leader or "", args.recorder or "", args.place or "",
                               args.content or "")
        print(f"已启动应急响应：{_describe(r)}")
        if args.out:
            pdf, xlsx, warnings = write_callsheet(ledger, node_id, args.out,
                                                  not args.masked_phones, r)
            for warning in warnings:
                print(f"警告：{warning}", file=sys.stderr)
            print(f"已生成应急联络表 {pdf} 和 {xlsx}（含“已联系”“到岗”栏）")
    print(f"结束后用“按签到表录入”输入编号 {r.number}，勾选到岗人员，即记为已审核的服务时长。")
    return 0


def _end(args: argparse.Namespace) -> int:
    with open_ledger(args.ledger, create=False) as ledger:
        node_id = resolve_node(ledger, args.grid) if args.grid else None
        r = emergency.deactivate(ledger, node_id, args.activity, args.at)
    print(f"已结束应急响应：{_describe(r)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_ledger(args.ledger, create=False) as ledger:
        found = emergency.responses(ledger, None if args.all else emergency.ACTIVE)
    for r in found:
        print(_describe(r))
    if not found:
        print("当前没有网格在应急响应中" if not args.all else "还没有启动过应急响应")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("emergency", help="平急两用：启动、结束应急响应（建活动、临时党支部名单、打印联络表）")
    actions = p.add_subparsers(dest="action", metavar="操作", required=True)
    s = actions.add_parser("start", help="启动应急响应：建应急响应活动和临时党支部名单，打印联络表")
    s.add_argument("ledger", help="台账文件")
    s.add_argument("--grid", metavar="NODE", required=True, help="网格（编号、名称或路径）")
    s.add_argument("--leader", help="应急响应负责人（必填）")
    s.add_argument("--title", help="活动名称（默认“网格名应急响应”）")
    s.add_argument("--date", help="日期（默认今天）")
    s.add_argument("--time", help="开始时间，如 20:30（默认现在）")
    s.add_argument("--place", help="地点")
    s.add_argument("--recorder", help="记录人")
    s.add_argument("--content", help="内容")
    s.add_argument("--out", metavar="FILE", help="同时生成联络表（同名的 .pdf 和 .xlsx）")
    s.add_argument("--masked-phones", action="store_true", help="联络表隐藏电话中间4位")
    s.set_defaults(handler=_start)
    e = actions.add_parser("end", help="结束应急响应")
    e.add_argument("ledger", help="台账文件")
    e.add_argument("--grid", metavar="NODE", help="网格（处在应急响应中的网格或其下级）")
    e.add_argument("--activity", type=int, metavar="ID", help="或：应急响应活动编号")
    e.add_argument("--at", metavar="“年-月-日 时:分”", help="结束时间（默认现在）")
    e.set_defaults(handler=_end)
    li = actions.add_parser("list", help="列出处在应急响应中的网格")
    li.add_argument("ledger", help="台账文件")
    li.add_argument("--all", action="store_true", help="也列出已结束的")
    li.set_defaults(handler=_list)
