"""回执 and 公示 travel in the exchange file (Chinese sheets, same sync rules), a grid part's
file carries only its own, and a 网格员 sees and changes only those of their subtree."""

from __future__ import annotations

import sqlite3

import openpyxl
import pytest

from db import access, grid, members, notices, open_ledger, receipts, units, users
from db.errors import NotFoundError
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger
from tests.conftest import make_id
from tests.sync.conftest import snapshot

TABLES = ("receipts", "notices", "notice_objections")


def _papers(led):
    community = led.one("SELECT id FROM grid_nodes WHERE level = 2")["id"]
    yang = grid.add_node(led, community, "杨树小区")
    he = grid.add_node(led, community, "和平小区")
    a, b = grid.add_node(led, yang, "3号楼"), grid.add_node(led, he, "1号楼")
    wang = members.add_member(led, name="王芳", id_number=make_id("19800101"), residence_node_id=a)
    li = members.add_member(led, name="李强", id_number=make_id("19810202"), residence_node_id=b)
    unit = units.add_unit(led, name="市医院党委", paired_node_id=yang, report_date="2026-03-01")
    receipts.report_receipt(led, member_id=wang, today="2026-03-02")
    receipts.report_receipt(led, unit_id=unit, today="2026-03-02")
    receipts.report_receipt(led, member_id=li, today="2026-03-02")
    receipts.track_feedback(led, "2026H1", [wang, li], today="2026-07-05")
    first = receipts.listing(led)[0]["id"]
    receipts.mark_returned(led, first, "2026-03-09", returned_by="王芳")
    n1 = notices.create(led, yang, "2026Q2", "2026-07-01", contact="周强")
    notices.add_objection(led, n1, "服务时长少记", "王芳", member_id=wang, date="2026-07-02")
    n2 = notices.create(led, he, "2026Q2", "2026-07-01")
    notices.add_objection(led, n2, "积分有误", "李强", member_id=li, date="2026-07-02")
    return {"yang": yang, "he": he, "wang": wang, "li": li, "unit": unit, "n1": n1, "n2": n2}


def test_receipts_and_notices_round_trip(make_ledger, tmp_path):
    source = make_ledger("a")
    _papers(source)
    out = tmp_path / "a.xlsx"
    export_ledger(source, out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert {"回执登记", "公示", "公示异议"} <= set(book.sheetnames)
    heads = [c.value for c in next(book["回执登记"].iter_rows(max_row=1))]
    assert {"回执编号", "回执类型", "收回日期", "社区接收意见"} <= set(heads)
    heads = [c.value for c in next(book["公示"].iter_rows(max_row=1))]
    assert {"公示编号", "公示开始日期", "公示结束日期", "异议联系人"} <= set(heads)
    book.close()
    target = make_ledger("empty", community=None)
    preview = preview_file(target, out)
    assert preview.totals().invalid == 0
    apply(target, preview, backup=False)
    want, got = snapshot(source), snapshot(target)
    for table in TABLES:
        assert got[table] == want[table], table
    assert [r["number"] for r in receipts.listing(target, outstanding=True)] == [
        r["number"] for r in receipts.listing(source, outstanding=True)]
    # the same file again changes nothing
    again = preview_file(target, out)
    assert again.changes == 0
    # a change at the receiver travels back as an update (revision), not a new row
    receipts.mark_returned(target, target.scalar(
        "SELECT id FROM receipts WHERE returned_date = '' ORDER BY id LIMIT 1"), "2026-07-10")
    back = tmp_path / "b.xlsx"
    export_ledger(target, back)
    preview = preview_file(source, back)
    assert preview.totals().invalid == 0 and not preview.conflicts
    apply(source, preview, backup=False)
    assert len(receipts.listing(source, outstanding=True)) == len(
        receipts.listing(target, outstanding=True))


def test_a_grid_part_and_a_worker_see_only_their_own(make_ledger, tmp_path):
    source = make_ledger("a")
    p = _papers(source)
    out = tmp_path / "part.xlsx"
    export_ledger(source, out, grid_node=p["yang"])
    target = make_ledger("b")
    apply(target, preview_file(target, out), backup=False)
    assert {r["subject"] for r in receipts.listing(target)} == {"王芳", "市医院党委"}
    assert [n["node_name"] for n in notices.listing(target)] == ["杨树小区"]
    assert target.scalar("SELECT count(*) FROM notice_objections") == 1
    # a 网格员 of 杨树小区 on the full ledger
    users.add_user(source, "王书记", "shuji-2026")
    users.add_user(source, "李网格", "wangge-2026", role="网格员", node_id=p["yang"])
    path = source.path
    source.close()
    access.remember_session(path, None)
    worker = open_ledger(path, create=False)
    try:
        users.login(worker, "李网格", "wangge-2026")
        assert {r["subject"] for r in receipts.listing(worker)} == {"王芳", "市医院党委"}
        assert [n["number"] for n in notices.listing(worker)] == [
            worker.scalar("SELECT number FROM main.notices WHERE id = ?", (p["n1"],))]
        with pytest.raises(NotFoundError):  # 李强 lives outside: not even visible
            receipts.report_receipt(worker, member_id=p["li"])
        with pytest.raises(NotFoundError):  # nor another 小区
            notices.create(worker, p["he"], "2026Q3", "2026-10-09")
        with pytest.raises(sqlite3.IntegrityError, match="无权限.*公示"):  # nor by raw SQL
            worker.execute("INSERT INTO main.notices (number, node_id, year, quarter, start_date, "
                           "end_date, uuid, created_at, updated_at, office) VALUES ('x', ?, 2026, "
                           "3, 'a', 'b', 'u', 't', 't', 'o')", (p["he"],))
        notices.create(worker, p["yang"], "2026Q3", "2026-10-09")  # their own 小区
        with pytest.raises(sqlite3.IntegrityError, match="无权限"):
            worker.execute("DELETE FROM main.receipts")
        receipts.mark_returned(worker, receipts.listing(worker, outstanding=True)[0]["id"],
                               "2026-07-10")
    finally:
        worker.close()
        access.remember_session(path, None)
