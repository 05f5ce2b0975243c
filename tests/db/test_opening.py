"""What this process holds for a ledger it opened (db.opening): a second connection (a worker's)
opens with the same password and login without asking; forget() drops them as a fresh process
would; users.open_as is the one open of a ledger for its user (the app's and the CLI's)."""

from __future__ import annotations

import threading

import pytest

from db import access, backup, crypto, grid, keys, members, open_ledger, opening, settings, users
from db.errors import LoginError
from tests.conftest import make_id

SECRETARY_PW, WORKER_PW = "shuji-2026", "wangge-2026"


@pytest.fixture
def office(tmp_path):
    """A ledger encrypted with its users' keys: a 书记, and a 网格员 for 杨树小区; one member
    in a building of each compound. Nobody logged in, nothing held."""
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        community = settings.initialise(ledger, "河东街道", "丽景社区")
        mine = grid.add_node(ledger, community, "杨树小区")
        other = grid.add_node(ledger, community, "柳林小区")
        for compound, name, seq in ((mine, "张伟", 11), (other, "李娜", 12)):
            building = grid.add_node(ledger, compound, "1号楼")
            members.add_member(ledger, name=name, id_number=make_id(seq=seq),
                               residence_node_id=building)
        users.add_user(ledger, "王书记", SECRETARY_PW)
        users.add_user(ledger, "李网格", WORKER_PW, role="网格员", node_id=mine)
        key = keys.held(path).sqlcipher_key
    access.remember_session(path, None)
    backup.change_password(path, tmp_path / "备份", None, key)
    opening.forget(path)
    yield path
    opening.forget_all()


def in_thread(fn):
    """fn's result (or error) from another thread, as a worker would get it."""
    got: list = []

    def run():
        try:
            got.append(fn())
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            got.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return got[0]


def names_seen(path):
    with opening.reopen(path) as ledger:
        return access.actor_of(ledger).label, [r["name"] for r in ledger.query(
            "SELECT name FROM members ORDER BY name")]


def test_a_workers_connection_opens_with_the_same_keys_and_login(office):
    with users.open_as(office, lambda: ("李网格", WORKER_PW)) as ledger:
        assert ledger.actor.label == "李网格（网格员）"
        # another thread's connection: no password asked, the same 网格员 scope
        assert in_thread(lambda: names_seen(office)) == ("李网格（网格员）", ["张伟"])


def test_forget_leaves_the_file_as_a_fresh_process_finds_it(office):
    with users.open_as(office, lambda: ("王书记", SECRETARY_PW)):
        pass
    assert crypto.password_for(office) is not None and access.session_for(office) is not None
    opening.forget(office)
    assert crypto.password_for(office) is None and access.session_for(office) is None
    assert keys.held(office) is None
    with pytest.raises(crypto.PasswordRequiredError):
        open_ledger(office, create=False)


def test_forget_all_drops_every_ledger(office, tmp_path):
    plain = tmp_path / "plain.db"
    with open_ledger(plain) as ledger:
        settings.initialise(ledger, "河东街道", "柳林社区")
    crypto.remember(plain, "mima-1234")
    with users.open_as(office, lambda: ("王书记", SECRETARY_PW)):
        pass
    opening.forget_all()
    assert crypto.password_for(plain) is None and crypto.password_for(office) is None
    assert access.session_for(office) is None and keys.held(office) is None


def test_open_as_asks_for_credentials_only_when_needed_and_holds_nothing_on_failure(office,
                                                                                     tmp_path):
    plain = tmp_path / "plain.db"
    with open_ledger(plain) as ledger:
        settings.initialise(ledger, "河东街道", "柳林社区")
    asked = []
    with users.open_as(plain, lambda: asked.append(1) or ("", "")) as ledger:
        assert access.actor_of(ledger) is None  # no users: nobody to log in, nothing asked
    assert asked == []
    with pytest.raises(LoginError, match="密码不正确"):
        users.open_as(office, lambda: ("王书记", "guess-guess"))
    assert crypto.password_for(office) is None and access.session_for(office) is None


def test_re_keying_waits_for_a_workers_connection_and_new_ones_wait_for_it(tmp_path):
    """A re-keying renames new files over those a worker's connection has mapped: reading such
    a mapping afterwards killed the app (SIGBUS). The two now exclude each other."""
    import time

    path = tmp_path / "社区.db"
    led = open_ledger(path)
    members.add_member(led, name="王䶮", id_number=make_id(seq=7))
    led.close()
    order: list[str] = []
    opened, release = threading.Event(), threading.Event()

    def worker() -> None:
        with opening.reopen(path) as own:
            opened.set()
            release.wait(5)
            order.append(f"worker read {own.scalar('SELECT count(*) FROM members')}")

    def rekey() -> None:
        backup.change_password(str(path), tmp_path / "备份", None, "党建2026秘密")
        order.append("re-keyed")

    first = threading.Thread(target=worker)
    first.start()
    assert opened.wait(5)
    second = threading.Thread(target=rekey)
    second.start()
    time.sleep(0.3)
    assert order == [] and second.is_alive()  # the re-keying waits for the open connection
    release.set()
    first.join(5)
    second.join(10)
    assert order == ["worker read 1", "re-keyed"]
    assert crypto.looks_encrypted(path)
    with opening.reopen(path) as again:  # after it, workers open the re-keyed file
        assert again.scalar("SELECT count(*) FROM members") == 1
    opening.forget(path)
