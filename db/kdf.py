"""Password hashing (scrypt) and the waits after wrong passwords: a leaf module, shared by the
ledger's users (db.users) and their key slots (db.keys).

Hashes name their parameters ("scrypt2$n=131072,r=8,p=1$<hex>"). What is stored of a password
is an HMAC of the scrypt result (form scrypt2), because the scrypt result itself opens the
user's key slot; the older forms (a bare hex result, "scrypt$…") stored the result and are
remade at the next login."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re

from .errors import LoginError

FREE_TRIES = 3
# scrypt cost for new hashes (OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1, 128 MiB);
# about 0.3 s a hash on a 2-core office PC. Tests lower SCRYPT_N (tests/conftest.py).
SCRYPT_N = 2 ** 17
SCRYPT_R = 8
SCRYPT_P = 1
LEGACY = (2 ** 14, 8, 1)  # a bare 64-hex-digit hash: the parameters before the upgrade
MAX_KDF_MEMORY = 2 ** 30  # a stored hash asking for more is refused, not computed
_STORED = re.compile(r"(scrypt2?)\$n=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([0-9a-f]{64})")
_LEGACY = re.compile(r"[0-9a-f]{64}")


def wait_seconds(failures: int) -> int:
    """Seconds to wait before the next try after `failures` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(300, 2 ** (failures - FREE_TRIES + 1))


def count_try(failures: int, retry_after: str, now: dt.datetime) -> tuple[int, str]:
    """A try's place in the count: refused (LoginError with the seconds left) while the wait
    after earlier wrong passwords runs; else (the failures counting this try as wrong, and
    when the next try may come). The caller writes both in the transaction that read them."""
    if retry_after:
        left = (dt.datetime.fromisoformat(retry_after.replace("Z", "+00:00")) -
                now).total_seconds()
        if left > 0:
            raise LoginError(f"密码已连续输错{failures}次，请{math.ceil(left)}秒后再试",
                             math.ceil(left))
    failures += 1
    wait = wait_seconds(failures)
    later = (now + dt.timedelta(seconds=wait)).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if wait else ""
    return failures, later


def _derive(password: str, salt: str, n: int, r: int, p: int) -> str:
    """The scrypt key (hex) of a password: the one costly step of every check."""
    return hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=n, r=r, p=p,
                          dklen=32, maxmem=min(2 * 128 * n * r * p, MAX_KDF_MEMORY) + 2 ** 20).hex()


def current_kdf() -> str:
    return f"n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}"


def _verifier(derived: str) -> str:
    """What is stored of a password (scrypt2): an HMAC of the scrypt result, so the stored
    hash does not give the key that opens the user's slot (db.keys)."""
    return hmac.new(bytes.fromhex(derived), b"baodao password check", hashlib.sha256).hexdigest()


def new_hash(password: str, salt: str, keyed: bool = True) -> tuple[str, str]:
    """A new stored hash naming its parameters, and the scrypt result behind it. On a ledger
    from before key slots (not keyed yet) the old form is kept: the first 书记 login makes
    every user's slot from it (vault.enrol_all)."""
    derived = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    if not keyed:
        return f"scrypt${current_kdf()}${derived}", derived
    return f"scrypt2${current_kdf()}${_verifier(derived)}", derived


def derive(password: str, salt: str, kdf: str) -> str | None:
    """The scrypt result for a slot's parameters ("n=…,r=…,p=…"); None when they are absurd."""
    found = _parameters(f"scrypt${kdf}${'0' * 64}")
    if found is None:
        return None
    n, r, p, _key = found
    return _derive(password, salt, n, r, p)


def _parameters(stored: str) -> tuple[int, int, int, str] | None:
    """(n, r, p, stored key or verifier) of a stored hash; None for one malformed or absurdly
    costly."""
    if _LEGACY.fullmatch(stored):
        return (*LEGACY, stored)
    match = _STORED.fullmatch(stored)
    if match is None:
        return None
    n, r, p = (int(match.group(i)) for i in (2, 3, 4))
    if n < 2 or n & (n - 1) or not r or not p or 128 * n * r * p > MAX_KDF_MEMORY:
        return None
    return n, r, p, match.group(5)


def matches(password: str, salt: str, stored: str, derived: str | None = None) -> str | None:
    """The scrypt result when the password is right (computed unless given), else None."""
    found = _parameters(stored)
    if found is None:
        return None
    n, r, p, key = found
    derived = derived or _derive(password, salt, n, r, p)
    expected = _verifier(derived) if stored.startswith("scrypt2$") else derived
    return derived if hmac.compare_digest(expected, key) else None


def outdated(stored: str) -> bool:
    """True for a hash made with less than the current cost, or of a form that stores the
    scrypt result itself (remade at the next login)."""
    found = _parameters(stored)
    return (found is None or found[0] < SCRYPT_N or found[1] < SCRYPT_R or
            not stored.startswith("scrypt2$"))


def kdf_of(stored: str) -> str:
    found = _parameters(stored)
    n, r, p = found[:3] if found else (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"n={n},r={r},p={p}"
