"""签到表 and 志愿服务记录证明 travel in the exchange file: Chinese sheets, the sheet a
participant was entered from, and a register of certificates that a merge keeps whole."""

from __future__ import annotations

import openpyxl

from db import activities, certificates, members, signin
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger
from tests.conftest import make_id
from tests.sync.conftest import snapshot


def _records(led, name, birth):
    from db import grid

    community = led.one("SELECT id FROM grid_nodes WHERE level = 2")["id"]
    node = grid.add_node(led, grid.add_node(led, community, "杨树小区"), "3号楼")
    member = members.add_member(led, name=name, id_number=make_id(birth), residence_node_id=node)
    act = activities.record_activity(led, date="2026-05-10", kind="集中服务日", title="义诊",
                                     node_id=node, start_time="9:00", end_time="11:00",
                                     leader="周强", recorder="李四")
    sheet = signin.create_sheet(led, act, "名单", member_ids=[member])
    signin.enter_sheet(led, sheet, [signin.Entry(member, True)])
    activities.verify(led, act, "刘书记")
    cert = certificates.issue(led, member, "2026-01-01", "2026-06-30", "刘书记", "王干事")
    certificates.printed(led, cert)
    return member, sheet, cert


def test_sheets_and_certificates_round_trip(make_ledger, tmp_path):
    source = make_ledger("a")
    _member, sheet, _cert = _records(source, "王芳", "19800101")
    out = tmp_path / "a.xlsx"
    export_ledger(source, out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert {"签到表", "志愿服务证明"} <= set(book.sheetnames)
    heads = [c.value for c in next(book["活动参与"].iter_rows(max_row=1))]
    assert "签到表" in heads and "签到时间" in heads
    rows = list(book["活动参与"].iter_rows(values_only=True))
    number = signin.get_sheet(source, sheet)["number"]
    assert rows[1][heads.index("签到表")] == number  # the readable sheet number
    cert_heads = [c.value for c in next(book["志愿服务证明"].iter_rows(max_row=1))]
    assert {"证明编号", "负责人", "经办人", "服务时长（小时）"} <= set(cert_heads)
    book.close()
    target = make_ledger("empty", community=None)
    preview = preview_file(target, out)
    assert preview.totals().invalid == 0
    apply(target, preview, backup=False)
    want, got = snapshot(source), snapshot(target)
    for table in ("signin_sheets", "certificates", "activity_participants", "activities"):
        assert got[table] == want[table], table
    service = activities.member_services(target, target.scalar("SELECT id FROM members"))[0]
    assert service["sheet_number"] == number


def test_two_communities_never_share_a_number_and_the_street_keeps_both(make_ledger, tmp_path):
    a, b = make_ledger("a", "丽景社区"), make_ledger("b", "和平社区")
    _records(a, "王芳", "19800101")
    _records(b, "李强", "19810202")
    street = make_ledger("street", community=None)
    for led, name in ((a, "a.xlsx"), (b, "b.xlsx")):
        export_ledger(led, tmp_path / name)
        apply(street, preview_file(street, tmp_path / name), backup=False)
    book = certificates.register(street)
    assert sorted(c["number"] for c in book) == ["丽景社区-2026-0001", "和平社区-2026-0001"]
    assert not any(c["duplicate"] for c in book)
    assert {s["number"] for s in street.query("SELECT number FROM signin_sheets")} == \
        {"丽景社区签到-2026-0001", "和平社区签到-2026-0001"}


def test_a_grid_part_carries_its_sheets_and_certificates(make_ledger, tmp_path):
    """A file of one grid subtree (or a street's file for one community) carries the sign-in
    sheets of the activities there and the certificates of the members there."""
    source = make_ledger("a")
    _member, sheet, cert = _records(source, "王芳", "19800101")
    node = source.scalar("SELECT id FROM grid_nodes WHERE name = '杨树小区'")
    out = tmp_path / "part.xlsx"
    export_ledger(source, out, grid_node=node)
    book = openpyxl.load_workbook(out, read_only=True)
    assert len(list(book["签到表"].iter_rows())) == 2  # heading + the sheet
    assert len(list(book["志愿服务证明"].iter_rows())) == 2
    book.close()
    target = make_ledger("b")
    apply(target, preview_file(target, out), backup=False)
    assert target.scalar("SELECT number FROM certificates") == source.scalar(
        "SELECT number FROM certificates WHERE id = ?", (cert,))
    assert target.scalar("SELECT count(*) FROM signin_sheets") == 1
