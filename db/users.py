"""用户: the people who log in to a ledger, their role and, for a 网格员, their grid node.

A ledger without users is single-user (its user is the 书记), as before. The first user added
must be a 书记; from then on the ledger opens locked and `login` gives the connection the user's
scope (db.access). Passwords are kept as salted scrypt hashes (N=2^17, r=8, p=1: OWASP's
guidance; the parameters are written into the hash, "scrypt$n=131072,r=8,p=1$<hex>", and a hash
made with weaker ones is remade at the next successful login). Wrong passwords are counted in
the ledger, and after 3 of them each further try must wait 2, 4, 8 … up to 300 seconds, even
across restarts of the program and across programs trying at once: a try is checked against
the wait and counted in one write transaction (BEGIN IMMEDIATE) before the password is
compared, so parallel guesses get no more checks than the waits allow."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import audit, keys, vault
from .access import (
    GRID_WORKER,
    LOCKED,
    ROLES,
    SECRETARY,
    Actor,
    actor_of,
    install,
    remember_session,
    require_secretary,
)
from .errors import AccessDeniedError, LedgerError, LoginError, NotFoundError, ValidationError
from .kdf import count_try, current_kdf, derive, matches, new_hash, outdated, wait_seconds
from .ledger import Ledger, utcnow

MIN_PASSWORD = 6


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", "密码", f"至少{MIN_PASSWORD}位")


def has_users(ledger: Ledger) -> bool:
    return bool(ledger.scalar("SELECT count(*) FROM main.users WHERE active = 1"))


def list_users(ledger: Ledger) -> list[dict[str, Any]]:
    require_secretary(ledger, "管理用户")
    return ledger.query(
        "SELECT u.id, u.username, u.role, u.node_id, coalesce(g.name, '') AS node_name, u.active, "
        "u.failures FROM main.users u LEFT JOIN main.grid_nodes g ON g.id = u.node_id "
        "ORDER BY u.role = '书记' DESC, u.username")


def usernames(ledger: Ledger) -> list[str]:
    """For the login dialog's list (names only)."""
    return [r[0] for r in ledger.conn.execute(
        "SELECT username FROM main.users WHERE active = 1 ORDER BY role = '书记' DESC, username")]


def _validate(ledger: Ledger, username: str, role: str, node_id: int | None,
              user_id: int | None = None) -> tuple[str, str, int | None]:
    username = (username or "").strip()
    if not username:
        raise ValidationError("username", "用户名", "不能为空")
    if len(username) > 20:
        raise ValidationError("username", "用户名", "不能超过20个字")
    if role not in ROLES:
        raise ValidationError("role", "角色", f"应为{'或'.join(ROLES)}")
    if ledger.scalar("SELECT id FROM main.users WHERE username = ? AND id IS NOT ?",
                     (username, user_id)):
        raise ValidationError("username", "用户名", f"“{username}”已经有了")
    if role == GRID_WORKER:
        if node_id is None:
            raise ValidationError("node_id", "负责网格", "网格员要选定负责的网格")
        if not ledger.scalar("SELECT id FROM main.grid_nodes WHERE id = ? AND deleted = 0",
                             (node_id,)):
            raise ValidationError("node_id", "负责网格", "所选网格不存在或已删除")
    else:
        node_id = None
    return username, role, node_id


def add_user(ledger: Ledger, username: str, password: str, role: str = SECRETARY,
             node_id: int | None = None, seal: bool = True) -> int:
    """Add a user with their own key slot. The ledger's first user must be a 书记 (and is then
    logged in); adding it makes the ledger's keys (db.keys) and seals its ID numbers (unless
    `seal` is False: the app seals them in the background, vault.seal_existing)."""
    first = not has_users(ledger)
    if not first:
        require_secretary(ledger, "管理用户")
    username, role, node_id = _validate(ledger, username, role, node_id)
    if first and role != SECRETARY:
        raise ValidationError("role", "角色", "第一个用户必须是书记，否则没有人能管理用户")
    _check_password(password)
    salt = secrets.token_hex(16)
    stored, derived = new_hash(password, salt)
    now = utcnow()
    with ledger.transaction():
        cursor = ledger.execute(
            "INSERT INTO main.users (username, role, node_id, pw_salt, pw_hash, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (username, role, node_id, salt, stored, now, now))
        user_id = int(cursor.lastrowid or 0)
        held = vault.start(ledger) if first else vault.secretary_keys(ledger)
        if held is not None:
            keys.put_slot(ledger.path, username, role, salt, current_kdf(), derived, held)
            vault.sign_user(ledger, held, user_id)
        audit.record(ledger, "增加用户", f"{username}（{role}）")
    if first:
        _enter(ledger, Actor(username, role, node_id, user_id), held)
        if seal:
            vault.seal_existing(ledger)
        audit.seal_pending(ledger)
    return user_id


def update_user(ledger: Ledger, user_id: int, *, role: str | None = None,
                node_id: int | None = None, active: bool | None = None,
                password: str | None = None) -> None:
    """Change a user's role, grid or state. A new role needs a new password (`password`): the
    user's slot holds the keys of the old role and only their password opens it; a user made
    inactive loses their slot, and coming back needs a new password too."""
    require_secretary(ledger, "管理用户")
    row = _get(ledger, user_id)
    new_role = role or row["role"]
    new_node = node_id if node_id is not None or role == SECRETARY else row["node_id"]
    username, new_role, new_node = _validate(ledger, row["username"], new_role, new_node, user_id)
    new_active = row["active"] if active is None else int(bool(active))
    rekey = password is not None or (new_active and (new_role != row["role"] or not row["active"]))
    if rekey and new_active and password is None and keys.exists(ledger.path):
        raise ValidationError("password", "新密码",
                              "改变角色或重新启用账号时要为该用户设一个新密码（钥匙随密码重做）")
    with ledger.transaction():
        ledger.execute("UPDATE main.users SET role = ?, node_id = ?, active = ?, updated_at = ? "
                       "WHERE id = ?", (new_role, new_node, new_active, utcnow(), user_id))
        if not ledger.scalar("SELECT count(*) FROM main.users WHERE role = '书记' AND active = 1"):
            raise ValidationError("role", "角色", "至少要保留一个在用的书记账号")
        held = keys.held(ledger.path)
        if not new_active:
            keys.remove_slot(ledger.path, username)
        elif password is not None:
            _check_password(password)
            _new_password(ledger, user_id, password, held)
        if held is not None and held.secretary:
            vault.sign_user(ledger, held, user_id)
        audit.record(ledger, "修改用户", f"{username}（{new_role}{'' if new_active else '，停用'}）")


def _new_password(ledger: Ledger, user_id: int, password: str, held: keys.Keys | None) -> None:
    """Store a new hash and remake the user's slot with it (inside the caller's transaction)."""
    row = _get(ledger, user_id)
    salt = secrets.token_hex(16)
    stored, derived = new_hash(password, salt, keys.exists(ledger.path))
    ledger.execute("UPDATE main.users SET pw_salt = ?, pw_hash = ?, failures = 0, "
                   "retry_after = '', updated_at = ? WHERE id = ?",
                   (salt, stored, utcnow(), user_id))
    if keys.exists(ledger.path):
        if held is None or (row["role"] == SECRETARY and not held.secretary):
            raise AccessDeniedError("无权限：没有打开钥匙，不能为该用户设密码")
        keys.put_slot(ledger.path, row["username"], row["role"], salt, current_kdf(), derived, held)


def set_password(ledger: Ledger, user_id: int, new: str, old: str | None = None) -> None:
    """A user changes their own password (old required), or a 书记 resets anyone's; the user's
    key slot is remade with the new password."""
    actor = actor_of(ledger)
    own = actor is not None and actor.user_id == user_id
    if not own:
        require_secretary(ledger, "重设其他用户的密码")
    row = _get(ledger, user_id)
    if own and not (old is not None and matches(old, row["pw_salt"], row["pw_hash"])):
        raise ValidationError("old", "原密码", "不正确")
    _check_password(new)
    with ledger.transaction():
        _new_password(ledger, user_id, new, keys.held(ledger.path))
        audit.record(ledger, "修改密码" if own else "重设密码", row["username"])


def _get(ledger: Ledger, user_id: int) -> dict[str, Any]:
    row = ledger.one("SELECT * FROM main.users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFoundError(f"用户（编号{user_id}）不存在")
    return row


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _enter(ledger: Ledger, actor: Actor, held: keys.Keys | None = None) -> None:
    keys.hold(ledger.path, held)
    install(ledger, actor)
    remember_session(ledger.path, actor)


@contextlib.contextmanager
def _write_lock(ledger: Ledger) -> Iterator[None]:
    """A transaction that holds the ledger's write lock from its first statement, so that what
    it reads cannot change under it in another process before it writes. (A deferred BEGIN
    that reads and then writes fails at once with "database is locked" when another process
    wrote in between: WAL cannot move its snapshot forward, and the busy timeout is no help.)"""
    conn = ledger.conn
    if conn.in_transaction:  # inside the caller's transaction: a savepoint of it
        with ledger.transaction():
            yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _take_try(ledger: Ledger, username: str) -> dict[str, Any]:
    """Check the wait and count this try as a wrong password, in one write transaction.

    Counting before the (slow) comparison is what makes the wait hold across processes: a
    parallel try sees this one counted and must wait in turn. A right password takes the count
    back (`_check`). Returns the user's row as it was before the count."""
    with _write_lock(ledger):
        row = ledger.one("SELECT * FROM main.users WHERE username = ? AND active = 1",
                         ((username or "").strip(),))
        if row is None:
            raise LoginError("用户名不存在或已停用")
        failures, later = count_try(row["failures"], row["retry_after"], _now())
        ledger.execute("UPDATE main.users SET failures = ?, retry_after = ? WHERE id = ?",
                       (failures, later, row["id"]))
    return row


def _check(ledger: Ledger, username: str, password: str,
           derived: str | None = None) -> tuple[Actor, str, dict[str, Any]]:
    """The actor, the scrypt result (it opens the user's slot) and the user's row."""
    row = _take_try(ledger, username)
    failures = row["failures"] + 1
    found = matches(password, row["pw_salt"], row["pw_hash"], derived)
    if found is None:
        wait = wait_seconds(failures)
        with _write_lock(ledger):
            audit.record(ledger, "登录", row["username"], f"密码错误（第{failures}次）",
                         user=row["username"])
        raise LoginError(f"密码不正确（第{failures}次）" +
                         (f"，请{wait}秒后再试" if wait else ""), wait)
    with _write_lock(ledger):
        ledger.execute("UPDATE main.users SET failures = 0, retry_after = '' WHERE id = ?",
                       (row["id"],))
    actor = Actor(row["username"], row["role"], row["node_id"], row["id"])
    return actor, found, row


def _open_keys(ledger: Ledger, actor: Actor, derived: str) -> keys.Keys | None:
    """The keys in the user's slot, refusing a slot that does not fit the user's row: a role
    edited in the file, or a 书记 whose slot lacks the 书记 key."""
    if not keys.exists(ledger.path):
        return None
    try:
        held, role = keys.open_slot(ledger.path, actor.username, derived)
    except keys.KeyringError as error:
        raise LoginError(str(error)) from None
    if role != actor.role or (actor.role == SECRETARY and not vault.is_root(ledger, held)):
        with _write_lock(ledger):
            audit.record(ledger, "登录", actor.username, "拒绝：角色与钥匙不符（台账文件被改动过）",
                         user=actor.username)
        raise LoginError(f"用户“{actor.username}”的角色在台账文件中被改动过（钥匙是按“{role}”"
                         "发的），拒绝登录，请书记检查")
    return held


def _upgrade(ledger: Ledger, actor: Actor, password: str, row: dict[str, Any],
             held: keys.Keys | None) -> None:
    """Remake a weaker hash (or one that stores the scrypt result) with the current cost and
    form, and the user's slot with it, unless the password changed meanwhile."""
    salt = secrets.token_hex(16)
    stored, derived = new_hash(password, salt, keys.exists(ledger.path))
    try:
        with _write_lock(ledger):
            changed = ledger.execute(
                "UPDATE main.users SET pw_salt = ?, pw_hash = ?, updated_at = ? "
                "WHERE id = ? AND pw_hash = ?",
                (salt, stored, utcnow(), actor.user_id, row["pw_hash"])).rowcount
            if changed and held is not None:
                keys.put_slot(ledger.path, actor.username, actor.role, salt, current_kdf(), derived,
                              held)
    except (sqlite3.Error, keys.KeyringError) as error:  # the login stands; tried again next time
        logging.getLogger("baodao").warning("password hash upgrade failed: %s", error)


def verify(ledger: Ledger, username: str, password: str) -> Actor:
    """Check a user's password (counting wrong tries and enforcing the waits)."""
    actor, _derived, _row = _check(ledger, username, password)
    return actor


def login(ledger: Ledger, username: str, password: str, derived: str | None = None,
          seal: bool = True) -> Actor:
    """Log in: the user's slot gives this process their keys, and the connection (and every
    connection this process opens to the same file afterwards) gets the user's scope.

    `derived`: the scrypt result already computed by keys.unlock for an encrypted ledger.
    `seal`: seal the ID numbers still in full now (a ledger from before key slots)."""
    actor, derived, row = _check(ledger, username, password, derived)
    held = _open_keys(ledger, actor, derived)
    if held is None and actor.role == SECRETARY and has_users(ledger):
        held = vault.start(ledger)  # a ledger from before key slots gets its keys now
        with _write_lock(ledger):
            vault.enrol_all(ledger, held, actor.user_id or 0, derived)
    _enter(ledger, actor, held)
    if held is not None and held.secretary:
        if seal:  # the app passes False and seals in the background (vault.unsealed)
            vault.seal_existing(ledger)
        vault.fill_lookups(ledger)
        ledger.tampered_users = vault.tampered_users(ledger, held)
    if outdated(row["pw_hash"]) and (held is not None or not row["pw_hash"].startswith(
            f"scrypt${current_kdf()}$")):
        _upgrade(ledger, actor, password, row, held)
    with _write_lock(ledger):
        audit.record(ledger, "登录", Path(ledger.path).name)
        if held is not None and held.secretary:
            audit.seal_pending(ledger)
    return actor


def logout(ledger: Ledger) -> None:
    actor = actor_of(ledger)
    if actor is not None and actor is not LOCKED:
        audit.record(ledger, "退出登录", Path(ledger.path).name)
    remember_session(ledger.path, None)
    keys.hold(ledger.path, None)
    install(ledger, LOCKED if has_users(ledger) else None)


def open_as(path: str | Path, credentials: Callable[[], tuple[str, str]],
            password: str | None = None, backup_dir: str | Path | None = None,
            seal: bool = True) -> Ledger:
    """The whole open of a ledger for its user, the same for the app and the CLI: a file
    encrypted with per-user keys opens with the key the user's slot gives (db.keys), one with a
    shared password with `password` (or the one this process holds); then db.opening's open
    sequence, and the login when the ledger has users. `credentials()` gives (user name,
    password), asked only when a slot or a login needs them. Nothing is held on failure."""
    from .crypto import looks_encrypted, remember
    from .opening import open_ledger

    derived = name = secret = None
    if looks_encrypted(path) and keys.exists(path):
        name, secret = credentials()
        held, derived, _role = keys.unlock(path, name, secret)
        password = held.sqlcipher_key
    ledger = None
    try:
        ledger = open_ledger(path, create=False, backup_dir=backup_dir, password=password)
        if has_users(ledger):
            if name is None or secret is None:
                name, secret = credentials()
            login(ledger, name, secret, derived, seal=seal)
    except BaseException:
        if ledger is not None:
            ledger.close()
        if derived is not None:
            remember(path, None)
        raise
    return ledger


def recover(path: str | Path, recovery: str, username: str, new_password: str) -> list[str]:
    """A 书记 who forgot the password: the printed recovery key gives them a new one (and
    rebuilds a lost keyring). Returns the other users who need a new password from a 书记
    (their slots were in the lost keyring)."""
    from .crypto import looks_encrypted, remember
    from .opening import open_ledger

    held = keys.parse_recovery(path, recovery)
    lost = not keys.exists(path)
    if looks_encrypted(path):
        remember(path, held.sqlcipher_key)
    try:
        ledger = open_ledger(path, create=False)
    except LedgerError:
        remember(path, None)
        raise keys.KeyringError("恢复密钥不是这个台账的") from None
    with ledger:
        if not vault.is_root(ledger, held):
            raise keys.KeyringError("恢复密钥不是这个台账的")
        row = ledger.one("SELECT * FROM main.users WHERE username = ? AND active = 1",
                         ((username or "").strip(),))
        if row is None or row["role"] != SECRETARY:
            raise ValidationError("username", "用户名", f"“{username}”不是在用的书记账号")
        _check_password(new_password)
        if lost:
            keys.rebuild(path, held, ledger.office)
        _enter(ledger, Actor(row["username"], row["role"], row["node_id"], row["id"]), held)
        with ledger.transaction():
            _new_password(ledger, row["id"], new_password, held)
            vault.sign_user(ledger, held, row["id"])
            audit.record(ledger, "用恢复密钥重设密码", row["username"])
        others = [name for name in usernames(ledger)
                  if name != row["username"] and keys.slot(path, name) is None]
        logout(ledger)
    return others


__all__ = ["AccessDeniedError", "LoginError", "add_user", "open_as", "derive", "has_users", "list_users",
           "login", "logout", "outdated", "recover", "set_password", "update_user", "usernames", "verify",
           "wait_seconds"]
