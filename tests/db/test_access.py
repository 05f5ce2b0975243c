"""Roles hold at the db level: whatever function or raw SQL a 网格员's connection runs, it sees
only their grid subtree with masked ID numbers, and cannot change anything outside it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3

import pytest

from db import (
    access,
    activities,
    audit,
    demo,
    grid,
    members,
    open_ledger,
    orders,
    rankings,
    recalc,
    repair,
    settings,
    stats,
    users,
)
from db.errors import AccessDeniedError, NotFoundError, ValidationError
from db.users import LoginError

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "community.db"
    demo.generate(path, "community")
    return path


@pytest.fixture
def office(demo_file, tmp_path):
    """A copy of the demo ledger with a 书记 and a 网格员 for one 小区; the session is closed."""
    path = tmp_path / "ledger.db"
    shutil.copy(demo_file, path)
    with open_ledger(path, create=False) as ledger:
        compound = ledger.one("SELECT id, name FROM grid_nodes WHERE level = 3 AND deleted = 0 "
                              "ORDER BY id LIMIT 1")
        users.add_user(ledger, "王书记", "shuji-2026")
        users.add_user(ledger, "李网格", "wangge-2026", role="网格员", node_id=compound["id"])
    access.remember_session(path, None)
    yield path, compound["id"]
    access.remember_session(path, None)


def plain_id(demo_file, member_id):
    """A member's full number as entered (the ledger with users keeps it sealed)."""
    conn = sqlite3.connect(demo_file)
    try:
        return conn.execute("SELECT id_number FROM members WHERE id = ?", (member_id,)).fetchone()[0]
    finally:
        conn.close()


def subtree(ledger, node_id):
    return set(grid.subtree_ids(ledger, node_id))


def as_worker(path):
    ledger = open_ledger(path, create=False)
    users.login(ledger, "李网格", "wangge-2026")
    return ledger


def test_a_ledger_with_users_opens_locked(office):
    path, _node = office
    with open_ledger(path, create=False) as ledger:
        assert ledger.actor is access.LOCKED
        assert ledger.scalar("SELECT count(*) FROM members") == 0
        assert ledger.scalar("SELECT count(*) FROM grid_nodes") == 0
        assert ledger.scalar("SELECT count(*) FROM main.members") > 1000  # the data are there
        with pytest.raises(AccessDeniedError, match="请先登录"):
            settings.set_setting(ledger, "order_due_days", 3)
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            ledger.execute("UPDATE main.members SET room = 'x'")


def test_worker_sees_only_their_subtree_with_masked_ids(office):
    path, node = office
    with as_worker(path) as ledger:
        nodes = subtree(ledger, node)
        visible = ledger.query("SELECT residence_node_id, id_number FROM members")
        expected = ledger.scalar(
            f"SELECT count(*) FROM main.members WHERE residence_node_id IN "
            f"({','.join(map(str, nodes))})")
        assert 0 < len(visible) == expected < ledger.scalar("SELECT count(*) FROM main.members")
        assert all(r["residence_node_id"] in nodes for r in visible)
        # the stored form on a ledger with users: the region only (db.vault)
        assert all(re.fullmatch(r"\d{6}\*{12}", r["id_number"]) for r in visible)
        # No table or view a query can reach without naming `main` holds a full ID number.
        full = {r[0] for r in ledger.conn.execute("SELECT id_number FROM main.members")}
        for (table,) in ledger.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"):
            for row in ledger.conn.execute(f"SELECT * FROM [{table}]"):
                found = {m for v in row if isinstance(v, str) for m in FULL_ID.findall(v)}
                assert not found & full, table
        orders_seen = ledger.query("SELECT node_id, assignee_member_id FROM orders")
        member_ids = {r[0] for r in ledger.conn.execute("SELECT id FROM members")}
        assert orders_seen and all(o["node_id"] in nodes or o["assignee_member_id"] in member_ids
                                   for o in orders_seen)
        figures = stats.statistics(ledger, "2026")
        assert figures  # statistics run on the visible part only


def test_worker_edits_inside_and_is_refused_outside(office, ids, demo_file):
    path, node = office
    with as_worker(path) as ledger:
        nodes = subtree(ledger, node)
        mine = ledger.one("SELECT id, name, id_number FROM members LIMIT 1")
        before = ledger.one("SELECT id_sealed FROM main.members WHERE id = ?", (mine["id"],))
        assert members.update_member(ledger, mine["id"], room="9-9-901")
        after = ledger.one("SELECT room, id_sealed FROM main.members WHERE id = ?", (mine["id"],))
        assert after["room"] == "9-9-901"
        assert after["id_sealed"] == before["id_sealed"] != ""  # the sealed number is kept
        outsider = ledger.one(
            f"SELECT id, id_number, residence_node_id FROM main.members WHERE deleted = 0 AND "
            f"status = '在册' AND residence_node_id NOT IN ({','.join(map(str, nodes))}) LIMIT 1")
        with pytest.raises(NotFoundError):
            members.update_member(ledger, outsider["id"], room="x")
        with pytest.raises(NotFoundError):
            members.delete_member(ledger, outsider["id"])
        # Raw SQL on the real table is refused by the connection itself.
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            ledger.execute("UPDATE main.members SET room = 'x' WHERE id = ?", (outsider["id"],))
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            ledger.execute("DELETE FROM main.members WHERE id = ?", (outsider["id"],))
        # Moving one of their members out of the subtree is refused too (they cannot even
        # name a node outside it).
        with pytest.raises(ValidationError, match="所选网格不存在"):
            members.update_member(ledger, mine["id"], residence_node_id=outsider["residence_node_id"])
        # A new member: inside is fine; outside is refused; an ID live elsewhere is refused
        # without naming who holds it.
        home = ledger.scalar(f"SELECT id FROM grid_nodes WHERE level >= 4 AND id IN "
                             f"({','.join(map(str, nodes))}) LIMIT 1")
        added = members.add_member(ledger, name="新党员", id_number=ids(), residence_node_id=home)
        assert ledger.scalar("SELECT count(*) FROM members WHERE id = ?", (added,)) == 1
        with pytest.raises(ValidationError, match="所选网格不存在"):
            members.add_member(ledger, name="外人", id_number=ids(),
                               residence_node_id=outsider["residence_node_id"])
        with pytest.raises(ValidationError, match="不在您负责的网格内") as caught:
            members.add_member(ledger, name="重复", id_number=plain_id(demo_file, outsider["id"]),
                               residence_node_id=home)
        outsider_name = ledger.scalar("SELECT name FROM main.members WHERE id = ?",
                                      (outsider["id"],))
        assert outsider_name not in str(caught.value)


def test_worker_grid_orders_and_activities_stay_in_scope(office):
    path, node = office
    with as_worker(path) as ledger:
        child = grid.add_node(ledger, node, "9号楼")
        assert child in subtree(ledger, node)
        grid.update_node(ledger, child, leader_name="赵楼长")  # the new node is theirs now
        parent = ledger.scalar("SELECT parent_id FROM main.grid_nodes WHERE id = ?", (node,))
        sibling = ledger.scalar("SELECT id FROM main.grid_nodes WHERE parent_id = ? AND id <> ? "
                                "AND deleted = 0", (parent, node))
        with pytest.raises(AccessDeniedError):
            grid.update_node(ledger, parent, leader_name="篡改")
        with pytest.raises(NotFoundError):  # a node outside the subtree cannot even be named
            grid.move_node(ledger, child, sibling)
        with pytest.raises(NotFoundError):
            grid.add_node(ledger, sibling, "别人的楼")
        with pytest.raises(sqlite3.IntegrityError, match="只能修改您负责的网格"):
            ledger.execute("UPDATE main.grid_nodes SET parent_id = ? WHERE id = ?", (sibling, node))
        with pytest.raises(sqlite3.IntegrityError, match="只能在您负责的网格下"):
            ledger.execute("INSERT INTO main.grid_nodes (parent_id, level, name, uuid, created_at, "
                           "updated_at, office) VALUES (?, 4, 'x', 'u', '', '', '')", (sibling,))
        member = ledger.one("SELECT id FROM members WHERE status = '在册' AND deleted = 0 LIMIT 1")
        order = orders.add_order(ledger, title="修水管", node_id=child, requester_name="刘阿姨")
        orders.dispatch(ledger, order, member_id=member["id"])
        orders.accept(ledger, order)
        orders.complete(ledger, order, result="已修好")
        assert orders.get_order(ledger, order)["state"] == "已完成"
        with pytest.raises((AccessDeniedError, ValidationError)):
            orders.add_order(ledger, title="别处的事", node_id=sibling, requester_name="某人")
        done = activities.record_activity(ledger, [(member["id"], 2)], title="楼道清扫",
                                          kind="志愿服务", date="2026-11-01", node_id=child)
        assert ledger.scalar("SELECT count(*) FROM main.activity_participants "
                             "WHERE activity_id = ?", (done,)) == 1
        with pytest.raises((AccessDeniedError, ValidationError)):
            activities.record_activity(ledger, [(member["id"], 2)], title="越界", kind="志愿服务",
                                       date="2026-11-01", node_id=sibling)


def test_only_a_secretary_does_the_secretarys_work(office, tmp_path):
    path, _node = office
    from desktop.sync import apply as sync_apply
    from desktop.sync import export

    with as_worker(path) as ledger:
        for attempt in (
            lambda: settings.set_setting(ledger, "order_due_days", 3),
            lambda: audit.entries(ledger),
            lambda: export.export_ledger(ledger, tmp_path / "out.xlsx"),
            lambda: sync_apply.apply(ledger, None, backup=False),  # type: ignore[arg-type]
            lambda: recalc.apply(ledger, []),
            lambda: rankings.close_period(ledger, "member", "2026-10"),
            lambda: repair.check_and_repair(ledger),
            lambda: users.add_user(ledger, "第三人", "123456", role="网格员", node_id=_node),
            lambda: users.list_users(ledger),
        ):
            with pytest.raises(AccessDeniedError, match="只有书记可以"):
                attempt()
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            ledger.execute("UPDATE main.users SET role = '书记'")
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            ledger.execute("INSERT INTO main.settings VALUES ('grade_scheme', '\"四级\"')")
        assert not (tmp_path / "out.xlsx").exists()


def test_secretary_sees_everything(office):
    path, _node = office
    with open_ledger(path, create=False) as ledger:
        users.login(ledger, "王书记", "shuji-2026")
        assert ledger.scalar("SELECT count(*) FROM members") == \
            ledger.scalar("SELECT count(*) FROM main.members")
        assert FULL_ID.fullmatch(ledger.scalar("SELECT id_number FROM members LIMIT 1"))
        settings.set_setting(ledger, "lock_minutes", 5)
        assert audit.entries(ledger)[0]["user"] == "王书记"


def test_worker_threads_inherit_the_login_and_logout_locks(office):
    path, node = office
    ledger = as_worker(path)
    count = ledger.scalar("SELECT count(*) FROM members")
    with open_ledger(path, create=False) as second:  # as a background job opens its own
        assert second.actor.username == "李网格"
        assert second.scalar("SELECT count(*) FROM members") == count
    users.logout(ledger)
    assert ledger.scalar("SELECT count(*) FROM members") == 0
    with open_ledger(path, create=False) as third:
        assert third.actor is access.LOCKED
    ledger.close()


def test_wrong_passwords_are_counted_and_slowed_down(office, monkeypatch):
    path, _node = office
    clock = [dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr(users, "_now", lambda: clock[0])
    with open_ledger(path, create=False) as ledger:
        for attempt in range(1, 4):
            with pytest.raises(LoginError, match=f"第{attempt}次") as caught:
                users.login(ledger, "李网格", "guess")
        assert caught.value.wait_seconds == 2
        with pytest.raises(LoginError, match="秒后再试"):  # even the right one must wait
            users.login(ledger, "李网格", "wangge-2026")
        clock[0] += dt.timedelta(seconds=3)
        with pytest.raises(LoginError) as caught:
            users.login(ledger, "李网格", "guess")
        assert caught.value.wait_seconds == 4
        clock[0] += dt.timedelta(seconds=5)
        users.login(ledger, "李网格", "wangge-2026")
        assert ledger.scalar("SELECT failures FROM main.users WHERE username = '李网格'") == 0
        users.logout(ledger)
        users.login(ledger, "王书记", "shuji-2026")
        results = [(e["user"], e["result"]) for e in audit.entries(ledger)
                   if e["action"] == "登录"]
        assert ("李网格", "密码错误（第4次）") in results
        with pytest.raises(LoginError, match="用户名不存在"):
            users.verify(ledger, "无此人", "whatever")


def test_user_management_rules(office):
    path, node = office
    with open_ledger(path, create=False) as ledger:
        users.login(ledger, "王书记", "shuji-2026")
        rows = {r["username"]: r for r in users.list_users(ledger)}
        with pytest.raises(ValidationError, match="已经有了"):
            users.add_user(ledger, "李网格", "123456", role="网格员", node_id=node)
        with pytest.raises(ValidationError, match="负责的网格"):
            users.add_user(ledger, "赵网格", "123456", role="网格员")
        with pytest.raises(ValidationError, match="至少6位"):
            users.add_user(ledger, "赵网格", "123", role="网格员", node_id=node)
        with pytest.raises(ValidationError, match="至少要保留一个"):
            users.update_user(ledger, rows["王书记"]["id"], active=False)
        users.update_user(ledger, rows["李网格"]["id"], active=False)
        users.set_password(ledger, rows["李网格"]["id"], "newpass-1")
        users.logout(ledger)
        with pytest.raises(LoginError, match="已停用"):
            users.login(ledger, "李网格", "newpass-1")


def test_first_user_must_be_a_secretary(ledger):
    with pytest.raises(ValidationError, match="第一个用户必须是书记"):
        users.add_user(ledger, "张网格", "123456", role="网格员",
                       node_id=ledger.nodes["杨树小区"])  # type: ignore[attr-defined]
    users.add_user(ledger, "张书记", "123456")
    assert ledger.actor.role == "书记"  # whoever creates the first account is logged in
    access.remember_session(ledger.path, None)


def test_an_encrypted_ledger_with_users_needs_both_and_only_a_secretary_changes_its_password(
        office, tmp_path):
    from db import backup
    from db.crypto import remember

    path, _node = office
    backup.change_password(path, tmp_path / "备份", None, "文件密码2026")
    try:
        with open_ledger(path, create=False, password="文件密码2026") as ledger:
            assert ledger.actor is access.LOCKED  # the file password alone shows nothing
            assert ledger.scalar("SELECT count(*) FROM members") == 0
            users.login(ledger, "李网格", "wangge-2026")
            assert ledger.scalar("SELECT count(*) FROM members") > 0
        with pytest.raises(AccessDeniedError, match="只有书记可以设置台账密码"):
            backup.change_password(path, tmp_path / "备份", "文件密码2026", None)
    finally:
        access.remember_session(path, None)
        remember(path, None)


def test_a_worker_asking_for_full_numbers_still_gets_masked_ones(office, fonts, tmp_path,
                                                                 demo_file):
    from desktop.cards.batch import PrintJob, print_cards
    from tests.cards.conftest import pdf_text

    path, node = office
    with as_worker(path) as ledger:
        mine = ledger.one("SELECT id FROM members WHERE deleted = 0 ORDER BY id LIMIT 1")["id"]
        full = plain_id(demo_file, mine)
        out = tmp_path / "info.pdf"
        print_cards(ledger, PrintJob("info", member_ids=[mine], full_id=True), out, fonts=fonts)
        text = "".join(pdf_text(out)).replace(" ", "").replace("\n", "")
        assert full not in text and full[:6] + "*" * 12 in text  # the region only, as stored
        assert audit_result(ledger) == "非书记用户，证件号仍打码"
        from db import views

        _headers, rows = views.export_rows(ledger, views.MEMBERS, views.Query(), mask=False)
        conn = sqlite3.connect(demo_file)
        full_ids = {r[0] for r in conn.execute("SELECT id_number FROM members")}
        conn.close()
        assert rows and not any(str(v) in full_ids for row in rows for v in row)


def audit_result(ledger) -> str:
    return ledger.scalar("SELECT result FROM main.audit_log ORDER BY id DESC LIMIT 1")
