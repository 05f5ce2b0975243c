import openpyxl

from desktop.sync.xlsx_write import write_table


def test_strings_stay_text_and_formulas_never_appear(tmp_path):
    path = tmp_path / "list.xlsx"
    rows = [["赵玉茹", "13110219800101123X", "13912345678", "=1+1", "+86", "-5", "@x", 3.5, None]]
    write_table(path, "在职党员", ["姓名", "身份证号", "手机", "a", "b", "c", "d", "时长", "空"], rows)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "在职党员"
    values = [c.value for c in sheet[2]]
    assert values == rows[0]
    assert [c.data_type for c in sheet[2][:7]] == ["s"] * 7
    assert sheet.freeze_panes == "A2"
    assert not list(tmp_path.glob("*.part"))
