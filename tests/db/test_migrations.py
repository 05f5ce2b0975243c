"""A ledger written by every past schema version opens and upgrades, keeping its data."""

import sqlite3

import pytest

from db import SCHEMA_VERSION, check, members, open_ledger
from db.ledger import APP_ID, MIGRATIONS
from tests.conftest import make_id


def ledger_at_version(path, version):
    """A file as an app with only the first `version` migrations would have written it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for number, _name, sql in MIGRATIONS[:version]:
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA application_id = {APP_ID};\n"
                           f"PRAGMA user_version = {number};\nCOMMIT;")
    conn.executescript(
        "BEGIN;"
        "INSERT INTO meta VALUES ('office_id', 'old-office'), ('community', '丽景社区');"
        "INSERT INTO grid_nodes (id, parent_id, level, name, uuid, created_at, updated_at, office)"
        " VALUES (1, NULL, 1, '河东街道', 'g1', 't', 't', 'old-office'),"
        " (2, 1, 2, '丽景社区', 'g2', 't', 't', 'old-office'),"
        " (3, 2, 3, '杨树小区', 'g3', 't', 't', 'old-office'),"
        " (4, 3, 4, '3号楼', 'g4', 't', 't', 'old-office');"
        f"INSERT INTO members (name, id_number, residence_node_id, uuid, created_at, updated_at,"
        f" office, name_initials, name_pinyin) VALUES ('赵玉茹', '{make_id()}', 4, 'm1', 't', 't',"
        f" 'old-office', 'zyr', 'zhaoyuru');"
        "COMMIT;")
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_past_version_upgrades(tmp_path, version):
    path = tmp_path / f"v{version}.db"
    ledger_at_version(path, version)
    with open_ledger(path, backup_dir=tmp_path / "备份") as led:
        assert led.scalar("PRAGMA user_version") == SCHEMA_VERSION
        assert led.office == "old-office"
        assert [m["name"] for m in members.search_members(led, "zyr")] == ["赵玉茹"]
        assert check.problems(led) == []
    assert list((tmp_path / "备份").glob(f"v{version}-*-升级前第{version}版.db"))


def test_upgrading_to_version_vectors_keeps_what_each_row_last_shared(tmp_path):
    """Migration 0006: each row's vector starts from its own (office, rev) and, where the old
    base says so, from the other office's version it was changed from; new ticks start
    above every revision, so a change made after the upgrade supersedes the old versions."""
    path = tmp_path / "v5.db"
    ledger_at_version(path, 5)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "UPDATE members SET rev = 4;"
        "INSERT INTO sync_base VALUES ('members', 'm1', 2, 0, 't', 'other-office');")
    conn.close()
    with open_ledger(path, backup_dir=tmp_path / "备份") as led:
        import json

        assert json.loads(led.scalar("SELECT vv FROM members")) == \
            {"old-office": 4, "other-office": 2}
        assert json.loads(led.scalar("SELECT vv FROM grid_nodes WHERE uuid = 'g1'")) == \
            {"old-office": 1}
        assert led.scalar("SELECT tick FROM sync_clock") >= 4
        members.update_member(led, led.scalar("SELECT id FROM members"), position="书记")
        vector = json.loads(led.scalar("SELECT vv FROM members"))
        assert vector["old-office"] > 4 and vector["other-office"] == 2
