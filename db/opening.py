"""Opening a ledger for use: the one open sequence of the app, its workers and the CLI.

Above db.ledger (the connection), db.crypto (passwords), db.backup (the copy taken before a
schema upgrade) and db.access (the session): finishing or rolling back a cut-off re-keying,
refusing a network share, checking the file, migrating, and entering the session this process
logged in to.

What this process holds for a ledger it opened (its password or file key, who logged in, that
user's keys) is kept per file, so that a worker thread's own connection (`reopen`) opens and
enters the session without asking again; `forget`/`forget_all` drop it, as a fresh process."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from . import access, backup, crypto, keys
from . import ledger as connection
from .errors import DamagedLedgerError, LedgerError, LedgerVersionError
from .ledger import (
    Ledger,
    _check_file,
    _connect,
    network_share,
    new_uuid,
    utcnow,
)


def open_ledger(path: str | Path, create: bool = True,
                backup_dir: str | Path | None = None, password: str | None = None) -> Ledger:
    """Open (or create) a ledger file and bring it to the current schema.

    With backup_dir, a ledger about to be upgraded to a newer schema is backed up there first.
    An encrypted ledger needs its password (given here once; remembered for this process)."""
    path = Path(path) if str(path) != ":memory:" else path
    if password:
        crypto.remember(path, password)
    password = password or crypto.password_for(path)
    if isinstance(path, Path):
        if not create and not path.exists():
            raise LedgerVersionError(f"找不到台账文件“{path}”")
        if network_share(path):
            raise LedgerError(
                f"“{path.name}”在网络共享位置上。多人同时通过网络打开同一个台账会损坏数据，"
                "请把台账复制到本机硬盘后再打开，单位之间请用“导出到U盘”交换数据。")
        crypto.recover(path)  # a password change cut off by a crash is finished or rolled back first
        _check_file(path, password)
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(str(path), password)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if backup_dir is not None and 0 < version < connection.SCHEMA_VERSION:
            backup.create(Ledger(conn, str(path)), backup_dir, f"升级前第{version}版")
        connection.migrate(conn, Path(str(path)).name)
        if conn.execute("SELECT value FROM meta WHERE key = 'office_id'").fetchone() is None:
            now = utcnow()
            conn.executescript("BEGIN")
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [("office_id", new_uuid()), ("created_at", now)],
            )
            conn.execute("COMMIT")
    except BaseException as error:
        conn.close()
        if isinstance(error, crypto.database_errors()) and not isinstance(error, sqlite3.OperationalError):
            raise DamagedLedgerError(f"“{Path(str(path)).name}”已损坏，无法读取：{error}") from None
        raise
    ledger = Ledger(conn, str(path))
    _enter_session(ledger)
    return ledger


def _enter_session(ledger: Ledger) -> None:
    """A ledger with users opens locked, unless this process has logged in to it already."""
    if not ledger.scalar("SELECT count(*) FROM main.users WHERE active = 1"):
        return
    actor = access.session_for(ledger.path)
    if actor is not None:
        row = ledger.one("SELECT id, username, role, node_id FROM main.users "
                         "WHERE id = ? AND active = 1", (actor.user_id,))
        actor = access.Actor(row["username"], row["role"], row["node_id"], row["id"]) if row else None
    access.install(ledger, actor or access.LOCKED)


@contextlib.contextmanager
def reopen(path: str | Path) -> Iterator[Ledger]:
    """Another connection to a ledger this process has open (one per thread: a worker's), with
    the same password and the same login as the first; closed when the block ends.

    Closed without the `PRAGMA optimize` of Ledger.close: that may write (ANALYZE), and a
    write committed while the window's connection reads makes the window's next write fail
    at once with "database is locked". The window's own connection optimizes when it closes."""
    with crypto.in_use(path):  # never while the file is being re-keyed
        ledger = open_ledger(path, create=False)
        try:
            yield ledger
        finally:
            ledger.conn.close()


def forget(path: str | Path) -> None:
    """This process no longer holds the ledger's password, login or keys: the next open of the
    file is as in a freshly started process (locked, and asking for a password)."""
    access.remember_session(path, None)
    keys.hold(path, None)
    crypto.remember(path, None)


def forget_all() -> None:
    """forget() for every ledger (the tests start each test so)."""
    access.forget_sessions()
    keys.forget_all()
    crypto.forget_all()
