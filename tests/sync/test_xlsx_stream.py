"""The exchange workbook's own writer: the file Excel and WPS get looks as the old one did
(bold frozen header, widths, drop-downs, IDs as text) and holds no formula, whatever the text."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop.sync.xlsx_stream import StreamBook

ROWS = [
    ["130102198001011234", "=1+1", 3, 2.5, "是"],
    ["13800138000", " 前后有空格 ", None, 0, "否"],
    ["<b>&amp;</b>", "响\x07铃\x00", -7, 1e-3, ""],
]


@pytest.fixture
def written():
    buffer = io.BytesIO()
    book = StreamBook(buffer, "2026-12-01T08:00:00.000000Z")
    with book.sheet("说明", [24, 80], 2) as info:
        info.header(["项目", "内容"])
        info.row(["文件格式", "报到台账交换文件"])
    with book.sheet("在职党员", [22, 10, 8, 8, 6], len(ROWS) + 1, text_columns=[0],
                    validations=[(4, ["是", "否"])]) as sheet:
        sheet.header(["身份证号", "备注", "次数", "时长", "已审核"])
        for row in ROWS:
            sheet.row(row)
    book.close()
    return buffer.getvalue()


def test_openpyxl_sees_the_layout(written):
    book = openpyxl.load_workbook(io.BytesIO(written))
    assert book.sheetnames == ["说明", "在职党员"]
    sheet = book["在职党员"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].value == "身份证号"
    assert sheet.column_dimensions["A"].width == 22
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"是,否"' and str(validation.sqref) == "E2:E4"
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert sheet["A2"].value == "130102198001011234"
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "=1+1"  # never a formula
    assert sheet["B3"].value == " 前后有空格 "
    assert sheet["A4"].value == "<b>&amp;</b>" and sheet["B4"].value == "响铃"
    assert (sheet["C2"].value, sheet["D2"].value, sheet["C4"].value) == (3, 2.5, -7)
    assert sheet["C3"].value is None
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_calamine_reads_it_back_cell_for_cell(written):
    book = CalamineWorkbook.from_filelike(io.BytesIO(written))
    rows = book.get_sheet_by_name("在职党员").to_python()
    assert rows[1][:2] == ["130102198001011234", "=1+1"]
    assert rows[2][1] == " 前后有空格 " and rows[3][1] == "响铃"
    assert rows[1][2] == 3 and rows[1][3] == 2.5


def test_the_package_declares_every_part(written):
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml").decode()
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"} <= names
    assert types.count("worksheet+xml") == 2


def test_a_sheet_that_ends_short_of_its_declared_size_is_refused():
    book = StreamBook(io.BytesIO(), "2026-12-01T08:00:00Z")
    with pytest.raises(ValueError), book.sheet("表", [10], 3) as sheet:
        sheet.header(["列"])
        sheet.row(["一"])
