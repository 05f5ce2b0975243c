"""Card commands: `baodao print record-cards|feedback-cards|info-cards|signin-sheet|certificate|
certificate-register|report-form|notice|visits|warnings LEDGER ... --out FILE`, and `baodao receipts`."""

from __future__ import annotations

import argparse
import sys
import time

from db import open_ledger
from db.errors import ValidationError
from db.grid import resolve_node

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
        node_id = resolve_node(ledger, args.grid) if args.grid else None
        job = PrintJob(COMMANDS[args.cards], args.period, paper="A5" if args.a5 else "A4",
                       two_up=args.two_up, full_id=getattr(args, "full_id", False),
                       units=getattr(args, "units", False), member_ids=args.members,
                       node_id=node_id, unit_id=args.unit,
                       signatures=getattr(args, "signatures", False))

        def progress(label: str, fraction: float) -> None:
            if args.verbose:
                print(f"[{fraction:4.0%}] {label}", file=sys.stderr)

        try:
            # 反馈卡: each card's 回执 is numbered and registered by print_cards
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


def _done(path: object, warnings: list[str], what: str) -> int:
    for warning in warnings:
        print(f"警告：{warning}", file=sys.stderr)
    print(f"已生成 {path}：{what}")
    return 0


def _signin(args: argparse.Namespace) -> int:
    from db import signin
    from desktop.cards.signin_sheet import signin_pdf

    with open_ledger(args.ledger, create=False) as ledger:
        if args.sheet:
            sheet = signin.find_sheet(ledger, args.sheet, args.activity)
            sheet_id = sheet["id"]
        else:
            if args.activity is None:
                raise ValidationError("activity", "活动", "请用 --activity 指定活动编号，或用 --sheet 重印已有的签到表")
            node_id = resolve_node(ledger, args.grid) if args.grid else None
            source = "网格" if node_id else "岗位" if args.post else "名单" if args.members else ""
            if not source:
                raise ValidationError("source", "名单来源", "请用 --grid、--post 或 --members 指定预填的党员")
            sheet_id = signin.create_sheet(ledger, args.activity, source, node_id=node_id,
                                           post_id=args.post, member_ids=args.members,
                                           blank_rows=args.blank)
        path, warnings, pages = signin_pdf(ledger, sheet_id, args.out)
        number = signin.get_sheet(ledger, sheet_id)["number"]
    return _done(path, warnings, f"签到表 {number}，{pages} 页")


def _certificate(args: argparse.Namespace) -> int:
    from db import certificates
    from desktop.cards.certificate import certificate_pdf

    with open_ledger(args.ledger, create=False) as ledger:
        if args.number:
            cert_id = certificates.by_number(ledger, args.number)["id"]
        else:
            missing = [flag for flag, value in (("--member", args.member), ("--start", args.start),
                                                ("--end", args.end)) if value is None]
            if missing:
                raise ValidationError("member", "证明对象",
                                      f"出具新证明须指定 {'、'.join(missing)}（补打已有证明用 --number）")
            cert_id = certificates.issue(ledger, args.member, args.start, args.end, args.leader or "",
                                         args.handler_name or "", phone=args.phone or "",
                                         note=args.note or "", issued_date=args.date)
        path, warnings, reprint = certificate_pdf(ledger, cert_id, args.out)
        cert = certificates.get(ledger, cert_id)
    return _done(path, warnings, f"志愿服务记录证明 {cert['number']}（{cert['name']}，"
                 f"{cert['hours']:g} 小时）" + ("，补打" if reprint else ""))


def _register_book(args: argparse.Namespace) -> int:
    from db import certificates
    from desktop.cards.certificate import register_pdf

    with open_ledger(args.ledger, create=False) as ledger:
        path, warnings = register_pdf(ledger, args.out, args.year)
        count = len(certificates.register(ledger, args.year))
    return _done(path, warnings, f"志愿服务记录证明登记簿，{count} 份")


def _records(cards: argparse._SubParsersAction) -> None:
    c = cards.add_parser("signin-sheet", help="打印活动签到表（新编号；--sheet 重印已有的）")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--activity", type=int, metavar="ID", help="活动编号")
    c.add_argument("--grid", metavar="NODE", help="预填居住在该网格下的在册党员")
    c.add_argument("--post", type=int, metavar="ID", help="预填认领该岗位的党员")
    c.add_argument("--members", type=_ids, metavar="1,2,3", help="预填这些编号的党员（按所给顺序）")
    c.add_argument("--blank", type=int, metavar="N", help="至少留给临时到场党员的空白行数（默认6）")
    c.add_argument("--sheet", metavar="编号", help="重印已有的签到表（完整编号，或配合 --activity 写序号）")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_signin, cards="signin-sheet")
    c = cards.add_parser("certificate", help="出具并打印志愿服务记录证明（--number 补打已有的）")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--member", type=int, metavar="ID", help="党员编号")
    c.add_argument("--start", help="服务开始日期，如 2026-01-01")
    c.add_argument("--end", help="服务结束日期，如 2026-06-30")
    c.add_argument("--leader", help="负责人")
    c.add_argument("--handler", dest="handler_name", help="经办人")
    c.add_argument("--phone", help="联系电话")
    c.add_argument("--note", help="备注")
    c.add_argument("--date", help="出具日期（默认今天）")
    c.add_argument("--number", help="补打：已出具证明的编号，如 丽景社区-2026-0001")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_certificate, cards="certificate")
    c = cards.add_parser("certificate-register", help="打印志愿服务记录证明登记簿")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--year", type=int, help="只列该年出具的证明")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_register_book, cards="certificate-register")


def _visits(args: argparse.Namespace) -> int:
    from desktop.cards.visit_list import visit_list_pdf

    with open_ledger(args.ledger, create=False) as ledger:
        node_id = resolve_node(ledger, args.grid) if args.grid else None
        path, warnings, count = visit_list_pdf(ledger, args.month, args.out, node_id,
                                               full_phones=args.full_phones)
    return _done(path, warnings, f"一联一帮{args.month}未走访联系户 {count} 户")


def _warnings(args: argparse.Namespace) -> int:
    from desktop.cards.early_warning import write_warnings

    with open_ledger(args.ledger, create=False) as ledger:
        node_id = resolve_node(ledger, args.grid) if args.grid else None
        warning, path, notes, warnings = write_warnings(ledger, args.quarter, args.out, node_id,
                                                        args.letters)
    what = (f"{warning.quarter.label}预警名单：尚无服务的党员 {len(warning.members)} 名，"
            f"尚未办成实事的单位 {len(warning.units)} 个")
    if notes is not None:
        what += f"；温馨提示 {len(warning.members) + len(warning.units)} 份在 {notes}"
    return _done(path, warnings, what)


def _visits_warnings(cards: argparse._SubParsersAction) -> None:
    c = cards.add_parser("visits", help="打印一联一帮本月未走访联系户名单")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--month", required=True, help="月份，如 2026-11")
    c.add_argument("--grid", metavar="NODE", help="只列居住在该网格（编号、名称或路径）下的党员")
    c.add_argument("--full-phones", action="store_true", help="印出完整电话（默认部分隐藏，完整的记入审计日志）")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_visits, cards="visits")
    c = cards.add_parser("warnings", help="打印季度中期预警名单（尚无服务的党员、尚未办成实事的单位）")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--quarter", help="季度，如 2026Q4（默认本季度）")
    c.add_argument("--grid", metavar="NODE", help="只列该网格（编号、名称或路径）下的党员和包联单位")
    c.add_argument("--letters", metavar="FILE", help="同时为名单上的每名党员和每个单位生成温馨提示（PDF）")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_warnings, cards="warnings")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="打印纪实卡、反馈卡、基本信息卡、签到表、志愿服务记录证明及登记簿、"
                       "报到单（报到登记表）、公示、一联一帮未走访名单、预警名单（PDF）")
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
        if kind == "record":
            c.add_argument("--signatures", action="store_true", help="每条服务记录加“本人签名”栏")
        if kind == "feedback":
            c.add_argument("--units", action="store_true",
                           help="打印报到单位版反馈卡（配合 --unit 只打印一个单位，--grid 按包联小区）")
        c.add_argument("--out", required=True, help="输出的PDF文件")
        c.add_argument("--verbose", "-v", action="store_true", help="显示进度")
        c.set_defaults(handler=_print, cards=name)
    _records(cards)
    _visits_warnings(cards)
    _papers(cards, sub)


def _report_form(args: argparse.Namespace) -> int:
    from desktop.cards.report_form import report_form_pdf

    if (args.member is None) == (args.unit is None):
        raise ValidationError("member", "报到对象", "请用 --member 或 --unit 指定一名党员或一个单位")
    with open_ledger(args.ledger, create=False) as ledger:
        from db import receipts

        path, warnings, receipt_id = report_form_pdf(ledger, args.out, member_id=args.member,
                                                     unit_id=args.unit, opinion=args.opinion)
        row = receipts.get(ledger, receipt_id)
    return _done(path, warnings, f"报到登记表，回执编号 {row['number']}"
                 + ("，补打" if row["prints"] > 1 else ""))


def _notice(args: argparse.Namespace) -> int:
    from db import notices
    from desktop.cards.notice import notice_pdf

    with open_ledger(args.ledger, create=False) as ledger:
        if args.number:
            notice_id = notices.by_number(ledger, args.number)["id"]
        else:
            if not args.grid or not args.quarter:
                raise ValidationError("node_id", "公示范围",
                                      "请用 --grid 和 --quarter 指定网格和季度（重印已有公示用 --number）")
            node_id = resolve_node(ledger, args.grid)
            period = notices.quarter(args.quarter)
            same = ledger.one("SELECT id FROM notices WHERE deleted = 0 AND status = ? AND "
                              "node_id = ? AND year = ? AND quarter = ?",
                              (notices.ACTIVE, node_id, int(period.code[:4]), int(period.code[-1])))
            notice_id = same["id"] if same else notices.create(
                ledger, node_id, period.code, args.start, args.days, contact=args.contact or "")
        path, warnings, pages = notice_pdf(ledger, notice_id, args.out)
        n = notices.get(ledger, notice_id)
    return _done(path, warnings, f"公示 {n['number']}，公示期 {n['start_date']} 至 {n['end_date']}"
                 f"（{notices.state(n)}），{pages} 页")


def _receipts(args: argparse.Namespace) -> int:
    from db import receipts

    with open_ledger(args.ledger, create=False) as ledger:
        if args.returned:
            row = receipts.by_number(ledger, args.returned)
            receipts.mark_returned(ledger, row["id"], args.date, args.by or "")
            print(f"已登记收回：{row['number']}（{row['kind']}）")
            return 0
        rows = receipts.listing(ledger, kind=args.kind, outstanding=not args.all)
    print("回执编号\t类型\t对象\t送达单位\t期间\t打印日期\t收回日期\t未收回天数")
    for r in rows:
        print("\t".join(str(v) for v in (
            r["number"], r["kind"], r["subject"], r["addressee"], r["period"], r["printed_date"],
            r["returned_date"] or "未收回", "" if r["days_out"] is None else r["days_out"])))
    print(f"共 {len(rows)} 份" + ("" if args.all else "未收回"), file=sys.stderr)
    return 0


def _papers(cards: argparse._SubParsersAction, sub: argparse._SubParsersAction) -> None:
    c = cards.add_parser("report-form", help="打印报到单（报到登记表，含社区接收意见和回执）")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--member", type=int, metavar="ID", help="报到的党员编号")
    c.add_argument("--unit", type=int, metavar="ID", help="报到的单位编号")
    c.add_argument("--opinion", help="社区接收意见（默认“经审核，同意接收报到。”）")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_report_form, cards="report-form")
    c = cards.add_parser("notice", help="打印公示（网格内党员和单位本季度的服务与积分，张贴用）")
    c.add_argument("ledger", help="台账文件")
    c.add_argument("--grid", metavar="NODE", help="公示范围：小区或其他网格（编号、名称或路径）")
    c.add_argument("--quarter", metavar="2026Q3", help="季度")
    c.add_argument("--start", help="公示开始日期（默认季度结束后的第一个工作日或今天）")
    c.add_argument("--days", type=int, default=3, help="公示期工作日数（默认3）")
    c.add_argument("--contact", help="受理异议的联系人和电话")
    c.add_argument("--number", help="重印已有公示：公示编号")
    c.add_argument("--out", required=True, help="输出的PDF文件")
    c.set_defaults(handler=_notice, cards="notice")
    r = sub.add_parser("receipts", help="回执登记：列出未收回的报到单和反馈卡回执，或登记收回")
    r.add_argument("ledger", help="台账文件")
    r.add_argument("--kind", choices=("报到单", "反馈卡"), help="只列该类回执")
    r.add_argument("--all", action="store_true", help="已收回的也列出")
    r.add_argument("--returned", metavar="编号", help="登记该编号的回执已收回")
    r.add_argument("--date", help="收回日期（默认今天）")
    r.add_argument("--by", help="交回人")
    r.set_defaults(handler=_receipts)
