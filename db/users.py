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
import hashlib
import hmac
import logging
import math
import re
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import audit
from .access import (
    GRID_WORKER,
    LOCKED,
    ROLES,
    SECRETARY,
    AccessDeniedError,
    Actor,
    actor_of,
    install,
    remember_session,
    require_secretary,
)
from .errors import LedgerError, NotFoundError, ValidationError
from .ledger import Ledger, utcnow

MIN_PASSWORD = 6
FREE_TRIES = 3
# scrypt cost for new hashes (OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1, 128 MiB);
# about 0.3 s a hash on a 2-core office PC. Tests lower SCRYPT_N (tests/conftest.py).
SCRYPT_N = 2 ** 17
SCRYPT_R = 8
SCRYPT_P = 1
LEGACY = (2 ** 14, 8, 1)  # a bare 64-hex-digit hash: the parameters before the upgrade
MAX_KDF_MEMORY = 2 ** 30  # a stored hash asking for more is refused, not computed
_STORED = re.compile(r"scrypt\$n=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([0-9a-f]{64})")
_LEGACY = re.compile(r"[0-9a-f]{64}")


class LoginError(LedgerError):
    """Wrong user name or password, or a try made before the waiting time is over."""

    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.wait_seconds = wait_seconds


def wait_seconds(failures: int) -> int:
    """Seconds to wait before the next try after `failures` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(300, 2 ** (failures - FREE_TRIES + 1))


def _derive(password: str, salt: str, n: int, r: int, p: int) -> str:
    """The scrypt key (hex) of a password: the one costly step of every check."""
    return hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=n, r=r, p=p,
                          dklen=32, maxmem=min(2 * 128 * n * r * p, MAX_KDF_MEMORY) + 2 ** 20).hex()


def _hash(password: str, salt: str) -> str:
    """A new stored hash, naming its parameters."""
    n, r, p = SCRYPT_N, SCRYPT_R, SCRYPT_P
    return f"scrypt$n={n},r={r},p={p}${_derive(password, salt, n, r, p)}"


def _parameters(stored: str) -> tuple[int, int, int, str] | None:
    """(n, r, p, key) of a stored hash; None for one that is malformed or absurdly costly."""
    if _LEGACY.fullmatch(stored):
        return (*LEGACY, stored)
    match = _STORED.fullmatch(stored)
    if match is None:
        return None
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if n < 2 or n & (n - 1) or not r or not p or 128 * n * r * p > MAX_KDF_MEMORY:
        return None
    return n, r, p, match.group(4)


def _matches(password: str, salt: str, stored: str) -> bool:
    found = _parameters(stored)
    if found is None:
        return False
    n, r, p, key = found
    return hmac.compare_digest(_derive(password, salt, n, r, p), key)


def outdated(stored: str) -> bool:
    """True for a hash made with less than the current cost (remade at the next login)."""
    found = _parameters(stored)
    return found is None or found[0] < SCRYPT_N or found[1] < SCRYPT_R


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
             node_id: int | None = None) -> int:
    """Add a user. The ledger's first user must be a 书记 (and is then logged in)."""
    first = not has_users(ledger)
    if not first:
        require_secretary(ledger, "管理用户")
    username, role, node_id = _validate(ledger, username, role, node_id)
    if first and role != SECRETARY:
        raise ValidationError("role", "角色", "第一个用户必须是书记，否则没有人能管理用户")
    _check_password(password)
    salt = secrets.token_hex(16)
    now = utcnow()
    with ledger.transaction():
        cursor = ledger.execute(
            "INSERT INTO main.users (username, role, node_id, pw_salt, pw_hash, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (username, role, node_id, salt, _hash(password, salt), now, now))
        user_id = int(cursor.lastrowid or 0)
        audit.record(ledger, "增加用户", f"{username}（{role}）")
    if first:
        _enter(ledger, Actor(username, role, node_id, user_id))
    return user_id


def update_user(ledger: Ledger, user_id: int, *, role: str | None = None,
                node_id: int | None = None, active: bool | None = None) -> None:
    require_secretary(ledger, "管理用户")
    row = _get(ledger, user_id)
    new_role = role or row["role"]
    new_node = node_id if node_id is not None or role == SECRETARY else row["node_id"]
    username, new_role, new_node = _validate(ledger, row["username"], new_role, new_node, user_id)
    new_active = row["active"] if active is None else int(bool(active))
    with ledger.transaction():
        ledger.execute("UPDATE main.users SET role = ?, node_id = ?, active = ?, updated_at = ? "
                       "WHERE id = ?", (new_role, new_node, new_active, utcnow(), user_id))
        if not ledger.scalar("SELECT count(*) FROM main.users WHERE role = '书记' AND active = 1"):
            raise ValidationError("role", "角色", "至少要保留一个在用的书记账号")
        audit.record(ledger, "修改用户", f"{username}（{new_role}{'' if new_active else '，停用'}）")


def set_password(ledger: Ledger, user_id: int, new: str, old: str | None = None) -> None:
    """A user changes their own password (old required), or a 书记 resets anyone's."""
    actor = actor_of(ledger)
    own = actor is not None and actor.user_id == user_id
    if not own:
        require_secretary(ledger, "重设其他用户的密码")
    row = _get(ledger, user_id)
    if own and not (old is not None and _matches(old, row["pw_salt"], row["pw_hash"])):
        raise ValidationError("old", "原密码", "不正确")
    _check_password(new)
    salt = secrets.token_hex(16)
    with ledger.transaction():
        ledger.execute("UPDATE main.users SET pw_salt = ?, pw_hash = ?, failures = 0, "
                       "retry_after = '', updated_at = ? WHERE id = ?",
                       (salt, _hash(new, salt), utcnow(), user_id))
        audit.record(ledger, "修改密码" if own else "重设密码", row["username"])


def _get(ledger: Ledger, user_id: int) -> dict[str, Any]:
    row = ledger.one("SELECT * FROM main.users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFoundError(f"用户（编号{user_id}）不存在")
    return row


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _enter(ledger: Ledger, actor: Actor) -> None:
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


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
        now = _now()
        if row["retry_after"]:
            left = (dt.datetime.fromisoformat(row["retry_after"].replace("Z", "+00:00")) -
                    now).total_seconds()
            if left > 0:
                raise LoginError(f"密码已连续输错{row['failures']}次，请{math.ceil(left)}秒后再试",
                                 math.ceil(left))
        failures = row["failures"] + 1
        wait = wait_seconds(failures)
        ledger.execute("UPDATE main.users SET failures = ?, retry_after = ? WHERE id = ?",
                       (failures, _stamp(now + dt.timedelta(seconds=wait)) if wait else "",
                        row["id"]))
    return row


def _check(ledger: Ledger, username: str, password: str) -> tuple[Actor, str | None]:
    """The actor, and the stored hash when it is to be remade with the current cost."""
    row = _take_try(ledger, username)
    failures = row["failures"] + 1
    if not _matches(password, row["pw_salt"], row["pw_hash"]):
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
    return actor, row["pw_hash"] if outdated(row["pw_hash"]) else None


def _upgrade(ledger: Ledger, actor: Actor, password: str, old: str) -> None:
    """Remake a weaker hash with the current cost (unless the password changed meanwhile).
    The connection must be allowed to change the user's hash: the user's own or a 书记's."""
    salt = secrets.token_hex(16)
    new = _hash(password, salt)
    try:
        with _write_lock(ledger):
            ledger.execute("UPDATE main.users SET pw_salt = ?, pw_hash = ?, updated_at = ? "
                           "WHERE id = ? AND pw_hash = ?",
                           (salt, new, utcnow(), actor.user_id, old))
    except sqlite3.Error as error:  # the login stands; the upgrade is tried again next time
        logging.getLogger("baodao").warning("password hash upgrade failed: %s", error)


def verify(ledger: Ledger, username: str, password: str) -> Actor:
    """Check a user's password (counting wrong tries and enforcing the waits)."""
    actor, old = _check(ledger, username, password)
    current = actor_of(ledger)
    if old is not None and (current is None or current.full_access or
                            current.user_id == actor.user_id):
        _upgrade(ledger, actor, password, old)
    return actor


def login(ledger: Ledger, username: str, password: str) -> Actor:
    """Log in: the connection (and every connection this process opens to the same file
    afterwards) gets the user's scope."""
    actor, old = _check(ledger, username, password)
    _enter(ledger, actor)
    if old is not None:
        _upgrade(ledger, actor, password, old)
    with _write_lock(ledger):
        audit.record(ledger, "登录", Path(ledger.path).name)
    return actor


def logout(ledger: Ledger) -> None:
    actor = actor_of(ledger)
    if actor is not None and actor is not LOCKED:
        audit.record(ledger, "退出登录", Path(ledger.path).name)
    remember_session(ledger.path, None)
    install(ledger, LOCKED if has_users(ledger) else None)


__all__ = ["AccessDeniedError", "LoginError", "add_user", "has_users", "list_users", "login",
           "logout", "outdated", "set_password", "update_user", "usernames", "verify",
           "wait_seconds"]
