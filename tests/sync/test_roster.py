from __future__ import annotations

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from db import members
from desktop.sync import roster
from desktop.sync.errors_book import write_errors
from tests.sync.helpers import dates, wps_roster


def _people(ids, ledger_nodes=True):
    d = dates()
    people = [
        {"name": "张伟", "id": ids("19800101"), "gender": "男", "mobile": "13800138001",
         "unit": "衡水市第二人民医院党委", "join": d[0], "compound": "杨树小区", "building": "3号楼",
         "unit_no": "1单元"},
        {"name": "李娜", "id": ids("19850202"), "mobile": "13800138002", "join": d[1],
         "compound": "杨树小区", "building": 3, "unit_no": 2},
        {"name": "王强", "id": ids("19900303"), "join": d[2]},
        {"name": "赵敏", "id": ids("19700404"), "join": d[3]},
        {"name": "刘洋", "id": ids("19750505"), "join": d[4]},
        {"name": "陈静", "id": ids("19950606"), "join": d[5]},
    ]
    return people


def test_wps_roster_with_title_rows_merged_cells_and_mixed_dates(ledger, ids, tmp_path):
    people = _people(ids)
    numeric = ids("19660707")
    people.append({"name": "孙浩", "id": float(numeric)})          # Excel turned it into a number
    people.append({"name": "周杰", "id": people[0]["id"]})         # the same person twice
    people.append({"name": "吴磊", "id": ids("19880808"), "compound": "不存在小区", "building": 1})
    path = wps_roster(tmp_path / "花名册.xlsx", people)
    parsed = roster.read_roster(path)
    assert parsed.header_row == 3
    mapping = roster.guess_mapping(parsed.headers)
    assert mapping["公民身份号码"] == "id_number" and mapping["党员姓名"] == "name"
    assert mapping["入党时间"] == "join_date" and mapping["序号"] is None
    result = roster.preview(ledger, parsed, mapping)
    assert (result.new, result.updated) == (6, 0)
    reasons = {(i.row, i.column): i.reason for i in result.issues}
    assert len(result.issues) == 3
    sun_row = 4 + 6 + 1  # title, 填报, header, a blank row after the second person
    assert "精度已丢失" in reasons[(sun_row, "公民身份号码")]
    assert "重复" in reasons[(sun_row + 1, "公民身份号码")]
    assert "不存在小区" in reasons[(sun_row + 2, "居住小区")]
    done = roster.apply(ledger, parsed, mapping, backup=False)
    assert done.new == 6
    joined = {m["name"]: m["join_date"] for m in members.list_members(ledger)}
    assert joined == {"张伟": "2010-07-01", "李娜": "2012-05-04", "王强": "2015-07-01",
                      "赵敏": "2018-06-30", "刘洋": "2009-07-06", "陈静": "2019-07-01"}
    zhang = members.find_by_id_number(ledger, people[0]["id"])
    li = members.find_by_id_number(ledger, people[1]["id"])
    assert zhang["residence_node_id"] == ledger.nodes["1单元"]
    assert li["residence_node_id"] == ledger.nodes["2单元"]
    # The merged 工作单位 cell belongs to both rows it covers.
    assert li["work_unit_name"] == "衡水市第二人民医院党委"


def test_blank_never_erases_and_match_is_by_id_only(ledger, ids, tmp_path):
    number = ids("19800101")
    member_id = members.add_member(ledger, name="张伟", id_number=number, mobile="13800138001",
                                   specialties="水电维修")
    path = wps_roster(tmp_path / "r.xlsx", [{"name": "张伟", "id": number, "mobile": None,
                                            "unit": "新单位"}])
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    result = roster.apply(ledger, parsed, mapping, backup=False)
    assert (result.new, result.updated) == (0, 1)
    after = members.get_member(ledger, member_id)
    assert after["mobile"] == "13800138001" and after["specialties"] == "水电维修"
    assert after["work_unit_name"] == "新单位"
    assert members.count_members(ledger) == 1
    again = roster.preview(ledger, roster.read_roster(path), mapping)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_user_mapping_is_remembered(ledger, ids, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名", "证号", "手机号码"])
    sheet.append(["张伟", ids("19800101"), "13800138001"])
    path = tmp_path / "odd.xlsx"
    book.save(path)
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    assert mapping["证号"] is None
    assert roster.preview(ledger, parsed, mapping).issues[0].reason.startswith("缺少")
    mapping.update({"名": "name", "证号": "id_number"})
    assert roster.apply(ledger, parsed, mapping, backup=False).new == 1
    again = roster.guess_mapping(parsed.headers, roster.remembered(ledger))
    assert again["证号"] == "id_number" and again["名"] == "name"


def test_error_workbook_names_cells_and_masks_ids(ledger, ids, tmp_path):
    good = ids("19800101")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    path = wps_roster(tmp_path / "r.xlsx", [{"name": "张伟", "id": bad, "mobile": "12345"}])
    parsed = roster.read_roster(path)
    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
    out = tmp_path / "错误清单.xlsx"
    write_errors(out, result.issues)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["工作表", "行号", "列", "原因"]
    assert rows[1][:3] == ["花名册", 4.0, "公民身份号码"] and "校验位" in rows[1][3]
    text = "".join(str(c) for r in rows for c in r)
    assert bad not in text and bad[:6] + "********" + bad[-4:] in text


def test_template_has_text_id_column_and_dropdowns(tmp_path):
    path = roster.write_template(tmp_path / "模板.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["在职党员花名册"]
    headers = [c.value for c in sheet[1]]
    id_col = headers.index("身份证号") + 1
    assert sheet.cell(row=2, column=id_col).number_format == "@"
    assert sheet.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    gender_letter = openpyxl.utils.get_column_letter(headers.index("性别") + 1)
    assert lists[gender_letter] == '"男,女"'
    # and the template reads back as a roster with every column recognised
    parsed = roster.read_roster(path)
    mapping = roster.guess_mapping(parsed.headers)
    assert [h for h, f in mapping.items() if f is None] == ["序号"]


@pytest.mark.parametrize("header,expected", [("身份证号码（必填）", "id_number"),
                                             ("联系电话", "mobile"), ("手 机", "mobile"),
                                             ("*姓名", "name"), ("居住小区名称", "compound")])
def test_synonyms(header, expected):
    assert roster.field_for(header) == expected


def test_libreoffice_ods_roster(ledger, ids, tmp_path):
    from tests.sync.helpers import ods_roster

    number = ids("19800101")
    path = ods_roster(tmp_path / "花名册.ods", [
        ["在职党员花名册"], [], ["手机", "身份证号码", "姓名", "入党时间"],
        ["13800138001", number, "张伟", "2010年7月1日"],
        ["13800138002", float(ids()), "李娜", "2012.5.4"]])
    parsed = roster.read_roster(path)
    assert parsed.header_row == 3
    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
    assert result.new == 1 and "精度已丢失" in result.issues[0].reason
    assert (result.issues[0].row, result.issues[0].column) == (5, "身份证号码")


def test_text_at_excels_cell_limit_is_reported_per_cell_not_cut_silently(ledger, ids, tmp_path):
    from desktop.sync import cell_limit

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["姓名", "身份证号", "备注", "特长"])
    sheet.append(["张伟", ids("19800101"), "长" * 40000, "水电"])  # the reader keeps 32767
    sheet.append(["李娜", ids("19850202"), "满" * 32767, "x" * 32767])
    sheet.append(["王强", ids("19900303"), "短" * 32766, ""])
    sheet.append(["赵敏", ids("19700404"), "备注", "绘画"])
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    parsed = roster.read_roster(path)
    result = roster.preview(ledger, parsed, roster.guess_mapping(parsed.headers))
    assert result.new == 2
    lines = sorted(issue.line() for issue in result.issues)
    assert lines == [f"“花名册”第{row}行“{column}”列：内容达到Excel单元格上限32767个字符，"
                     "可能已被截断，请核对原表，把过长的内容缩短后再导入"
                     for row, column in ((2, "备注"), (3, "备注"), (3, "特长"))]
    done = roster.apply(ledger, parsed, roster.guess_mapping(parsed.headers), backup=False)
    assert done.new == 2 and sorted(m["name"] for m in members.list_members(ledger)) == \
        ["王强", "赵敏"]
    # Another reader may give more than the limit: said as well, with the length.
    assert cell_limit.long_cells([("备注", "长" * 40000), ("姓名", "张伟"), ("序号", 3.0)]) == [
        ("备注", "内容超过Excel单元格上限32767个字符（共40000个），用Excel打开或交换时会被截断，"
                 "请缩短后再导入")]
    assert cell_limit.cut_reason("短" * 32766) is None and cell_limit.cut_reason(None) is None


def test_a_cancelled_roster_import_writes_nothing(ledger, ids, tmp_path):
    import itertools

    from desktop.sync.apply import ImportCancelled

    people = [{"name": f"党员{i}", "id": ids(), "gender": "男"} for i in range(120)]
    parsed = roster.read_roster(wps_roster(tmp_path / "r.xlsx", people))
    mapping = roster.guess_mapping(parsed.headers)
    asked = itertools.count()
    with pytest.raises(ImportCancelled):
        roster.apply(ledger, parsed, mapping, backup=False, cancelled=lambda: next(asked) >= 2)
    assert members.count_members(ledger) == 0
    assert roster.remembered(ledger) == {}  # nor the mapping
