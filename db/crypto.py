"""At-rest encryption with SQLCipher: a ledger with a password is an encrypted file (and so are
its backups), so a copy taken off the PC shows no names without the password.

Passwords live only in this process's memory (remember/password_for), so worker threads can
open their own connection to the same ledger without asking the user again."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from .errors import LedgerError

SQLITE_HEADER = b"SQLite format 3\x00"
_PASSWORDS: dict[str, str] = {}


class PasswordRequiredError(LedgerError):
    """The file is encrypted (or damaged beyond its header): a password is needed."""


class WrongPasswordError(LedgerError):
    pass


def _cipher() -> Any:
    from sqlcipher3 import dbapi2

    return dbapi2


def database_errors() -> tuple[type[Exception], ...]:
    """The DatabaseError classes of both drivers (SQLCipher's are not sqlite3's)."""
    try:
        return (sqlite3.DatabaseError, _cipher().DatabaseError)
    except ImportError:
        return (sqlite3.DatabaseError,)


def integrity_errors() -> tuple[type[Exception], ...]:
    try:
        return (sqlite3.IntegrityError, _cipher().IntegrityError)
    except ImportError:
        return (sqlite3.IntegrityError,)


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(str(path)))


def remember(path: str | Path, password: str | None) -> None:
    if password:
        _PASSWORDS[_key(path)] = password
    else:
        _PASSWORDS.pop(_key(path), None)


def password_for(path: str | Path) -> str | None:
    return _PASSWORDS.get(_key(path))


def looks_encrypted(path: str | Path) -> bool:
    """No SQLite header, and sized in whole database pages as a SQLCipher file is."""
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size < 1024 or size % 512:
        return False
    with path.open("rb") as handle:
        return handle.read(16) != SQLITE_HEADER


def _quote(password: str) -> str:
    return "'" + password.replace("'", "''") + "'"


def connect(path: str | Path, password: str | None, readonly: bool = False,
            **kwargs: Any) -> Any:
    """A connection of the right driver: sqlite3 for a plain file, SQLCipher with the key set
    for an encrypted one. A wrong password raises WrongPasswordError."""
    target = f"file:{Path(path).as_posix()}?mode=ro" if readonly else str(path)
    if not password:
        return sqlite3.connect(target, uri=readonly, **kwargs)
    cipher = _cipher()
    conn = cipher.connect(target, uri=readonly, **kwargs)
    conn.execute(f"PRAGMA key = {_quote(password)}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cipher.DatabaseError:
        conn.close()
        raise WrongPasswordError(f"“{Path(path).name}”的密码不正确") from None
    return conn


def change_password(path: str | Path, old: str | None, new: str | None) -> None:
    """Rewrite the (closed) ledger encrypted with `new`, or in plain form when new is empty.

    The new file is written beside the old one, checked, then renamed over it."""
    path = Path(path)
    partial = path.with_name(path.name + ".rekey")
    partial.unlink(missing_ok=True)
    cipher = _cipher()
    source = cipher.connect(str(path), isolation_level=None)
    try:
        if old:
            source.execute(f"PRAGMA key = {_quote(old)}")
        try:
            version = source.execute("PRAGMA user_version").fetchone()[0]
            app_id = source.execute("PRAGMA application_id").fetchone()[0]
        except cipher.DatabaseError:
            raise WrongPasswordError(f"“{path.name}”的原密码不正确") from None
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        source.execute(f"ATTACH DATABASE ? AS target KEY {_quote(new or '')}", (str(partial),))
        source.execute("SELECT sqlcipher_export('target')")
        source.execute(f"PRAGMA target.user_version = {int(version)}")
        source.execute(f"PRAGMA target.application_id = {int(app_id)}")
        source.execute("DETACH DATABASE target")
    finally:
        source.close()
    check = connect(partial, new, isolation_level=None)
    try:
        if check.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise LedgerError("加密后的台账校验失败，原台账未改动")
        check.execute("PRAGMA journal_mode = WAL")
    finally:
        check.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)
    remember(path, new)
