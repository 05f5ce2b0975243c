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
    total = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("合计"))
    assert total.split()[1:3] == ["0", "0"]


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
