"""Every row an exchange file brings is checked as its form would check it (desktop.sync.rowcheck):
what a secretary could not type in a form is refused, by column, with a Chinese reason; what the
forms and the demo generator write passes."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest

from db import (
    certificates,
    demo,
    evaluations,
    notices,
    open_ledger,
    points,
    receipts,
    redeem,
    signin,
)
from db.records import TABLE_LABELS
from desktop.sync.rowcheck import check_row, grid_problems, text_reason

NOW = dt.datetime.now(dt.UTC)  # the forms below stamp rows with the real clock
CJK = re.compile(r"[\u4e00-\u9fff]")


def parsed_rows(ledger, table: str) -> list[dict[str, Any]]:
    """The table's rows as desktop.sync.parse hands them over: references as uuids, no local id."""
    refs = {r[3]: r[2] for r in ledger.conn.execute(f"PRAGMA foreign_key_list({table})")}
    uuids = {target: dict(ledger.conn.execute(f"SELECT id, uuid FROM {target}").fetchall())
             for target in set(refs.values())}
    out = []
    for row in ledger.query(f"SELECT * FROM {table} ORDER BY id"):
        row.pop("id")
        for column, target in refs.items():
            if row[column] is not None:
                row[column] = uuids[target][row[column]]
        out.append(row)
    return out


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """The community demo ledger, plus the records the demo leaves empty, made by their forms."""
    path = tmp_path_factory.mktemp("rowcheck") / "community.db"
    ledger = demo.generate(path, "community")
    member, unit = 1, 1
    evaluations.set_evaluation(ledger, "2026H1", "好", member_id=member, comment="积极参加服务",
                               evaluator="王书记", date="2026-07-05")
    evaluations.set_evaluation(ledger, "2026H1", "一般", unit_id=unit, date="2026-07-06")
    item = redeem.add_item(ledger, name="洗衣液", price=20, stock=10, note="爱心超市")
    redeem.add_item(ledger, name="理发券", price=5)
    points.adjust(ledger, "协助社区防汛", 30, member_id=member, date="2026-08-01")
    redeem.redeem(ledger, member, item, date="2026-08-02")
    # a 签到表 entered and a 志愿服务记录证明 (issue 16), as their screens make them
    served = ledger.one("SELECT p.member_id, a.id, a.date FROM activity_participants p "
                        "JOIN activities a ON a.id = p.activity_id JOIN members m ON m.id = "
                        "p.member_id WHERE a.verified = 1 AND m.status = '在册' ORDER BY a.id LIMIT 1")
    sheet = signin.create_sheet(ledger, served["id"], "名单", member_ids=[served["member_id"]])
    signin.enter_sheet(ledger, sheet, [signin.Entry(served["member_id"], True, "9:00", "11:00")])
    certificates.issue(ledger, served["member_id"], served["date"], served["date"], "王书记",
                       "李干事", phone="0318-2345678", issued_date="2026-11-01")
    # 回执 of a 报到登记表 (returned) and of 反馈卡, and a 公示 with an objection (issue 16)
    receipt = receipts.report_receipt(ledger, member_id=served["member_id"], today="2026-03-02")
    receipts.mark_returned(ledger, receipt, "2026-03-09", returned_by="本人")
    receipts.track_feedback(ledger, "2026H1", [served["member_id"]], [unit])
    home = ledger.scalar("SELECT residence_node_id FROM members WHERE id = ?", (served["member_id"],))
    notice = notices.create(ledger, home, "2026Q2", "2026-07-01", contact="王书记 0318-2345678")
    notices.add_objection(ledger, notice, "服务时长有误", "本人", member_id=served["member_id"],
                          date="2026-07-02")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def levels(community) -> dict[str, int]:
    return dict(community.conn.execute("SELECT uuid, level FROM grid_nodes").fetchall())


@pytest.fixture(scope="module")
def valid(community) -> dict[str, dict[str, Any]]:
    """One sound row of every synced table."""
    return {table: parsed_rows(community, table)[0] for table in TABLE_LABELS}


def test_every_row_of_a_demo_ledger_and_of_the_forms_passes(community, levels):
    checked = {}
    refused = []
    for table in TABLE_LABELS:
        rows = parsed_rows(community, table)
        checked[table] = len(rows)
        for row in rows:
            found = check_row(table, row, levels, now=NOW)
            if found:
                refused.append((table, row.get("name") or row.get("title") or row["uuid"], found))
    assert refused[:5] == []
    assert all(checked.values()), checked  # every table had rows to check
    assert checked["members"] >= 1500


def test_a_sound_row_is_checked_quickly(community, levels):
    rows = parsed_rows(community, "activity_participants")
    start = time.perf_counter()
    for row in rows:
        check_row("activity_participants", row, levels)
    per_row = (time.perf_counter() - start) / len(rows)
    assert per_row < 0.001  # a city file has ~420,000 rows


HOSTILE = [
    # (table, column, value, a word the reason must contain)
    ("grid_nodes", "level", 999, "1到5"),
    ("grid_nodes", "level", -1, "1到5"),
    ("grid_nodes", "level", 0, "1到5"),
    ("activity_participants", "hours", -1.0, "不能小于0"),
    ("activity_participants", "hours", 25.0, "不能大于24"),
    ("activity_participants", "hours", 1e15, "不能大于24"),
    ("points_entries", "delta", 1e15, "不能大于"),
    ("points_entries", "delta", -1e15, "不能小于"),
    ("points_entries", "delta", 0.0, "不能为0"),
    ("members", "join_date", "昨天", "不是可识别的日期"),
    ("members", "join_date", "2026-13-45", "不是有效日期"),
    ("members", "report_date", "2024.5.1", "2024-05-01"),
    ("activities", "date", "昨天", "不是可识别的日期"),
    ("orders", "requested_date", "2026-02-30", "不是有效日期"),
    ("post_claims", "claimed_date", 45000, "应写成"),
    ("members", "updated_at", "9999-99-99 garbage", "不是有效的时间"),
    ("members", "updated_at", "2026-13-01T08:00:00Z", "不是有效的时间"),
    ("units", "updated_at", "2099-01-01T00:00:00Z", "晚了一天以上"),
    ("units", "updated_at", "", "不能为空"),
    ("orders", "created_at", "昨天", "不是有效的时间"),
    ("posts", "rev", 0, "正整数"),
    ("posts", "rev", -1, "正整数"),
    ("posts", "rev", 10**9, "10亿"),
    ("meetings", "uuid", "NOT-A-UUID", "UUID"),
    ("members", "name", "张\x00三", "U+0000"),
    ("members", "name", "张\x1b[31m三", "U+001B"),
    ("members", "name", "\u202e三张", "U+202E"),
    ("units", "name", "党\x08委", "U+0008"),
    ("grid_nodes", "name", "1号楼\x07", "U+0007"),
    ("activities", "title", "服务\u2066日", "U+2066"),
    ("points_entries", "reason", "奖励\x85", "U+0085"),
    ("orders", "content", "长" * 40000, "32767"),
    ("members", "mobile", "12345", "手机"),
    ("members", "id_number", "131102198001011230", "校验位"),
    ("members", "birth_date", "1999-09-09", "与身份证号不符"),
    ("members", "status", "失联", "在册"),
    ("units", "contact_phone", "电话坏了", "电话"),
    ("units", "member_count", -5, "负数"),
    ("units", "agreement_end", "2000-01-01", "早于协议起始日期"),
    ("posts", "capacity", -1, "不能小于0"),
    ("reward_items", "price", 0.0, "不能小于"),
    ("reward_items", "price", -3.0, "不能小于"),
    ("reward_items", "stock", -1, "不能小于0"),
    ("evaluations", "grade", "超级好", "之一"),
    ("evaluations", "period", "2026Q1", "半年"),
    ("evaluations", "period", "2026h1", "2026H1"),
    ("orders", "due_date", "2000-01-01", "早于点单日期"),
    ("orders", "state", "飞走了", "待派单"),
    ("post_claims", "released_date", "2000-01-01", "早于认领日期"),
    ("points_entries", "source_kind", "gift", "之一"),
    ("meetings", "title", "   ", "不能为空"),
    ("members", "deleted", 2, "是"),
    ("activities", "verified", 5, "是"),
    ("grid_nodes", "sort_order", 10**12, "不合理"),
]


@pytest.mark.parametrize(("table", "column", "value", "word"), HOSTILE,
                         ids=[f"{t}.{c}={str(v)[:12]!r}" for t, c, v, _w in HOSTILE])
def test_a_hostile_value_is_refused_at_its_own_column(valid, levels, table, column, value, word):
    row = {**valid[table], column: value}
    found = check_row(table, row, levels, now=NOW)
    assert [c for c, _r in found] == [column], found
    reason = found[0][1]
    assert word in reason
    assert CJK.search(reason) and "constraint" not in reason.lower()


def test_the_control_character_reason_reads_as_the_secretary_needs_it():
    assert text_reason("王\x08芳") == "含有不可见的控制字符（U+0008），Excel无法保存"
    assert text_reason("第一行\n第二行\t备注\r\n") is None
    assert text_reason("赵\u202e钱") == "含有改变文字方向的不可见字符（U+202E），会让内容显示错乱"


def test_a_gender_or_birth_date_against_the_id_number_is_refused(valid):
    member = valid["members"]
    other = "男" if member["gender"] == "女" else "女"
    found = check_row("members", {**member, "gender": other}, now=NOW)
    assert found == [("gender", f"与身份证号不符（身份证号显示为{member['gender']}）")]


def test_a_member_cannot_live_in_the_street_root_or_a_community(valid, levels, community):
    street = community.scalar("SELECT uuid FROM grid_nodes WHERE level = 1")
    compound = community.scalar("SELECT uuid FROM grid_nodes WHERE level = 3 LIMIT 1")
    building = community.scalar("SELECT uuid FROM grid_nodes WHERE level = 4 LIMIT 1")
    member = valid["members"]
    for node, refused in ((street, True), (compound, True), (building, False)):
        found = check_row("members", {**member, "residence_node_id": node}, levels, now=NOW)
        assert (found != []) is refused
        if refused:
            assert found[0][0] == "residence_node_id" and "楼院或单元" in found[0][1]
    # A unit's 包联小区 must be a 小区.
    found = check_row("units", {**valid["units"], "paired_node_id": building}, levels, now=NOW)
    assert found == [("paired_node_id", "应选择一个小区，所选网格是楼院")]


def test_a_grid_node_that_is_its_own_parent_is_refused(valid):
    node = valid["grid_nodes"]
    found = check_row("grid_nodes", {**node, "parent_id": node["uuid"]}, now=NOW)
    assert found == [("parent_id", "上级网格不能是它自己")]


def test_a_verified_activity_needs_its_verifier(valid):
    row = {**valid["activities"], "verified": 1, "verifier": ""}
    assert check_row("activities", row, now=NOW) == [("verifier", "已审核的活动须填写审核人")]


def test_participation_and_points_name_exactly_one_member_or_unit(valid):
    row = valid["activity_participants"]
    both = {**row, "member_id": row["member_id"] or row["unit_id"],
            "unit_id": row["unit_id"] or row["member_id"]}
    assert [c for c, _r in check_row("activity_participants", both, now=NOW)] == ["member_id"]
    neither = {**valid["points_entries"], "member_id": None, "unit_id": None}
    assert [c for c, _r in check_row("points_entries", neither, now=NOW)] == ["member_id"]


def test_every_problem_of_a_row_is_listed_not_only_the_first(valid):
    row = {**valid["members"], "name": "李\x00四", "mobile": "110", "household_phone": "abc",
           "join_date": "昨天", "report_date": "2026-02-30", "status": "失联",
           "birth_date": "1899-01-01", "updated_at": "9999-99-99 garbage", "rev": 0}
    found = check_row("members", row, now=NOW)
    assert {c for c, _r in found} == {"name", "mobile", "household_phone", "join_date",
                                      "report_date", "status", "birth_date", "updated_at", "rev"}
    assert len(found) == len(set(found))
    # Listed in the row's column order (the birth date has two problems: year and ID number).
    columns = [c for c, _r in found]
    assert columns == sorted(columns, key=list(row).index)
    assert len([c for c in columns if c == "birth_date"]) == 2


def test_every_problem_of_an_order_is_listed(valid):
    row = {**valid["orders"], "title": "", "requested_date": "明天", "due_date": "2026.1.1",
           "requester_phone": "12", "kind": "随便"}
    found = dict(check_row("orders", row, now=NOW))
    assert set(found) == {"title", "requested_date", "due_date", "requester_phone", "kind"}
    assert "2026-01-01" in found["due_date"]


def test_a_column_the_file_does_not_carry_is_not_checked(valid):
    row = {k: v for k, v in valid["members"].items() if k not in ("name", "id_number")}
    assert check_row("members", row, now=NOW) == []


def test_future_timestamps_are_judged_by_the_clock():
    now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    stamp = "2026-11-21T11:00:00Z"  # 23 hours ahead: a clock a little fast
    assert check_row("meetings", {"updated_at": stamp}, now=now) == []
    later = "2026-11-21T13:00:00.000000Z"
    assert [c for c, _r in check_row("meetings", {"updated_at": later}, now=now)] == ["updated_at"]
    assert check_row("meetings", {"updated_at": later}) == []  # by the real clock: long past


# -- the grid as a whole -----------------------------------------------------------------------

def tree() -> dict[str, tuple[str | None, int]]:
    return {"street": (None, 1), "community": ("street", 2), "compound": ("community", 3),
            "b1": ("compound", 4), "b2": ("compound", 4), "c1": ("b1", 5), "c2": ("b1", 5)}


def test_a_sound_grid_has_no_problems(community):
    assert grid_problems(tree()) == {}
    ids = dict(community.conn.execute("SELECT id, uuid FROM grid_nodes").fetchall())
    nodes = {uuid: (ids.get(parent), level) for uuid, parent, level in community.conn.execute(
        "SELECT uuid, parent_id, level FROM grid_nodes")}
    assert len(nodes) > 100 and grid_problems(nodes) == {}


def test_a_node_that_is_its_own_parent_is_a_cycle():
    nodes = tree() | {"compound": ("compound", 3)}
    found = grid_problems(nodes)
    assert found["compound"] == "上级网格不能是它自己"
    # Everything below it can no longer reach the street either; the rest is untouched.
    assert set(found) == {"compound", "b1", "b2", "c1", "c2"}


def test_a_compound_whose_parent_is_its_own_building_is_a_cycle():
    found = grid_problems(tree() | {"compound": ("b1", 3)})
    assert "2个网格互为上级" in found["compound"] and "2个网格互为上级" in found["b1"]
    assert "street" not in found and "community" not in found


def test_a_three_node_cycle_is_found():
    found = grid_problems(tree() | {"compound": ("c1", 3)})
    for node in ("compound", "b1", "c1"):
        assert "3个网格互为上级" in found[node]
    assert "上级网格绕成了循环" in found["b2"] and "上级网格绕成了循环" in found["c2"]


def test_levels_must_follow_the_parent():
    found = grid_problems(tree() | {"b2": ("compound", 3), "orphan": (None, 3),
                                    "c3": ("c1", 5)})
    assert "应为第4级（楼院），实际为第3级（小区）" in found["b2"]
    assert "没有上级网格的只能是街道党工委" in found["orphan"]
    assert "单元是网格的最末一级" in found["c3"]
    assert set(found) == {"b2", "orphan", "c3"}
    found = grid_problems({"root": (None, 1), "top": ("root", 1), "deep": ("root", 9)})
    assert "本网格应为第2级（社区党组织），实际为第1级（街道党工委）" in found["top"]
    assert "1到5" in found["deep"]


def test_a_long_cycle_ends_in_linear_time():
    size = 200_000
    nodes: dict[str, tuple[str | None, int]] = {
        f"n{i}": (f"n{(i + 1) % size}", 5) for i in range(size)}
    nodes |= {f"t{i}": (f"n{i}", 5) for i in range(0, size, 2)}  # trees hanging off the ring
    start = time.perf_counter()
    found = grid_problems(nodes)
    assert len(found) == size + size // 2
    assert f"{size}个网格互为上级" in found["n0"]
    assert time.perf_counter() - start < 5


def test_a_parent_not_in_the_map_ends_the_walk():
    assert grid_problems({"a": ("somewhere", 3), "b": ("a", 4)}) == {}


def test_exchange_rows_of_an_empty_ledger_pass(tmp_path):
    """A brand-new ledger's root nodes (made by settings.initialise) pass too."""
    from db import settings

    with open_ledger(tmp_path / "new.db") as ledger:
        settings.initialise(ledger, "河东街道", "丽景社区")
        rows = parsed_rows(ledger, "grid_nodes")
        assert len(rows) == 2
        assert all(check_row("grid_nodes", row) == [] for row in rows)
        assert grid_problems({r["uuid"]: (r["parent_id"], r["level"]) for r in rows}) == {}


# -- SQLite's refusals in Chinese --------------------------------------------------------------

def test_every_constraint_sqlite_enforces_is_told_in_chinese(community):
    from db.crypto import integrity_errors
    from desktop.sync.integrity import integrity_reason

    sync = "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 'o', 0"
    cols = "uuid, created_at, updated_at, rev, office, deleted"
    claim = community.conn.execute("SELECT post_id, member_id FROM post_claims "
                                   "WHERE released_date = '' AND deleted = 0").fetchone()
    live_id = community.scalar("SELECT id_number FROM members WHERE status = '在册' AND deleted = 0")
    taken = community.scalar("SELECT uuid FROM units")
    cases = [
        (f"INSERT INTO grid_nodes (level, name, {cols}) VALUES (9, 'x', 'a1', {sync})", (),
         "level"),
        (f"INSERT INTO activity_participants (activity_id, hours, {cols}) "
         f"VALUES (1, 1, 'a2', {sync})", (), "member_id"),
        (f"INSERT INTO points_entries (date, delta, reason, source_kind, {cols}) "
         f"VALUES ('2026-01-01', 1, 'r', 'manual', 'a3', {sync})", (), "member_id"),
        (f"INSERT INTO reward_items (name, price, {cols}) VALUES ('x', 0, 'a4', {sync})", (),
         "price"),
        (f"INSERT INTO unit_items (unit_id, kind, title, {cols}) VALUES (1, 'x', 't', 'a5', {sync})",
         (), "kind"),
        (f"INSERT INTO units (name, {cols}) VALUES (NULL, 'a6', {sync})", (), "name"),
        (f"INSERT INTO units (name, {cols}) VALUES ('n', ?, {sync})", (taken,), "uuid"),
        (f"INSERT INTO post_claims (post_id, member_id, claimed_date, {cols}) "
         f"VALUES (?, ?, '2026-01-01', 'a7', {sync})", tuple(claim), "member_id"),
        (f"INSERT INTO members (name, id_number, {cols}) VALUES ('a', ?, 'a8', {sync})",
         (live_id,), "id_number"),
        (f"INSERT INTO unit_items (unit_id, kind, title, {cols}) "
         f"VALUES (999999, '资源', 't', 'a9', {sync})", (), ""),
    ]
    for sql, params, column in cases:
        with pytest.raises(integrity_errors()) as caught, community.transaction():
            community.execute(sql, params)
        found, reason = integrity_reason(caught.value)
        assert found == column, (caught.value, found, reason)
        assert CJK.search(reason) and not re.search(r"[A-Za-z]{3,}", reason.replace("UUID", ""))
    assert integrity_reason(Exception("无权修改：不在您负责的网格内")) == (
        "", "无权修改：不在您负责的网格内")
    assert integrity_reason(Exception("database is locked"))[1] == "与台账中已有的数据冲突，未能导入"
