"""Low-level writes for merging rows that arrive from another office, and what we know of
each other office.

Unlike db.records, nothing here stamps rev, updated_at or office: a row from another office is
stored with its sync columns and version vector exactly as they arrive, so that every office
holding it agrees on its version. Only `write_resolved` makes a new version, when the user's
choice in a conflict must supersede both versions involved.

Which version is newer is decided by version vectors (migration 0006): a vector maps each
office to its tick when it last changed the row. Where neither vector covers the other, both
offices changed the row without having seen the other's change: a conflict, shown to the user.
The clock never decides it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .ledger import Ledger, utcnow

# A row's version for where a pick must be deterministic (the suggested side of a conflict,
# the sync columns kept when two offices made the same change): revision first; at equal
# revision a live row beats a tombstone, then time, then office id. It never decides whether
# a row changed: version vectors do (`compare`).
Version = tuple[int, int, str, str]  # (rev, deleted, updated_at, office)
Vector = dict[str, int]  # office uuid -> that office's tick when it last changed the row


def order_key(version: Version) -> tuple[int, int, str, str]:
    rev, deleted, updated_at, office = version
    return (int(rev), 0 if deleted else 1, str(updated_at), str(office))


def parse_vector(text: str | None, office: str = "", rev: int = 0) -> Vector:
    """A stored or received vector; a row from a file of format 1 (no vector) stands for the
    version its office stamped: {office: rev}, as migration 0006 set it locally."""
    if text:
        return {str(k): int(v) for k, v in json.loads(text).items()}
    return {office: int(rev)} if office else {}


def dump_vector(vector: Vector) -> str:
    return json.dumps(dict(sorted(vector.items())), separators=(",", ":"))


def union(*vectors: Vector) -> Vector:
    out: Vector = {}
    for vector in vectors:
        for office, tick in vector.items():
            if tick > out.get(office, 0):
                out[office] = tick
    return out


def covers(a: Vector, b: Vector) -> bool:
    """True when version a has seen everything version b has (b is a's past, or equal)."""
    return all(a.get(office, 0) >= tick for office, tick in b.items())


def compare(incoming: Vector, local: Vector) -> str:
    """'same', 'older' (we hold it or a later version), 'newer' (it supersedes ours) or
    'concurrent' (each office changed the row without having seen the other's change)."""
    if incoming == local:
        return "same"
    if covers(local, incoming):
        return "older"
    if covers(incoming, local):
        return "newer"
    return "concurrent"


def clock(ledger: Ledger) -> int:
    """This ledger's newest tick: every synced write so far has a seq of at most this."""
    return int(ledger.scalar("SELECT tick FROM sync_clock") or 0)


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
                   vectors: Sequence[Vector], revs: Sequence[int]) -> None:
    """Store the user's pick in a conflict as a new version made here after both versions
    involved (their vectors united, then this office's tick, stamped by the trigger), so that
    it supersedes both at every office it reaches."""
    row = {k: v for k, v in values.items() if k not in ("id", "seq", "via", "vv", "rev")}
    row.update(vv=dump_vector(union(*vectors)), rev=max(int(r) for r in revs), via=None)
    update_row(ledger, table, uuid, row)
    ledger.conn.execute(f"UPDATE {table} SET rev = rev + 1, updated_at = ?, office = ? "
                        "WHERE uuid = ?", (utcnow(), ledger.office, uuid))


def set_grid_leaders(ledger: Ledger, leaders: Iterable[tuple[str, str | None]]) -> None:
    """After a merge, once members are in: each node's leader (a member uuid, or None). Not a
    new version: the node's row arrived with this value."""
    members = dict(ledger.conn.execute("SELECT uuid, id FROM members").fetchall())
    ledger.conn.executemany(
        "UPDATE grid_nodes SET leader_member_id = ? WHERE uuid = ?",
        ((members.get(m) if m else None, node) for node, m in leaders))


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
    target = f"（发给{peer_name}）" if peer_name and kind == "export" else ""
    audit.record(ledger, action, f"{file_name}{source}{target}", note or "成功")
    return int(cursor.lastrowid or 0)


def note_peer(ledger: Ledger, office: str, name: str, file_exported_at: str,
              community: str = "", recv_seq: int | None = None,
              acked_seq: int | None = None) -> None:
    """What a file from `office` told us: its name, that we now hold all of its changes up to
    recv_seq (only when the file was complete for us), and that it holds ours up to
    acked_seq."""
    ledger.conn.execute(
        "INSERT INTO sync_peers(office, name, last_file_exported_at, last_imported_at, community) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(office) DO UPDATE SET name = excluded.name, "
        "last_file_exported_at = max(last_file_exported_at, excluded.last_file_exported_at), "
        "last_imported_at = excluded.last_imported_at, "
        "community = CASE WHEN excluded.community != '' THEN excluded.community "
        "ELSE community END",
        (office, name, file_exported_at, utcnow(), community))
    if recv_seq is not None:
        ledger.conn.execute("UPDATE sync_peers SET recv_seq = max(recv_seq, ?) WHERE office = ?",
                            (int(recv_seq), office))
    if acked_seq is not None:
        ledger.conn.execute(
            "UPDATE sync_peers SET acked_seq = ?, acked_at = ? WHERE office = ? AND acked_seq < ?",
            (int(acked_seq), file_exported_at, office, int(acked_seq)))


def peer(ledger: Ledger, office: str) -> dict[str, Any] | None:
    return ledger.one("SELECT * FROM sync_peers WHERE office = ?", (office,))


def peers(ledger: Ledger) -> list[dict[str, Any]]:
    return ledger.query("SELECT * FROM sync_peers ORDER BY name, office")


def find_peer(ledger: Ledger, text: str) -> dict[str, Any] | None:
    """An office by its uuid, its name as its files give it, or its community's name."""
    text = text.strip()
    return ledger.one(
        "SELECT * FROM sync_peers WHERE office = ? OR name = ? OR community = ? "
        "ORDER BY office = ? DESC, name = ? DESC LIMIT 1", (text, text, text, text, text))


def received(ledger: Ledger) -> dict[str, int]:
    """office -> the highest of its ticks whose changes we hold all of: carried in our files,
    so each office learns what it need not send us again."""
    return {o: int(s) for o, s in ledger.conn.execute(
        "SELECT office, recv_seq FROM sync_peers WHERE recv_seq > 0")}


def sync_log(ledger: Ledger, limit: int = 100) -> list[dict[str, Any]]:
    rows = ledger.query("SELECT * FROM sync_log ORDER BY id DESC LIMIT ?", (limit,))
    for row in rows:
        row["counts"] = json.loads(row["counts"])
    return rows
