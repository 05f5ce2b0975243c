"""Password storage and the waits after wrong passwords: the KDF's cost, the upgrade of old
hashes at login, and guessing from many programs at once against one ledger file."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import access, grid, kdf, keys, open_ledger, settings, users
from db.users import LoginError

ROOT = Path(__file__).resolve().parents[2]
SECRETARY_PW, WORKER_PW = "shuji-2026", "wangge-2026"


@pytest.fixture
def office(tmp_path):
    """A ledger with a 书记 and a 网格员; nobody logged in."""
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        community = settings.initialise(ledger, "河东街道", "丽景社区")
        compound = grid.add_node(ledger, community, "杨树小区")
        users.add_user(ledger, "王书记", SECRETARY_PW)
        users.add_user(ledger, "李网格", WORKER_PW, role="网格员", node_id=compound)
    access.remember_session(path, None)
    yield path
    access.remember_session(path, None)


def stored(path: Path, username: str) -> dict:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone())
    finally:
        conn.close()


def write(path: Path, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def legacy_hash(password: str) -> tuple[str, str]:
    """(salt, hash) as the program stored them before: scrypt N=2^14, bare hex."""
    salt = secrets.token_hex(16)
    key = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2 ** 14, r=8, p=1,
                         dklen=32)
    return salt, key.hex()


def test_new_hashes_follow_owasp_and_old_ones_are_upgraded_at_login(office, real_kdf):
    assert kdf.SCRYPT_N >= 2 ** 17 and kdf.SCRYPT_R >= 8
    row = stored(office, "王书记")
    scheme, params, key = row["pw_hash"].split("$")
    n, r, p = (int(part.split("=")[1]) for part in params.split(","))
    assert (scheme, n, r, p, len(key)) == ("scrypt2", 2 ** 17, 8, 1, 64)
    started = time.perf_counter()
    derived = hashlib.scrypt(SECRETARY_PW.encode(), salt=bytes.fromhex(row["pw_salt"]),
                             n=n, r=r, p=p, dklen=32, maxmem=256 * 2 ** 20)
    print(f"\n[kdf] scrypt N=2^17 r=8 p=1: {1000 * (time.perf_counter() - started):.0f} ms")
    # what is stored is an HMAC of the scrypt result, which itself opens the user's key slot
    assert key == hmac.new(derived, b"baodao password check", hashlib.sha256).hexdigest()
    assert key != derived.hex()

    # A ledger from before key slots: old hashes, no keyring.
    for name, password in (("王书记", SECRETARY_PW), ("李网格", WORKER_PW)):
        salt, old = legacy_hash(password)
        write(office, "UPDATE users SET pw_salt = ?, pw_hash = ? WHERE username = ?",
              (salt, old, name))
    write(office, "DELETE FROM meta WHERE key = 'keys'")
    keys.keyring_path(office).unlink()
    old = stored(office, "李网格")["pw_hash"]
    with open_ledger(office, create=False) as ledger:
        with pytest.raises(LoginError, match="第1次"):
            users.login(ledger, "李网格", "wrong-guess")
        assert stored(office, "李网格")["pw_hash"] == old  # a wrong password changes nothing
        users.login(ledger, "李网格", WORKER_PW)
        after = stored(office, "李网格")
        # upgraded in cost, in the old form until the ledger has keys
        assert after["pw_hash"].startswith("scrypt$n=131072,r=8,p=1$")
        assert after["pw_salt"] != old and after["failures"] == 0
        users.logout(ledger)
        with pytest.raises(LoginError, match="密码不正确"):
            users.login(ledger, "李网格", WORKER_PW + "x")
        users.login(ledger, "王书记", SECRETARY_PW)  # the first 书记 login makes the keys
        assert keys.exists(office) and ledger.meta("keys") == "1"
        assert stored(office, "王书记")["pw_hash"].startswith("scrypt2$n=131072,")
        users.logout(ledger)
        users.login(ledger, "李网格", WORKER_PW)  # the enrolment slot opens, and is remade
        assert stored(office, "李网格")["pw_hash"].startswith("scrypt2$n=131072,")
        users.logout(ledger)
        users.login(ledger, "李网格", WORKER_PW)
        users.logout(ledger)


def test_unlock_upgrades_only_a_hash_the_connection_may_change(office, monkeypatch):
    monkeypatch.setattr(kdf, "SCRYPT_N", 2 ** 11)  # the fixture's 2^10 hashes are now weak
    before = stored(office, "李网格")["pw_hash"]
    assert users.outdated(before) and before.startswith("scrypt2$n=1024,")
    with open_ledger(office, create=False) as ledger:
        users.verify(ledger, "李网格", WORKER_PW)  # a locked connection may not write hashes
        assert stored(office, "李网格")["pw_hash"] == before
        users.login(ledger, "李网格", WORKER_PW)
        assert stored(office, "李网格")["pw_hash"].startswith("scrypt2$n=2048,r=8,p=1$")
        secretary = stored(office, "王书记")["pw_hash"]
        users.verify(ledger, "王书记", SECRETARY_PW)  # another user's: left for their login
        assert stored(office, "王书记")["pw_hash"] == secretary
        users.set_password(ledger, stored(office, "李网格")["id"], "wangge-2027", old=WORKER_PW)
        users.logout(ledger)
        users.login(ledger, "王书记", SECRETARY_PW)
        assert stored(office, "王书记")["pw_hash"].startswith("scrypt2$n=2048,")
        users.logout(ledger)
        users.login(ledger, "李网格", "wangge-2027")
        users.logout(ledger)


@pytest.mark.parametrize("bad", [
    "scrypt$n=1073741824,r=8,p=1$" + "0" * 64,  # 1 TiB of memory: refused, not tried
    "scrypt$n=1000,r=8,p=1$" + "0" * 64,  # not a power of two
    "bcrypt$whatever",
    "",
])
def test_a_malformed_or_absurd_stored_hash_is_a_wrong_password(office, bad):
    write(office, "UPDATE users SET pw_hash = ? WHERE username = '李网格'", (bad,))
    with open_ledger(office, create=False) as ledger, \
            pytest.raises(LoginError, match="密码不正确（第1次）"):
        users.login(ledger, "李网格", WORKER_PW)


# Each child opens the ledger, then for every round: says it is ready, waits for the start
# signal, makes one wrong guess with the round's fixed clock and reports what happened and
# how many passwords it really compared (calls of the KDF).
CHILD = r"""
import datetime as dt, json, sys, time
from pathlib import Path
from db import kdf, open_ledger, users

path, folder, me, clocks = sys.argv[1], Path(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
checked = [0]
derive = kdf._derive

def counting(*args):
    checked[0] += 1
    return derive(*args)

kdf._derive = counting
ledger = open_ledger(path, create=False)
for number, clock in enumerate(clocks):
    users._now = lambda clock=clock: dt.datetime.fromisoformat(clock)
    (folder / f"ready-{number}-{me}").touch()
    deadline = time.monotonic() + 60
    while not (folder / f"go-{number}").exists():
        if time.monotonic() > deadline:
            sys.exit("no start signal")
        time.sleep(0.001)
    before = checked[0]
    try:
        users.login(ledger, "李网格", f"guess-{me}-{number}")
        result = {"message": "logged in", "wait": 0}
    except users.LoginError as error:
        result = {"message": str(error), "wait": error.wait_seconds}
    result.update(round=number, checked=checked[0] - before)
    print(json.dumps(result, ensure_ascii=False), flush=True)
(folder / f"ready-{len(clocks)}-{me}").touch()
ledger.close()
"""


def _wait_for(folder: Path, pattern: str, count: int, children: list) -> None:
    deadline = time.monotonic() + 120
    while len(list(folder.glob(pattern))) < count:
        for child in children:
            if child.poll() not in (None, 0):
                raise AssertionError(child.communicate()[1][-2000:])
        assert time.monotonic() < deadline, f"children not ready: {pattern}"
        time.sleep(0.01)


def test_parallel_guesses_get_no_more_checks_than_the_waits_allow(office, tmp_path):
    """12 programs guess at once, three times: from no failures (3 free tries), then when the
    2-second wait after 3 failures is over, then exactly when the next 4-second wait ends."""
    salt, old = legacy_hash(WORKER_PW)  # a realistic ~30 ms per check
    write(office, "UPDATE users SET pw_salt = ?, pw_hash = ? WHERE username = '李网格'", (salt, old))
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    clocks = [start, start + dt.timedelta(seconds=3), start + dt.timedelta(seconds=7)]
    folder = tmp_path / "signals"
    folder.mkdir()
    count = 12
    children = [subprocess.Popen(
        [sys.executable, "-c", CHILD, str(office), str(folder), str(me),
         json.dumps([c.isoformat() for c in clocks])],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me in range(count)]
    states = []
    try:
        for number in range(len(clocks) + 1):
            _wait_for(folder, f"ready-{number}-*", count, children)  # the round before is over
            if number:
                row = stored(office, "李网格")
                states.append((row["failures"], row["retry_after"]))
            if number < len(clocks):
                (folder / f"go-{number}").touch()
        outputs = [child.communicate(timeout=60) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert all(child.returncode == 0 for child in children), [e for _o, e in outputs]
    results = [json.loads(line) for out, _e in outputs for line in out.splitlines()]
    assert len(results) == count * len(clocks)

    def stamp(moment: dt.datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    expected = [  # (guesses checked, failures after, wait every refused try is told)
        (3, 3, 2, clocks[0] + dt.timedelta(seconds=2)),
        (1, 4, 4, clocks[1] + dt.timedelta(seconds=4)),
        (1, 5, 8, clocks[2] + dt.timedelta(seconds=8)),
    ]
    counted = 0
    for number, (checks, failures, wait, retry) in enumerate(expected):
        this = [r for r in results if r["round"] == number]
        tried = [r for r in this if r["checked"]]
        refused = [r for r in this if not r["checked"]]
        assert all(r["checked"] in (0, 1) for r in this)
        assert len(tried) == checks == failures - counted, (number, this)
        assert sorted(r["message"].split("（")[1][:3] for r in tried) == \
            [f"第{n}次" for n in range(counted + 1, failures + 1)]
        assert all(r["message"].startswith("密码不正确") for r in tried)
        assert all(r["wait"] == wait and r["message"] ==
                   f"密码已连续输错{failures}次，请{wait}秒后再试" for r in refused), refused
        assert states[number] == (failures, stamp(retry))
        counted = failures
    conn = sqlite3.connect(office)
    wrong = [r[0] for r in conn.execute(
        "SELECT result FROM audit_log WHERE user = '李网格' AND action = '登录'")]
    conn.close()
    assert sorted(wrong) == sorted(f"密码错误（第{n}次）" for n in range(1, 6))
    assert sum(r["checked"] for r in results) == 5 == stored(office, "李网格")["failures"]
