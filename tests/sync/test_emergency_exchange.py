"""An 应急响应 travels in the exchange file (issue 16 item 9): the street office receives the
activity in state 应急中 with its numbered 临时党支部 roster, sees the grid as in 应急, and the
end (已结束, when) arrives with the next file."""

from __future__ import annotations

import openpyxl

from db import emergency, grid, members, signin
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger
from tests.conftest import make_id
from tests.sync.conftest import snapshot


def test_response_and_roster_reach_the_street(make_ledger, tmp_path):
    source = make_ledger("a")
    community = source.one("SELECT id FROM grid_nodes WHERE level = 2")["id"]
    node = grid.add_node(source, grid.add_node(source, community, "杨树小区"), "3号楼")
    for i, name in enumerate(("王芳", "李强")):
        members.add_member(source, name=name, id_number=make_id("19800101", seq=i),
                           residence_node_id=node)
    r = emergency.activate(source, node, "2026-07-20", "20:30", "暴雨防汛值守", "周强")
    out = tmp_path / "a.xlsx"
    export_ledger(source, out)
    book = openpyxl.load_workbook(out, read_only=True)
    heads = [c.value for c in next(book["签到表"].iter_rows(max_row=1))]
    (row,) = list(book["签到表"].iter_rows(min_row=2, values_only=True))
    assert row[heads.index("名单来源")] == "临时党支部" and row[heads.index("签到表编号")] == r.number
    heads = [c.value for c in next(book["活动纪实"].iter_rows(max_row=1))]
    assert "应急状态" in heads and "应急结束时间" in heads
    book.close()
    street = make_ledger("street", community=None)
    preview = preview_file(street, out)
    assert preview.totals().invalid == 0
    apply(street, preview, backup=False)
    for table in ("activities", "signin_sheets"):
        assert snapshot(street)[table] == snapshot(source)[table], table
    (there,) = emergency.responses(street)
    assert (there.path, there.state, there.number, there.people) == ("杨树小区3号楼", "应急中",
                                                                    r.number, 2)
    assert [x.name for x in signin.sheet_rows(street, there.sheet_id)] == ["李强", "王芳"]
    emergency.deactivate(source, node, when="2026-07-21 06:00")
    export_ledger(source, tmp_path / "b.xlsx")
    apply(street, preview_file(street, tmp_path / "b.xlsx"), backup=False)
    assert emergency.responses(street) == []
    assert emergency.responses(street, None)[0].ended == "2026-07-21 06:00"
