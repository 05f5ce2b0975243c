"""Card commands: `baodao print record-cards|feedback-cards|info-cards LEDGER ... --out FILE`."""

from __future__ import annotations

import argparse
import sys
import time

from db import open_ledger
from db.errors import ValidationError
from db.grid import find_node

COMMANDS = {"record-cards": "record", "feedback-cards": "feedback", "info-cards": "info"}
HELP = {"record-cards": "打印在职党员进社区情况纪实卡", "feedback-cards": "打印在职党员进社区反馈卡",
        "info-cards": "打印在职党员基本信息卡"}


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError("应为逗号分隔的党员编号，如 1,2,3") from error


def _print(args: argparse.Namespace) -> int:
    from desktop.cards import PrintJob, print_cards

    started = time.perf_counter()
    with open_ledger(args.ledger, create=False) as ledger:
        node_id = None
        if args.grid:
            node = find_node(ledger, args.grid)
            if node is None:
                raise ValidationError("grid", "网格", f"找不到网格“{args.grid}”（可写编号、名称或“小区/楼院”路径）")
            node_id = node["id"]
        job = PrintJob(COMMANDS[args.cards], args.period, paper="A5" if args.a5 else "A4",
                       two_up=args.two_up, full_id=getattr(args, "full_id", False),
                       units=getattr(args, "units", False), member_ids=args.members,
                       node_id=node_id, unit_id=args.unit)

        def progress(label: str, fraction: float) -> None:
            if args.verbose:
                print(f"[{fraction:4.0%}] {label}", file=sys.stderr)

        try:
            result = print_cards(ledger, job, args.out, progress)
        except OSError as error:  # e.g. the old PDF is still open in a viewer on Windows
            print(f"错误：无法写入“{args.out}”：{error.strerror or error}"
                  "（文件可能正被其他程序打开，或没有写入权限）", file=sys.stderr)
            return 2
    for warning in result.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    for note in result.notes:
        print(f"提示：{note}", file=sys.stderr)
    sheets = "张A4纸（每张2张A5卡片）" if job.two_up else "页"
    print(f"已生成 {result.path}：{result.cards} 张卡片，{result.pages} {sheets}，"
          f"字体 {result.font}{'（已嵌入）' if result.embedded else '（未嵌入）'}，"
          f"用时 {time.perf_counter() - started:.1f} 秒")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="打印纪实卡、反馈卡、基本信息卡（PDF）")
    cards = p.add_subparsers(dest="cards", metavar="卡片", required=True)
    for name, kind in COMMANDS.items():
        c = cards.add_parser(name, help=HELP[name])
        c.add_argument("ledger", help="台账文件")
        c.add_argument("--period", required=kind != "info",
                       help="期间：2026H1、2026H2、2026Q3、2026-05 或 2026")
        c.add_argument("--grid", metavar="NODE", help="只打印居住在该网格（编号、名称或路径）下的党员")
        c.add_argument("--unit", type=int, metavar="ID", help="只打印该报到单位的党员")
        c.add_argument("--members", type=_ids, metavar="1,2,3", help="只打印这些编号的党员（按所给顺序）")
        c.add_argument("--a5", action="store_true", help="A5纸（默认A4）")
        c.add_argument("--two-up", action="store_true", help="每张A4纸横排印2张A5卡片")
        if kind == "info":
            c.add_argument("--full-id", action="store_true", help="印出完整身份证号（默认只显示前6位和后4位）")
        if kind == "feedback":
            c.add_argument("--units", action="store_true",
                           help="打印报到单位版反馈卡（配合 --unit 只打印一个单位，--grid 按包联小区）")
        c.add_argument("--out", required=True, help="输出的PDF文件")
        c.add_argument("--verbose", "-v", action="store_true", help="显示进度")
        c.set_defaults(handler=_print, cards=name)
