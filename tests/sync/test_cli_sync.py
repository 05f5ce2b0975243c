from __future__ import annotations

from db import members, open_ledger, settings, units
from desktop.cli import main
from tests.sync.helpers import wps_roster


def _ledger(path, community):
    led = open_ledger(path)
    settings.initialise(led, "河东街道", community)
    return led


def test_export_and_import_print_preview_counts(tmp_path, capsys, ids):
    a = _ledger(tmp_path / "a.db", "丽景社区")
    units.add_unit(a, name="市财政局党支部")
    members.add_member(a, name="张伟", id_number=ids())
    a.close()
    out = tmp_path / "a.xlsx"
    assert main(["export", str(tmp_path / "a.db"), "--out", str(out), "--quiet"]) == 0
    assert "在职党员：1 行" in capsys.readouterr().out
    _ledger(tmp_path / "b.db", "杨树社区").close()
    assert main(["import", str(tmp_path / "b.db"), str(out), "--dry-run", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "来源：丽景社区" in text and "试运行" in text
    member_line = next(line for line in text.splitlines() if line.startswith("在职党员"))
    assert member_line.split()[1:3] == ["1", "0"]
    with open_ledger(tmp_path / "b.db") as b:
        assert b.scalar("SELECT count(*) FROM members") == 0
    assert main(["import", str(tmp_path / "b.db"), str(out), "--quiet"]) == 0
    assert "新增 " in capsys.readouterr().out
    assert main(["import", str(tmp_path / "b.db"), str(out), "--quiet"]) == 0
    assert "导入，无新变化" in capsys.readouterr().out


def test_files_for_an_office_and_the_offices_list(tmp_path, capsys, ids):
    a = _ledger(tmp_path / "a.db", "丽景社区")
    unit = units.add_unit(a, name="市财政局党支部")
    a.close()
    _ledger(tmp_path / "b.db", "杨树社区").close()
    a_db, b_db = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert main(["export", a_db, "--out", str(tmp_path / "a1.xlsx"), "--quiet"]) == 0
    assert main(["import", b_db, str(tmp_path / "a1.xlsx"), "--quiet"]) == 0
    assert main(["export", b_db, "--out", str(tmp_path / "b1.xlsx"), "--quiet"]) == 0
    assert main(["import", a_db, str(tmp_path / "b1.xlsx"), "--quiet"]) == 0
    capsys.readouterr()
    with open_ledger(a_db) as a:
        units.update_unit(a, unit, contact_name="新联系人")
    assert main(["offices", a_db]) == 0
    listing = capsys.readouterr().out
    line = next(row for row in listing.splitlines() if row.startswith("杨树社区"))
    assert line.split()[-1] == "1"  # one change waits for 杨树社区
    assert main(["export", a_db, "--out", str(tmp_path / "a2.xlsx"), "--for", "杨树社区",
                 "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "发给杨树社区" in text and "报到单位：1 行" in text and "在职党员：0 行" in text
    assert main(["export", a_db, "--out", str(tmp_path / "a3.xlsx"), "--for", "杨树社区",
                 "--full", "--quiet"]) == 0
    assert "全量" in capsys.readouterr().out
    assert main(["export", a_db, "--out", str(tmp_path / "x.xlsx"), "--for", "没有的社区",
                 "--quiet"]) != 0
    assert "不认识“没有的社区”" in capsys.readouterr().err


def test_encrypted_export_via_cli_needs_password(tmp_path, capsys):
    _ledger(tmp_path / "a.db", "丽景社区").close()
    out = tmp_path / "locked.xlsx"
    assert main(["export", str(tmp_path / "a.db"), "--out", str(out), "--password", "pw",
                 "--quiet"]) == 0
    _ledger(tmp_path / "b.db", "杨树社区").close()
    assert main(["import", str(tmp_path / "b.db"), str(out), "--dry-run", "--quiet"]) == 2
    assert "密码" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "b.db"), str(out), "--password", "pw", "--dry-run",
                 "--quiet"]) == 0


def test_roster_template_and_import(tmp_path, capsys, ids):
    assert main(["roster-template", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").exists()
    _ledger(tmp_path / "c.db", "丽景社区").close()
    number = ids()
    path = wps_roster(tmp_path / "r.xlsx", [{"name": "张伟", "id": number},
                                            {"name": "李娜", "id": float(ids())}])
    errors = tmp_path / "errors.xlsx"
    assert main(["import-roster", str(tmp_path / "c.db"), str(path), "--errors", str(errors)]) == 0
    text = capsys.readouterr().out
    assert "新增 1，更新 0" in text and "精度已丢失" in text and errors.exists()
    assert number not in text
    with open_ledger(tmp_path / "c.db") as led:
        assert members.find_by_id_number(led, number)["name"] == "张伟"


def test_import_roster_creates_the_grid_it_names_only_when_asked(tmp_path, capsys, ids):
    """A first roster into a new ledger: the 小区/楼院/单元 it names are listed, and created
    with --create-grid (after a dry run that creates nothing)."""
    import openpyxl

    _ledger(tmp_path / "new.db", "丽景社区").close()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "小区", "楼栋", "单元"])
    for name, building in (("张伟", "1号楼"), ("李娜", "2号楼")):
        sheet.append([name, ids(), "杨树小区", building, "1单元"])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    args = ["import-roster", str(tmp_path / "new.db"), str(path)]
    assert main([*args, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "新增 0" in text and "加 --create-grid" in text
    assert main([*args, "--create-grid", "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "新增 2" in text and "新建小区：" in text and "杨树小区" in text
    with open_ledger(tmp_path / "new.db") as led:
        assert led.scalar("SELECT count(*) FROM grid_nodes WHERE name = '杨树小区'") == 0
    assert main([*args, "--create-grid"]) == 0
    assert "已导入：新增 2 人" in capsys.readouterr().out
    with open_ledger(tmp_path / "new.db") as led:
        assert led.scalar("SELECT count(*) FROM grid_nodes WHERE name IN "
                          "('杨树小区', '1号楼', '2号楼', '1单元') AND deleted = 0") == 5  # 1单元 twice
        assert led.scalar("SELECT count(*) FROM members") == 2
