"""Each user has their own key slot (db.keys); full ID numbers are sealed to the 书记 key, and a
role edited in the file is refused. Tried the way a 网格员 who holds the ledger file and their
own password would: with SQLCipher and sqlite3 directly, outside the app."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from db import (
    access,
    audit,
    backup,
    crypto,
    grid,
    keys,
    members,
    open_ledger,
    opening,
    settings,
    users,
)
from db.users import LoginError
from tests.conftest import make_id

FULL_ID = re.compile(r"(?<![0-9a-f])\d{17}[\dX](?![0-9a-f])")  # not inside a hash
SECRETARY_PW, WORKER_PW = "shuji-2026", "wangge-2026"


@pytest.fixture
def office(tmp_path):
    """An encrypted ledger with a 书记, a 网格员 for 杨树小区 and 12 members (6 in each 小区)."""
    path = tmp_path / "ledger.db"
    numbers = {}
    with open_ledger(path) as ledger:
        community = settings.initialise(ledger, "河东街道", "丽景社区")
        mine = grid.add_node(ledger, community, "杨树小区")
        other = grid.add_node(ledger, community, "柳树小区")
        homes = {mine: grid.add_node(ledger, grid.add_node(ledger, mine, "1号楼"), "1单元"),
                 other: grid.add_node(ledger, grid.add_node(ledger, other, "2号楼"), "1单元")}
        for index in range(12):
            number = make_id(f"19{60 + index}0{1 + index % 9}1{index % 10}", seq=100 + index)
            home = homes[mine if index % 2 else other]
            member = members.add_member(ledger, name=f"党员{index}", id_number=number,
                                        residence_node_id=home, mobile=f"1380013{index:04d}")
            numbers[member] = number
        users.add_user(ledger, "王书记", SECRETARY_PW)
        users.add_user(ledger, "李网格", WORKER_PW, role="网格员", node_id=mine)
        key = keys.held(path).sqlcipher_key
    access.remember_session(path, None)
    backup.change_password(path, tmp_path / "备份", None, key)
    crypto.remember(path, None)
    yield path, numbers, homes[mine]
    opening.forget(path)  # as a freshly started process


def login(path, name, password):
    return users.open_as(path, lambda: (name, password))  # the app's and the CLI's open


def test_there_is_no_shared_password_each_user_opens_the_file_with_their_own(office):
    path, numbers, _home = office
    assert crypto.looks_encrypted(path)
    for password in (SECRETARY_PW, WORKER_PW):
        with pytest.raises(crypto.WrongPasswordError):
            crypto.connect(path, password)  # no user's password is the file's key
    for name, password in (("王书记", SECRETARY_PW), ("李网格", WORKER_PW)):
        with login(path, name, password) as ledger:
            assert ledger.actor.username == name
        opening.forget(path)  # as a freshly started process
    with pytest.raises(LoginError, match="密码不正确（第1次）"):
        keys.unlock(path, "李网格", "guess-guess")
    assert keys.usernames(path) == ["王书记", "李网格"]


def test_a_worker_holding_the_file_and_their_password_finds_masked_numbers_only(office):
    """What a 网格员 can still learn: everything the file key opens (names, phones, the whole
    grid, all members), but no full ID number and no birth date beyond the year."""
    path, numbers, _home = office
    held, _derived, role = keys.unlock(path, "李网格", WORKER_PW)
    assert role == "网格员" and not held.secretary
    conn = crypto.connect(path, held.sqlcipher_key)  # SQLCipher directly, outside the app
    rows = conn.execute("SELECT id, id_number, birth_date, id_sealed FROM members").fetchall()
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = "\n".join(str(row) for table in tables
                     for row in conn.execute(f"SELECT * FROM [{table}]"))
    conn.close()
    assert len(rows) == 12
    assert not FULL_ID.search(dump)
    assert not any(number in dump for number in numbers.values())
    for member_id, shown, born, sealed in rows:
        full = numbers[member_id]
        assert shown == full[:6] + "*" * 12  # the region only
        assert born == full[6:10] + "年"
        with pytest.raises(keys.KeyringError):
            held.open(sealed)  # the sealed number needs the 书记 key
    with pytest.raises(keys.KeyringError):
        held.audit_key  # noqa: B018


def test_the_secretary_reads_full_numbers_and_a_worker_enters_one_sealed(office):
    path, numbers, home = office
    number = make_id("19900512", seq=555)
    with login(path, "李网格", WORKER_PW) as ledger:
        added = members.add_member(ledger, name="新来的", id_number=number, residence_node_id=home)
        stored = ledger.one("SELECT id_number, id_sealed FROM main.members WHERE id = ?", (added,))
        assert stored["id_number"] == number[:6] + "*" * 12
        assert stored["id_sealed"].startswith("s1:")  # sealed to the 书记's public key
        # a duplicate is refused, inside their grid and outside it, without naming who has it
        taken = next(n for m, n in numbers.items()
                     if ledger.scalar("SELECT count(*) FROM members WHERE id = ?", (m,)) == 0)
        for duplicate in (number, taken):
            with pytest.raises(Exception, match="身份证号"):
                members.add_member(ledger, name="重复", id_number=duplicate,
                                   residence_node_id=home)
    access.remember_session(path, None)
    with login(path, "王书记", SECRETARY_PW) as ledger:
        assert ledger.scalar("SELECT id_number FROM members WHERE id = ?", (added,)) == number
        assert ledger.scalar("SELECT birth_date FROM members WHERE id = ?", (added,)) == \
            "1990-05-12"
        for member_id, full in numbers.items():
            assert members.find_by_id_number(ledger, full)["id"] == member_id
        with pytest.raises(Exception, match="身份证号"):
            members.add_member(ledger, name="重复", id_number=number, residence_node_id=home)


def test_a_role_edited_in_the_file_is_refused(office):
    path, _numbers, _home = office
    held, _derived, _role = keys.unlock(path, "李网格", WORKER_PW)
    conn = crypto.connect(path, held.sqlcipher_key)
    conn.execute("UPDATE users SET role = '书记', node_id = NULL WHERE username = '李网格'")
    conn.commit()
    conn.close()
    crypto.remember(path, held.sqlcipher_key)
    with open_ledger(path, create=False) as ledger:
        with pytest.raises(LoginError, match="角色在台账文件中被改动过"):
            users.login(ledger, "李网格", WORKER_PW)
        assert ledger.actor is access.LOCKED
        assert "角色与钥匙不符" in ledger.scalar(  # the refusal is in the log
            "SELECT result FROM main.audit_log ORDER BY id DESC LIMIT 1")
        users.login(ledger, "王书记", SECRETARY_PW)  # the 书记 finds it too
        assert ledger.tampered_users == ["李网格"]
        from db import check

        assert any("李网格" in problem for problem in check.problems(ledger))


def test_a_grid_edited_in_the_file_shows_at_the_secretary_login(office):
    path, _numbers, home = office
    held, _derived, _role = keys.unlock(path, "李网格", WORKER_PW)
    conn = crypto.connect(path, held.sqlcipher_key)
    conn.execute("UPDATE users SET node_id = 1 WHERE username = '李网格'")  # the whole community
    conn.commit()
    conn.close()
    with login(path, "王书记", SECRETARY_PW) as ledger:
        assert ledger.tampered_users == ["李网格"]


def test_removing_a_user_revokes_their_slot_and_a_new_role_needs_a_new_password(office):
    path, _numbers, _home = office
    with login(path, "王书记", SECRETARY_PW) as ledger:
        worker = ledger.scalar("SELECT id FROM users WHERE username = '李网格'")
        users.update_user(ledger, worker, active=False)
        assert keys.slot(path, "李网格") is None
        with pytest.raises(Exception, match="新密码"):
            users.update_user(ledger, worker, active=True)
        users.update_user(ledger, worker, active=True, role="书记", password="new-shuji-2026")
    access.remember_session(path, None)
    with pytest.raises(LoginError):
        keys.unlock(path, "李网格", WORKER_PW)
    with login(path, "李网格", "new-shuji-2026") as ledger:  # now a 书记, with the 书记 key
        assert keys.held(path).secretary
        assert FULL_ID.fullmatch(ledger.scalar("SELECT id_number FROM members LIMIT 1"))


def test_a_backup_restores_with_the_passwords_valid_when_it_was_taken(office, tmp_path):
    path, _numbers, _home = office
    folder = tmp_path / "备份"
    with login(path, "王书记", SECRETARY_PW) as ledger:
        taken = backup.create(ledger, folder, "手动")
        assert keys.keyring_path(taken).is_file()
        worker = ledger.scalar("SELECT id FROM users WHERE username = '李网格'")
        users.set_password(ledger, worker, "changed-2026")
        backup.restore(ledger, taken, folder)
    opening.forget(path)  # as a freshly started process
    with pytest.raises(LoginError):
        keys.unlock(path, "李网格", "changed-2026")
    with login(path, "李网格", WORKER_PW) as ledger:  # the password of that day
        assert ledger.actor.username == "李网格"


def test_the_recovery_key_gives_a_new_secretary_password(office, tmp_path):
    path, numbers, _home = office
    with login(path, "王书记", SECRETARY_PW):
        recovery = keys.recovery_text(keys.held(path))
    opening.forget(path)  # as a freshly started process
    assert len(recovery.split("-")) == 13
    with pytest.raises(keys.KeyringError, match="不是这个台账的"):
        users.recover(path, "AAAA-" * 12 + "AAAA", "王书记", "forgot-2026")
    # the keyring lost too (only the ledger file was copied): the recovery key is enough
    keys.keyring_path(path).unlink()
    users.recover(path, recovery.lower().replace("-", " "), "王书记", "forgot-2026")
    with login(path, "王书记", "forgot-2026") as ledger:
        member, full = next(iter(numbers.items()))
        assert ledger.scalar("SELECT id_number FROM members WHERE id = ?", (member,)) == full
        assert "用恢复密钥重设密码" in [e["action"] for e in audit.entries(ledger)]


def test_a_ledger_without_users_keeps_plain_numbers(tmp_path):
    path = tmp_path / "plain.db"
    number = make_id("19751203", seq=321)
    with open_ledger(path) as ledger:
        community = settings.initialise(ledger, "河东街道", "丽景社区")
        home = grid.add_node(ledger, grid.add_node(ledger, grid.add_node(
            ledger, community, "杨树小区"), "1号楼"), "1单元")
        members.add_member(ledger, name="张三", id_number=number, residence_node_id=home)
    assert not keys.exists(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT id_number, id_sealed FROM members").fetchone() == (number, "")
    # other programs may still write a plain ledger
    conn.execute("UPDATE members SET id_number = id_number")
    conn.commit()
    conn.close()


def test_a_copy_without_its_keyring_says_what_to_do(office, tmp_path):
    path, _numbers, _home = office
    copy = tmp_path / "拷贝.db"
    shutil.copy(path, copy)
    with pytest.raises(keys.KeyringError, match="钥匙文件"):
        keys.unlock(copy, "王书记", SECRETARY_PW)
