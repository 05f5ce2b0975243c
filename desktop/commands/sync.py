"""Excel exchange commands: export, import, roster-template, import-roster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db import grid, open_ledger


def _progress(quiet: bool):
    def report(label: str, fraction: float) -> None:
        if not quiet:
            print(f"[{fraction:4.0%}] {label}", file=sys.stderr)
    return report


def _export(args: argparse.Namespace) -> int:
    from desktop.sync.export import export_ledger

    with open_ledger(args.ledger, create=False) as ledger:
        node = grid.resolve_node(ledger, args.grid) if args.grid else None
        result = export_ledger(ledger, args.out, mask=args.mask, password=args.password,
                               grid_node=node, for_office=args.for_office, full=args.full,
                               progress=_progress(args.quiet))
    extras = [x for x, on in (("已隐去身份证号和电话", result.masked),
                              ("已加密码", result.encrypted)) if on]
    if result.receiver:
        extras.insert(0, f"发给{result.receiver}，" +
                      ("自对方上次确认以来的变更" if result.incremental else "全量"))
    print(f"已导出到 {result.path}（用时 {result.seconds:.1f} 秒{'，' if extras else ''}"
          f"{'，'.join(extras)}）")
    for title, count in result.counts.items():
        print(f"  {title}：{count} 行")
    return 0


def _offices(args: argparse.Namespace) -> int:
    from db import merge
    from desktop.sync.export import pending_changes, scope_for

    with open_ledger(args.ledger, create=False) as ledger:
        known = merge.peers(ledger)
        if not known:
            print("还没有导入过其他单位的交换文件")
            return 0
        print(f"{'单位':<12}{'社区':<10}{'上次导入':<18}{'对方已确认':<12}{'待发变更':>8}")
        for peer in known:
            pending = pending_changes(ledger, scope_for(ledger, peer["office"]))
            when = _local_time(peer["last_imported_at"])
            acked = "（从未确认）" if not peer["acked_seq"] else _local_time(peer["acked_at"])
            print(f"{peer['name'] or peer['office'][:8]:<12}{peer['community']:<10}"
                  f"{when:<18}{acked:<12}{pending:>8}")
    return 0


def _local_time(stamp: str) -> str:
    import datetime as dt

    if not stamp:
        return ""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    return f"{moment:%Y-%m-%d %H:%M}"


def _print_preview(preview) -> None:
    if preview.already:
        print(preview.already)
        for line in preview.warnings:
            print(f"注意：{line}")
        return
    header = ("工作表", "新增", "更新", "未变", "冲突", "无效", "疑似重复", "删除")
    print(f"来源：{preview.source.office_name}（导出于 {preview.source.exported_at}）")
    for line in preview.warnings:
        print(f"注意：{line}")
    print("  ".join(f"{h:<6}" for h in header))
    for s in [*preview.sheets, preview.totals()]:
        values = (s.new, s.updated, s.unchanged, s.conflict, s.invalid, s.duplicate, s.deleted)
        print(f"{s.title:<8}" + "".join(f"{v:>8}" for v in values))
    for c in preview.conflicts[:50]:
        print(f"冲突：{c.title}“{c.name}”——{c.note}；建议保留"
              f"{'本台账' if c.suggested == 'mine' else '对方'}的版本")
    for d in preview.duplicates[:50]:
        print(f"疑似重复：{d.title}“{d.name}”——{d.note}")
    problems = [i for i in preview.issues if i.row or "缺少" in i.reason]
    for issue in problems[:50]:
        print(f"无效：{issue.line()}")
    if len(problems) > 50:
        print(f"……共{len(problems)}条无效，用 --errors 保存完整清单")


def _import(args: argparse.Namespace) -> int:
    from desktop.sync.apply import apply, preview_file
    from desktop.sync.errors_book import write_errors
    from desktop.sync.reader import FileRejected

    with open_ledger(args.ledger, create=False) as ledger:
        try:
            preview = preview_file(ledger, args.file, args.password, _progress(args.quiet))
        except FileRejected as error:
            print(f"错误：{error}", file=sys.stderr)
            return 2
        _print_preview(preview)
        if preview.already:
            return 0
        if args.errors and preview.issues:
            write_errors(args.errors, preview.issues)
            print(f"错误清单已保存到 {args.errors}")
        if args.dry_run:
            print("（试运行，台账未改动）")
            return 0
        result = apply(ledger, preview, default=args.conflicts,
                       progress=_progress(args.quiet))
    total_new = sum(c.new for c in result.applied.values())
    total_upd = sum(c.updated for c in result.applied.values())
    print(f"已导入：新增 {total_new} 条，更新 {total_upd} 条；导入前的备份：{result.backup or '无'}")
    for line in result.kept_after_delete:
        print(f"保留：{line}")
    for issue in result.failed:
        print(f"未导入：{issue.line()}")
    if result.unresolved:
        print(f"有 {result.unresolved} 条冲突或疑似重复未处理，本台账的数据保持不变；"
              "请在程序中处理，或加 --conflicts mine|theirs 重新导入")
        return 1
    return 0


def _template(args: argparse.Namespace) -> int:
    from desktop.sync.roster import write_template

    path = write_template(args.out)
    print(f"已生成空白花名册模板 {path}")
    return 0


def _import_roster(args: argparse.Namespace) -> int:
    from desktop.sync import roster
    from desktop.sync.errors_book import write_errors
    from desktop.sync.reader import FileRejected

    with open_ledger(args.ledger, create=False) as ledger:
        try:
            parsed = roster.read_roster(args.file, args.password, sheet=args.sheet)
        except FileRejected as error:
            print(f"错误：{error}", file=sys.stderr)
            return 2
        mapping = roster.guess_mapping(parsed.headers, roster.remembered(ledger))
        for item in args.map or []:
            header, _, field = item.partition("=")
            mapping[header.strip()] = roster.field_from_text(field.strip())
        print(f"工作表“{parsed.sheet}”，表头在第{parsed.header_row}行，数据{len(parsed.rows)}行")
        for header, field in mapping.items():
            print(f"  {header} → {roster.FIELD_LABELS.get(field, '（不导入）') if field else '（不导入）'}")
        result = roster.preview(ledger, parsed, mapping, create_missing=args.create_grid)
        print(f"新增 {result.new}，更新 {result.updated}，未变 {result.unchanged}，"
              f"无效 {len(result.issues)}")
        for level, path, rows in result.new_nodes:
            print(f"新建{level}：{path}（{rows}人居住）")
        if result.missing_nodes and not args.create_grid:
            print(f"有{result.missing_nodes}行所填的小区/楼院/单元不在本台账的网格中；"
                  "加 --create-grid 可按花名册新建这些网格")
        for issue in result.issues[:30]:
            print(f"无效：{issue.line()}")
        if args.errors and result.issues:
            write_errors(args.errors, result.issues, parsed, mapping)
            print(f"错误清单已保存到 {args.errors}")
        if args.dry_run:
            print("（试运行，台账未改动）")
            return 0
        done = roster.apply(ledger, parsed, mapping, file_name=Path(args.file).name,
                            create_missing=args.create_grid)
        nodes = f"新建网格 {len(done.new_nodes)} 个；" if done.new_nodes else ""
        print(f"已导入：新增 {done.new} 人，更新 {done.updated} 人；{nodes}"
              f"备份：{done.backup or '无'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="导出台账到Excel交换文件（U盘交换）")
    p.add_argument("ledger")
    p.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    p.add_argument("--mask", action="store_true", help="隐去身份证号和电话（只供查看，不能再导入）")
    p.add_argument("--password", help="给文件加打开密码（Excel、WPS可用）")
    p.add_argument("--grid", help="只导出这个网格（编号或名称）及其下级")
    p.add_argument("--for", dest="for_office", metavar="OFFICE",
                   help="接收单位（如 丽景社区）：只导出对方还没有确认收到的变更")
    p.add_argument("--full", action="store_true", help="与 --for 一起：导出全部数据")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=_export)

    p = sub.add_parser("offices", help="列出交换过文件的单位，以及各自已确认收到的变更")
    p.add_argument("ledger")
    p.set_defaults(handler=_offices)

    p = sub.add_parser("import", help="导入其他单位的交换文件（先预览再合并）")
    p.add_argument("ledger")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只预览，不改动台账")
    p.add_argument("--password", help="文件的打开密码")
    p.add_argument("--conflicts", choices=("mine", "theirs"),
                   help="冲突和疑似重复时保留本台账（mine）或对方（theirs）的版本；不给则不处理")
    p.add_argument("--errors", help="把无效行保存为错误清单 .xlsx")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=_import)

    p = sub.add_parser("roster-template", help="生成空白的党员花名册模板")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=_template)

    p = sub.add_parser("import-roster", help="导入单位报来的党员花名册（.xlsx/.xls/.ods）")
    p.add_argument("ledger")
    p.add_argument("file")
    p.add_argument("--sheet", help="工作表名称（默认自动选择）")
    p.add_argument("--map", action="append", metavar="列名=字段",
                   help="纠正列的对应，如 --map 证件号码=身份证号；字段写“不导入”则忽略该列")
    p.add_argument("--password", help="文件的打开密码")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--errors", help="把无效行保存为错误清单 .xlsx，发回给报送单位")
    p.add_argument("--create-grid", action="store_true",
                   help="花名册里填的小区/楼院/单元在网格中没有时，按花名册新建（先试运行看清单）")
    p.set_defaults(handler=_import_roster)
