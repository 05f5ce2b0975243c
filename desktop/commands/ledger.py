"""Ledger commands: demo, init, check."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from db import check, demo, open_ledger, settings


def _demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists():
        if not args.force:
            print(f"错误：{out} 已存在（加 --force 覆盖）", file=sys.stderr)
            return 2
        for suffix in ("", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()

    def progress(label: str, fraction: float) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {label}", file=sys.stderr)

    with demo.generate(out, args.profile, args.seed, progress) as ledger:
        counts = check.counts(ledger)
    print(f"已生成演示台账 {out}（{args.profile}，种子 {args.seed}，"
          f"用时 {time.perf_counter() - started:.1f} 秒）")
    for label, count in counts.items():
        print(f"  {label}：{count}")
    return 0


def _init(args: argparse.Namespace) -> int:
    path = Path(args.ledger)
    if path.exists():
        print(f"错误：{path} 已存在，不能覆盖", file=sys.stderr)
        return 2
    with open_ledger(path) as ledger:
        settings.initialise(ledger, args.street, args.community)
    print(f"已创建台账 {path}（{args.street} {args.community or ''}）")
    return 0


def _check(args: argparse.Namespace) -> int:
    with open_ledger(args.ledger, create=False) as ledger:
        ident = settings.identity(ledger)
        print(f"台账：{args.ledger}")
        print(f"单位：{ident['street']} {ident['community']}")
        for label, count in check.counts(ledger).items():
            print(f"  {label}：{count}")
        problems = check.problems(ledger)
    if problems:
        print("检查发现问题：")
        for line in problems:
            print(f"  - {line}")
        return 1
    print("完整性检查：通过；外键检查：通过")
    return 0


def _recover(args: argparse.Namespace) -> int:
    """A 书记 who forgot the password sets a new one with the printed recovery key."""
    import getpass
    import os
    import sys

    from db import users

    key = os.environ.get("BAODAO_RECOVERY_KEY")
    new = os.environ.get("BAODAO_NEW_PASSWORD")
    if (key is None or new is None) and sys.stdin.isatty():
        key = key or input("恢复密钥（13组，每组4个字母或数字）：")
        new = new or getpass.getpass("新密码：")
        if getpass.getpass("再输一次新密码：") != new:
            print("错误：两次输入的新密码不一致", file=sys.stderr)
            return 2
    if key is None or new is None:
        print("错误：请用环境变量 BAODAO_RECOVERY_KEY 和 BAODAO_NEW_PASSWORD 给出恢复密钥和新密码，"
              "或在终端上运行以便输入", file=sys.stderr)
        return 2
    others = users.recover(args.target, key, args.user, new)
    print(f"已为书记“{args.user}”设置新密码。")
    if others:
        print(f"钥匙文件是重建的，以下用户需要书记重设密码后才能登录：{'、'.join(others)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="生成演示台账")
    p.add_argument("--profile", choices=list(demo.PROFILES), default="community",
                   help="规模：tiny、community（约1500名党员）、street（约1.2万）、city（衡水全市）")
    p.add_argument("--out", required=True, help="输出的台账文件")
    p.add_argument("--seed", type=int, default=2026, help="随机种子：同一种子生成相同的台账")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=_demo)

    p = sub.add_parser("init", help="创建空台账")
    p.add_argument("ledger")
    p.add_argument("--street", required=True, help="街道名称")
    p.add_argument("--community", help="社区名称（街道台账可不填）")
    p.set_defaults(handler=_init)

    p = sub.add_parser("recover-password", help="书记忘记密码时，用打印的恢复密钥设置新密码")
    p.add_argument("target", metavar="ledger", help="台账文件")
    p.add_argument("--user", required=True, help="书记的用户名")
    p.set_defaults(handler=_recover)

    p = sub.add_parser("check", help="统计台账并做完整性检查")
    p.add_argument("ledger")
    p.set_defaults(handler=_check)
