"""Importing another office's exchange workbook: the dry-run plan.

The preview classifies every row as new / updated / unchanged / conflict / invalid / possible
duplicate without writing anything; desktop.sync.apply then carries it out in one
transaction. Parsing and the preview's records live in desktop.sync.parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db import merge
from db.ledger import Ledger
from db.merge import Version, order_key
from db.validate import mask_id

from . import schema
from .parse import (
    SYNC_NAMES,
    ApplyResult,
    Conflict,
    ExchangeFile,
    IncomingTable,
    Issue,
    NotAnExchangeFile,
    Preview,
    SheetCounts,
    _summary,
    _text,
    parse_exchange,
)

Progress = Callable[[str, float], None]

__all__ = ["ApplyResult", "Conflict", "ExchangeFile", "IncomingTable", "Issue",
           "NotAnExchangeFile", "Preview", "SheetCounts", "ledger_state", "parse_exchange",
           "plan"]


# -- planning ---------------------------------------------------------------------------------

def _version(values: dict[str, Any]) -> Version:
    return (int(values["rev"]), int(values["deleted"]), str(values["updated_at"]),
            str(values["office"]))


def _local_rows(ledger: Ledger, inc: IncomingTable) -> dict[str, tuple[Any, ...]]:
    """uuid -> the local row as a tuple in the file's column order, references as uuids
    (looked up by SQLite, which is much faster at it than a Python loop)."""
    names = inc.names
    exprs = [f"(SELECT r.uuid FROM {c.ref_table} r WHERE r.id = t.{c.name})" if c.kind == "ref"
             else f"t.{c.name}" for c in inc.columns]
    uuid_at = names.index("uuid")
    rows = ledger.conn.execute(f"SELECT {', '.join(exprs)} FROM {inc.table} t")
    return {row[uuid_at]: row for row in rows}


def _display(inc: IncomingTable, values: dict[str, Any],
             ledger: Ledger | None = None) -> list[str]:
    """A row as the conflict view shows it: references by name, ID numbers masked."""
    out = []
    for col in inc.columns:
        value = values.get(col.name)
        if col.kind == "ref" and value and ledger is not None:
            expr = schema.REF_NAME_SQL.get(col.ref_table or "", "uuid")
            name = ledger.scalar(f"SELECT {expr} FROM {col.ref_table} WHERE uuid = ?", (value,))
            out.append(str(name) if name is not None else f"（本台账没有的记录 {value[:8]}…）")
        elif col.kind == "bool":
            out.append("是" if value else "否")
        elif (inc.table, col.name) in schema.ID_COLUMNS and value:
            out.append(mask_id(str(value)))
        else:
            out.append("" if value is None else _text(value))
    return out


def plan(ledger: Ledger, xf: ExchangeFile, progress: Progress | None = None) -> Preview:
    """The dry run: what importing would do, nothing written."""
    progress = progress or (lambda _l, _f: None)
    before = ledger_state(ledger)
    available: dict[str, set[str]] = {}
    for table in schema.TABLE_LABELS:
        available[table] = {u for (u,) in ledger.conn.execute(f"SELECT uuid FROM {table}")}
    sheets: list[SheetCounts] = []
    conflicts: list[Conflict] = []
    duplicates: list[Conflict] = []
    issues = list(xf.issues)
    warnings: list[str] = []
    actions: dict[str, list[tuple[str, tuple[Any, ...], Any]]] = {}
    if xf.office == ledger.office:
        warnings.append("这个文件是本台账自己导出的")
    previous = merge.peer(ledger, xf.office)
    if previous and xf.exported_at and xf.exported_at < previous["last_file_exported_at"]:
        warnings.append(f"这个文件比上次从“{xf.office_name}”导入的文件更旧，其中较旧的记录不会覆盖现有数据")
    tables = [t for t in schema.TABLE_LABELS if t in xf.tables]
    aliases: dict[str, str] = {}  # incoming uuid -> the local row standing for it
    for step, table in enumerate(tables):
        inc = xf.tables[table]
        progress(f"正在比对“{inc.title}”…", step / max(len(tables), 1))
        counts = SheetCounts(inc.title)
        counts.invalid = sum(1 for i in xf.issues if i.sheet == inc.title and i.row >= 2)
        sheets.append(counts)
        local_rows = base = None  # the previous table's, freed before loading the next
        base = merge.base_versions(ledger, table)
        local_rows = _local_rows(ledger, inc)
        at = {n: i for i, n in enumerate(inc.names)}
        sync_at = (at["rev"], at["deleted"], at["updated_at"], at["office"])
        acts: list[tuple[str, tuple[Any, ...], Any]] = []
        actions[table] = acts
        live_ids: dict[str, tuple[str, str]] = {}
        if table == "members":
            for u, number, name in ledger.conn.execute(
                    "SELECT uuid, id_number, name FROM members WHERE status = '在册' AND deleted = 0"):
                live_ids[number] = (u, name)
        names = inc.names
        rows = inc.rows
        if table == "grid_nodes" and "level" in names:
            level_at = names.index("level")
            rows = sorted(rows, key=lambda r: r[1][level_at] or 0)
        content_at = [i for i, n in enumerate(names) if n not in SYNC_NAMES]
        uuid_at = at["uuid"]
        roots = {}
        if table == "grid_nodes":
            roots = dict(ledger.conn.execute(
                "SELECT name, uuid FROM grid_nodes WHERE level = 1 AND deleted = 0"))
        grid_refs = [i for i, c in enumerate(inc.columns)
                     if c.kind == "ref" and c.ref_table == "grid_nodes"]
        for number, tup in rows:
            if aliases and any(tup[i] in aliases for i in grid_refs):
                tup = tuple(aliases.get(v, v) if i in grid_refs else v for i, v in enumerate(tup))
            uuid = tup[uuid_at]
            if local_rows.get(uuid) == tup:  # the common case on a re-import: nothing to do
                counts.unchanged += 1
                rv = tuple(tup[i] for i in sync_at)
                if base.get(uuid) != rv:
                    acts.append(("base", tup, None))
                continue
            values = dict(zip(names, tup, strict=True))
            if roots and uuid not in local_rows and values.get("level") == 1 and \
                    not values["deleted"] and values.get("name") in roots:
                # Every community ledger of one street starts its own 街道 root: the same
                # street, so it stands for the one already here.
                counts.unchanged += 1
                acts.append(("alias", tup, roots[values["name"]]))
                aliases[uuid] = roots[values["name"]]
                available[table].add(uuid)
                warnings.append(f"文件中的“{values['name']}”与本台账的同名街道视为同一个")
                continue
            bad = _missing_ref(inc, values, available)
            if bad:
                counts.invalid += 1
                issues.append(Issue(inc.title, number, bad[0], bad[1], _summary(table, values)))
                if uuid not in local_rows:
                    available[table].discard(uuid)
                continue
            rv = _version(values)
            mine_row = local_rows.get(uuid)
            have = None if mine_row is None else (None, tuple(mine_row[i] for i in sync_at))
            if table == "members" and not values["deleted"] and values.get("status") == "在册":
                other = live_ids.get(values.get("id_number", ""))
                if other and other[0] != uuid and (have is None or have[1] != rv):
                    counts.duplicate += 1
                    mine = inc.values(local_rows[other[0]]) if other[0] in local_rows else {}
                    duplicates.append(Conflict(
                        table, inc.title, uuid, f"{values.get('name', '')}（{mask_id(values['id_number'])}）",
                        [c.header for c in inc.columns], _display(inc, mine, ledger),
                        _display(inc, values, ledger), "mine",
                        f"身份证号与本台账的“{other[1]}”相同，但不是同一条记录"))
                    acts.append(("duplicate", tup, other[0]))
                    if have is None:
                        available[table].discard(uuid)
                    continue
            if have is None:
                counts.new += 1
                counts.deleted += int(values["deleted"])
                acts.append(("insert", tup, None))
                available[table].add(uuid)
                if table == "members" and not values["deleted"] and values.get("status") == "在册":
                    live_ids[values["id_number"]] = (uuid, values.get("name", ""))
                continue
            lv = have[1]
            same = all(mine_row[i] == tup[i] for i in content_at)
            if tuple(lv) == rv:
                if same:
                    counts.unchanged += 1
                    if base.get(uuid) != rv:
                        acts.append(("base", tup, None))
                    continue
                kind, suggested, note = "conflict", "mine", "版本号相同但内容不同（文件可能在Excel中被改过）"
            else:
                b = base.get(uuid)
                local_changed = b is None or tuple(b) != tuple(lv)
                theirs_changed = b is None or order_key(rv) > order_key(b)
                if not local_changed:
                    if order_key(rv) > order_key(lv):
                        kind = "update"
                    else:
                        counts.unchanged += 1
                        continue
                elif not theirs_changed:
                    counts.unchanged += 1
                    continue
                else:
                    kind = "conflict"
                    if bool(lv[1]) != bool(rv[1]):
                        suggested = "mine" if not lv[1] else "theirs"
                        note = ("对方已删除这条记录，本台账在对方删除后又有修改，建议保留修改"
                                if not lv[1] else "本台账已删除这条记录，对方又有修改，建议保留修改")
                    else:
                        suggested = "theirs" if order_key(rv) > order_key(lv) else "mine"
                        note = "双方在上次交换后都修改了这条记录"
            if kind == "update":
                counts.updated += 1
                counts.deleted += int(values["deleted"] and not lv[1])
                acts.append(("update", tup, lv))
                continue
            counts.conflict += 1
            mine = inc.values(mine_row)
            conflicts.append(Conflict(
                table, inc.title, uuid, _summary(table, values) or _summary(table, mine) or uuid,
                [c.header for c in inc.columns], _display(inc, mine, ledger),
                _display(inc, values, ledger),
                suggested, note))
            acts.append(("conflict", tup, lv))
    progress("比对完成", 1.0)
    offices = {r["office"]: r["name"] for r in ledger.query("SELECT office, name FROM sync_peers")}
    offices[xf.office] = xf.office_name or "对方"
    offices[ledger.office] = "本台账"
    return Preview(xf, sheets, conflicts, duplicates, issues, warnings,
                   {"actions": actions, "state": before}, offices)


def ledger_state(ledger: Ledger) -> tuple[Any, ...]:
    """Changes whenever a synced row is added, edited (rev bumped) or merged: a preview made
    at this state can be applied as planned."""
    parts: list[Any] = [ledger.office]
    for table in schema.TABLE_LABELS:
        parts.append(ledger.conn.execute(
            f"SELECT count(*), max(id), total(rev), max(updated_at) FROM {table}").fetchone())
    parts.append(ledger.conn.execute("SELECT count(*), total(rev) FROM sync_base").fetchone())
    return tuple(parts)


def _missing_ref(inc: IncomingTable, values: dict[str, Any],
                 available: dict[str, set[str]]) -> tuple[str, str] | None:
    for col in inc.columns:
        if col.kind != "ref" or values.get(col.name) is None:
            continue
        target = col.ref_table or ""
        if inc.table == "grid_nodes" and col.name == "leader_member_id":
            continue  # members come later; resolved after them
        if values[col.name] not in available.get(target, set()):
            label = schema.TABLE_LABELS.get(target, target)
            return (col.header + "UUID",
                    f"引用的{label}在文件和本台账中都不存在（可能被判为无效或疑似重复）")
    return None
