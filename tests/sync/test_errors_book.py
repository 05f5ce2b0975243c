"""The error workbook a sender gets back (issue 14, scenario 1): their own columns, every
reason, dates as dates, text as text, and a sheet that prints."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl

from desktop.sync import roster
from desktop.sync.errors_book import write_errors


def _roster(tmp_path, ids):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["填报单位：河东街道"])
    sheet.append(["序号", "党员姓名", "公民身份号码", "手机号码", "报到时间", "入党时间", "备注"])
    good, bad = ids("19800101"), ids("19850202")
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    sheet.append([1, "张伟", good, "13800138001", dt.datetime(2026, 3, 5), 46087, "正常"])
    sheet.append([2, None, bad, "12345", "2026年13月1日", 46087, "=SUM(A1:A2)"])
    sheet["G4"].data_type = "s"  # typed as text in the sender's file, not a formula
    sheet.append([3, "王强", good, "13800138003", 46087, "2010.7.1", "+86"])  # ID twice
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    return path, good, bad


def test_sender_gets_their_columns_back_with_every_reason(ledger, ids, tmp_path):
    path, good, bad = _roster(tmp_path, ids)
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    result = roster.preview(ledger, parsed, mapping)
    assert result.new == 1 and result.rejected_rows == 2
    out = tmp_path / "错误清单.xlsx"
    assert write_errors(out, result.issues, parsed, mapping) == 2
    book = openpyxl.load_workbook(out)
    sheet = book["错误清单"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["原表行号", "错误原因", "序号", "党员姓名", "公民身份号码", "手机号码",
                       "报到时间", "入党时间", "备注"]
    assert [r[0] for r in rows[1:]] == [4, 5]
    reasons = rows[1][1].split("；")
    assert [r.split("：")[0] for r in reasons] == ["党员姓名", "公民身份号码", "手机号码", "报到时间"]
    assert "重复" in rows[2][1]
    second = sheet[2]
    # their own values: masked numbers as text, the formula-looking note as text
    assert second[4].value == bad[:6] + "********" + bad[-4:] and second[4].data_type == "s"
    assert second[5].value == "12345"
    assert second[8].value == "=SUM(A1:A2)" and second[8].data_type == "s"
    assert sheet[3][8].value == "+86" and sheet[3][8].data_type == "s"
    # a date serial in a date column comes back as a date cell, not 46087
    assert second[7].is_date and second[7].value.date() == dt.date(2026, 3, 6)
    third = sheet[3]
    assert third[6].is_date and third[6].value.date() == dt.date(2026, 3, 6)
    assert third[2].value == 3 and third[2].data_type == "n"
    # the refused cells are shaded, the others not
    assert second[3].fill.fgColor.rgb.endswith("FFD7D7")
    assert second[8].fill.fgColor.rgb in ("00000000", None)
    # it prints: landscape, one page wide, header on every page
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert str(sheet.print_title_rows) == "$1:$1"
    # no full number anywhere in the file, and no formula
    raw = "".join(zipfile.ZipFile(out).read(n).decode("utf-8", "ignore")
                  for n in zipfile.ZipFile(out).namelist())
    assert good not in raw and bad not in raw and "<f>" not in raw


def test_the_corrected_workbook_imports_again(ledger, ids, tmp_path):
    """The sender fixes the shaded cells and sends the sheet back: it reads as a roster."""
    path, good, bad = _roster(tmp_path, ids)
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    out = tmp_path / "错误清单.xlsx"
    write_errors(out, roster.preview(ledger, parsed, mapping).issues, parsed, mapping)
    book = openpyxl.load_workbook(out)
    sheet = book["错误清单"]
    fixed = ids("19900303")
    sheet["D2"], sheet["E2"], sheet["F2"], sheet["G2"] = "李娜", fixed, "13800138002", "2026-03-01"
    sheet["E3"] = ids("19700404")
    book.save(out)
    again = roster.read_roster(out)
    check = roster.preview(ledger, again, roster.guess_mapping(again.headers))
    # a number left masked is not taken for a number
    assert [i.line() for i in check.issues] == [
        "“错误清单”第3行“手机号码”列：号码中有*，是错误清单中隐去了部分数字的号码，请填写完整号码"]
    sheet["F3"] = "13800138003"  # restored from the sender's own file
    book.save(out)
    again = roster.read_roster(out)
    check = roster.preview(ledger, again, roster.guess_mapping(again.headers))
    assert (check.new, check.issues) == (2, [])


def test_grid_sheet_errors_and_missing_columns_go_back_too(new_grid_roster):
    parsed, result, out = new_grid_roster
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["错误清单-网格"]
    rows = [[c.value for c in r] for r in book["错误清单-网格"].iter_rows()]
    assert rows[0] == ["原表行号", "错误原因", "级别", "名称", "上级", "负责人", "电话"]
    assert rows[1][:2] == [3, "电话：“1380013”不是有效的手机或固定电话号码"]
    assert rows[1][6] == "1380013"


def test_exchange_issues_keep_the_plain_list(tmp_path):
    from desktop.sync.exchange import Issue

    out = tmp_path / "e.xlsx"
    write_errors(out, [Issue("在职党员", 7, "版本", "应为整数", "张伟")])
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[0][:4] == ["工作表", "行号", "列", "原因"] and rows[1][:4] == ["在职党员", 7, "版本", "应为整数"]


import pytest  # noqa: E402


@pytest.fixture
def new_grid_roster(ledger, ids, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "花名册"
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张伟", ids()])
    grid_sheet = book.create_sheet("网格")
    grid_sheet.append(["级别", "名称", "上级", "负责人", "电话"])
    grid_sheet.append(["小区", "丽景小区", "", "周红", ""])
    grid_sheet.append(["楼院", "1号楼", "丽景小区", "王", "1380013"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    parsed = roster.read_roster(path)
    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
    out = tmp_path / "错误清单.xlsx"
    write_errors(out, result.issues, parsed)
    return parsed, result, out
