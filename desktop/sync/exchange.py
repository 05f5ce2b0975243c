"""Importing another office's exchange workbook: the dry-run plan.

The preview classifies every row as new / updated / unchanged / conflict / invalid / possible
duplicate without writing anything; desktop.sync.apply then carries it out in one
transaction. Parsing and the preview's records live in desktop.sync.parse."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from db import merge, vault
from db.ledger import Ledger
from db.merge import Vector, Version, order_key
from db.validate import mask_id

from . import rowcheck, schema
from .parse import (
    SYNC_NAMES,
    NotAnExchangeFile,
    cell_text,
    parse_exchange,
    read_readme,
    row_summary,
)
from .preview import (
    ApplyResult,
    Conflict,
    ExchangeFile,
    IncomingTable,
    Issue,
    Preview,
    SheetCounts,
)

Progress = Callable[[str, float], None]

__all__ = ["Action", "ApplyResult", "Conflict", "ExchangeFile", "IncomingTable", "Issue",
           "NotAnExchangeFile", "Preview", "SheetCounts", "already_imported", "ledger_state",
           "parse_exchange", "plan", "read_readme", "row_vector", "row_version"]


# -- planning ---------------------------------------------------------------------------------

CHUNK = 20000  # uuids per look-up (one json_each list), well under SQLite's limits


@dataclass(frozen=True)
class Action:
    """What applying does with one incoming row (values in the file's column order).

    insert / update: store it as it came (restamp: a newer version of the same content);
    merge: the same change made at both offices, only
    the vectors are united; conflict: the user picks, then a new version supersedes both;
    duplicate: another live member holds the ID (target: that member's uuid); alias: the file's
    街道 root stands for ours (target: our root's uuid)."""
    kind: str
    number: int  # the row as Excel numbers it, to name it if the ledger still refuses it
    row: tuple[Any, ...]
    vector: Vector
    local_vector: Vector | None = None
    local_rev: int = 0
    target: str | None = None
    changed: tuple[str, ...] | None = None  # update / restamp: the columns that differ
    local_deleted: bool = False


def row_version(values: dict[str, Any]) -> Version:
    return (int(values["rev"]), int(values["deleted"]), str(values["updated_at"]),
            str(values["office"]))


def row_vector(values: dict[str, Any]) -> Vector:
    return merge.parse_vector(values.get("vv"), str(values["office"]), int(values["rev"]))


def _chunks(items: list[str]) -> Iterator[str]:
    for start in range(0, len(items), CHUNK):
        yield json.dumps(items[start:start + CHUNK])


def _local_rows(ledger: Ledger, inc: IncomingTable,
                uuids: list[str]) -> dict[str, tuple[tuple[Any, ...], str | None]]:
    """uuid -> (the local row in the file's column order, references as uuids; its stored
    vector), for the rows the file names only (by the uuid index, never a full load)."""
    exprs = [f"(SELECT r.uuid FROM {c.ref_table} r WHERE r.id = t.{c.name})" if c.kind == "ref"
             else f"t.{c.name}" for c in inc.columns]
    uuid_at = inc.names.index("uuid")
    found: dict[str, tuple[tuple[Any, ...], str | None]] = {}
    for chunk in _chunks(uuids):
        for row in ledger.conn.execute(
                f"SELECT {', '.join(exprs)}, t.vv FROM {inc.table} t "
                "WHERE t.uuid IN (SELECT value FROM json_each(?))", (chunk,)):
            found[row[uuid_at]] = (row[:-1], row[-1])
    return found


def _existing(ledger: Ledger, table: str, uuids: set[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(sorted(uuids)):
        out.update(u for (u,) in ledger.conn.execute(
            f"SELECT uuid FROM {table} WHERE uuid IN (SELECT value FROM json_each(?))", (chunk,)))
    return out


class _Available:
    """Which uuids a reference may name: rows the ledger has, or rows this file brings."""

    def __init__(self, ledger: Ledger, xf: ExchangeFile):
        wanted: dict[str, set[str]] = {}
        for inc in xf.tables.values():
            refs = [(i, c.ref_table or "") for i, c in enumerate(inc.columns) if c.kind == "ref"]
            for index, target in refs:
                bucket = wanted.setdefault(target, set())
                bucket.update(t[index] for _n, t in inc.rows if t[index] is not None)
        self.local = {t: _existing(ledger, t, u) for t, u in wanted.items() if u}
        self.incoming: dict[str, set[str]] = {}

    def has(self, table: str, uuid: str) -> bool:
        return uuid in self.incoming.get(table, ()) or uuid in self.local.get(table, ())

    def add(self, table: str, uuid: str) -> None:
        self.incoming.setdefault(table, set()).add(uuid)

    def drop(self, table: str, uuid: str) -> None:
        self.incoming.get(table, set()).discard(uuid)


HIDDEN_IN_VIEW = {"vv"}  # bookkeeping that means nothing to the person choosing


def _shown_headers(inc: IncomingTable) -> list[str]:
    return [c.header for c in inc.columns if c.name not in HIDDEN_IN_VIEW]


def _display(inc: IncomingTable, values: dict[str, Any],
             ledger: Ledger | None = None) -> list[str]:
    """A row as the conflict view shows it: references by name, ID numbers masked."""
    out = []
    for col in inc.columns:
        if col.name in HIDDEN_IN_VIEW:
            continue
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
            out.append("" if value is None else cell_text(value))
    return out


def already_imported(ledger: Ledger, xf: ExchangeFile) -> str:
    """A message when everything the file holds is here already (told from 说明 alone)."""
    previous = merge.peer(ledger, xf.office)
    if not previous or not xf.to_seq or xf.to_seq > previous["recv_seq"] or \
            xf.from_seq > previous["recv_seq"] or xf.office == ledger.office:
        return ""
    when = ledger.scalar(
        "SELECT at FROM sync_log WHERE kind = 'import' AND peer_office = ? AND "
        "file_exported_at = ? ORDER BY id LIMIT 1", (xf.office, xf.exported_at))
    if when:
        local = dt.datetime.fromisoformat(str(when).replace("Z", "+00:00")).astimezone()
        return f"此文件已于{local:%Y-%m-%d %H:%M}导入，无新变化"
    return f"此文件中“{xf.office_name}”的变更本台账都已有（已导入过更新的文件），无新变化"


def plan(ledger: Ledger, xf: ExchangeFile, progress: Progress | None = None) -> Preview:
    """The dry run: what importing would do, nothing written."""
    progress = progress or (lambda _l, _f: None)
    before = ledger_state(ledger)
    sheets: list[SheetCounts] = []
    issues = list(xf.issues)
    warnings: list[str] = []
    out = _Outcome()
    if xf.office == ledger.office:
        warnings.append("这个文件是本台账自己导出的")
    previous = merge.peer(ledger, xf.office)
    if previous and xf.exported_at and xf.exported_at < previous["last_file_exported_at"]:
        warnings.append(f"这个文件比上次从“{xf.office_name}”导入的文件更旧，"
                        "其中较旧的记录不会覆盖现有数据")
    if xf.format_version < schema.FORMAT_VERSION:
        warnings.append("这个文件由旧版程序导出（没有版本向量），双方都改过的记录一律列为冲突")
    from db.audit import contradictions

    warnings.extend(contradictions(ledger, xf.office, xf.office_name, xf.audit_points))
    available = _Available(ledger, xf)
    grid = _grid(ledger, xf)
    checks = _Checks({u: level for u, (_p, level) in grid.items()}, rowcheck.grid_problems(grid))
    tables = [t for t in schema.TABLE_LABELS if t in xf.tables]
    for step, table in enumerate(tables):
        inc = xf.tables[table]
        progress(f"正在比对“{inc.title}”…", step / max(len(tables), 1))
        counts = SheetCounts(inc.title)
        counts.invalid = sum(1 for i in xf.issues if i.sheet == inc.title and i.row >= 2)
        sheets.append(counts)
        out.actions[table] = _plan_table(ledger, xf, inc, counts, available, checks, out,
                                         issues, warnings)
    progress("比对完成", 1.0)
    offices = {r["office"]: r["name"] for r in ledger.query("SELECT office, name FROM sync_peers")}
    offices[xf.office] = xf.office_name or "对方"
    offices[ledger.office] = "本台账"
    return Preview(xf, sheets, out.conflicts, out.duplicates, issues, warnings,
                   {"actions": out.actions, "state": before}, offices)


@dataclass
class _Outcome:
    actions: dict[str, list[Action]]
    conflicts: list[Conflict]
    duplicates: list[Conflict]
    aliases: dict[str, str]  # incoming uuid -> the local row standing for it

    def __init__(self) -> None:
        self.actions, self.conflicts, self.duplicates, self.aliases = {}, [], [], {}


@dataclass
class _Checks:
    levels: dict[str, int]  # grid node uuid -> level, local and incoming
    grid: dict[str, str]  # grid node uuid -> why its place in the tree is impossible


def _grid(ledger: Ledger, xf: ExchangeFile) -> dict[str, tuple[str | None, int]]:
    """uuid -> (parent uuid, level): the local grid with the file's nodes laid over it."""
    nodes: dict[str, tuple[str | None, int]] = {
        u: (p, int(level)) for u, p, level in ledger.conn.execute(
            "SELECT g.uuid, p.uuid, g.level FROM grid_nodes g "
            "LEFT JOIN grid_nodes p ON p.id = g.parent_id")}
    inc = xf.tables.get("grid_nodes")
    if inc is not None and {"parent_id", "level"} <= set(inc.names):
        at = {n: i for i, n in enumerate(inc.names)}
        for _number, tup in inc.rows:
            level = tup[at["level"]]
            nodes[tup[at["uuid"]]] = (tup[at["parent_id"]], int(level) if level is not None else 0)
    return nodes


def _row_problems(inc: IncomingTable, values: dict[str, Any], checks: _Checks,
                  number: int) -> list[Issue]:
    """Every reason a form would refuse this row, named by sheet, row and column."""
    found = rowcheck.check_row(inc.table, values, checks.levels)
    if inc.table == "grid_nodes" and values["uuid"] in checks.grid:
        found.append(("parent_id", checks.grid[values["uuid"]]))
    if not found:
        return []
    headers = {c.name: c.header + ("UUID" if c.kind == "ref" else "") for c in inc.columns}
    summary = row_summary(inc.table, values)
    return [Issue(inc.title, number, headers.get(column, column), reason, summary)
            for column, reason in found]


def _plan_table(ledger: Ledger, xf: ExchangeFile, inc: IncomingTable, counts: SheetCounts,
                available: _Available, checks: _Checks, out: _Outcome, issues: list[Issue],
                warnings: list[str]) -> list[Action]:
    table, names = inc.table, inc.names
    at = {n: i for i, n in enumerate(names)}
    uuid_at = at["uuid"]
    local_rows = _local_rows(ledger, inc, [t[uuid_at] for _n, t in inc.rows])
    rows = inc.rows
    if table == "grid_nodes" and "level" in names:
        rows = sorted(rows, key=lambda r: r[1][at["level"]] or 0)  # parents first
    content_at = [i for i, n in enumerate(names) if n not in SYNC_NAMES or n == "deleted"]
    live_ids = _live_ids(ledger, inc) if table == "members" else {}
    roots = dict(ledger.conn.execute(
        "SELECT name, uuid FROM grid_nodes WHERE level = 1 AND deleted = 0")) \
        if table == "grid_nodes" else {}
    grid_refs = [i for i, c in enumerate(inc.columns)
                 if c.kind == "ref" and c.ref_table == "grid_nodes"]
    acts: list[Action] = []
    for number, tup in rows:
        if out.aliases and any(tup[i] in out.aliases for i in grid_refs):
            tup = tuple(out.aliases.get(v, v) if i in grid_refs else v for i, v in enumerate(tup))
        uuid = tup[uuid_at]
        mine = local_rows.get(uuid)
        if mine is not None and mine[0] == tup:  # the common case on a re-import
            counts.unchanged += 1
            continue
        values = dict(zip(names, tup, strict=True))
        vector = row_vector(values)
        if roots and mine is None and values.get("level") == 1 and not values["deleted"] \
                and values.get("name") in roots:
            # Every community ledger of one street starts its own 街道 root: the same street,
            # so it stands for the one already here.
            counts.unchanged += 1
            acts.append(Action("alias", number, tup, vector, target=roots[values["name"]]))
            out.aliases[uuid] = roots[values["name"]]
            available.add(table, uuid)
            available.add(table, roots[values["name"]])  # references are rewritten to it
            warnings.append(f"文件中的“{values['name']}”与本台账的同名街道视为同一个")
            continue
        problems = _row_problems(inc, values, checks, number)
        if problems:
            counts.invalid += 1
            issues.extend(problems)
            if mine is None:
                available.drop(table, uuid)
            continue
        bad = _missing_ref(inc, values, available)
        if bad:
            counts.invalid += 1
            issues.append(Issue(inc.title, number, bad[0], bad[1], row_summary(table, values)))
            if mine is None:
                available.drop(table, uuid)
            continue
        local_vector = None if mine is None else merge.parse_vector(
            mine[1], str(mine[0][at["office"]]), int(mine[0][at["rev"]]))
        relation = "new" if local_vector is None else merge.compare(vector, local_vector)
        if relation == "older":
            counts.unchanged += 1
            continue
        if table == "members" and relation in ("new", "newer") and not values["deleted"] and \
                values.get("status") == "在册":
            other = live_ids.get(values.get("id_number", ""))
            if other and other[0] != uuid:
                counts.duplicate += 1
                other_row = _local_rows(ledger, inc, [other[0]]).get(other[0])
                theirs_view = inc.values(other_row[0]) if other_row else {}
                out.duplicates.append(Conflict(
                    table, inc.title, uuid,
                    f"{values.get('name', '')}（{mask_id(values['id_number'])}）",
                    _shown_headers(inc), _display(inc, theirs_view, ledger),
                    _display(inc, values, ledger), "mine",
                    f"身份证号与本台账的“{other[1]}”相同，但不是同一条记录"))
                acts.append(Action("duplicate", number, tup, vector, local_vector, target=other[0]))
                if mine is None:
                    available.drop(table, uuid)
                continue
        if relation == "new":
            counts.new += 1
            counts.deleted += int(values["deleted"])
            acts.append(Action("insert", number, tup, vector))
            available.add(table, uuid)
            if table == "members" and not values["deleted"] and values.get("status") == "在册":
                live_ids[values["id_number"]] = (uuid, values.get("name", ""))
            continue
        assert mine is not None and local_vector is not None
        local = mine[0]
        local_rev = int(local[at["rev"]])
        same = all(local[i] == tup[i] for i in content_at)
        if relation == "newer" and same:
            # a newer version with the same content (a file of the old format, or a settled
            # conflict coming back): only the version is taken, nothing to show as changed
            counts.unchanged += 1
            acts.append(Action("restamp", number, tup, vector, local_vector, local_rev,
                               changed=_differing(names, local, tup)))
            continue
        if relation == "newer":
            counts.updated += 1
            counts.deleted += int(values["deleted"] and not local[at["deleted"]])
            acts.append(Action("update", number, tup, vector, local_vector, local_rev,
                               changed=_differing(names, local, tup),
                               local_deleted=bool(local[at["deleted"]])))
            continue
        if relation == "concurrent" and same:
            counts.unchanged += 1
            counts.same_change += 1  # both offices made this very change: nothing to ask
            acts.append(Action("merge", number, tup, vector, local_vector, local_rev))
            continue
        if relation == "same":
            if same:
                counts.unchanged += 1
                continue
            suggested, note = "mine", "版本相同但内容不同（文件可能在Excel中被改过）"
        elif bool(local[at["deleted"]]) != bool(values["deleted"]):
            suggested = "mine" if not local[at["deleted"]] else "theirs"
            note = ("对方已删除这条记录，本台账在此期间又有修改，建议保留修改"
                    if not local[at["deleted"]] else "本台账已删除这条记录，对方在此期间又有修改，建议保留修改")
        else:
            mine_version = row_version(inc.values(local))
            suggested = "theirs" if order_key(row_version(values)) > order_key(mine_version) \
                else "mine"
            note = "双方在上次交换后都修改了这条记录"
        counts.conflict += 1
        mine_values = inc.values(local)
        out.conflicts.append(Conflict(
            table, inc.title, uuid, row_summary(table, values) or row_summary(table, mine_values) or uuid,
            _shown_headers(inc), _display(inc, mine_values, ledger),
            _display(inc, values, ledger), suggested, note))
        acts.append(Action("conflict", number, tup, vector, local_vector, local_rev))
    return acts


def _differing(names: list[str], local: tuple[Any, ...], incoming: tuple[Any, ...]) -> tuple[str, ...]:
    """The columns an update must write: what differs, and the sync columns always."""
    return tuple(n for n, mine, theirs in zip(names, local, incoming, strict=True)
                 if mine != theirs or n in SYNC_NAMES)


def _live_ids(ledger: Ledger, inc: IncomingTable) -> dict[str, tuple[str, str]]:
    """ID number -> (uuid, name) of live members, for the numbers the file names only."""
    if "id_number" not in inc.names:
        return {}
    at = inc.names.index("id_number")
    numbers = sorted({t[at] for _n, t in inc.rows if t[at]})
    found: dict[str, tuple[str, str]] = {}
    column, index = vault.id_lookup(ledger)  # sealed numbers are found by their keyed index
    by_key = {index(n): n for n in numbers}
    for chunk in _chunks(sorted(by_key)):
        for u, key, name in ledger.conn.execute(
                f"SELECT uuid, {column}, name FROM members WHERE status = '在册' AND deleted = 0 "
                f"AND {column} IN (SELECT value FROM json_each(?))", (chunk,)):
            found[by_key[key]] = (u, name)
    return found


def ledger_state(ledger: Ledger) -> tuple[Any, ...]:
    """Changes whenever a synced row is added, edited or merged (each takes a tick): a
    preview made at this state can be applied as planned."""
    return (ledger.office, merge.clock(ledger))


def _missing_ref(inc: IncomingTable, values: dict[str, Any],
                 available: _Available) -> tuple[str, str] | None:
    for col in inc.columns:
        if col.kind != "ref" or values.get(col.name) is None:
            continue
        target = col.ref_table or ""
        if inc.table == "grid_nodes" and col.name == "leader_member_id":
            continue  # members come later; resolved after them
        if not available.has(target, values[col.name]):
            label = schema.TABLE_LABELS.get(target, target)
            return (col.header + "UUID",
                    f"引用的{label}在文件和本台账中都不存在（可能被判为无效或疑似重复）")
    return None
