"""培训, 表彰奖励 and 一联一帮走访 travel in the exchange file like every synced record: Chinese
sheets and headers, removals as tombstones, edits on both sides as a conflict shown side by
side, and a grid part's file carrying only its members' records."""

from __future__ import annotations

import openpyxl

from db import grid, members, training, visits
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger
from desktop.sync.scope import grid_selection
from tests.conftest import make_id
from tests.sync.conftest import snapshot

TABLES = ("trainings", "awards", "household_visits")


def _import(ledger, path, **kwargs):
    preview = preview_file(ledger, path)
    return preview, apply(ledger, preview, backup=False, **kwargs)


def _member(led, name, birth, building="3号楼"):
    community = led.one("SELECT id FROM grid_nodes WHERE level = 2")["id"]
    compound = grid.find_node(led, "杨树小区") or {"id": grid.add_node(led, community, "杨树小区")}
    node = grid.find_node(led, f"杨树小区/{building}")
    node_id = node["id"] if node else grid.add_node(led, compound["id"], building)
    return members.add_member(led, name=name, id_number=make_id(birth), residence_node_id=node_id,
                              household_name="刘奶奶", household_reason="老年",
                              household_address="3号楼101", household_phone="13912345678",
                              report_date="2026-01-10")


def _records(led, member):
    t = training.add_training(led, member, "2026-03-05", "党员志愿服务骨干培训", "桃城区委组织部", 8)
    a = training.add_award(led, member, "2025-07-01", "优秀共产党员", "中共桃城区委", "区级")
    v = visits.record_visit(led, member, "2026-11-03", "上门", "送去米面油")
    return t, a, v


def test_records_round_trip_with_chinese_headers_and_tombstones(make_ledger, tmp_path):
    source = make_ledger("a")
    member = _member(source, "王芳", "19800101")
    t, a, v = _records(source, member)
    gone = training.add_training(source, member, "2026-01-10", "作废的培训")
    training.delete_training(source, gone)
    out = tmp_path / "a.xlsx"
    export_ledger(source, out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert {"培训", "表彰奖励", "一联一帮走访"} <= set(book.sheetnames)
    heads = {name: [c.value for c in next(book[name].iter_rows(max_row=1))]
             for name in ("培训", "表彰奖励", "一联一帮走访")}
    assert {"培训日期", "培训名称", "主办单位", "学时", "UUID", "版本", "已删除"} <= set(heads["培训"])
    assert {"表彰日期", "荣誉名称", "授予单位", "表彰级别"} <= set(heads["表彰奖励"])
    assert {"走访日期", "走访方式", "联系户姓名", "走访情况", "党员"} <= set(heads["一联一帮走访"])
    rows = list(book["培训"].iter_rows(values_only=True))
    assert len(rows) == 3  # the header, the training, and the removed one as a tombstone
    book.close()
    target = make_ledger("empty", community=None)
    preview = preview_file(target, out)
    assert preview.totals().invalid == 0
    apply(target, preview, backup=False)
    want, got = snapshot(source), snapshot(target)
    for table in TABLES:
        assert got[table] == want[table], table
    copy = target.scalar("SELECT id FROM members")
    assert [r["title"] for r in training.member_trainings(target, copy)] == ["党员志愿服务骨干培训"]
    assert visits.not_visited(target, "2026-11") == []  # the visit came along
    assert [r["name"] for r in visits.not_visited(target, "2026-10")] == ["王芳"]
    # importing the same file again changes nothing
    again, result = _import(target, out)
    assert (again.totals().new, again.totals().updated, again.totals().conflict) == (0, 0, 0)
    assert snapshot(target) == got


def test_an_edit_on_both_sides_is_a_conflict_and_a_removal_travels(make_ledger, tmp_path):
    a, b = make_ledger("a"), make_ledger("b", community=None)
    member = _member(a, "王芳", "19800101")
    t, _award, v = _records(a, member)
    export_ledger(a, tmp_path / "a1.xlsx")
    _import(b, tmp_path / "a1.xlsx")
    b_training = b.scalar("SELECT id FROM trainings")
    training.update_training(a, t, hours=6)
    training.update_training(b, b_training, hours=10)
    visits.delete_visit(b, b.scalar("SELECT id FROM household_visits"))
    export_ledger(b, tmp_path / "b1.xlsx")
    preview, result = _import(a, tmp_path / "b1.xlsx")
    assert len(preview.conflicts) == 1
    conflict = preview.conflicts[0]
    column = conflict.headers.index("学时")
    assert {str(conflict.mine[column]), str(conflict.theirs[column])} <= {"6", "6.0", "10", "10.0"}
    assert training.get_training(a, t)["hours"] == 6  # nothing changed silently
    # the removal came through: the household counts as not visited again
    assert [r["name"] for r in visits.not_visited(a, "2026-11")] == ["王芳"]
    _preview, _result = _import(a, tmp_path / "b1.xlsx", choices={conflict.uuid: "theirs"})
    assert training.get_training(a, t)["hours"] == 10


def test_a_grid_part_carries_only_its_members_records(make_ledger, tmp_path):
    led = make_ledger("a")
    inside = _member(led, "王芳", "19800101", "3号楼")
    outside = _member(led, "李强", "19810202", "5号楼")
    _records(led, inside)
    _records(led, outside)
    building = grid.find_node(led, "杨树小区/3号楼")["id"]
    sel = grid_selection(led, building)
    for table in TABLES:
        owners = {led.scalar(f"SELECT member_id FROM {table} WHERE id = ?", (i,)) for i in sel[table]}
        assert owners == {inside}, table
    out = tmp_path / "part.xlsx"
    export_ledger(led, out, grid_node=building)
    target = make_ledger("grid", community=None)
    apply(target, preview_file(target, out), backup=False)
    assert {r["name"] for r in target.query("SELECT name FROM members")} == {"王芳"}
    for table in TABLES:
        assert target.scalar(f"SELECT count(*) FROM {table}") == 1, table


def test_an_incoming_row_is_checked_as_the_form_would(make_ledger):
    from desktop.sync.rowcheck import check_row

    led = make_ledger("a")
    member = _member(led, "王芳", "19800101")
    t, a, v = _records(led, member)
    rows = {table: led.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
            for table, row_id in (("trainings", t), ("awards", a), ("household_visits", v))}
    for table, row in rows.items():
        row.pop("id")
        row.pop("seq")
        row.pop("via")
        row["member_id"] = led.scalar("SELECT uuid FROM members")
        assert check_row(table, row, {}) == [], table
    assert check_row("awards", {**rows["awards"], "level": "乡级"}, {})[0][0] == "level"
    found = dict(check_row("trainings", {**rows["trainings"], "hours": "八", "date": "2026-02-30",
                                         "title": ""}, {}))
    assert {"hours", "date", "title"} <= set(found)  # every bad field named, not only the first
    assert "上门、电话、微信、其他" in dict(check_row(
        "household_visits", {**rows["household_visits"], "way": "短信"}, {}))["way"]
