import sqlite3
from pathlib import Path

import pytest

from db import SCHEMA_VERSION, LedgerVersionError, open_ledger, records
from db.ledger import APP_ID


def test_new_ledger_is_migrated_with_safe_pragmas(tmp_path):
    with open_ledger(tmp_path / "a.db") as led:
        assert led.scalar("PRAGMA user_version") == SCHEMA_VERSION
        assert led.scalar("PRAGMA application_id") == APP_ID
        assert led.scalar("PRAGMA journal_mode") == "wal"
        assert led.scalar("PRAGMA synchronous") == 2  # FULL
        assert led.scalar("PRAGMA foreign_keys") == 1
        assert len(led.office) == 36


def test_reopening_keeps_data_and_office(tmp_path):
    path = tmp_path / "a.db"
    with open_ledger(path) as led:
        office = led.office
        led.set_meta("community", "丽景社区")
    with open_ledger(path) as led:
        assert led.office == office
        assert led.meta("community") == "丽景社区"
        assert led.scalar("PRAGMA user_version") == SCHEMA_VERSION


def test_file_from_newer_app_is_refused(tmp_path):
    path = tmp_path / "a.db"
    open_ledger(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerVersionError, match="更新版本"):
        open_ledger(path)


def test_other_files_are_refused(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(LedgerVersionError, match="不是报到台账"):
        open_ledger(text)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(LedgerVersionError, match="不是报到台账"):
        open_ledger(foreign)
    with pytest.raises(LedgerVersionError, match="找不到"):
        open_ledger(tmp_path / "missing.db", create=False)


def test_every_synced_table_has_sync_columns(ledger):
    for table in records.SYNCED_TABLES:
        columns = {row["name"] for row in ledger.query(f"PRAGMA table_info({table})")}
        assert set(records.SYNC_COLUMNS) <= columns, table


def test_update_bumps_revision_only_on_real_change(ledger):
    node_id = ledger.nodes["3号楼"]
    before = records.get(ledger, "grid_nodes", node_id)
    assert records.update(ledger, "grid_nodes", node_id, {"name": "3号楼"}) is False
    assert records.get(ledger, "grid_nodes", node_id)["rev"] == before["rev"]
    assert records.update(ledger, "grid_nodes", node_id, {"note": "新楼"}) is True
    after = records.get(ledger, "grid_nodes", node_id)
    assert after["rev"] == before["rev"] + 1
    assert after["updated_at"] > before["updated_at"]
    assert after["office"] == ledger.office
    assert after["uuid"] == before["uuid"]


def test_transaction_is_all_or_nothing(ledger):
    count = ledger.scalar("SELECT count(*) FROM grid_nodes")
    with pytest.raises(RuntimeError), ledger.transaction():
        records.insert(ledger, "meetings", {"date": "2026-01-01", "title": "会"})
        raise RuntimeError("power cut")
    assert ledger.scalar("SELECT count(*) FROM meetings") == 0
    assert ledger.scalar("SELECT count(*) FROM grid_nodes") == count


def test_migration_interrupted_leaves_old_version(tmp_path, monkeypatch):
    from db import ledger as ledger_mod

    path = tmp_path / "a.db"
    open_ledger(path).close()
    broken = (SCHEMA_VERSION + 1, "broken",
              "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);")
    monkeypatch.setattr(ledger_mod, "MIGRATIONS", [*ledger_mod.MIGRATIONS, broken])
    monkeypatch.setattr(ledger_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        open_ledger(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    conn.close()


def test_ledgers_on_network_shares_are_refused(tmp_path):
    from db import LedgerError
    from db.ledger import network_share

    mounts = ("/dev/sda1 / ext4 rw 0 0\n"
              "//server/party /mnt/share cifs rw 0 0\n"
              "server:/export /mnt/nfs nfs4 rw 0 0\n")
    assert network_share(Path("/mnt/share/台账.db"), mounts)
    assert network_share(Path("/mnt/nfs/sub/台账.db"), mounts)
    assert not network_share(Path("/home/user/台账.db"), mounts)
    assert not network_share(Path("/mnt/shared/台账.db"), mounts)  # a prefix is not a mount
    assert network_share(Path(r"\\server\share\台账.db"))
    with pytest.raises(LedgerError, match="网络共享"):
        open_ledger(r"\\server\share\台账.db")


def test_upgrade_takes_a_backup_first(tmp_path, monkeypatch):
    from db import backup
    from db import ledger as ledger_mod

    path = tmp_path / "a.db"
    open_ledger(path).close()
    step = (SCHEMA_VERSION + 1, "extra", "CREATE TABLE extra (x);")
    monkeypatch.setattr(ledger_mod, "MIGRATIONS", [*ledger_mod.MIGRATIONS, step])
    monkeypatch.setattr(ledger_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with open_ledger(path, backup_dir=tmp_path / "备份") as led:
        assert led.scalar("PRAGMA user_version") == SCHEMA_VERSION + 1
    saved = backup.list_backups(tmp_path / "备份", path)
    assert [b.reason for b in saved] == [f"升级前第{SCHEMA_VERSION}版"]
    conn = sqlite3.connect(saved[0].path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
