"""The first roster into a new ledger (issue 14, scenario 1): the 小区/楼院/单元 it names are
created with it when the user asks, every reason of a refused row is listed, a mapping chosen
to get past refusals is not remembered, and the template's 网格 sheet builds the grid."""

from __future__ import annotations

import openpyxl
import pytest

from db import grid, members, open_ledger, settings
from desktop.sync import roster


@pytest.fixture
def new_ledger(tmp_path):
    """A ledger as on the first day: street and community, no grid below them."""
    led = open_ledger(tmp_path / "new.db")
    settings.initialise(led, "河东街道", "丽景社区")
    yield led
    led.close()


def _book(path, header, rows, grid_rows=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if grid_rows is not None:
        other = book.create_sheet("网格")
        for row in grid_rows:
            other.append(row)
    book.save(path)
    return path


HEADER = ["姓名", "身份证号", "居住小区", "楼栋", "单元", "报到日期"]


def _paths(ledger):
    return sorted("/".join(grid.path_names(ledger, n["id"])[2:]) for n in grid.list_nodes(ledger)
                  if n["level"] >= 3)


def test_missing_grid_is_offered_listed_and_created_with_the_import(new_ledger, ids, tmp_path):
    path = _book(tmp_path / "r.xlsx", HEADER, [
        ["张伟", ids(), "杨树小区", 3, 1, "2026-03-01"],
        ["李娜", ids(), "杨树小区", "3号楼", "2单元", "2026-03-01"],
        ["王强", ids(), "丽景小区", "1号楼", None, "2026-03-01"],
        ["赵敏", ids(), "和平小区", 2, 1, "不是日期"],   # refused anyway: its 小区 is not created
    ])
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    refused = roster.preview(new_ledger, parsed, mapping)
    assert refused.new == 0 and refused.missing_nodes == 4
    assert "本台账的网格中没有小区“杨树小区”，可勾选“新建花名册中缺少的网格”一并建立" in \
        [i.reason for i in refused.issues]
    offered = roster.preview(new_ledger, parsed, mapping, create_missing=True)
    assert (offered.new, offered.rejected_rows, offered.missing_nodes) == (3, 1, 4)
    assert offered.new_nodes == [("小区", "杨树小区", 2), ("楼院", "杨树小区/3号楼", 2),
                                 ("单元", "杨树小区/3号楼/1单元", 1),
                                 ("单元", "杨树小区/3号楼/2单元", 1),
                                 ("小区", "丽景小区", 1), ("楼院", "丽景小区/1号楼", 1)]
    assert _paths(new_ledger) == []  # a preview creates nothing
    done = roster.apply(new_ledger, parsed, mapping, backup=False, create_missing=True)
    assert done.new == 3
    assert _paths(new_ledger) == ["丽景小区", "丽景小区/1号楼", "杨树小区", "杨树小区/3号楼",
                                  "杨树小区/3号楼/1单元", "杨树小区/3号楼/2单元"]
    where = {m["name"]: grid.path_text(new_ledger, m["residence_node_id"], 2)
             for m in members.list_members(new_ledger)}
    assert where == {"张伟": "杨树小区3号楼1单元", "李娜": "杨树小区3号楼2单元", "王强": "丽景小区1号楼"}
    # the same file again: nothing new, no second 杨树小区
    again = roster.preview(new_ledger, roster.read_roster(path), mapping, create_missing=True)
    assert (again.new, again.new_nodes) == (0, [])


def test_a_cancelled_import_creates_no_grid_either(new_ledger, ids, tmp_path):
    from desktop.sync.apply import ImportCancelled

    path = _book(tmp_path / "r.xlsx", HEADER, [[f"党员{i}", ids(), "杨树小区", 1, 1, ""]
                                               for i in range(60)])
    parsed = roster.read_roster(path)
    calls = iter(range(100))
    with pytest.raises(ImportCancelled):
        roster.apply(new_ledger, parsed, roster.guess_mapping(parsed.headers), backup=False,
                     create_missing=True, cancelled=lambda: next(calls) >= 1)
    assert _paths(new_ledger) == [] and members.count_members(new_ledger) == 0


def test_unmapping_residence_to_get_past_refusals_is_not_remembered(new_ledger, ids, tmp_path):
    path = _book(tmp_path / "r.xlsx", HEADER, [["张伟", ids(), "杨树小区", 3, 1, ""]])
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    assert roster.preview(new_ledger, parsed, mapping).new == 0
    for header in ("居住小区", "楼栋", "单元"):
        mapping[header] = None  # what the user did to get the row in
    assert roster.apply(new_ledger, parsed, mapping, backup=False).new == 1
    again = roster.guess_mapping(parsed.headers, roster.remembered(new_ledger))
    assert (again["居住小区"], again["楼栋"], again["单元"]) == ("compound", "building", "unit_no")
    # a mapping remembered that way by an older version is not used either
    settings.set_setting(new_ledger, roster.SETTING_KEY, {"居住小区": None, "名": "name"})
    old = roster.guess_mapping(["居住小区", "名"], roster.remembered(new_ledger))
    assert old == {"居住小区": "compound", "名": "name"}


def test_every_reason_of_a_refused_row_is_listed(ledger, ids, tmp_path):
    path = _book(tmp_path / "r.xlsx", [*HEADER, "手机号码"], [
        [None, ids(), "不存在小区", 1, 1, "2026年13月1日", "12345"],
        ["李娜", "123", "杨树小区", 3, 1, "2026-03-01", ""],
    ])
    parsed = roster.read_roster(path)
    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
    reasons = sorted((i.row, i.column, i.reason) for i in result.issues)
    assert [(r, c) for r, c, _ in reasons] == [
        (2, "姓名"), (2, "居住小区"), (2, "手机号码"), (2, "报到日期"), (3, "身份证号")]
    assert result.rejected_rows == 2
    assert "不能为空" in reasons[0][2] and "不是有效日期" in reasons[3][2]


def test_template_grid_sheet_builds_the_grid_in_the_same_import(new_ledger, ids, tmp_path):
    template = roster.write_template(tmp_path / "模板.xlsx")
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[:2] == ["在职党员花名册", "网格"]
    sheet = book["网格"]
    assert [c.value for c in sheet[1]] == ["级别", "名称", "上级", "负责人", "电话"]
    assert sheet.cell(row=2, column=5).number_format == "@"
    for number, row in enumerate((["小区", "杨树小区", "", "周强", "13800138000"],
                                  ["楼院", "3号楼", "杨树小区", "李四", ""],
                                  ["单元", "1单元", "", "张三", "13800138001"],
                                  ["单元", "2单元", "3号楼", "", "1380013"]),  # a bad phone
                                 start=2):
        for col, value in enumerate(row, start=1):
            sheet.cell(row=number, column=col, value=value or None)
    members_sheet = book["在职党员花名册"]
    headers = [c.value for c in members_sheet[1]]
    person = dict.fromkeys(headers, None)
    person.update({"姓名": "张伟", "身份证号": ids(), "居住小区": "杨树小区", "楼栋": "3号楼",
                   "单元": "1单元"})
    for col, header in enumerate(headers, start=1):
        members_sheet.cell(row=2, column=col, value=person[header])
    book.save(template)
    parsed = roster.read_roster(template)
    assert (parsed.sheet, parsed.grid_sheet) == ("在职党员花名册", "网格")
    mapping = roster.guess_mapping(parsed.headers)
    result = roster.preview(new_ledger, parsed, mapping)
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("网格", 5, "电话")]
    assert (result.new, result.plan.count("新建")) == (1, 3)
    assert _paths(new_ledger) == []
    roster.apply(new_ledger, parsed, mapping, backup=False)
    unit = grid.find_node(new_ledger, "杨树小区/3号楼/1单元")
    assert unit["leader_phone"] == "13800138001"
    assert members.list_members(new_ledger)[0]["residence_node_id"] == unit["id"]
