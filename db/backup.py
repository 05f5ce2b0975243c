"""Backups of a ledger with SQLite's online backup API (never a file copy of a live database),
a thinning rule that keeps 7 daily, 8 weekly and 12 monthly copies, and restore that first
keeps a copy of the current ledger.

Backups are plain ledger files named 台账名-YYYYmmdd-HHMMSS-原因.db in a folder the caller
chooses (the app uses its data folder)."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import access, keys
from .crypto import connect, database_errors, password_for, remember, unreadable_errors
from .errors import AccessDeniedError, LedgerError
from .ledger import Ledger

NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[^.]+)\.db$")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 8, 12


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime  # local time, from the file name
    reason: str

    @property
    def label(self) -> str:
        return f"{self.taken:%Y-%m-%d %H:%M:%S}（{self.reason}）"


def _stem(ledger_path: str | Path) -> str:
    name = Path(ledger_path).name
    return name[:-3] if name.endswith(".db") else name


def create(ledger: Ledger, folder: str | Path, reason: str = "手动",
           now: dt.datetime | None = None) -> Path:
    """Copy the open ledger into folder; the copy is checked before it counts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    reason = re.sub(r"[\\/:*?\"<>|.\s-]+", "", reason) or "备份"
    target = folder / f"{_stem(ledger.path)}-{now:%Y%m%d-%H%M%S}-{reason}.db"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{_stem(ledger.path)}-{now:%Y%m%d-%H%M%S}-{reason}{counter}.db"
    partial = target.with_name(target.name + ".part")
    # An encrypted ledger's backups are encrypted with the same password.
    dest = connect(partial, password_for(ledger.path))
    try:
        ledger.conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        ok = dest.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        dest.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise LedgerError(f"备份文件校验失败：{ok}")
    with open(partial, "r+b") as handle:
        os.fsync(handle.fileno())
    keys.copy_ring(ledger.path, target)  # the key slots of this moment: its passwords open it
    os.replace(partial, target)
    return target


def list_backups(folder: str | Path, ledger_path: str | Path | None = None) -> list[Backup]:
    """Backups in folder (of one ledger when ledger_path is given), newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stem = _stem(ledger_path) if ledger_path else None
    found = []
    for path in folder.glob("*.db"):
        match = NAME.match(path.name)
        if not match or (stem is not None and match.group("stem") != stem):
            continue
        taken = dt.datetime.strptime(match.group("stamp"), "%Y%m%d-%H%M%S")
        found.append(Backup(path, taken, match.group("reason")))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def to_keep(backups: list[Backup]) -> set[Path]:
    """The newest backup of each of the last 7 days, 8 weeks and 12 months that have one."""
    keep: set[Path] = set()
    for key, limit in ((lambda t: t.date(), KEEP_DAILY),
                       (lambda t: t.isocalendar()[:2], KEEP_WEEKLY),
                       (lambda t: (t.year, t.month), KEEP_MONTHLY)):
        seen: list[object] = []
        for backup in backups:  # newest first
            bucket = key(backup.taken)
            if bucket in seen:
                continue
            seen.append(bucket)
            if len(seen) > limit:
                break
            keep.add(backup.path)
    return keep


def thin(folder: str | Path, ledger_path: str | Path) -> list[Path]:
    """Delete the backups the rule does not keep; returns what was deleted."""
    backups = list_backups(folder, ledger_path)
    keep = to_keep(backups)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            keys.keyring_path(backup.path).unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def counts(path: str | Path, password: str | None = None) -> dict[str, int]:
    """A backup's main counts, read without changing it ({} when unreadable)."""
    try:
        conn = connect(path, password, readonly=True)
    except unreadable_errors():
        return {}
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "在册党员": one("SELECT count(*) FROM members WHERE deleted = 0 AND status = '在册'"),
            "报到单位": one("SELECT count(*) FROM units WHERE deleted = 0"),
            "活动纪实": one("SELECT count(*) FROM activities WHERE deleted = 0"),
        }
    except database_errors():
        return {}
    finally:
        conn.close()


def fingerprint(ledger: Ledger) -> str:
    """Changes whenever any synced row changes (rev bumps, inserts, tombstones)."""
    from .records import SYNCED_TABLES

    parts = [str(ledger.scalar(f"SELECT count(*) || ':' || coalesce(sum(rev), 0) FROM {t}"))
             for t in SYNCED_TABLES]
    return "|".join(parts)


def daily(ledger: Ledger, folder: str | Path, now: dt.datetime | None = None) -> Path | None:
    """At most one backup a day, and only when the ledger changed since the last one."""
    now = now or dt.datetime.now()
    latest = next(iter(list_backups(folder, ledger.path)), None)
    current = fingerprint(ledger)
    if latest is not None and latest.taken.date() == now.date():
        return None
    if latest is not None and ledger.meta("backup_fingerprint") == current:
        return None
    path = create(ledger, folder, "每日", now)
    ledger.set_meta("backup_fingerprint", current)
    thin(folder, ledger.path)
    return path


def restore(ledger: Ledger, backup_path: str | Path, folder: str | Path) -> Path:
    """Replace the ledger's content with a backup, after keeping a copy of the current one.

    Returns the path of that safety copy."""
    access.require_secretary(ledger, "恢复备份")
    source_path = Path(backup_path)
    try:
        source = connect(source_path, password_for(ledger.path), readonly=True)
    except unreadable_errors():
        raise LedgerError(f"备份文件“{source_path.name}”无法读取（已损坏，或用了别的密码）") from None
    try:
        try:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
        except database_errors():
            check = "unreadable"
        if check != "ok":
            raise LedgerError(f"备份文件“{source_path.name}”已损坏，不能用于恢复")
        safety = create(ledger, folder, "恢复前")
        source.backup(ledger.conn)
        # the backup comes back with the users and passwords valid when it was taken
        keys.copy_ring(source_path, ledger.path)
    finally:
        source.close()
    from .ledger import migrate

    migrate(ledger.conn, source_path.name)  # a backup from an older version is brought up to date
    return safety


def copy_ledger(source: str | Path, target: str | Path) -> Path:
    """Copy a ledger file (for example from a USB stick to the local disk) through the
    backup API, so a ledger with a pending WAL is copied whole."""
    target = Path(target)
    if target.exists():
        raise LedgerError(f"“{target}”已存在，不能覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    password = password_for(source)
    try:
        src = connect(source, password, readonly=True)
    except database_errors() as error:
        raise LedgerError(f"复制台账失败，源文件可能已损坏：{error}") from None
    dest = connect(partial, password)
    try:
        src.backup(dest)
        ok = dest.execute("PRAGMA quick_check").fetchone()[0]
    except database_errors() as error:
        ok = str(error)
    finally:
        dest.close()
        src.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise LedgerError(f"复制台账失败，源文件可能已损坏：{ok}")
    keys.copy_ring(source, target)
    os.replace(partial, target)
    remember(target, password)
    return target


def newest_good(folder: str | Path, ledger_path: str | Path) -> Backup | None:
    """The newest backup that passes SQLite's quick check."""
    password = password_for(ledger_path)
    for candidate in list_backups(folder, ledger_path):
        try:
            conn = connect(candidate.path, password, readonly=True)
            try:
                if conn.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                    return candidate
            finally:
                conn.close()
        except unreadable_errors():
            continue
    return None


def change_password(ledger_path: str | Path, folder: str | Path, old: str | None,
                    new: str | None) -> list[str]:
    """Set, change or remove the (closed) ledger's password, and re-encrypt its backups the same
    way so that no plain copy is left behind. Returns the backups that could not be converted."""
    from .crypto import rekey_files

    session = access.session_for(ledger_path)
    if session is not None and not session.full_access:
        raise AccessDeniedError(f"{access.DENIED}：只有书记可以设置台账密码")
    # one journaled step for the ledger and all its backups: a kill leaves either every file
    # on the old password or every one on the new (finished at the next start)
    return rekey_files(ledger_path, [item.path for item in list_backups(folder, ledger_path)],
                       old, new)
