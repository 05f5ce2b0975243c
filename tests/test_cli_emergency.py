"""`baodao emergency start|end|list`: 启动应急响应 from a terminal (activity, roster, call sheet
with tick columns), then the plain `baodao callsheet` keeps working (with the roster's
numbers while the grid is in 应急), and 结束应急响应; bad input is named in Chinese."""

from __future__ import annotations

from db import activities, emergency, members, open_ledger, signin
from desktop.cli import main
from tests.cards.conftest import flat, pdf_text


def test_start_print_list_and_end(ledger, ids, tmp_path, capsys):
    led = ledger
    members.add_member(led, name="王芳", id_number=ids(), mobile="13912345678",
                       residence_node_id=led.nodes["1单元"])
    members.add_member(led, name="李强", id_number=ids(), residence_node_id=led.nodes["2单元"])
    path = led.path
    led.close()
    assert main(["emergency", "start", path, "--grid", "3号楼", "--date", "2026-07-20",
                 "--time", "20:30", "--title", "暴雨防汛值守"]) == 2
    assert "负责人：启动应急响应须填写负责人" in capsys.readouterr().err
    out = tmp_path / "联络表"
    assert main(["emergency", "start", path, "--grid", "杨树小区/3号楼", "--date", "2026-07-20",
                 "--time", "20:30", "--title", "暴雨防汛值守", "--leader", "周强",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已启动应急响应：杨树小区3号楼　应急中　暴雨防汛值守　2026-07-20 20:30起" in said
    assert "临时党支部名单2人" in said and "丽景社区签到-2026-0001" in said
    text = flat("".join(pdf_text(out.with_suffix(".pdf"))))
    assert "已联系" in text and "到岗" in text and "丽景社区签到-2026-0001" in text
    assert "13912345678" in text and out.with_suffix(".xlsx").exists()
    # a second start on the same grid is refused, nothing more created
    assert main(["emergency", "start", path, "--grid", "1单元", "--leader", "周强"]) == 2
    assert "已在应急响应中" in capsys.readouterr().err
    # the old call sheet command: same grid, now with the roster's numbers and ticks
    again = tmp_path / "again.pdf"
    assert main(["callsheet", path, "--grid", "杨树小区/3号楼", "--out", str(again)]) == 0
    assert "到岗" in flat("".join(pdf_text(again)))
    assert main(["emergency", "list", path]) == 0
    assert "杨树小区3号楼　应急中" in capsys.readouterr().out
    assert main(["emergency", "end", path, "--grid", "2单元", "--at", "2026-07-20 19:00"]) == 2
    assert "结束时间" in capsys.readouterr().err
    assert main(["emergency", "end", path, "--grid", "2单元", "--at", "2026-07-21 06:00"]) == 0
    assert "已结束（2026-07-21 06:00结束）" in capsys.readouterr().out
    assert main(["emergency", "list", path]) == 0
    assert "当前没有网格在应急响应中" in capsys.readouterr().out
    assert main(["emergency", "end", path, "--grid", "3号楼"]) == 2
    assert "不在应急响应中" in capsys.readouterr().err
    with open_ledger(path, create=False) as led:
        (r,) = emergency.responses(led, None)
        assert activities.get_activity(led, r.activity_id)["kind"] == "应急响应"
        assert [x.name for x in signin.sheet_rows(led, r.sheet_id)] == ["王芳", "李强"]
        plain = tmp_path / "plain.pdf"
    assert main(["callsheet", path, "--grid", "杨树小区/3号楼", "--out", str(plain)]) == 0
    assert "到岗" not in flat("".join(pdf_text(plain)))  # ended: the everyday sheet again


def test_the_roster_reprints_as_a_signin_sheet_naming_its_source(ledger, ids, tmp_path):
    led = ledger
    members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"])
    r = emergency.activate(led, led.nodes["3号楼"], "2026-07-20", "20:30", "防汛", "周强")
    path = led.path
    led.close()
    out = tmp_path / "名单.pdf"
    assert main(["print", "signin-sheet", path, "--sheet", r.number, "--out", str(out)]) == 0
    text = flat(pdf_text(out)[0])
    assert "临时党支部：杨树小区3号楼" in text and "王芳" in text and r.number in text
