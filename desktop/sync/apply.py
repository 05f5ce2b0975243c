"""Applying an exchange file after the user confirmed the preview: one transaction, a backup
just before, the user's conflict choices, a line in the sync log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db import access, audit, merge, records, settings
from db.crypto import integrity_errors
from db.ledger import Ledger
from db.merge import order_key

from . import schema
from .exchange import (
    Action,
    ApplyResult,
    ExchangeFile,
    IncomingTable,
    Issue,
    Preview,
    SheetCounts,
    already_imported,
    ledger_state,
    plan,
    read_readme,
    row_summary,
    row_version,
)
from .integrity import integrity_reason

Progress = Callable[[str, float], None]
Choices = dict[str, str]  # uuid -> mine / theirs


class ImportCancelled(Exception):
    """The user cancelled: the import's transaction was rolled back."""


def backup_before_import(ledger: Ledger, reason: str = "导入前") -> str:
    """A checked copy in the app's backup folder (where 恢复备份 finds it), encrypted like the
    ledger; nothing for an in-memory ledger."""
    if ledger.path == ":memory:":
        return ""
    from db import backup as backups
    from desktop import paths

    return str(backups.create(ledger, paths.data_dir() / "备份", reason))


def apply(ledger: Ledger, xf: ExchangeFile | Preview, choices: Choices | None = None,
          default: str | None = None, backup: bool = True,
          progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None) -> ApplyResult:
    """Import. Conflicts and duplicates take choices[uuid], else `default` (mine / theirs /
    suggested: each conflict's suggested side), else stay as they are and are reported as
    unresolved. Duplicates are never taken by "suggested". backup: a checked copy in the
    app's backup folder first (where 恢复备份 finds it). cancelled() is asked as the rows go
    in; a cancel rolls the whole import back (ImportCancelled), so nothing is written."""
    access.require_secretary(ledger, "导入数据")
    progress = progress or (lambda _l, _f: None)
    earlier = xf if isinstance(xf, Preview) else None
    xf = earlier.source if earlier is not None else xf
    assert isinstance(xf, ExchangeFile)
    if earlier is not None and earlier.already:
        progress("无新变化", 1.0)
        return ApplyResult(earlier, {}, "", [], 0, [])
    backup_path = ""
    if backup:
        progress("正在备份台账…", 0.02)
        backup_path = backup_before_import(ledger)
    run = _Run(ledger, xf, dict(choices or {}), default, cancelled or (lambda: False))
    with ledger.transaction():
        ledger.execute("PRAGMA defer_foreign_keys = ON")
        # The preview the user confirmed still holds if nothing changed since; else plan again.
        if earlier is not None and earlier.plan.get("state") == ledger_state(ledger):
            preview = earlier
        else:
            preview = plan(ledger, xf, lambda label, f: progress(label, 0.05 + 0.3 * f))
        run.suggested = {c.uuid: c.suggested for c in preview.conflicts}
        if not settings.is_initialised(ledger):
            for key, meta in (("街道", "street"), ("社区", "community"), ("来源单位", "office_name")):
                if xf.readme.get(key):
                    ledger.set_meta(meta, str(xf.readme[key]))
        actions: dict[str, list[Action]] = preview.plan["actions"]
        tables = [t for t in schema.TABLE_LABELS if t in actions]
        for step, table in enumerate(tables):
            inc = xf.tables[table]
            progress(f"正在导入“{inc.title}”…", 0.35 + 0.6 * step / max(len(tables), 1))
            run.table(inc, actions[table])
        merge.set_grid_leaders(ledger, run.leaders)
        run.check_cancelled()
        broken = ledger.conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, _rowid, parent, _ = broken[0]
            raise sqlite3.IntegrityError(
                f"导入后{schema.TABLE_LABELS.get(table, table)}引用的"
                f"{schema.TABLE_LABELS.get(parent, parent)}不存在，已全部撤销")
        peer = merge.peer(ledger, xf.office)
        whole = not run.unresolved and not run.failed and \
            not any(i.row for i in preview.issues) and \
            xf.complete_for(ledger.office, int(peer["recv_seq"]) if peer else 0)
        if xf.office != ledger.office:
            audit.keep_witness(ledger, xf.office, xf.office_name, xf.community, xf.audit_points)
        merge.note_peer(ledger, xf.office, xf.office_name, xf.exported_at, xf.community,
                        recv_seq=xf.to_seq if whole else None,
                        acked_seq=xf.acks.get(ledger.office))
        merge.log_sync(ledger, "import", Path(xf.path).name,
                       {t: c.as_dict() for t, c in run.applied.items()}, xf.office,
                       xf.office_name, xf.exported_at, backup_path,
                       f"冲突未处理{run.unresolved}条" if run.unresolved else "")
        run.check_cancelled()  # the last moment a cancel can still undo everything
    progress("导入完成", 1.0)
    return ApplyResult(preview, run.applied, backup_path, run.kept, run.unresolved, run.failed)


class _Run:
    """One import's writes: a handler per kind of action."""

    def __init__(self, ledger: Ledger, xf: ExchangeFile, choices: Choices,
                 default: str | None, cancelled: Callable[[], bool]):
        self.ledger, self.xf, self.choices, self.default = ledger, xf, choices, default
        self.cancelled = cancelled
        self.suggested: dict[str, str] = {}
        self.ids: dict[str, dict[str, int]] = {}
        self.leaders: list[tuple[str, str | None]] = []
        self.applied: dict[str, SheetCounts] = {}
        self.kept: list[str] = []
        self.failed: list[Issue] = []
        self.unresolved = 0

    def table(self, inc: IncomingTable, acts: list[Action]) -> None:
        counts = SheetCounts(inc.title)
        self.applied[inc.title] = counts
        names = inc.names
        # Rows leaving the live set first, so a unique index never sees two live rows.
        acts = sorted(acts, key=lambda a: (a.kind != "update" or not _leaving(names, a.row),
                                           a.kind == "insert"))
        handlers = {"insert": self._insert, "update": self._update, "merge": self._merge,
                    "restamp": self._restamp,
                    "conflict": self._conflict, "duplicate": self._duplicate,
                    "alias": self._alias}
        for done, act in enumerate(acts):
            if done % 500 == 0:
                self.check_cancelled()
            values = dict(zip(names, act.row, strict=True))
            try:
                handlers[act.kind](inc, act, values, counts)
            except integrity_errors() as error:
                column, reason = integrity_reason(error)
                headers = {c.name: c.header for c in inc.columns}
                self.failed.append(Issue(inc.title, act.number, headers.get(column, column),
                                         reason + "，未导入", row_summary(inc.table, values)))

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise ImportCancelled("已取消导入，台账没有任何改动")

    def _ids(self, table: str) -> dict[str, int]:
        if table not in self.ids:  # only the tables this file references, each read once
            self.ids[table] = dict(self.ledger.conn.execute(f"SELECT uuid, id FROM {table}"))
        return self.ids[table]

    def _row(self, inc: IncomingTable, values: dict[str, Any], act: Action) -> dict[str, Any]:
        """The incoming row as stored here (for an update, the columns that differ only):
        local ids for references, its vector, and the office whose file brought it (so it is
        not sent back there)."""
        row: dict[str, Any] = {}
        wanted = act.changed
        for col in inc.columns:
            if wanted is not None and col.name not in wanted:
                continue
            value = values.get(col.name)
            if col.kind == "ref":
                if inc.table == "grid_nodes" and col.name == "leader_member_id":
                    self.leaders.append((values["uuid"], value))
                    value = None
                elif value is not None:
                    value = self._ids(col.ref_table or "").get(value)
            row[col.name] = value
        row["vv"] = merge.dump_vector(act.vector)
        row["via"] = self.xf.office
        return row

    def _insert(self, inc: IncomingTable, act: Action, values: dict[str, Any],
                counts: SheetCounts) -> None:
        new_id = merge.insert_row(self.ledger, inc.table, self._row(inc, values, act))
        self._ids(inc.table)[values["uuid"]] = new_id
        counts.new += 1
        counts.deleted += int(values["deleted"])

    def _update(self, inc: IncomingTable, act: Action, values: dict[str, Any],
                counts: SheetCounts) -> None:
        row = self._row(inc, values, act)
        merge.update_row(self.ledger, inc.table, values["uuid"], row)
        counts.updated += 1
        counts.deleted += int(bool(values["deleted"]) and not act.local_deleted)

    def _restamp(self, inc: IncomingTable, act: Action, values: dict[str, Any],
                 counts: SheetCounts) -> None:
        merge.update_row(self.ledger, inc.table, values["uuid"], self._row(inc, values, act))

    def _merge(self, inc: IncomingTable, act: Action, values: dict[str, Any],
               counts: SheetCounts) -> None:
        """The same change at both offices: keep it, with both histories (and, so that every
        office ends alike, the sync columns of the higher version)."""
        assert act.local_vector is not None
        mine = self.ledger.one(f"SELECT rev, deleted, updated_at, office FROM {inc.table} "
                               "WHERE uuid = ?", (values["uuid"],))
        assert mine is not None
        mine_version = (mine["rev"], mine["deleted"], mine["updated_at"], mine["office"])
        higher = order_key(row_version(values)) > order_key(mine_version)
        change: dict[str, Any] = {"vv": merge.dump_vector(merge.union(act.vector,
                                                                      act.local_vector)),
                                  "via": None}
        if higher:
            change.update(rev=values["rev"], updated_at=values["updated_at"],
                          office=values["office"])
        merge.update_row(self.ledger, inc.table, values["uuid"], change)

    def _conflict(self, inc: IncomingTable, act: Action, values: dict[str, Any],
                  counts: SheetCounts) -> None:
        uuid = values["uuid"]
        pick = self.choices.get(uuid) or self.default
        if pick == "suggested":
            pick = self.suggested.get(uuid)
        if pick is None:
            self.unresolved += 1
            return
        assert act.local_vector is not None
        counts.conflict += 1
        vectors, revs = (act.vector, act.local_vector), (int(values["rev"]), act.local_rev)
        if pick == "theirs":
            merge.write_resolved(self.ledger, inc.table, uuid, self._row(inc, values, act),
                                 vectors, revs)
            counts.updated += 1
            return
        mine = self.ledger.one(f"SELECT * FROM {inc.table} WHERE uuid = ?", (uuid,))
        assert mine is not None
        merge.write_resolved(self.ledger, inc.table, uuid, mine, vectors, revs)
        if not mine["deleted"] and values["deleted"]:
            self.kept.append(f"{inc.title}“{row_summary(inc.table, values) or uuid}”："
                             "对方已删除，本台账在此期间有修改，已保留")

    def _duplicate(self, inc: IncomingTable, act: Action, values: dict[str, Any],
                   counts: SheetCounts) -> None:
        uuid = values["uuid"]
        pick = self.choices.get(uuid) or (self.default if self.default != "suggested" else None)
        if pick != "theirs":
            self.unresolved += int(pick is None)
            return
        assert act.target is not None
        _replace_duplicate(self.ledger, act.target)
        ids = self._ids(inc.table)
        row = self._row(inc, values, act)
        if uuid in ids:
            merge.update_row(self.ledger, inc.table, uuid, row)
        else:
            ids[uuid] = merge.insert_row(self.ledger, inc.table, row)
        counts.new += 1

    def _alias(self, inc: IncomingTable, act: Action, values: dict[str, Any],
               counts: SheetCounts) -> None:
        ids = self._ids(inc.table)
        assert act.target is not None
        ids[values["uuid"]] = ids[act.target]


def _leaving(names: list[str], row: tuple[Any, ...]) -> bool:
    values = dict(zip(names, row, strict=True))
    return bool(values.get("deleted")) or values.get("status", "在册") != "在册" or \
        bool(values.get("released_date"))


def _replace_duplicate(ledger: Ledger, local_uuid: str) -> None:
    """The user keeps the incoming record: the local one leaves the live roster as 转出
    (a normal, stamped edit, so other offices learn it too); its history stays."""
    row = ledger.one("SELECT id, note FROM members WHERE uuid = ?", (local_uuid,))
    if row:
        note = (row["note"] + " 导入时与同身份证号的记录重复，保留了导入的记录").strip()
        records.update(ledger, "members", row["id"], {"status": "转出", "note": note})


def preview_file(ledger: Ledger, path: str | Path, password: str | None = None,
                 progress: Progress | None = None) -> Preview:
    """The dry run of importing a file. A file whose changes are all here already is told
    from its 说明 sheet alone, without reading the rest."""
    from .exchange import parse_exchange

    progress = progress or (lambda _l, _f: None)
    progress("正在读取文件…", 0.0)
    head = read_readme(path, password)
    already = already_imported(ledger, head)
    if already:
        progress("无新变化", 1.0)
        from db.audit import keep_witness

        # Nothing to import, and no confirmation to wait for: the sender's audit chain is still
        # held against its witnesses, and a contradiction kept as an alert.
        warnings = keep_witness(ledger, head.office, head.office_name, head.community,
                                head.audit_points) if head.office != ledger.office else []
        return Preview(head, [], [], [], [], warnings,
                       {"actions": {}, "state": ledger_state(ledger)}, {}, already)
    xf = parse_exchange(path, password, ledger)
    return plan(ledger, xf, progress)


__all__ = ["ApplyResult", "Choices", "ImportCancelled", "Preview", "apply", "backup_before_import", "preview_file"]
