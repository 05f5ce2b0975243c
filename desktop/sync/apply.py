"""Applying an exchange file after the user confirmed the preview: one transaction, a backup
just before, the user's conflict choices, a line in the sync log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db import access, merge, records, settings
from db.crypto import integrity_errors
from db.ledger import Ledger
from db.merge import order_key

from . import schema
from .exchange import (
    ApplyResult,
    ExchangeFile,
    Issue,
    Preview,
    SheetCounts,
    _summary,
    _version,
    ledger_state,
    plan,
)

Progress = Callable[[str, float], None]
Choices = dict[str, str]  # uuid -> mine / theirs


def backup_before_import(ledger: Ledger, reason: str = "导入前") -> str:
    """A checked copy in the app's backup folder (where 恢复备份 finds it), encrypted like the
    ledger; nothing for an in-memory ledger."""
    if ledger.path == ":memory:":
        return ""
    from db import backup as backups
    from desktop import paths

    return str(backups.create(ledger, paths.data_dir() / "备份", reason))


def apply(ledger: Ledger, xf: ExchangeFile | Preview, choices: Choices | None = None,
          default: str | None = None, backup_to: Path | None | bool = True,
          progress: Progress | None = None) -> ApplyResult:
    """Import. Conflicts and duplicates take choices[uuid], else `default` (mine / theirs /
    suggested: each conflict's suggested side), else stay as they are and are reported as
    unresolved. Duplicates are never taken by "suggested"."""
    access.require_secretary(ledger, "导入数据")
    progress = progress or (lambda _l, _f: None)
    choices = dict(choices or {})
    earlier = xf if isinstance(xf, Preview) else None
    xf = earlier.source if earlier else xf
    backup = ""
    if backup_to:
        progress("正在备份台账…", 0.02)
        backup = backup_before_import(ledger) if backup_to is True else \
            str(merge.backup(ledger, Path(backup_to)))
    applied: dict[str, SheetCounts] = {}
    kept: list[str] = []
    failed: list[Issue] = []
    unresolved = 0
    with ledger.transaction():
        ledger.execute("PRAGMA defer_foreign_keys = ON")
        # The preview the user confirmed still holds if nothing changed since; else plan again.
        if earlier is not None and earlier.plan.get("state") == ledger_state(ledger):
            preview = earlier
        else:
            preview = plan(ledger, xf, lambda label, f: progress(label, 0.05 + 0.3 * f))
        if not settings.is_initialised(ledger):
            for key, meta in (("街道", "street"), ("社区", "community"), ("来源单位", "office_name")):
                if xf.readme.get(key):
                    ledger.set_meta(meta, str(xf.readme[key]))
        ids = {t: dict(ledger.conn.execute(f"SELECT uuid, id FROM {t}").fetchall())
               for t in schema.TABLE_LABELS}
        leaders: list[tuple[str, str | None]] = []
        actions = preview.plan["actions"]
        suggested = {c.uuid: c.suggested for c in preview.conflicts}
        tables = [t for t in schema.TABLE_LABELS if t in actions]
        for step, table in enumerate(tables):
            inc = xf.tables[table]
            progress(f"正在导入“{inc.title}”…", 0.35 + 0.6 * step / max(len(tables), 1))
            counts = SheetCounts(inc.title)
            applied[inc.title] = counts
            bases: list[tuple[str, Any]] = []
            acts = actions[table]
            # Rows leaving the live set first, so a unique index never sees two live rows.
            names = inc.names
            acts = sorted(acts, key=lambda a: (a[0] != "update" or not _leaving(names, a[1]),
                                               a[0] == "insert"))
            for kind, tup, extra in acts:
                values = dict(zip(names, tup, strict=True))
                uuid = values["uuid"]
                rv = _version(values)
                if kind == "base":
                    bases.append((uuid, rv))
                    continue
                if kind == "alias":
                    ids[table][uuid] = ids[table][extra]
                    continue
                row = _to_local(inc, values, ids, leaders)
                try:
                    if kind == "insert":
                        ids[table][uuid] = merge.insert_row(ledger, table, row)
                        counts.new += 1
                        counts.deleted += int(values["deleted"])
                        bases.append((uuid, rv))
                    elif kind == "update":
                        merge.update_row(ledger, table, uuid, row)
                        counts.updated += 1
                        counts.deleted += int(values["deleted"] and not extra[1])
                        bases.append((uuid, rv))
                    elif kind == "conflict":
                        pick = choices.get(uuid) or default
                        if pick == "suggested":
                            pick = suggested.get(uuid)
                        if pick is None:
                            unresolved += 1
                            continue
                        counts.conflict += 1
                        if pick == "theirs":
                            if order_key(rv) > order_key(extra):
                                merge.update_row(ledger, table, uuid, row)
                            else:
                                merge.write_resolved(ledger, table, uuid, row, [rv, extra])
                            counts.updated += 1
                        elif order_key(extra) < order_key(rv):
                            mine = ledger.one(f"SELECT * FROM {table} WHERE uuid = ?", (uuid,))
                            assert mine is not None
                            content = {k: v for k, v in mine.items() if k != "id"}
                            merge.write_resolved(ledger, table, uuid, content, [rv, extra])
                        if pick == "mine" and not extra[1] and rv[1]:
                            kept.append(f"{inc.title}“{_summary(table, values) or uuid}”："
                                        "对方已删除，本台账在删除后有修改，已保留")
                        bases.append((uuid, rv))
                    elif kind == "duplicate":
                        pick = choices.get(uuid) or (default if default != "suggested" else None)
                        if pick != "theirs":
                            unresolved += int(pick is None)
                            continue
                        _replace_duplicate(ledger, extra)
                        if uuid in ids[table]:
                            merge.update_row(ledger, table, uuid, row)
                        else:
                            ids[table][uuid] = merge.insert_row(ledger, table, row)
                        counts.new += 1
                        bases.append((uuid, rv))
                except integrity_errors() as error:
                    failed.append(Issue(inc.title, 0, "", _integrity_reason(error),
                                        _summary(table, values)))
            merge.set_base(ledger, table, bases)
        members = dict(ledger.conn.execute("SELECT uuid, id FROM members").fetchall())
        for node_uuid, member_uuid in leaders:
            ledger.execute("UPDATE grid_nodes SET leader_member_id = ? WHERE uuid = ?",
                           (members.get(member_uuid) if member_uuid else None, node_uuid))
        broken = ledger.conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, _rowid, parent, _ = broken[0]
            raise sqlite3.IntegrityError(
                f"导入后{schema.TABLE_LABELS.get(table, table)}引用的"
                f"{schema.TABLE_LABELS.get(parent, parent)}不存在，已全部撤销")
        merge.note_peer(ledger, xf.office, xf.office_name, xf.exported_at)
        merge.log_sync(ledger, "import", Path(xf.path).name,
                       {t: c.as_dict() for t, c in applied.items()}, xf.office, xf.office_name,
                       xf.exported_at, backup,
                       f"冲突未处理{unresolved}条" if unresolved else "")
    progress("导入完成", 1.0)
    return ApplyResult(preview, applied, backup, kept, unresolved, failed)


def _leaving(names: list[str], row: tuple[Any, ...]) -> bool:
    values = dict(zip(names, row, strict=True))
    return bool(values.get("deleted")) or values.get("status", "在册") != "在册" or \
        bool(values.get("released_date"))


def _to_local(inc: Any, values: dict[str, Any], ids: dict[str, dict[str, int]],
              leaders: list[tuple[str, str | None]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in inc.columns:
        value = values.get(col.name)
        if col.kind == "ref":
            if inc.table == "grid_nodes" and col.name == "leader_member_id":
                leaders.append((values["uuid"], value))
                value = None
            elif value is not None:
                value = ids.get(col.ref_table or "", {}).get(value)
        row[col.name] = value
    return row


def _replace_duplicate(ledger: Ledger, local_uuid: str) -> None:
    """The user keeps the incoming record: the local one leaves the live roster as 转出
    (a normal, stamped edit, so other offices learn it too); its history stays."""
    row = ledger.one("SELECT id, note FROM members WHERE uuid = ?", (local_uuid,))
    if row:
        note = (row["note"] + " 导入时与同身份证号的记录重复，保留了导入的记录").strip()
        records.update(ledger, "members", row["id"], {"status": "转出", "note": note})


def _integrity_reason(error: Exception) -> str:
    text = str(error)
    if "post_claims" in text:
        return "同一党员已认领同一岗位（重复认岗），未导入"
    if "evaluations" in text:
        return "同一周期已有评价，未导入"
    if "members" in text:
        return "身份证号与已在册党员重复，未导入"
    return f"与台账中已有数据冲突，未导入（{text}）"


def preview_file(ledger: Ledger, path: str | Path, password: str | None = None,
                 progress: Progress | None = None) -> Preview:
    from .exchange import parse_exchange

    (progress or (lambda _l, _f: None))("正在读取文件…", 0.0)
    xf = parse_exchange(path, password, ledger)
    return plan(ledger, xf, progress)


__all__ = ["ApplyResult", "Choices", "Preview", "apply", "backup_before_import", "preview_file"]
