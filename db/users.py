"""用户: the people who log in to a ledger, their role and, for a 网格员, their grid node.

A ledger without users is single-user (its user is the 书记), as before. The first user added
must be a 书记; from then on the ledger opens locked and `login` gives the connection the user's
scope (db.access). Passwords are kept as salted scrypt hashes; wrong passwords are counted in
the ledger, and after 3 of them each further try must wait 2, 4, 8 … up to 300 seconds, even
across restarts of the program."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
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


def _hash(password: str, salt: str) -> str:
    return hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt),
                          n=2 ** 14, r=8, p=1, dklen=32).hex()


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
    if own and not (old is not None and hmac.compare_digest(_hash(old, row["pw_salt"]),
                                                            row["pw_hash"])):
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


def verify(ledger: Ledger, username: str, password: str) -> Actor:
    """Check a user's password (counting wrong tries and enforcing the waits)."""
    row = ledger.one("SELECT * FROM main.users WHERE username = ? AND active = 1",
                     ((username or "").strip(),))
    if row is None:
        raise LoginError("用户名不存在或已停用")
    if row["retry_after"]:
        left = (dt.datetime.fromisoformat(row["retry_after"].replace("Z", "+00:00")) -
                _now()).total_seconds()
        if left > 0:
            raise LoginError(f"密码已连续输错{row['failures']}次，请{int(left) + 1}秒后再试",
                             int(left) + 1)
    if not hmac.compare_digest(_hash(password, row["pw_salt"]), row["pw_hash"]):
        failures = row["failures"] + 1
        wait = wait_seconds(failures)
        retry = (_now() + dt.timedelta(seconds=wait)).strftime("%Y-%m-%dT%H:%M:%S.%fZ") \
            if wait else ""
        with ledger.transaction():
            ledger.execute("UPDATE main.users SET failures = ?, retry_after = ? WHERE id = ?",
                           (failures, retry, row["id"]))
            audit.record(ledger, "登录", row["username"], f"密码错误（第{failures}次）",
                         user=row["username"])
        raise LoginError(f"密码不正确（第{failures}次）" +
                         (f"，请{wait}秒后再试" if wait else ""), wait)
    if row["failures"]:
        with ledger.transaction():
            ledger.execute("UPDATE main.users SET failures = 0, retry_after = '' WHERE id = ?",
                           (row["id"],))
    return Actor(row["username"], row["role"], row["node_id"], row["id"])


def login(ledger: Ledger, username: str, password: str) -> Actor:
    """Log in: the connection (and every connection this process opens to the same file
    afterwards) gets the user's scope."""
    actor = verify(ledger, username, password)
    _enter(ledger, actor)
    audit.record(ledger, "登录", Path(ledger.path).name)
    return actor


def logout(ledger: Ledger) -> None:
    actor = actor_of(ledger)
    if actor is not None and actor is not LOCKED:
        audit.record(ledger, "退出登录", Path(ledger.path).name)
    remember_session(ledger.path, None)
    install(ledger, LOCKED if has_users(ledger) else None)


__all__ = ["AccessDeniedError", "LoginError", "add_user", "has_users", "list_users", "login",
           "logout", "set_password", "update_user", "usernames", "verify", "wait_seconds"]
