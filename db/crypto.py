"""At-rest encryption with SQLCipher: a ledger with a password is an encrypted file (and so are
its backups), so a copy taken off the PC shows no names without the password.

Passwords live only in this process's memory (remember/password_for), so worker threads can
open their own connection to the same ledger without asking the user again."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
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


def unreadable_errors() -> tuple[type[Exception], ...]:
    """A file that cannot be opened as a ledger: ours (wrong password) or either driver's."""
    return (LedgerError, *database_errors())


def integrity_errors() -> tuple[type[Exception], ...]:
    try:
        return (sqlite3.IntegrityError, _cipher().IntegrityError)
    except ImportError:
        return (sqlite3.IntegrityError,)


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(str(path)))


# Connections worker threads hold on each ledger, and the ledgers being re-keyed: a re-keying
# renames new files over the ones a worker's connection has mapped (its -shm), and a read of
# such a mapping after the rename killed the process (SIGBUS). So the two exclude each other.
_USE = threading.Condition()
_READERS: dict[str, int] = {}
_REKEYING: set[str] = set()


@contextlib.contextmanager
def in_use(path: str | Path) -> Iterator[None]:
    """A worker's connection is open on the ledger for the block (waits out a re-keying)."""
    key = _key(path)
    with _USE:
        _USE.wait_for(lambda: key not in _REKEYING)
        _READERS[key] = _READERS.get(key, 0) + 1
    try:
        yield
    finally:
        with _USE:
            _READERS[key] -= 1
            _USE.notify_all()


@contextlib.contextmanager
def rekeying(path: str | Path) -> Iterator[None]:
    """No worker's connection is open on the ledger for the block: waits for those open to
    close, and new ones wait for the block's end."""
    key = _key(path)
    with _USE:
        _USE.wait_for(lambda: key not in _REKEYING)
        _REKEYING.add(key)
        _USE.wait_for(lambda: not _READERS.get(key))
    try:
        yield
    finally:
        with _USE:
            _REKEYING.discard(key)
            _USE.notify_all()


def remember(path: str | Path, password: str | None) -> None:
    if password:
        _PASSWORDS[_key(path)] = password
    else:
        _PASSWORDS.pop(_key(path), None)


def password_for(path: str | Path) -> str | None:
    return _PASSWORDS.get(_key(path))


def forget_all() -> None:
    """No ledger's password is held any more (db.opening.forget_all: a fresh process)."""
    _PASSWORDS.clear()


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
    """Rewrite one (closed) ledger file encrypted with `new`, or in plain form when new is
    empty, as one journaled step (see rekey_files)."""
    rekey_files(path, [], old, new)


def journal_for(path: str | Path) -> Path:
    """The re-keying journal (not "-journal": that name is SQLite's own, for the copy)."""
    path = Path(path)
    return path.with_name(path.name + ".换密码.json")


def rekey_files(ledger_path: str | Path, others: list[Path], old: str | None,
                new: str | None) -> list[str]:
    """Re-key the ledger and its backups as one operation that a kill cannot leave half done.

    Every file is first written beside itself (`.rekey`) and checked; the journal then says
    "commit" and the copies are renamed over the originals. Until the journal says commit, the
    next start (recover) deletes the copies: all files keep the old password; after it, the
    next start finishes the renames: all have the new one. No password is written anywhere.
    Returns the backups that could not be converted (another password, damaged): left as
    they were."""
    with rekeying(ledger_path):
        return _rekey_files(Path(ledger_path), others, old, new)


def _rekey_files(ledger_path: Path, others: list[Path], old: str | None,
                 new: str | None) -> list[str]:
    journal = journal_for(ledger_path)
    recover(ledger_path)
    pairs: list[tuple[Path, Path]] = []
    skipped: list[str] = []
    _write_journal(journal, "prepare", [(p, p.with_name(p.name + ".rekey"))
                                        for p in [ledger_path, *others]])
    try:
        for index, path in enumerate([ledger_path, *others]):
            partial = path.with_name(path.name + ".rekey")
            try:
                _rekey_copy(path, partial, old, new)
            except unreadable_errors():
                partial.unlink(missing_ok=True)
                if index == 0:
                    raise
                skipped.append(path.name)
                continue
            pairs.append((path, partial))
        _write_journal(journal, "commit", pairs)
    except BaseException:
        for _path, partial in pairs:
            partial.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
    _finish(journal, pairs)
    remember(ledger_path, new)
    return skipped


def recover(ledger_path: str | Path) -> str:
    """Finish or roll back a re-keying that was cut off; "" when there was none."""
    journal = journal_for(ledger_path)
    if not journal.exists():
        return ""
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        pairs = [(Path(a), Path(b)) for a, b in data["pairs"]]
        phase = data["phase"]
    except (OSError, ValueError, KeyError, TypeError):
        phase, pairs = "prepare", []  # a journal cut off while written: nothing was committed
        for leftover in Path(ledger_path).parent.glob("*.rekey"):
            leftover.unlink(missing_ok=True)
    if phase == "commit":
        _finish(journal, pairs)
        return "finished"
    for _path, partial in pairs:
        partial.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    return "rolled back"


def _write_journal(journal: Path, phase: str, pairs: list[tuple[Path, Path]]) -> None:
    temp = journal.with_name(journal.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump({"phase": phase, "pairs": [[str(a), str(b)] for a, b in pairs]}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, journal)


def _finish(journal: Path, pairs: list[tuple[Path, Path]]) -> None:
    for path, partial in pairs:
        if partial.exists():
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            os.replace(partial, path)
    journal.unlink(missing_ok=True)


def _rekey_copy(path: Path, partial: Path, old: str | None, new: str | None) -> None:
    """Write `path` re-keyed to `partial` and check it there; the original is untouched."""
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
        Path(str(partial) + suffix).unlink(missing_ok=True)
    with open(partial, "r+b") as handle:
        os.fsync(handle.fileno())
