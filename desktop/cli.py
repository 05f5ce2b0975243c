"""`baodao`: the app, and the same jobs from a terminal.

Each family of commands registers itself from its own module in desktop/commands, so that
the ledger, card, Excel and statistics commands stay next to the code they drive."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Callable


def command_modules() -> list[str]:
    """Every module in desktop/commands registers its own subcommands."""
    import pkgutil

    import desktop.commands

    names = sorted(m.name for m in pkgutil.iter_modules(desktop.commands.__path__))
    return [f"desktop.commands.{name}" for name in ["ledger", *[n for n in names if n != "ledger"]]]

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(
        prog="baodao", description="报到台账：社区双报到“一账三卡”管理。",
        epilog="不带命令时启动桌面程序：baodao [台账文件] [--demo]（--demo 打开生成的演示社区台账）。")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in command_modules():
        importlib.import_module(name).register(sub)
    return parser, set(sub.choices)


def unlock(path: str | None) -> None:
    """An encrypted ledger's password: from BAODAO_LEDGER_PASSWORD, else asked on the terminal.
    A ledger with users needs a login: BAODAO_USER and BAODAO_USER_PASSWORD, else asked."""
    import getpass
    import os
    from pathlib import Path

    from db import keys, users
    from db.crypto import looks_encrypted, remember

    if not path or not Path(path).is_file():
        return
    if looks_encrypted(Path(path)) and not keys.exists(path):  # one shared ledger password
        password = os.environ.get("BAODAO_LEDGER_PASSWORD")
        if password is None and sys.stdin.isatty():
            password = getpass.getpass(f"“{Path(path).name}”的密码：")
        remember(path, password)
    # the app's open: a per-user key slot, the open sequence, the login (db.users.open_as)
    users.open_as(path, lambda: _login_details(path)).close()


def _login_details(path: str) -> tuple[str, str]:
    """BAODAO_USER and BAODAO_USER_PASSWORD, else asked on the terminal."""
    import getpass
    import os
    from pathlib import Path

    from db import users

    name = os.environ.get("BAODAO_USER")
    secret = os.environ.get("BAODAO_USER_PASSWORD")
    if (name is None or secret is None) and sys.stdin.isatty():
        name = name or input(f"“{Path(path).name}”设有用户，用户名：")
        secret = secret or getpass.getpass("密码：")
    if name is None or secret is None:
        raise users.LoginError(f"“{Path(path).name}”设有用户，请用环境变量 BAODAO_USER 和 "
                               "BAODAO_USER_PASSWORD 指定登录用户，或在终端上运行以便输入")
    return name, secret


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout.encoding and sys.stdout.encoding.lower() not in ("utf-8", "utf8"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
    parser, commands = build_parser()
    from desktop import workarea

    workarea.use_private_temp()  # personal data in temporary files stays in the data folder
    positional = [arg for arg in argv if not arg.startswith("-")]
    if not positional and ("-h" in argv or "--help" in argv):
        parser.print_help()
        return 0
    if not positional or positional[0] not in commands:
        app_parser = argparse.ArgumentParser(prog="baodao", description="启动报到台账桌面程序")
        app_parser.add_argument("ledger", nargs="?", help="要打开的台账文件（默认：上次打开的台账）")
        app_parser.add_argument("--demo", action="store_true", help="打开生成的演示社区台账")
        args = app_parser.parse_args(argv)
        from desktop.ui.app import run_app

        return run_app(args.ledger, demo=args.demo)
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    from db.errors import LedgerError

    try:
        unlock(getattr(args, "ledger", None))
        return handler(args)
    except LedgerError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as error:
        from desktop.faults import explain

        known = explain(error)
        if known is None:
            raise
        print(f"错误：{known}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
