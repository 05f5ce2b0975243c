"""审计日志: who did what and when, append-only, each entry chained to the previous by hash.

On a ledger with keys (db.keys) the chain is also sealed with the audit key, which only a 书记
holds: seal(n) = HMAC(key, n | hash(n) | seal(n-1)), and the last seal (the head, meta
`audit_seal_head`) carries a MAC of its own. So an entry edited, removed, inserted or renumbered,
with the plain hashes recomputed to match, or a tail cut off with the head fixed, no longer
matches its seals. A 书记's session seals each entry as it is made; entries made in a
网格员's session are sealed at the next 书记 login, after the sealed part has been checked (a
broken chain is never sealed over). The head also travels in every exchange file, where the
receiving office keeps it as a witness (desktop.sync, audit_witness).

Targets never carry personal data in plain text: callers name records by their kind and name,
and ID numbers or phones, when they must appear, are masked first."""

from __future__ import annotations

import hashlib
import hmac
import json

from . import access, keys
from .ledger import Ledger, utcnow

GENESIS = "0" * 64
GUARDS = ("audit_log_no_update", "audit_log_no_delete", "audit_seals_no_update",
          "audit_seals_no_delete")


def _digest(prev_hash: str, at: str, user: str, action: str, target: str, result: str) -> str:
    payload = json.dumps([prev_hash, at, user, action, target, result], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(ledger: Ledger, action: str, target: str = "", result: str = "成功",
           user: str = "") -> int:
    """Append one entry (inside the caller's transaction if there is one)."""
    with ledger.transaction():
        last = ledger.conn.execute(
            "SELECT hash FROM main.audit_log ORDER BY id DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = utcnow()
        user = user or access.user_name(ledger)
        digest = _digest(prev, at, user, action, target, result)
        cursor = ledger.execute(
            "INSERT INTO main.audit_log (at, user, action, target, result, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (at, user, action, target, result, prev, digest))
        ledger.set_meta("audit_head", digest)  # the chain's end: a cut-off tail shows too
        seal_pending(ledger)
        return int(cursor.lastrowid or 0)


def _audit_key(ledger: Ledger) -> bytes | None:
    """The audit key when a 书记 of a ledger with keys is logged in here."""
    actor = access.actor_of(ledger)
    if actor is None or not actor.full_access:
        return None
    held = keys.held(ledger.path)
    if held is None or not held.secretary or ledger.meta("keys") != "1":
        return None
    return held.audit_key


def _seal(key: bytes, entry_id: int, digest: str, prev: str) -> str:
    return hmac.new(key, f"{entry_id}|{digest}|{prev}".encode(), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, entry_id: int, seal: str) -> str:
    return hmac.new(key, f"head|{entry_id}|{seal}".encode(), hashlib.sha256).hexdigest()


def _sealed_head(ledger: Ledger, key: bytes) -> tuple[int, str] | None:
    """(last sealed id, its seal) when the head's MAC and the seals table agree; else None."""
    text = ledger.meta("audit_seal_head")
    last = ledger.conn.execute(
        "SELECT entry_id, seal FROM main.audit_seals ORDER BY entry_id DESC LIMIT 1").fetchone()
    if text is None:
        return (0, GENESIS) if last is None else None
    try:
        entry_id, seal, mac = text.split(":")
        number = int(entry_id)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, _head_mac(key, number, seal)):
        return None
    if last is None or (last[0], last[1]) != (number, seal):
        return None
    return number, seal


def seal_pending(ledger: Ledger, check: bool = False) -> int:
    """Seal the entries after the sealed head (a 书记's session only). With check, the sealed
    part is verified first, and nothing is sealed over a break. Returns how many were sealed."""
    key = _audit_key(ledger)
    if key is None:
        return 0
    if check and _seal_problems(ledger, key):
        return 0
    head = _sealed_head(ledger, key)
    if head is None:
        return 0
    last_id, prev = head
    count = 0
    with ledger.transaction():
        for entry_id, at, user, action, target, result, prev_hash, digest in ledger.conn.execute(
                "SELECT id, at, user, action, target, result, prev_hash, hash FROM main.audit_log "
                "WHERE id > ? ORDER BY id", (last_id,)).fetchall():
            if entry_id != last_id + 1 or \
                    _digest(prev_hash, at, user, action, target, result) != digest:
                break  # a gap or an edited entry: left for check to report
            prev = _seal(key, entry_id, digest, prev)
            ledger.execute("INSERT INTO main.audit_seals (entry_id, seal) VALUES (?, ?)",
                           (entry_id, prev))
            last_id = entry_id
            count += 1
        if count:
            ledger.set_meta("audit_seal_head", f"{last_id}:{prev}:{_head_mac(key, last_id, prev)}")
    return count


def _seal_problems(ledger: Ledger, key: bytes) -> list[str]:
    """Where the keyed seals break: the first entry that no longer matches its seal, entries
    removed or renumbered, and a head that does not fit."""
    problems: list[str] = []
    seals = dict(ledger.conn.execute("SELECT entry_id, seal FROM main.audit_seals"))
    prev = GENESIS
    expected = 1
    rows = ledger.conn.execute("SELECT id, at, user, action, target, result, prev_hash "
                               "FROM main.audit_log ORDER BY id")
    for entry_id, at, user, action, target, result, prev_hash in rows:
        if entry_id not in seals:
            break  # the unsealed tail
        if entry_id != expected:
            problems.append(f"审计日志第{expected}条起被删除或重新编号过（密封不符）")
            return problems
        digest = _digest(prev_hash, at, user, action, target, result)
        prev = _seal(key, entry_id, digest, prev)
        if not hmac.compare_digest(prev, seals[entry_id]):
            problems.append(f"审计日志第{entry_id}条被改动过（密封不符），从这一条起的记录不可信")
            return problems
        expected = entry_id + 1
    missing = [n for n in seals if n >= expected]
    if missing:
        problems.append(f"审计日志第{min(missing)}条起的记录被删除了（密封还在）")
        return problems
    if seals and _sealed_head(ledger, key) is None:
        problems.append("审计日志末尾被截掉或链头被改过（链头的密封不符）")
    elif not seals and ledger.meta("audit_seal_head") is not None:
        problems.append("审计日志的密封被整个删除了")
    return problems


def verify(ledger: Ledger) -> list[str]:
    """Empty when the chain is intact; otherwise where and how it breaks."""
    problems: list[str] = []
    prev = GENESIS
    expected_id = None
    for row in ledger.conn.execute(
            "SELECT id, at, user, action, target, result, prev_hash, hash FROM audit_log "
            "ORDER BY id"):
        entry_id, at, user, action, target, result, prev_hash, digest = row
        if expected_id is not None and entry_id != expected_id:
            problems.append(f"审计日志第{expected_id}条至第{entry_id - 1}条缺失")
        if prev_hash != prev:
            problems.append(f"审计日志第{entry_id}条与前一条衔接不上（前面的记录被改动或删除）")
        if _digest(prev_hash, at, user, action, target, result) != digest:
            problems.append(f"审计日志第{entry_id}条的内容被改动过")
        prev = digest
        expected_id = entry_id + 1
        if len(problems) >= 20:
            break
    head = ledger.meta("audit_head")
    if head is not None and head != prev and not problems:
        problems.append("审计日志末尾的记录被删除了")
    present = {r[0] for r in ledger.conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'trigger'")}
    missing = [name for name in GUARDS if name not in present]
    if missing:
        problems.append(f"审计日志的保护触发器被删除了（{'、'.join(missing)}）：日志可被改写")
    key = _audit_key(ledger)
    if key is not None:
        problems.extend(_seal_problems(ledger, key))
    elif ledger.meta("keys") == "1" and ledger.meta("audit_seal_head") is None and \
            ledger.scalar("SELECT count(*) FROM main.audit_log"):
        problems.append("审计日志的密封链头不见了")
    for (text,) in ledger.conn.execute("SELECT text FROM main.audit_alerts ORDER BY id"):
        problems.append(text)
    return problems


def head(ledger: Ledger) -> tuple[int, str]:
    """The chain's end as other offices keep it: (id, seal) of the last sealed entry on a
    ledger with keys, else (id, hash) of the last entry."""
    sealed = ledger.conn.execute(
        "SELECT entry_id, seal FROM main.audit_seals ORDER BY entry_id DESC LIMIT 1").fetchone()
    if sealed is not None:
        return int(sealed[0]), str(sealed[1])
    last = ledger.conn.execute("SELECT id, hash FROM main.audit_log ORDER BY id DESC LIMIT 1"
                               ).fetchone()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def checkpoints(ledger: Ledger, every: int = 100, limit: int = 400) -> list[tuple[int, str]]:
    """Chain values at every `every`-th entry and at the head: a rewrite of any earlier entry
    changes them all from there on, so a witness kept elsewhere contradicts it."""
    sealed = bool(ledger.scalar("SELECT count(*) FROM main.audit_seals"))
    table, column, key = (("audit_seals", "seal", "entry_id") if sealed
                          else ("audit_log", "hash", "id"))
    rows = ledger.conn.execute(
        f"SELECT {key}, {column} FROM main.{table} WHERE {key} % ? = 0 ORDER BY {key} DESC "
        "LIMIT ?", (every, limit)).fetchall()
    points = sorted((int(a), str(b)) for a, b in rows)
    last = head(ledger)
    if last[0] and (not points or points[-1][0] != last[0]):
        points.append(last)
    return points


def entries(ledger: Ledger, limit: int = 1000) -> list[dict[str, object]]:
    access.require_secretary(ledger, "查看审计日志")
    return ledger.query("SELECT id, at, user, action, target, result FROM audit_log "
                        "ORDER BY id DESC LIMIT ?", (limit,))


# -- witnesses: other offices' chains, as their exchange files carried them ----------------

WITNESS_DIGITS = 16  # of each chain value carried in a file


def witness_text(ledger: Ledger) -> str:
    """Our chain's checkpoints and head for the 说明 sheet: "id:value,id:value,…", each value
    marked s (keyed seal) or h (plain hash), since a ledger getting keys changes kind."""
    kind = "s" if ledger.scalar("SELECT count(*) FROM main.audit_seals") else "h"
    return ",".join(f"{n}:{kind}{v[:WITNESS_DIGITS - 1]}" for n, v in checkpoints(ledger))


def parse_witness(text: object) -> list[tuple[int, str]]:
    points = []
    for part in str(text or "").split(","):
        number, _sep, value = part.strip().partition(":")
        if number.isdigit() and len(value) == WITNESS_DIGITS and value[0] in "sh" and \
                all(c in "0123456789abcdef" for c in value[1:]):
            points.append((int(number), value))
    return points


def contradictions(ledger: Ledger, office: str, name: str,
                   points: list[tuple[int, str]]) -> list[str]:
    """What a file's chain values contradict of the witnesses kept from that office's earlier
    files: a rewritten entry (its value at a kept checkpoint changed) or a cut-off log (the
    head is behind a checkpoint already seen)."""
    if not points:
        return []
    kept = dict(ledger.conn.execute(
        "SELECT entry_id, value FROM main.audit_witness WHERE office = ?", (office,)))
    found: list[str] = []
    changed = [n for n, v in points if n in kept and kept[n][0] == v[0] and kept[n] != v]
    if changed:
        found.append(f"“{name}”的审计日志第{min(changed)}条前后被改写过：与之前收到的文件"
                     "中记下的不一致")
    head_id = max(n for n, _v in points)
    if kept and head_id < max(kept):
        found.append(f"“{name}”的审计日志被截短了：之前的文件已记到第{max(kept)}条，"
                     f"这个文件只到第{head_id}条")
    return found


def keep_witness(ledger: Ledger, office: str, name: str, community: str,
                 points: list[tuple[int, str]]) -> list[str]:
    """Record a file's chain values (inside the import's transaction); a contradiction is
    kept as an alert that `check` reports from then on, and audited."""
    found = contradictions(ledger, office, name, points)
    now = utcnow()
    with ledger.transaction():
        for text in found:
            ledger.execute("INSERT INTO main.audit_alerts (at, office, community, text) "
                           "VALUES (?, ?, ?, ?)", (now, office, community, text))
            record(ledger, "审计见证不符", name, text)
        ledger.conn.executemany(
            "INSERT INTO main.audit_witness (office, entry_id, value, community, seen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(office, entry_id) DO NOTHING",
            [(office, n, v, community, now) for n, v in points])
    return found
