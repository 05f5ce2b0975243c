"""A 网格员 sees and makes 签到表 and 志愿服务记录证明 only inside their grid subtree."""

from __future__ import annotations

import sqlite3

import pytest

from db import access, activities, certificates, members, open_ledger, signin, users
from db.errors import NotFoundError


def test_worker_scope_covers_sheets_and_certificates(ledger, ids, tmp_path):
    led = ledger
    inside = members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"])
    outside_node = led.nodes["2单元"]
    outside = members.add_member(led, name="李强", id_number=ids(), residence_node_id=outside_node)
    acts = {}
    for who, node in ((inside, led.nodes["1单元"]), (outside, outside_node)):
        act = activities.record_activity(led, members=[(who, 2)], date="2026-05-10",
                                         kind="志愿服务", title="清扫", node_id=node,
                                         verified=True, verifier="刘书记")
        acts[who] = act
        signin.create_sheet(led, act, "名单", member_ids=[who])
        certificates.issue(led, who, "2026-01-01", "2026-06-30", "刘书记", "王干事")
    users.add_user(led, "王书记", "shuji-2026")
    users.add_user(led, "李网格", "wangge-2026", role="网格员", node_id=led.nodes["1单元"])
    path = led.path
    led.close()
    access.remember_session(path, None)
    worker = open_ledger(path, create=False)
    try:
        users.login(worker, "李网格", "wangge-2026")
        assert [c["name"] for c in certificates.register(worker)] == ["王芳"]
        assert worker.scalar("SELECT count(*) FROM signin_sheets") == 1
        sheet = signin.create_sheet(worker, acts[inside], "名单", member_ids=[inside])
        assert signin.get_sheet(worker, sheet)["number"].endswith("-0003")  # never reuses one
        with pytest.raises(NotFoundError):  # an activity outside is not even visible
            signin.create_sheet(worker, acts[outside], "名单", member_ids=[inside])
        with pytest.raises(sqlite3.IntegrityError, match="无权限.*签到表"):  # nor by raw SQL
            worker.execute("INSERT INTO main.signin_sheets (activity_id, number, uuid, "
                           "created_at, updated_at, office) VALUES (?, 'x', 'u', 't', 't', 'o')",
                           (acts[outside],))
        with pytest.raises(NotFoundError):  # not even visible to them
            certificates.issue(worker, outside, "2026-01-01", "2026-06-30", "刘书记", "王干事")
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            worker.execute("DELETE FROM main.certificates")
    finally:
        worker.close()
        access.remember_session(path, None)
