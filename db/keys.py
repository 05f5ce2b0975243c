"""钥匙: each user's own key slot, and the 书记 key that guards full ID numbers and the audit log.

A ledger with users has one root secret R (32 random bytes, never stored in the ledger) from
which every other key follows:

- the file key (SQLCipher's raw key) once the ledger is encrypted,
- two keyed indexes of an ID number, so duplicates are found and numbers looked up without
  storing the number: a fast one for 书记 only, a slow one (scrypt) every user can compute,
- the seal key pair (X25519): a full ID number is sealed to its public half, so anyone may
  enter one but only a holder of R reads it back,
- the audit key (keyed seals of the audit chain) and the users key (MACs of the users' rows).

Each user has a slot in the keyring beside the ledger (`<ledger>.keys`, a small SQLite file
that is not encrypted): the keys that user may hold, encrypted with AES-256-GCM under a key
derived from that user's password by the same scrypt run that checks it (LUKS-style). A
书记's slot holds R; a 网格员's holds only the file and index keys, so a 网格员 who opens the
ledger with other tools finds masked ID numbers only. Removing a slot revokes the user (a
copy of the keys taken before stays valid: the keys are not rotated). The slot names the
user's role and is bound to it, so a role edited in the ledger no longer opens it.

The root secret is also printed once as the recovery key (恢复密钥), for a 书记 who forgets
the password: with it a new 书记 slot is made. Without a 书记 password and without the
recovery key the full ID numbers cannot be read again by anyone."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import LedgerError, LoginError
from .kdf import count_try, derive, wait_seconds
from .roles import SECRETARY

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey


class _Crypto:
    """The `cryptography` primitives, imported at first use: a ledger without users never
    needs them (and on Wine 8 their Rust core cannot load, README 打包)."""

    def __getattr__(self, name: str) -> Any:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        found = {"InvalidTag": InvalidTag, "serialization": serialization, "AESGCM": AESGCM,
                 "X25519PrivateKey": X25519PrivateKey, "X25519PublicKey": X25519PublicKey}
        self.__dict__.update(found)
        return found[name]


_c = _Crypto()

FORMAT = "1"
PROBE_N = 2 ** 9  # scrypt cost of the probe index: ~1 ms and 512 KiB a number (memory-hard)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slots (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    salt TEXT NOT NULL,
    kdf TEXT NOT NULL,
    nonce BLOB NOT NULL,
    wrapped BLOB NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_after TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
"""


class KeyringError(LedgerError):
    """The keyring is missing, damaged, or does not open with this password or recovery key."""


def _hkdf(root: bytes, label: str) -> bytes:
    return hmac.new(root, b"baodao/" + label.encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class Keys:
    """The keys one session holds: everything (root) for a 书记, file and index for others."""

    file_key: bytes
    index_key: bytes
    root: bytes | None = None

    @classmethod
    def from_root(cls, root: bytes) -> Keys:
        return cls(_hkdf(root, "file"), _hkdf(root, "index"), root)

    @property
    def secretary(self) -> bool:
        return self.root is not None

    def _need_root(self) -> bytes:
        if self.root is None:
            raise KeyringError("只有书记的钥匙能做这一步")
        return self.root

    @property
    def sqlcipher_key(self) -> str:
        """The file key in SQLCipher's raw-key form, usable wherever a password is."""
        return f"x'{self.file_key.hex()}'"

    @property
    def audit_key(self) -> bytes:
        return _hkdf(self._need_root(), "audit")

    @property
    def users_key(self) -> bytes:
        return _hkdf(self._need_root(), "users")

    @property
    def check(self) -> str:
        """A public check value of the root (to recognise the right recovery key)."""
        return _hkdf(self._need_root(), "check").hex()[:32]

    def _seal_private(self) -> X25519PrivateKey:
        return _c.X25519PrivateKey.from_private_bytes(_hkdf(self._need_root(), "seal"))

    @property
    def seal_public(self) -> str:
        return self._seal_private().public_key().public_bytes(
            _c.serialization.Encoding.Raw, _c.serialization.PublicFormat.Raw).hex()

    def payload(self, secretary: bool) -> bytes:
        data = {"file": self.file_key.hex(), "index": self.index_key.hex()}
        if secretary:
            data["root"] = self._need_root().hex()
        return json.dumps(data).encode()

    @classmethod
    def from_payload(cls, payload: bytes) -> Keys:
        data = json.loads(payload)
        if data.get("root"):
            return cls.from_root(bytes.fromhex(data["root"]))
        return cls(bytes.fromhex(data["file"]), bytes.fromhex(data["index"]))

    # -- ID numbers ------------------------------------------------------------------------
    def probe(self, number: str) -> str:
        """The slow index every user can compute (duplicate checks): scrypt, so that trying
        the ~366,000 numbers a region and birth year leave costs minutes per person, and
        graphics cards gain little (memory-hard)."""
        return hashlib.scrypt(number.encode(), salt=self.index_key, n=PROBE_N, r=8, p=1,
                              dklen=16).hex()

    def lookup(self, number: str) -> str:
        """The fast index, 书记 only ('' for others: filled at the next 书记 login)."""
        if self.root is None:
            return ""
        return hmac.new(_hkdf(self.root, "lookup"), number.encode(),
                        hashlib.sha256).hexdigest()[:32]

    def seal(self, number: str, public_hex: str) -> str:
        """A 书记 stores with the symmetric data key (fast to read back); anyone else seals to
        the public key (only a 书记 opens it)."""
        if self.root is not None:
            nonce = os.urandom(12)
            box = _c.AESGCM(_hkdf(self.root, "id data")).encrypt(nonce, number.encode(), b"id")
            return "k1:" + base64.b64encode(nonce + box).decode()
        return seal_to(public_hex, number)

    def open(self, text: str) -> str:
        root = self._need_root()
        raw = base64.b64decode(text[3:])
        if text.startswith("k1:"):
            return _c.AESGCM(_hkdf(root, "id data")).decrypt(raw[:12], raw[12:], b"id").decode()
        if text.startswith("s1:"):
            ephemeral = _c.X25519PublicKey.from_public_bytes(raw[:32])
            shared = self._seal_private().exchange(ephemeral)
            key = _hkdf(shared, "sealed id " + raw[:32].hex())
            return _c.AESGCM(key).decrypt(b"\0" * 12, raw[32:], b"id").decode()
        raise ValueError("unknown sealed form")


def seal_to(public_hex: str, number: str) -> str:
    """A sealed box (X25519 + AES-GCM) that only the holder of the seal key opens."""
    ephemeral = _c.X25519PrivateKey.generate()
    mine = ephemeral.public_key().public_bytes(_c.serialization.Encoding.Raw,
                                               _c.serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(_c.X25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)))
    key = _hkdf(shared, "sealed id " + mine.hex())
    return "s1:" + base64.b64encode(mine + _c.AESGCM(key).encrypt(b"\0" * 12, number.encode(),
                                                                b"id")).decode()


# -- the keys held by this process --------------------------------------------------------

_HELD: dict[str, Keys] = {}


def _key(path: str | Path) -> str:
    return str(path) if str(path) == ":memory:" else os.path.normcase(os.path.realpath(str(path)))


def hold(path: str | Path, keys: Keys | None) -> None:
    if keys is None:
        _HELD.pop(_key(path), None)
    else:
        _HELD[_key(path)] = keys


def held(path: str | Path) -> Keys | None:
    return _HELD.get(_key(path))


def forget_all() -> None:
    """No user's keys are held any more (db.opening.forget_all)."""
    _HELD.clear()


# -- the keyring file ---------------------------------------------------------------------

_MEMORY: dict[str, sqlite3.Connection] = {}


def keyring_path(ledger_path: str | Path) -> Path:
    path = Path(ledger_path)
    return path.with_name(path.name + ".keys")


def exists(ledger_path: str | Path) -> bool:
    if str(ledger_path) == ":memory:":
        return ":memory:" in _MEMORY
    return keyring_path(ledger_path).is_file()


@contextlib.contextmanager
def _ring(ledger_path: str | Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    if str(ledger_path) == ":memory:":
        if ":memory:" not in _MEMORY:
            if not create:
                raise KeyringError("台账的钥匙文件不存在")
            _MEMORY[":memory:"] = sqlite3.connect(":memory:", isolation_level=None,
                                                  check_same_thread=False)
            _MEMORY[":memory:"].executescript(_SCHEMA)
        yield _MEMORY[":memory:"]
        return
    path = keyring_path(ledger_path)
    if not create and not path.is_file():
        raise KeyringError(f"找不到台账的钥匙文件“{path.name}”。它和台账文件放在一起，"
                        "复制台账时要一起复制；没有它时请用恢复密钥重建")
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        conn.execute("PRAGMA busy_timeout = 10000")
        if create:
            conn.executescript(_SCHEMA)
    except sqlite3.DatabaseError as error:
        raise KeyringError(f"钥匙文件“{path.name}”已损坏：{error}") from None
    try:
        yield conn
    finally:
        conn.close()


def _kek(derived_hex: str) -> bytes:
    return hmac.new(bytes.fromhex(derived_hex), b"baodao key slot", hashlib.sha256).digest()


def _aad(username: str, role: str) -> bytes:
    return f"baodao-slot|{username}|{role}".encode()


def create(ledger_path: str | Path, office: str) -> Keys:
    """A new root secret and an empty keyring for the ledger."""
    keys = Keys.from_root(secrets.token_bytes(32))
    with _ring(ledger_path, create=True) as ring:
        ring.execute("BEGIN IMMEDIATE")
        ring.execute("DELETE FROM slots")
        ring.executemany("INSERT OR REPLACE INTO info VALUES (?, ?)",
                         [("format", FORMAT), ("office", office), ("check", keys.check),
                          ("seal_public", keys.seal_public)])
        ring.execute("COMMIT")
    return keys


def info(ledger_path: str | Path, key: str) -> str | None:
    with _ring(ledger_path) as ring:
        row = ring.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def put_slot(ledger_path: str | Path, username: str, role: str, salt: str, kdf: str,
             derived_hex: str, keys: Keys) -> None:
    """Give a user a slot (replacing theirs): the keys their role may hold, wrapped by their
    password's key."""
    secretary = role == SECRETARY
    nonce = os.urandom(12)
    wrapped = _c.AESGCM(_kek(derived_hex)).encrypt(nonce, keys.payload(secretary),
                                                _aad(username, role))
    with _ring(ledger_path) as ring:
        ring.execute("INSERT OR REPLACE INTO slots (username, role, salt, kdf, nonce, wrapped, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (username, role, salt, kdf, nonce, wrapped, _stamp(_now())))


def remove_slot(ledger_path: str | Path, username: str) -> None:
    if exists(ledger_path):
        with _ring(ledger_path) as ring:
            ring.execute("DELETE FROM slots WHERE username = ?", (username,))


def slot(ledger_path: str | Path, username: str) -> dict[str, Any] | None:
    if not exists(ledger_path):
        return None
    with _ring(ledger_path) as ring:
        ring.row_factory = sqlite3.Row
        row = ring.execute("SELECT * FROM slots WHERE username = ?", (username,)).fetchone()
        return dict(row) if row else None


def usernames(ledger_path: str | Path) -> list[str]:
    with _ring(ledger_path) as ring:
        return [r[0] for r in ring.execute(
            "SELECT username FROM slots ORDER BY role = '书记' DESC, username")]


def open_slot(ledger_path: str | Path, username: str, derived_hex: str) -> tuple[Keys, str]:
    """The keys in a user's slot and the role it was made for (the password already checked)."""
    row = slot(ledger_path, username)
    if row is None:
        raise KeyringError(f"用户“{username}”还没有钥匙，请书记为其重设密码后再登录")
    try:
        payload = _c.AESGCM(_kek(derived_hex)).decrypt(row["nonce"], row["wrapped"],
                                                    _aad(username, row["role"]))
    except _c.InvalidTag:
        raise KeyringError(f"用户“{username}”的钥匙打不开（密码不对，或钥匙文件被改动过）") from None
    return Keys.from_payload(payload), row["role"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def unlock(ledger_path: str | Path, username: str, password: str) -> tuple[Keys, str, str]:
    """Open an encrypted ledger's slot with the user's password, before the ledger can be read:
    (keys, scrypt result, role). Wrong passwords are counted in the keyring with the same
    waits as the ledger's own login (one write transaction per try, across processes)."""
    username = (username or "").strip()
    with _ring(ledger_path) as ring:
        ring.row_factory = sqlite3.Row
        ring.execute("BEGIN IMMEDIATE")
        try:
            row = ring.execute("SELECT * FROM slots WHERE username = ?", (username,)).fetchone()
            if row is None:
                raise LoginError("用户名不存在或已停用")
            failures, later = count_try(row["failures"], row["retry_after"], _now())
            ring.execute("UPDATE slots SET failures = ?, retry_after = ? WHERE username = ?",
                         (failures, later, username))
            ring.execute("COMMIT")
        except BaseException:
            ring.execute("ROLLBACK")
            raise
    derived = derive(password, row["salt"], row["kdf"])
    try:
        keys, role = open_slot(ledger_path, username, derived or "00")
    except KeyringError:
        wait = wait_seconds(failures)
        raise LoginError(f"密码不正确（第{failures}次）" +
                         (f"，请{wait}秒后再试" if wait else ""), wait) from None
    with _ring(ledger_path) as ring:
        ring.execute("UPDATE slots SET failures = 0, retry_after = '' WHERE username = ?",
                     (username,))
    return keys, derived or "", role


def copy_ring(source_ledger: str | Path, target_ledger: str | Path) -> None:
    """Copy the keyring along with a ledger (backups, restores): the passwords valid then."""
    if str(source_ledger) == ":memory:" or not exists(source_ledger):
        return
    target = keyring_path(target_ledger)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(str(keyring_path(source_ledger)))
    dest = sqlite3.connect(str(partial))
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()
    os.replace(partial, target)


# -- the recovery key ---------------------------------------------------------------------

def recovery_text(keys: Keys) -> str:
    """R as 13 groups of 4 letters and digits (base32, no padding)."""
    text = base64.b32encode(keys._need_root()).decode().rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery(ledger_path: str | Path, text: str) -> Keys:
    """The keys behind a typed recovery key, checked against the keyring (or the ledger's own
    check value when the keyring is lost)."""
    clean = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    clean = clean.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        root = base64.b32decode(clean + "=" * (-len(clean) % 8))
    except ValueError:
        raise KeyringError("恢复密钥的格式不对：应为13组、每组4个字母或数字") from None
    if len(root) != 32:
        raise KeyringError("恢复密钥的长度不对：应为13组、每组4个字母或数字")
    keys = Keys.from_root(root)
    expected = info(ledger_path, "check") if exists(ledger_path) else None
    if expected is not None and not hmac.compare_digest(expected, keys.check):
        raise KeyringError("恢复密钥不是这个台账的")
    return keys


def rebuild(ledger_path: str | Path, keys: Keys, office: str) -> None:
    """A keyring lost with the ledger intact: start a new one from the recovery key."""
    with _ring(ledger_path, create=True) as ring:
        ring.execute("BEGIN IMMEDIATE")
        ring.executemany("INSERT OR REPLACE INTO info VALUES (?, ?)",
                         [("format", FORMAT), ("office", office), ("check", keys.check),
                          ("seal_public", keys.seal_public)])
        ring.execute("COMMIT")


def forget_memory() -> None:
    """Tests: drop the in-memory keyring."""
    conn = _MEMORY.pop(":memory:", None)
    if conn is not None:
        conn.close()
