"""Seven ways to rewrite the audit log with sqlite3, each of them found.

The attacker holds the ledger file (here without file encryption: with it, a 网格员 has the file
key too) and can drop and recreate the append-only triggers and recompute every plain hash.
What they do not have is the audit key, which only a 书记's slot opens (db.keys): the keyed
seals and the sealed head no longer fit, and `check` names the first entry that breaks. The
seventh, a rollback of the whole log to an older copy of itself, is consistent inside the file;
the street office's witness from an earlier exchange file contradicts it."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from db import access, audit, check, grid, keys, open_ledger, settings, users
from db.audit import _digest

SECRETARY_PW, WORKER_PW = "shuji-2026", "wangge-2026"
TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_seals_no_update",
            "audit_seals_no_delete")


@pytest.fixture
def office(tmp_path):
    """A ledger whose log has 30 sealed entries by a 书记 and a 网格员, the 网格员's sealed
    at the 书记's next login; nobody logged in."""
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        community = settings.initialise(ledger, "河东街道", "丽景社区")
        node = grid.add_node(ledger, community, "杨树小区")
        users.add_user(ledger, "王书记", SECRETARY_PW)
        users.add_user(ledger, "李网格", WORKER_PW, role="网格员", node_id=node)
        for number in range(10):
            audit.record(ledger, "导出", f"第{number}个文件")
        users.logout(ledger)
        users.login(ledger, "李网格", WORKER_PW)
        for number in range(5):
            audit.record(ledger, "打印", f"网格员的第{number}张卡")
        users.logout(ledger)
        users.login(ledger, "王书记", SECRETARY_PW)  # seals the 网格员's entries
        while ledger.scalar("SELECT count(*) FROM audit_log") < 30:
            audit.record(ledger, "导入", "文件")
        assert ledger.scalar("SELECT count(*) FROM audit_seals") == 30
        assert check.problems(ledger) == []
        users.logout(ledger)
    access.remember_session(path, None)
    yield path
    access.remember_session(path, None)


def findings(path) -> list[str]:
    """What a 书记 sees: the login works, and check reports."""
    with open_ledger(path, create=False) as ledger:
        users.login(ledger, "王书记", SECRETARY_PW)
        found = check.problems(ledger)
        users.logout(ledger)
    access.remember_session(path, None)
    return found


class Attacker:
    """sqlite3 on the file: drops the guards, edits, recomputes the plain chain, restores the
    guards so that nothing looks touched."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.saved = dict(self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({','.join('?' * len(TRIGGERS))})", TRIGGERS))
        for name in TRIGGERS:
            self.conn.execute(f"DROP TRIGGER {name}")

    def rechain(self) -> None:
        prev = "0" * 64
        rows = self.conn.execute("SELECT id, at, user, action, target, result FROM audit_log "
                                 "ORDER BY id").fetchall()
        for entry_id, at, user, action, target, result in rows:
            digest = _digest(prev, at, user, action, target, result)
            self.conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                              (prev, digest, entry_id))
            prev = digest
        self.conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (prev,))

    def done(self, restore_triggers: bool = True) -> None:
        if restore_triggers:
            for sql in self.saved.values():
                self.conn.execute(sql)
        self.conn.commit()
        self.conn.close()


def test_1_an_edited_entry_with_the_chain_recomputed(office):
    attacker = Attacker(office)
    attacker.conn.execute("UPDATE audit_log SET target = '没有导出过' WHERE id = 12")
    attacker.rechain()
    attacker.done()
    found = findings(office)
    assert found[0] == "审计日志第12条被改动过（密封不符），从这一条起的记录不可信"


def test_2_a_deleted_entry_with_the_rest_renumbered(office):
    attacker = Attacker(office)
    attacker.conn.execute("DELETE FROM audit_log WHERE id = 8")
    attacker.conn.execute("UPDATE audit_log SET id = id - 1 WHERE id > 8")
    attacker.conn.execute("DELETE FROM audit_seals WHERE entry_id = 30")  # keep the counts
    attacker.rechain()
    attacker.done()
    assert findings(office)[0] == "审计日志第8条被改动过（密封不符），从这一条起的记录不可信"


def test_3_a_cut_off_tail_with_the_heads_fixed(office):
    attacker = Attacker(office)
    attacker.conn.execute("DELETE FROM audit_log WHERE id > 25")
    attacker.conn.execute("DELETE FROM audit_seals WHERE entry_id > 25")
    seal = attacker.conn.execute("SELECT seal FROM audit_seals WHERE entry_id = 25").fetchone()[0]
    old = attacker.conn.execute("SELECT value FROM meta WHERE key = 'audit_seal_head'").fetchone()
    attacker.conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_seal_head'",
                          (f"25:{seal}:{old[0].rsplit(':', 1)[1]}",))
    attacker.rechain()
    attacker.done()
    assert findings(office)[0] == "审计日志末尾被截掉或链头被改过（链头的密封不符）"


def test_4_dropped_triggers(office):
    Attacker(office).done(restore_triggers=False)
    assert findings(office)[0].startswith("审计日志的保护触发器被删除了")


def test_5_a_forged_entry_slipped_in(office):
    attacker = Attacker(office)
    attacker.conn.execute("UPDATE audit_log SET id = id + 100 WHERE id > 5")
    attacker.conn.execute("UPDATE audit_log SET id = id - 99 WHERE id > 100")
    attacker.conn.execute("INSERT INTO audit_log (id, at, user, action, target, result, "
                          "prev_hash, hash) VALUES (6, '2026-11-01T08:00:00.000000Z', '王书记', "
                          "'删除', '所有评价', '成功', '', '')")
    attacker.rechain()
    attacker.done()
    assert findings(office)[0] == "审计日志第6条被改动过（密封不符），从这一条起的记录不可信"


def test_6_a_cut_tail_is_not_sealed_over_by_the_next_login(office):
    """Before, check's own login entry re-sealed a cut tail and check passed."""
    attacker = Attacker(office)
    attacker.conn.execute("DELETE FROM audit_log WHERE id > 20")
    attacker.conn.execute("DELETE FROM audit_seals WHERE entry_id > 20")
    attacker.conn.execute("DELETE FROM meta WHERE key = 'audit_seal_head'")
    attacker.rechain()
    attacker.done()
    for _ in range(2):  # two logins: neither seals over the break
        found = findings(office)
        assert found[0] == "审计日志末尾被截掉或链头被改过（链头的密封不符）"
    conn = sqlite3.connect(office)
    assert conn.execute("SELECT max(entry_id) FROM audit_seals").fetchone()[0] == 20
    conn.close()


def test_7_a_rollback_to_an_older_copy_is_contradicted_by_the_street_witness(office, tmp_path):
    """The community's log rolled back to a copy taken earlier (seals and heads included) is
    consistent inside the file; the street kept the head of the community's last file."""
    older = tmp_path / "older.db"
    shutil.copy(office, older)
    shutil.copy(keys.keyring_path(office), keys.keyring_path(older))
    with open_ledger(office, create=False) as ledger:
        users.login(ledger, "王书记", SECRETARY_PW)
        for number in range(120):
            audit.record(ledger, "导出", f"后来的第{number}个文件")
        sent = audit.parse_witness(audit.witness_text(ledger))  # what the next file carries
        users.logout(ledger)
    access.remember_session(office, None)
    street = tmp_path / "street.db"
    with open_ledger(street) as ledger:
        settings.initialise(ledger, "河东街道", None)
        assert audit.keep_witness(ledger, "community-uuid", "丽景社区", "丽景社区", sent) == []
    # the community's log is rolled back: every table of the audit, from the older copy
    attacker = Attacker(office)
    attacker.conn.execute("ATTACH DATABASE ? AS old", (str(older),))
    attacker.conn.execute("DELETE FROM audit_log")
    attacker.conn.execute("DELETE FROM audit_seals")
    attacker.conn.execute("INSERT INTO audit_log SELECT * FROM old.audit_log")
    attacker.conn.execute("INSERT INTO audit_seals SELECT * FROM old.audit_seals")
    attacker.conn.execute("UPDATE meta SET value = (SELECT value FROM old.meta o WHERE "
                          "o.key = meta.key) WHERE key IN ('audit_head', 'audit_seal_head')")
    attacker.conn.commit()
    attacker.conn.execute("DETACH DATABASE old")
    attacker.done()
    with open_ledger(office, create=False) as ledger:
        users.login(ledger, "王书记", SECRETARY_PW)
        assert check.problems(ledger) == []  # inside the file it all fits
        later = audit.parse_witness(audit.witness_text(ledger))
        users.logout(ledger)
    access.remember_session(office, None)
    with open_ledger(street, create=False) as ledger:
        found = audit.keep_witness(ledger, "community-uuid", "丽景社区", "丽景社区", later)
        assert found and ("被截短了" in found[0] or "被改写过" in found[0])
        assert "丽景社区" in found[0]
        assert check.problems(ledger) == found  # and the street's check keeps saying so
