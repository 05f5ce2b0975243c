"""An exchange file edited into nonsense: every bad row is refused at import by sheet, row and
column in Chinese, the rest imports, and the ledger stays one that exports, prints and checks."""

from __future__ import annotations

import re

import openpyxl

from db import check, open_ledger
from desktop.sync.apply import apply, preview_file
from desktop.sync.export import export_ledger

ENGLISH = re.compile(r"[A-Za-z]{5,}")


def _edit(path, changes):
    """changes: (sheet, header, row predicate on the row's values by header, new value)."""
    book = openpyxl.load_workbook(path)
    edited = []
    for sheet_name, header, pick, value in changes:
        sheet = book[sheet_name]
        headers = [c.value for c in sheet[1]]
        col = headers.index(header) + 1
        for row in range(2, sheet.max_row + 1):
            values = {h: sheet.cell(row=row, column=i + 1).value for i, h in enumerate(headers)}
            if pick(values):
                cell = sheet.cell(row=row, column=col)
                cell.value = value
                cell.data_type = "s" if isinstance(value, str) else cell.data_type
                edited.append((sheet_name, row, header))
                break
        else:
            raise AssertionError(f"no row to edit in {sheet_name}")
    book.save(path)
    return edited


def test_hostile_cells_are_refused_by_sheet_row_and_column(community_path, tmp_path):
    source = open_ledger(community_path)
    out = tmp_path / "交换.xlsx"
    export_ledger(source, out)
    source.close()
    edited = _edit(out, [
        ("网格", "层级", lambda v: v["层级"] == 5, 999),
        ("网格", "上级网格UUID", lambda v: v["层级"] == 3, None),  # a 小区 without its community
        ("活动参与", "时长（小时）", lambda v: (v["时长（小时）"] or 0) > 0, -5),
        ("积分记录", "分值", lambda v: v["分值"], 10**15),
        ("在职党员", "姓名", lambda v: v["姓名"], "王\u202e芳"),
        ("报到单位", "更新时间", lambda v: v["更新时间"], "9999-99-99 garbage"),
        ("群众需求", "点单日期", lambda v: v["点单日期"], "2026-13-45"),
        ("活动纪实", "日期", lambda v: v["日期"], "昨天"),
        ("报到单位", "备注", lambda v: v["更新时间"] != "9999-99-99 garbage", "长" * 40_000),
    ])
    # a node that is its own parent
    book = openpyxl.load_workbook(out)
    sheet = book["网格"]
    headers = [c.value for c in sheet[1]]
    uuid_at, parent_at, level_at = (headers.index(h) for h in ("UUID", "上级网格UUID", "层级"))
    for row in sheet.iter_rows(min_row=2):
        if row[level_at].value == 4:
            row[parent_at].value = row[uuid_at].value
            edited.append(("网格", row[0].row, "上级网格UUID"))
            break
    book.save(out)

    target = open_ledger(tmp_path / "target.db")
    preview = preview_file(target, out)
    named = {(i.sheet, i.row, i.column) for i in preview.issues}
    for where in edited:
        assert where in named, where
    for issue in preview.issues:
        shown = re.sub(r"“[^”]*”|Excel|WPS|UUID", "", issue.reason)
        assert not ENGLISH.search(shown), issue.reason
    assert any("32767" in i.reason and i.column == "备注" for i in preview.issues)
    result = apply(target, preview, backup=False)
    assert not result.failed
    # what was refused is not in the ledger, and the ledger is sound
    assert target.scalar("SELECT count(*) FROM grid_nodes WHERE level > 5 OR level < 1") == 0
    assert target.scalar("SELECT count(*) FROM grid_nodes WHERE parent_id = id") == 0
    assert target.scalar("SELECT count(*) FROM activity_participants WHERE hours < 0") == 0
    assert target.scalar("SELECT count(*) FROM points_entries WHERE abs(delta) > 1e6") == 0
    assert target.scalar("SELECT count(*) FROM members WHERE name LIKE ?", ("%\u202e%",)) == 0
    assert target.scalar("SELECT count(*) FROM units WHERE updated_at LIKE '9999%'") == 0
    assert target.scalar("SELECT count(*) FROM members") > 0
    assert check.problems(target) == []
    export_ledger(target, tmp_path / "again.xlsx")  # still exports
    target.close()
