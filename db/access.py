"""Roles, enforced by the connection itself rather than by the windows.

A ledger with users (db.users) is opened locked: until someone logs in, it shows no members,
no grid and refuses every change. Logging in installs the user's scope on the connection:

- 书记 sees and changes everything, including full ID numbers; only a 书记 imports, exports the
  whole ledger, restores, recalculates, changes settings and manages users.
- 网格员 works through TEMP views that shadow the ledger's tables (SQLite looks in `temp` before
  `main`), so every query in `db`, `desktop.sync` and `desktop.cards` sees only the grid subtree
  under their node, with 身份证号 masked to 6+4 digits and 出生日期 cut to the year (the
  hidden digits are the birth date). TEMP triggers on the real tables refuse
  any change outside that subtree, whatever code path it comes from.

Writes in `db` name their table as `main.<table>`; reads stay unqualified so that they go
through the views. This protects the ledger inside the app. Against a copy of the file taken elsewhere, the
keys do (db.keys, db.vault): full ID numbers are stored sealed to the 书记 key, and the file
itself is encrypted with a key each user's own password unwraps."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# AccessDeniedError lives in db.errors; importing it from db.access keeps working.
from .errors import AccessDeniedError

if TYPE_CHECKING:
    from .ledger import Ledger

SECRETARY = "书记"
GRID_WORKER = "网格员"
ROLES = (SECRETARY, GRID_WORKER)
DENIED = "无权限"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    node_id: int | None = None
    user_id: int | None = None

    @property
    def full_access(self) -> bool:
        return self.role == SECRETARY

    @property
    def label(self) -> str:
        return f"{self.username}（{self.role}）"


LOCKED = Actor("未登录", "未登录")

_SESSIONS: dict[str, Actor] = {}


def _key(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(str(path)))


def remember_session(path: str | Path, actor: Actor | None) -> None:
    """Who is logged in to this ledger in this process, so that worker threads opening their own
    connection get the same scope."""
    if actor is None:
        _SESSIONS.pop(_key(path), None)
        from . import keys

        keys.hold(path, None)  # the session's keys go with it
    else:
        _SESSIONS[_key(path)] = actor


def session_for(path: str | Path) -> Actor | None:
    return _SESSIONS.get(_key(path))


def forget_sessions() -> None:
    """Nobody is logged in to any ledger in this process (db.opening.forget_all)."""
    _SESSIONS.clear()


def actor_of(ledger: Ledger) -> Actor | None:
    """None on a single-user ledger (no users defined): its user is the 书记."""
    return getattr(ledger, "actor", None)


def user_name(ledger: Ledger) -> str:
    actor = actor_of(ledger)
    return actor.username if actor else (ledger.meta("current_user") or SECRETARY)


def is_secretary(ledger: Ledger) -> bool:
    actor = actor_of(ledger)
    return actor is None or actor.full_access


def require_secretary(ledger: Ledger, what: str) -> None:
    """Refuse `what` (e.g. “导入数据”) unless the logged-in user is a 书记."""
    if not is_secretary(ledger):
        actor = actor_of(ledger)
        who = "请先登录" if actor is LOCKED or actor is None else f"当前用户：{actor.label}"
        raise AccessDeniedError(f"{DENIED}：只有书记可以{what}（{who}）")


def denial(error: Exception) -> AccessDeniedError | None:
    """The scope trigger's refusal inside a database error, as an AccessDeniedError."""
    text = str(error)
    return AccessDeniedError(text) if text.startswith(DENIED) else None


# -- installing a scope on a connection -----------------------------------------------------

_SCOPED_OBJECTS = "temp.sqlite_master"
SUBTREE = ("WITH RECURSIVE sub(id) AS (SELECT id FROM main.grid_nodes WHERE id = ? "
           "UNION SELECT g.id FROM main.grid_nodes g JOIN sub ON g.parent_id = sub.id) ")
MASKED_ID = ("CASE WHEN length(id_number) = 18 THEN substr(id_number, 1, 6) || '********' || "
             "substr(id_number, 15, 4) ELSE substr('******************', 1, length(id_number)) END")
# The mask hides exactly the birth date, so the birth date beside it shows the year only
# (validate.birth_year): a full date would give the hidden digits back.
MASKED_BIRTH = ("CASE WHEN birth_date GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(birth_date, 1, 4) "
                "|| '年' ELSE '' END")
MASKED_COLUMNS = {"members": {"id_number": MASKED_ID, "birth_date": MASKED_BIRTH}}

# Read scope of each table for a 网格员. `sn` is their subtree; `members`/`units`/`activities`
# inside these bodies resolve to the (already created) scoped views.
VIEWS: list[tuple[str, str]] = [
    ("grid_nodes", "id IN (SELECT id FROM temp.scope_nodes) "
                   "OR id IN (SELECT id FROM temp.scope_above)"),
    ("members", "residence_node_id IN (SELECT id FROM temp.scope_nodes)"),
    ("units", "paired_node_id IN (SELECT id FROM temp.scope_nodes) OR id IN "
              "(SELECT work_unit_id FROM temp.members WHERE work_unit_id IS NOT NULL)"),
    ("unit_items", "unit_id IN (SELECT id FROM temp.units)"),
    ("post_claims", "member_id IN (SELECT id FROM temp.members)"),
    ("orders", "node_id IN (SELECT id FROM temp.scope_nodes) "
               "OR assignee_member_id IN (SELECT id FROM temp.members)"),
    ("activities", "node_id IN (SELECT id FROM temp.scope_nodes) OR id IN (SELECT activity_id "
                   "FROM main.activity_participants WHERE member_id IN (SELECT id FROM temp.members))"),
    ("activity_participants", "activity_id IN (SELECT id FROM temp.activities) AND "
                              "(member_id IS NULL OR member_id IN (SELECT id FROM temp.members))"),
    ("points_entries", "member_id IN (SELECT id FROM temp.members) "
                       "OR unit_id IN (SELECT id FROM temp.units)"),
    ("evaluations", "member_id IN (SELECT id FROM temp.members) "
                    "OR unit_id IN (SELECT id FROM temp.units)"),
    ("ranking_rows", "snapshot_id IN (SELECT id FROM main.ranking_snapshots WHERE kind = 'unit') "
                     "OR subject_id IN (SELECT id FROM temp.members)"),
    ("sync_log", "0"),
    ("users", "id = (SELECT user_id FROM temp.scope_actor)"),
    ("signin_sheets", "activity_id IN (SELECT id FROM temp.activities)"),
    ("certificates", "member_id IN (SELECT id FROM temp.members)"),
    ("receipts", "member_id IN (SELECT id FROM temp.members) "
                 "OR unit_id IN (SELECT id FROM temp.units)"),
    ("notices", "node_id IN (SELECT id FROM temp.scope_nodes) "
                "OR node_id IN (SELECT id FROM temp.scope_above)"),
    ("notice_objections", "member_id IN (SELECT id FROM temp.members) "
                          "OR unit_id IN (SELECT id FROM temp.units)"),
    ("trainings", "member_id IN (SELECT id FROM temp.members)"),
    ("awards", "member_id IN (SELECT id FROM temp.members)"),
    ("household_visits", "member_id IN (SELECT id FROM temp.members)"),
]
HIDDEN_COLUMNS = {"users": {"pw_salt": "''", "pw_hash": "''", "auth": "''"},
                  "members": {"id_sealed": "''", "id_index": "''"}}

IN_SCOPE = "coalesce({}, -1) IN (SELECT id FROM temp.scope_nodes)"
MEMBER_IN_SCOPE = ("coalesce({}, -1) IN (SELECT id FROM main.members WHERE residence_node_id IN "
                   "(SELECT id FROM temp.scope_nodes))")
UNIT_IN_SCOPE = ("coalesce({}, -1) IN (SELECT id FROM main.units WHERE paired_node_id IN "
                 "(SELECT id FROM temp.scope_nodes))")

# Write scope: (table, event, condition that must hold, refusal).
GUARDS: list[tuple[str, str, str, str]] = [
    ("grid_nodes", "INSERT", IN_SCOPE.format("NEW.parent_id"), "只能在您负责的网格下增加网格"),
    ("grid_nodes", "UPDATE", f"{IN_SCOPE.format('OLD.id')} AND (NEW.parent_id IS OLD.parent_id OR "
                             f"(OLD.id <> (SELECT node_id FROM temp.scope_actor) AND "
                             f"{IN_SCOPE.format('NEW.parent_id')}))",
     "只能修改您负责的网格"),
    ("members", "INSERT", IN_SCOPE.format("NEW.residence_node_id") +
     " AND instr(NEW.id_number, '*') = 0", "只能登记居住在您负责网格内的党员"),
    # a masked number may not be written as data; on a ledger with keys the stored number is
    # the masked one, kept as it is or replaced by the sealing trigger (db.vault)
    ("members", "UPDATE", f"{IN_SCOPE.format('OLD.residence_node_id')} AND "
                          f"{IN_SCOPE.format('NEW.residence_node_id')} "
                          "AND (instr(NEW.id_number, '*') = 0 OR NEW.id_number IS OLD.id_number "
                          "OR NEW.id_sealed IS NOT OLD.id_sealed)", "只能修改您负责网格内的党员"),
    ("units", "INSERT", IN_SCOPE.format("NEW.paired_node_id"), "只能登记包联您负责网格的单位"),
    ("units", "UPDATE", f"{IN_SCOPE.format('OLD.paired_node_id')} AND "
                        f"{IN_SCOPE.format('NEW.paired_node_id')}", "只能修改包联您负责网格的单位"),
    ("unit_items", "INSERT", IN_SCOPE.format(
        "(SELECT paired_node_id FROM main.units WHERE id = NEW.unit_id)"), "只能修改包联您负责网格的单位"),
    ("unit_items", "UPDATE", IN_SCOPE.format(
        "(SELECT paired_node_id FROM main.units WHERE id = OLD.unit_id)"), "只能修改包联您负责网格的单位"),
    ("posts", "INSERT", IN_SCOPE.format("NEW.node_id"), "只能在您负责的网格内设岗"),
    ("posts", "UPDATE", f"{IN_SCOPE.format('OLD.node_id')} AND {IN_SCOPE.format('NEW.node_id')}",
     "只能修改您负责网格内的岗位"),
    ("post_claims", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"), "只能为您负责网格内的党员认岗"),
    ("post_claims", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id"), "只能为您负责网格内的党员认岗"),
    ("orders", "INSERT", IN_SCOPE.format("NEW.node_id"), "只能登记您负责网格内的需求"),
    ("orders", "UPDATE", f"({IN_SCOPE.format('OLD.node_id')} OR "
                         f"{MEMBER_IN_SCOPE.format('OLD.assignee_member_id')}) AND "
                         f"(NEW.node_id IS OLD.node_id OR {IN_SCOPE.format('NEW.node_id')})",
     "只能处理您负责网格内的需求"),
    ("activities", "INSERT", IN_SCOPE.format("NEW.node_id"), "只能记录您负责网格内的活动"),
    ("activities", "UPDATE", f"{IN_SCOPE.format('OLD.node_id')} AND "
                             f"{IN_SCOPE.format('NEW.node_id')}", "只能修改您负责网格内的活动"),
    ("activity_participants", "INSERT", IN_SCOPE.format(
        "(SELECT node_id FROM main.activities WHERE id = NEW.activity_id)") +
     f" AND (NEW.member_id IS NULL OR {MEMBER_IN_SCOPE.format('NEW.member_id')})",
     "只能为您负责网格内的党员记录活动"),
    ("activity_participants", "UPDATE", IN_SCOPE.format(
        "(SELECT node_id FROM main.activities WHERE id = OLD.activity_id)"),
     "只能修改您负责网格内的活动"),
    ("points_entries", "INSERT", f"{MEMBER_IN_SCOPE.format('NEW.member_id')} OR "
                                 "(NEW.unit_id IS NOT NULL AND NEW.source_kind = 'activity')",
     "只能为您负责网格内的党员记积分"),
    ("points_entries", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id"),
     "只能修改您负责网格内党员的积分"),
    ("evaluations", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"), "只能评价您负责网格内的党员"),
    ("evaluations", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id"), "只能评价您负责网格内的党员"),
    ("signin_sheets", "INSERT", IN_SCOPE.format(
        "(SELECT node_id FROM main.activities WHERE id = NEW.activity_id)"),
     "只能为您负责网格内的活动打印签到表"),
    ("signin_sheets", "UPDATE", IN_SCOPE.format(
        "(SELECT node_id FROM main.activities WHERE id = OLD.activity_id)"),
     "只能修改您负责网格内活动的签到表"),
    ("certificates", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"),
     "只能为您负责网格内的党员出具志愿服务记录证明"),
    ("certificates", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id") + " AND NEW.member_id IS "
     "OLD.member_id", "只能修改您负责网格内党员的志愿服务记录证明"),
    ("trainings", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"), "只能登记您负责网格内党员的培训"),
    ("trainings", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id") + " AND NEW.member_id IS "
     "OLD.member_id", "只能修改您负责网格内党员的培训"),
    ("awards", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"), "只能登记您负责网格内党员的表彰奖励"),
    ("awards", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id") + " AND NEW.member_id IS "
     "OLD.member_id", "只能修改您负责网格内党员的表彰奖励"),
    ("household_visits", "INSERT", MEMBER_IN_SCOPE.format("NEW.member_id"),
     "只能登记您负责网格内党员的一联一帮走访"),
    ("household_visits", "UPDATE", MEMBER_IN_SCOPE.format("OLD.member_id") + " AND NEW.member_id IS "
     "OLD.member_id", "只能修改您负责网格内党员的一联一帮走访"),
    ("receipts", "INSERT", f"{MEMBER_IN_SCOPE.format('NEW.member_id')} OR {UNIT_IN_SCOPE.format('NEW.unit_id')}",
     "只能为您负责网格内的党员或单位登记回执"),
    ("receipts", "UPDATE", f"{MEMBER_IN_SCOPE.format('OLD.member_id')} OR {UNIT_IN_SCOPE.format('OLD.unit_id')}",
     "只能修改您负责网格内党员或单位的回执"),
    ("notices", "INSERT", IN_SCOPE.format("NEW.node_id"), "只能为您负责的网格发布公示"),
    ("notices", "UPDATE", f"{IN_SCOPE.format('OLD.node_id')} AND NEW.node_id IS OLD.node_id",
     "只能修改您负责网格的公示"),
    ("notice_objections", "INSERT", f"{MEMBER_IN_SCOPE.format('NEW.member_id')} OR "
     f"{UNIT_IN_SCOPE.format('NEW.unit_id')}", "只能登记您负责网格内党员或单位的公示异议"),
    ("notice_objections", "UPDATE", f"{MEMBER_IN_SCOPE.format('OLD.member_id')} OR "
     f"{UNIT_IN_SCOPE.format('OLD.unit_id')}", "只能处理您负责网格内党员或单位的公示异议"),
    ("users", "UPDATE", "NEW.username = OLD.username AND NEW.role = OLD.role AND "
                        "NEW.node_id IS OLD.node_id AND NEW.active = OLD.active AND "
                        "(NEW.pw_hash = OLD.pw_hash OR OLD.id = (SELECT user_id FROM temp.scope_actor))",
     "只有书记可以管理用户"),
]
# Tables a 网格员 may not change at all (书记's work: meetings, settings, the points shop,
# rankings, exchange bookkeeping, user accounts).
READ_ONLY = ["meetings", "meeting_attendees", "reward_items", "settings", "ranking_snapshots",
             "ranking_rows", "sync_base", "sync_log", "sync_peers", "audit_seals",
             "audit_witness", "audit_alerts"]
NO_DELETE = ["grid_nodes", "members", "units", "unit_items", "posts", "post_claims", "orders",
             "activities", "activity_participants", "points_entries", "evaluations", "users",
             "signin_sheets", "certificates", "receipts", "notices", "notice_objections",
             "trainings", "awards", "household_visits"]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clear(ledger: Ledger) -> None:
    """Drop every scope object from the connection (back to full access)."""
    conn = ledger.conn
    from .vault import uninstall

    uninstall(conn)
    rows = conn.execute(f"SELECT type, name FROM {_SCOPED_OBJECTS} "
                        "WHERE name LIKE 'scope%' OR type = 'view'").fetchall()
    for kind, name in sorted(rows, key=lambda r: {"trigger": 0, "view": 1}.get(r[0], 2)):
        if kind in ("trigger", "view", "table"):
            conn.execute(f"DROP {kind.upper()} IF EXISTS temp.[{name}]")


def install(ledger: Ledger, actor: Actor | None) -> None:
    """Give the connection the actor's scope (None or a 书记: full access)."""
    clear(ledger)
    ledger.actor = actor
    if actor is not None and actor is not LOCKED:
        from . import keys, vault

        held = keys.held(ledger.path)
        if held is not None and vault.keyed(ledger):
            vault.install(ledger, held)
    if actor is None or actor.full_access:
        return
    conn = ledger.conn
    conn.execute("CREATE TEMP TABLE scope_nodes (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE scope_above (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE scope_actor (user_id INTEGER, node_id INTEGER)")
    conn.execute("INSERT INTO temp.scope_actor VALUES (?, ?)", (actor.user_id, actor.node_id))
    if actor.node_id is not None:
        conn.execute(f"INSERT INTO temp.scope_nodes {SUBTREE} SELECT id FROM sub",
                     (actor.node_id,))
        conn.execute(
            "INSERT INTO temp.scope_above WITH RECURSIVE up(id) AS ("
            "SELECT parent_id FROM main.grid_nodes WHERE id = ? UNION "
            "SELECT g.parent_id FROM main.grid_nodes g JOIN up ON g.id = up.id) "
            "SELECT id FROM up WHERE id IS NOT NULL", (actor.node_id,))
    for table, where in VIEWS:
        columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info([{table}])")]
        hidden = HIDDEN_COLUMNS.get(table, {}) | MASKED_COLUMNS.get(table, {})
        select = ", ".join(f"{hidden[c]} AS {c}" if c in hidden else c for c in columns)
        conn.execute(f"CREATE TEMP VIEW [{table}] AS SELECT {select} FROM main.[{table}] "
                     f"WHERE {where}")
    refusal = f"{DENIED}（{actor.label}）："
    for number, (table, event, allowed, why) in enumerate(GUARDS):
        conn.execute(f"CREATE TEMP TRIGGER scope_guard_{number} BEFORE {event} ON main.[{table}] "
                     f"WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, {_quote(refusal + why)}); END")
    for table in READ_ONLY:
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TEMP TRIGGER scope_ro_{table}_{event.lower()} BEFORE {event} "
                f"ON main.[{table}] BEGIN SELECT RAISE(ABORT, "
                f"{_quote(refusal + '这项内容只有书记可以修改')}); END")
    for table in NO_DELETE + ["users_insert"]:
        event, target = ("INSERT", "users") if table == "users_insert" else ("DELETE", table)
        conn.execute(
            f"CREATE TEMP TRIGGER scope_del_{table} BEFORE {event} ON main.[{target}] "
            f"BEGIN SELECT RAISE(ABORT, {_quote(refusal + '只有书记可以做这项操作')}); END")
    # A node a 网格员 adds under their subtree belongs to it from then on.
    conn.execute("CREATE TEMP TRIGGER scope_grow AFTER INSERT ON main.grid_nodes "
                 "WHEN NEW.parent_id IN (SELECT id FROM temp.scope_nodes) "
                 "BEGIN INSERT OR IGNORE INTO scope_nodes VALUES (NEW.id); END")
