"""A ledger file's connection: pragmas, migrations, and the transaction helper.

Opening one for use (decrypting, finishing a cut-off re-keying, backing up before a migration,
entering the session) is db.opening, above the modules it needs.

A Ledger wraps one sqlite3 connection (one per thread) through sqlite-utils. Every write in
`db` happens inside `ledger.transaction()`, which nests as savepoints, so an operation made of
many statements is all-or-nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import uuid as uuidlib
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import DamagedLedgerError, LedgerVersionError

SQLITE_HEADER = b"SQLite format 3\x00"
APP_ID = 0x42414F44  # "BAOD", stamped in PRAGMA application_id


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("db.migrations").iterdir():
        match = re.match(r"^(\d{4})_(\w+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (number, _name, _sql) in enumerate(found, start=1):
        if number != expected:
            raise RuntimeError(f"migration numbering has a gap at {expected}")
    return found


MIGRATIONS = _migrations()
SCHEMA_VERSION = len(MIGRATIONS)


class Ledger:
    """An open ledger file. Not thread-safe: open one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.office = self.meta("office_id") or ""
        self.actor: Any = None  # db.access.Actor once someone logs in; None: single-user
        # users whose row was edited in the file, found at the last 书记 login (db.vault)
        self.tampered_users: list[str] = []

    # -- reading -------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        for row in self.db.query(sql, params):
            return row
        return None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Ledger]:
        with self.db.atomic():
            yield self

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_file(path: Path, password: str | None) -> None:
    from .crypto import PasswordRequiredError, looks_encrypted

    if password or not path.exists() or path.stat().st_size == 0:
        return
    if looks_encrypted(path):
        raise PasswordRequiredError(
            f"“{path.name}”已设置密码，请输入密码后打开（如果从未设置过密码，文件可能已损坏）")
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise DamagedLedgerError(f"“{path.name}”不是报到台账文件（也不是SQLite数据库），无法打开")


KEY_FUNCTIONS = ("baodao_id_seal", "baodao_id_index", "baodao_id_probe", "baodao_id_mask",
                 "baodao_id_open", "baodao_id_birth")


def _locked(_value: Any) -> str:
    raise PermissionError("没有登录，不能读写身份证号")


def lock_functions(conn: Any) -> None:
    """Every connection has the key functions that the sealing triggers of a ledger with keys
    name (db.vault); without a logged-in session's keys they refuse."""
    for name in KEY_FUNCTIONS:
        conn.create_function(name, 1, _locked)


def _connect(path: str, password: str | None = None) -> sqlite3.Connection:
    from .crypto import connect

    # isolation_level=None: the driver opens no implicit transactions; sqlite-utils' atomic()
    # issues BEGIN/SAVEPOINT itself.
    try:
        conn = connect(path, password, isolation_level=None, timeout=10)
    except (sqlite3.DatabaseError, UnicodeError) as error:
        raise DamagedLedgerError(f"“{Path(path).name}”不是报到台账文件，或已损坏：{error}") from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    lock_functions(conn)  # the ID sealing functions, refusing until a session installs its keys
    if path != ":memory:":
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.close()
            raise LedgerVersionError("无法以安全模式（WAL）打开台账文件，请把台账放在本机硬盘上再打开")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def migrate(conn: sqlite3.Connection, name: str = "台账") -> int:
    """Bring the schema to SCHEMA_VERSION. Each step is one transaction: a step interrupted
    midway leaves the previous version intact."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LedgerVersionError(
            f"“{name}”由更新版本的报到台账创建（数据格式第{version}版），"
            f"当前程序只支持到第{SCHEMA_VERSION}版，请先升级程序再打开"
        )
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version == 0:
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        if tables:
            raise LedgerVersionError(f"“{name}”是一个SQLite数据库，但不是报到台账，无法打开")
    elif app_id != APP_ID:
        raise LedgerVersionError(f"“{name}”不是报到台账文件，无法打开")
    for number, _step, sql in MIGRATIONS[version:]:
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA application_id = {APP_ID};\n"
                f"PRAGMA user_version = {number};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


NETWORK_FILESYSTEMS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "9p", "afs",
                       "davfs", "fuse.davfs2"}


def network_share(path: Path, mounts: str | None = None) -> bool:
    """True for a file on a network share: SQLite's locking is not reliable there.

    mounts: the text of /proc/mounts (read from the system when not given)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True  # a Windows UNC path (\\server\share\...)
    if os.name == "nt":
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # type: ignore[attr-defined]
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    target = os.path.realpath(text)
    best, fstype = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (target == point or target.startswith(point.rstrip("/") + "/")) and \
                    len(point) > len(best):
                best, fstype = point, parts[2]
    return fstype in NETWORK_FILESYSTEMS
