"""Low-level writes for merging rows that arrive from another office.

Unlike db.records, nothing here stamps rev, updated_at or office: a row from another office is
stored with its sync columns exactly as they arrive, so that every office holding it agrees on
its version. Only `write_resolved` makes a new version, when the user's choice in a conflict
must win over a version that would otherwise be newer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .ledger import Ledger, utcnow

# A row's version, ordered: higher wins everywhere. Revision first; at equal revision a live
# row beats a tombstone (an edit made beside a deletion is not lost), then time, then office
# id — so ties never depend on the clock alone and every office picks the same winner.
Version = tuple[int, int, str, str]  # (rev, deleted, updated_at, office)


def order_key(version: Version) -> tuple[int, int, str, str]:
    rev, deleted, updated_at, office = version
    return (int(rev), 0 if deleted else 1, str(updated_at), str(office))


def local_versions(ledger: Ledger, table: str) -> dict[str, tuple[int, Version]]:
    """uuid -> (local id, version) for every row of a synced table, tombstones included."""
    rows = ledger.conn.execute(
        f"SELECT uuid, id, rev, deleted, updated_at, office FROM {table}")
    return {u: (i, (r, d, t, o)) for u, i, r, d, t, o in rows}


def base_versions(ledger: Ledger, table: str) -> dict[str, Version]:
    rows = ledger.conn.execute(
        "SELECT uuid, rev, deleted, updated_at, office FROM sync_base WHERE tbl = ?", (table,))
    return {u: (r, d, t, o) for u, r, d, t, o in rows}


def set_base(ledger: Ledger, table: str, versions: Iterable[tuple[str, Version]]) -> None:
    ledger.conn.executemany(
        "INSERT INTO sync_base(tbl, uuid, rev, deleted, updated_at, office) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(tbl, uuid) DO UPDATE SET rev = excluded.rev, "
        "deleted = excluded.deleted, updated_at = excluded.updated_at, office = excluded.office",
        ((table, uuid, *version) for uuid, version in versions))


def mark_exported(ledger: Ledger, table: str, where: str = "1", params: Sequence[Any] = ()) -> None:
    """Remember the current version of these rows as shared: they are in an export now."""
    with ledger.transaction():
        ledger.execute(
            "INSERT INTO sync_base(tbl, uuid, rev, deleted, updated_at, office) "
            f"SELECT ?, uuid, rev, deleted, updated_at, office FROM {table} t WHERE {where} "
            "ON CONFLICT(tbl, uuid) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, "
            "updated_at = excluded.updated_at, office = excluded.office",
            (table, *params))


def insert_row(ledger: Ledger, table: str, values: dict[str, Any]) -> int:
    """Insert a row exactly as given, sync columns included; returns the new local id."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = ledger.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                                 list(values.values()))
    return int(cursor.lastrowid or 0)


def update_row(ledger: Ledger, table: str, uuid: str, values: dict[str, Any]) -> None:
    """Overwrite a row's content and sync columns by uuid, exactly as given."""
    sets = ", ".join(f"{k} = ?" for k in values)
    ledger.conn.execute(f"UPDATE {table} SET {sets} WHERE uuid = ?", [*values.values(), uuid])


def write_resolved(ledger: Ledger, table: str, uuid: str, values: dict[str, Any],
                   above: Sequence[Version]) -> Version:
    """Store the user's pick in a conflict as a new version above every version involved, so
    that it wins at every office it reaches."""
    version: Version = (max(int(v[0]) for v in above) + 1, int(values.get("deleted", 0)),
                        utcnow(), ledger.office)
    row = dict(values)
    row.update(rev=version[0], updated_at=version[2], office=version[3])
    update_row(ledger, table, uuid, row)
    return version


def backup(ledger: Ledger, destination: str | Path) -> Path:
    """A consistent copy of the open ledger through SQLite's backup API (never a file copy,
    which could catch the WAL half-written)."""
    from .crypto import connect, password_for

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # an encrypted ledger's copy is encrypted with the same password
    target = connect(destination, password_for(ledger.path))
    try:
        ledger.conn.backup(target)
    finally:
        target.close()
    return destination


def log_sync(ledger: Ledger, kind: str, file_name: str, counts: dict[str, Any],
             peer_office: str = "", peer_name: str = "", file_exported_at: str = "",
             backup_path: str = "", note: str = "") -> int:
    cursor = ledger.conn.execute(
        "INSERT INTO sync_log(at, kind, file_name, peer_office, peer_name, file_exported_at, "
        "counts, backup_path, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (utcnow(), kind, file_name, peer_office, peer_name, file_exported_at,
         json.dumps(counts, ensure_ascii=False), backup_path, note))
    from . import audit

    action = {"import": "导入", "export": "导出", "roster": "导入花名册"}.get(kind, kind)
    source = f"（来自{peer_name}）" if peer_name and kind == "import" else ""
    audit.record(ledger, action, f"{file_name}{source}", note or "成功")
    return int(cursor.lastrowid or 0)


def note_peer(ledger: Ledger, office: str, name: str, file_exported_at: str) -> None:
    ledger.conn.execute(
        "INSERT INTO sync_peers(office, name, last_file_exported_at, last_imported_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT(office) DO UPDATE SET name = excluded.name, "
        "last_file_exported_at = max(last_file_exported_at, excluded.last_file_exported_at), "
        "last_imported_at = excluded.last_imported_at",
        (office, name, file_exported_at, utcnow()))


def peer(ledger: Ledger, office: str) -> dict[str, Any] | None:
    return ledger.one("SELECT * FROM sync_peers WHERE office = ?", (office,))


def sync_log(ledger: Ledger, limit: int = 100) -> list[dict[str, Any]]:
    rows = ledger.query("SELECT * FROM sync_log ORDER BY id DESC LIMIT ?", (limit,))
    for row in rows:
        row["counts"] = json.loads(row["counts"])
    return rows
