import sqlite3
from pathlib import Path

import pytest

from db import backup, members, open_ledger
from db.crypto import PasswordRequiredError, WrongPasswordError, remember


def test_password_encrypts_ledger_and_backups(ledger, ids, tmp_path):
    number = ids()
    members.add_member(ledger, name="赵玉茹", id_number=number, mobile="13912345678")
    folder = tmp_path / "备份"
    backup.create(ledger, folder, "手动")
    path = ledger.path
    ledger.close()

    assert backup.change_password(path, folder, None, "党建'2026") == []
    remember(path, None)  # a fresh start of the app: no password in memory
    files = [path, *(b.path for b in backup.list_backups(folder, path))]
    for file in files:
        raw = Path(file).read_bytes()
        assert "赵玉茹".encode() not in raw and number.encode() not in raw
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(file).execute("SELECT * FROM members").fetchall()

    with pytest.raises(PasswordRequiredError, match="已设置密码"):
        open_ledger(path)
    with pytest.raises(WrongPasswordError, match="密码不正确"):
        open_ledger(path, password="错的")
    remember(path, None)
    with open_ledger(path, password="党建'2026") as led:
        assert members.search_members(led, "zyr")[0]["id_number"] == number
        made = backup.create(led, folder, "加密后")  # new backups are encrypted too
        assert "赵玉茹".encode() not in made.read_bytes()
        assert backup.counts(made, "党建'2026")["在册党员"] == 1
        members.add_member(led, name="王䶮", id_number=ids())
        backup.restore(led, made, folder)  # restoring an encrypted backup works
        assert [m["name"] for m in members.list_members(led)] == ["赵玉茹"]

    backup.change_password(path, folder, "党建'2026", None)
    remember(path, None)
    with open_ledger(path) as led:  # plain again
        assert led.scalar("SELECT count(*) FROM members") == 1
    assert Path(path).read_bytes()[:15] == b"SQLite format 3"
