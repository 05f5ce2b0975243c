"""The ledger's side of the keys (db.keys): starting them, sealing ID numbers, signing users.

On a ledger with users (meta `keys` = 1), a member's full ID number is stored sealed
(`members.id_sealed`) with a keyed index (`members.id_index`), and `id_number` holds the masked
form (6+4 digits; the birth date beside it the year only). Connections of a logged-in session
seal on every write through TEMP triggers (db.access), and a 书记's connection reads the full
number back through a TEMP view, so code in `db`, `desktop.sync` and `desktop.cards` reads and
writes `members.id_number` as before."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from . import keys
from .errors import LedgerError
from .kdf import kdf_of
from .ledger import Ledger, lock_functions

BIRTH_YEAR = "[0-9][0-9][0-9][0-9]年"

# Sealing on write, made when a ledger gets its keys (a ledger without users has none). The
# functions exist only on a logged-in session's connection (install), so a write with a full
# number from any other program fails instead of storing it in the clear.
_PLAIN = ("NEW.id_number <> '' AND instr(NEW.id_number, '*') = 0 "
          "AND (SELECT value FROM meta WHERE key = 'keys') = '1'")
_SEAL = ("UPDATE members SET id_sealed = baodao_id_seal(NEW.id_number), "
         "id_index = baodao_id_index(NEW.id_number), id_probe = baodao_id_probe(NEW.id_number), "
         "birth_date = CASE WHEN length(NEW.id_number) = 18 AND NEW.birth_date GLOB "
         "'[0-9][0-9][0-9][0-9]*' THEN substr(NEW.birth_date, 1, 4) || '年' "
         "ELSE NEW.birth_date END, id_number = baodao_id_mask(NEW.id_number) WHERE id = NEW.id;")
SEALING = [
    f"CREATE TRIGGER IF NOT EXISTS main.members_seal_insert AFTER INSERT ON members "
    f"WHEN {_PLAIN} BEGIN {_SEAL} END;",
    f"CREATE TRIGGER IF NOT EXISTS main.members_seal_update AFTER UPDATE OF id_number ON members "
    f"WHEN {_PLAIN} BEGIN {_SEAL} END;",
    # a full birth date written beside a sealed number would give its hidden digits back
    "CREATE TRIGGER IF NOT EXISTS main.members_seal_birth AFTER UPDATE OF birth_date ON members "
    "WHEN NEW.id_sealed <> '' AND length(NEW.id_number) = 18 AND NEW.birth_date <> '' "
    f"AND NEW.birth_date NOT GLOB '{BIRTH_YEAR}' BEGIN UPDATE members SET birth_date = "
    "substr(NEW.birth_date, 1, 4) || '年' WHERE id = NEW.id; END;",
]


def keyed(ledger: Ledger) -> bool:
    return ledger.meta("keys") == "1"


def start(ledger: Ledger) -> keys.Keys:
    """New keys for a ledger getting its first user (or a ledger from before key slots)."""
    held = keys.create(ledger.path, ledger.office)
    with ledger.transaction():
        for statement in SEALING:
            ledger.execute(statement)
        ledger.set_meta("seal_public", held.seal_public)
        ledger.set_meta("key_check", held.check)
        ledger.set_meta("keys", "1")
    return held


def is_root(ledger: Ledger, held: keys.Keys) -> bool:
    """True for keys holding this ledger's 书记 key."""
    expected = ledger.meta("key_check") or ""
    return held.secretary and hmac.compare_digest(expected, held.check)


def secretary_keys(ledger: Ledger) -> keys.Keys | None:
    """The logged-in 书记's keys (None on a ledger that has no keys yet)."""
    if not keys.exists(ledger.path):
        return None
    held = keys.held(ledger.path)
    if held is None or not held.secretary:
        raise keys.KeyringError("需要书记登录后才能发钥匙")
    return held


def _mac(held: keys.Keys, row: dict[str, Any]) -> str:
    payload = json.dumps([row["id"], row["username"], row["role"], row["node_id"],
                          int(row["active"])], ensure_ascii=False)
    return hmac.new(held.users_key, payload.encode(), hashlib.sha256).hexdigest()


def sign_user(ledger: Ledger, held: keys.Keys | None, user_id: int) -> None:
    if held is None or not held.secretary:
        return
    row = ledger.one("SELECT * FROM main.users WHERE id = ?", (user_id,))
    if row is not None:
        ledger.execute("UPDATE main.users SET auth = ? WHERE id = ?", (_mac(held, row), user_id))


def tampered_users(ledger: Ledger, held: keys.Keys) -> list[str]:
    """Users whose name, role, grid or state was changed in the file, not by a 书记."""
    return [row["username"] for row in ledger.query("SELECT * FROM main.users ORDER BY id")
            if not hmac.compare_digest(row["auth"] or "", _mac(held, row))]


def enrol_all(ledger: Ledger, held: keys.Keys, me: int, derived: str) -> None:
    """Slots for the users of a ledger from before key slots, made by its first 书记 login.

    Their stored hashes are of the old form, which is the scrypt result itself, so each slot
    is made with it; a user's first login remakes both hash and slot in the new form. Until
    then, whoever reads the users' hashes could open these slots."""
    for row in ledger.query("SELECT * FROM main.users WHERE active = 1"):
        stored = row["pw_hash"].rsplit("$", 1)[-1]
        value = derived if row["id"] == me else stored
        if row["pw_hash"].startswith("scrypt2$") and row["id"] != me:
            continue
        keys.put_slot(ledger.path, row["username"], row["role"], row["pw_salt"],
                      kdf_of(row["pw_hash"]), value, held)
        sign_user(ledger, held, row["id"])


class SealingCancelled(LedgerError):
    """The user stopped the sealing: nothing was changed (the next 书记 login goes on)."""


def unsealed(ledger: Ledger) -> int:
    """ID numbers still stored in full on a ledger with keys (left for seal_existing)."""
    if not keyed(ledger):
        return 0
    return int(ledger.scalar("SELECT count(*) FROM main.members WHERE id_sealed = '' "
                             "AND id_number <> '' AND instr(id_number, '*') = 0") or 0)


def seal_existing(ledger: Ledger, progress: Any = None, cancelled: Any = None) -> int:
    """Seal the ID numbers still stored in full (a 书记's connection with keys installed), in
    one transaction: a cancel or a kill leaves them all as they were, for the next try.
    About 1.5 ms a member (the probe index), so the app runs it in the background."""
    if not keyed(ledger) or keys.held(ledger.path) is None:
        return 0
    ids = [r[0] for r in ledger.conn.execute(
        "SELECT id FROM main.members WHERE id_sealed = '' AND id_number <> '' "
        "AND instr(id_number, '*') = 0 ORDER BY id")]
    with ledger.transaction():
        for start in range(0, len(ids), 200):
            if cancelled is not None and cancelled():
                raise SealingCancelled("已取消，身份证号保持原样，下次书记登录时继续")
            chunk = ids[start:start + 200]
            ledger.execute("UPDATE main.members SET id_number = id_number WHERE id IN "
                           f"({','.join('?' * len(chunk))})", chunk)
            if progress is not None:
                progress(f"正在保护身份证号（{start + len(chunk)}/{len(ids)}）",
                         (start + len(chunk)) / len(ids))
    return len(ids)


def mask(number: str | None) -> str:
    """The stored form beside a sealed number: the region only. (The 6+4 mask shown to a
    网格员 elsewhere would leave ~37 birth dates to try against the probe index.)"""
    number = number or ""
    if len(number) == 18:
        return number[:6] + "*" * 12
    return "*" * len(number)


def uninstall(conn: Any) -> None:
    """Take a session's keys off a connection (logout, lock): the functions refuse again."""
    lock_functions(conn)


def install(ledger: Ledger, held: keys.Keys) -> None:
    """Seal on write (the triggers of migration 0007 call these functions), and for a 书记
    read the full numbers back through a TEMP view (db.access installs it per session)."""
    conn = ledger.conn
    public = ledger.meta("seal_public") or ""
    conn.create_function("baodao_id_seal", 1, lambda n: held.seal(n, public))
    conn.create_function("baodao_id_index", 1, held.lookup, deterministic=True)
    conn.create_function("baodao_id_probe", 1, held.probe, deterministic=True)
    conn.create_function("baodao_id_mask", 1, mask, deterministic=True)
    if not held.secretary:
        return
    cache: dict[str, str] = {}

    def reveal(text: str) -> str:
        if text not in cache:
            if len(cache) > 200_000:
                cache.clear()
            cache[text] = held.open(text)
        return cache[text]

    def birth(text: str) -> str:
        number = reveal(text)
        return f"{number[6:10]}-{number[10:12]}-{number[12:14]}" if len(number) == 18 else ""

    conn.create_function("baodao_id_open", 1, reveal, deterministic=True)
    conn.create_function("baodao_id_birth", 1, birth, deterministic=True)
    columns = [r[1] for r in conn.execute("PRAGMA main.table_info(members)")]
    shown = {
        "id_number": "CASE WHEN id_sealed <> '' THEN baodao_id_open(id_sealed) "
                     "ELSE id_number END",
        "birth_date": f"CASE WHEN id_sealed <> '' AND birth_date GLOB '{BIRTH_YEAR}' "
                      "AND length(id_number) = 18 THEN baodao_id_birth(id_sealed) "
                      "ELSE birth_date END",
    }
    select = ", ".join(f"{shown[c]} AS {c}" if c in shown else c for c in columns)
    conn.execute(f"CREATE TEMP VIEW members AS SELECT {select} FROM main.members")


def id_lookup(ledger: Ledger) -> tuple[str, Any]:
    """(column, key of a number) to find members by ID number: on a ledger with keys the fast
    index for a 书记, the slow one for others; else the number itself."""
    held = keys.held(ledger.path)
    if held is not None and keyed(ledger):
        return ("id_index", held.lookup) if held.secretary else ("id_probe", held.probe)
    return "id_number", lambda number: number


def fill_lookups(ledger: Ledger) -> int:
    """A 书记's login: the fast index for numbers a 网格员 entered (they cannot compute it)."""
    held = keys.held(ledger.path)
    if held is None or not held.secretary or not keyed(ledger):
        return 0
    rows = ledger.conn.execute("SELECT id, id_sealed FROM main.members WHERE id_index = '' "
                               "AND id_sealed <> ''").fetchall()
    with ledger.transaction():
        ledger.conn.executemany("UPDATE main.members SET id_index = ? WHERE id = ?",
                                [(held.lookup(held.open(sealed)), row) for row, sealed in rows])
    return len(rows)


def id_match(ledger: Ledger, number: str) -> tuple[str, str]:
    column, key = id_lookup(ledger)
    return f"{column} = ?", key(number)
