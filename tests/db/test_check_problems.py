"""`baodao check` (db.check.problems) finds what hangs the program or stops every export: a grid
whose parent links go round in a circle, and text a workbook cannot hold."""

from __future__ import annotations

import re

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL_ILLEGAL

from db import check, demo, grid, members
from desktop.sync import rowcheck


@pytest.fixture
def tiny(tmp_path):
    ledger = demo.generate(tmp_path / "tiny.db", "tiny")
    yield ledger
    ledger.close()


def node(ledger, level: int, nth: int = 0) -> dict:
    return ledger.query("SELECT * FROM grid_nodes WHERE level = ? ORDER BY id", (level,))[nth]


def test_a_sound_ledger_has_no_problems(tiny):
    assert check.problems(tiny) == []
    assert check.problems(tiny, full=False) == []


def test_a_node_that_is_its_own_parent_is_reported_by_name(tiny):
    building = node(tiny, 4)
    tiny.execute("UPDATE grid_nodes SET parent_id = id WHERE id = ?", (building["id"],))
    for full in (True, False):  # the quick check at opening finds it too: it hangs the program
        found = check.problems(tiny, full=full)
        assert any(f"“{building['name']}”（编号{building['id']}）的上级是它自己" in line
                   for line in found), found


def test_a_compound_under_its_own_building_is_reported_with_both_names(tiny):
    compound = node(tiny, 3)
    building = tiny.one("SELECT * FROM grid_nodes WHERE parent_id = ? ORDER BY id",
                        (compound["id"],))
    tiny.execute("UPDATE grid_nodes SET parent_id = ? WHERE id = ?",
                 (building["id"], compound["id"]))
    lines = [line for line in check.problems(tiny) if "绕成了循环" in line]
    assert len(lines) == 1
    assert f"“{compound['name']}”（编号{compound['id']}）" in lines[0]
    assert f"“{building['name']}”（编号{building['id']}）" in lines[0]
    # The nodes under the cycle are not also reported as wrong levels: one cause, one line.
    assert not any("层级不对" in line for line in check.problems(tiny))


def test_a_three_node_cycle_is_reported(tiny):
    compound = node(tiny, 3)
    building = tiny.one("SELECT * FROM grid_nodes WHERE parent_id = ?", (compound["id"],))
    cell = tiny.one("SELECT * FROM grid_nodes WHERE parent_id = ?", (building["id"],))
    tiny.execute("UPDATE grid_nodes SET parent_id = ? WHERE id = ?", (cell["id"], compound["id"]))
    lines = [line for line in check.problems(tiny) if "绕成了循环" in line]
    assert len(lines) == 1 and all(n["name"] in lines[0] for n in (compound, building, cell))


def test_a_cycle_among_deleted_nodes_still_counts(tiny):
    """Paths are built through deleted nodes too (grid.path_names), so they would hang there."""
    a, b = node(tiny, 5, 0), node(tiny, 5, 1)
    tiny.execute("UPDATE grid_nodes SET deleted = 1, parent_id = ? WHERE id = ?", (b["id"], a["id"]))
    tiny.execute("UPDATE grid_nodes SET deleted = 1, parent_id = ? WHERE id = ?", (a["id"], b["id"]))
    assert any("绕成了循环" in line for line in check.problems(tiny))


def test_a_level_that_does_not_follow_its_parent_is_reported(tiny):
    cell = node(tiny, 5)
    tiny.execute("UPDATE grid_nodes SET level = 4 WHERE id = ?", (cell["id"],))
    found = [line for line in check.problems(tiny) if "层级不对" in line]
    assert found == [f"网格“{cell['name']}”（编号{cell['id']}）的层级不对：上级是第4级（楼院），"
                     "本网格应为第5级（单元），实际为第4级（楼院）"]
    root = node(tiny, 1)
    tiny.execute("UPDATE grid_nodes SET level = 4 WHERE id = ?", (cell["id"],))
    tiny.execute("UPDATE grid_nodes SET level = 2 WHERE id = ?", (root["id"],))
    assert any("没有上级网格的只能是街道党工委（第1级），这里是第2级" in line
               for line in check.problems(tiny))
    assert check.problems(tiny, full=False) == []  # wrong levels hang nothing: full check only


def test_illegal_characters_are_named_by_table_row_and_column(tiny):
    tiny.execute("UPDATE members SET name = ?, note = ? WHERE id = 3", ("张\x00三", "备\x08注"))
    tiny.execute("UPDATE units SET contact_name = ? WHERE id = 2", ("王\x1b五",))
    tiny.execute("UPDATE points_entries SET reason = ? WHERE id = 4", ("奖励\x0b",))
    tiny.execute("UPDATE grid_nodes SET name = ? WHERE id = 5", ("1号楼\x07",))
    found = check.problems(tiny)
    expected = [
        "网格（编号5）的“名称”含有不可见的控制字符（U+0007）",
        "报到单位（编号2）的“联系人”含有不可见的控制字符（U+001B）",
        "在职党员（编号3）的“姓名”含有不可见的控制字符（U+0000）",
        "在职党员（编号3）的“备注”含有不可见的控制字符（U+0008）",
        "积分记录（编号4）的“事由”含有不可见的控制字符（U+000B）",
    ]
    for text in expected:
        assert any(line.startswith(text) and "Excel无法保存" in line for line in found), text
    assert len([line for line in found if "控制字符" in line]) == len(expected)
    # The quick check at every opening leaves text to the full one (检查数据库, baodao check).
    assert check.problems(tiny, full=False) == []


def test_tabs_newlines_and_other_text_excel_holds_are_not_problems(tiny):
    tiny.execute("UPDATE members SET note = ? WHERE id = 3", ("第一行\r\n第二行\t完\u202e",))
    tiny.execute("UPDATE units SET note = ? WHERE id = 2", ("䶮𠮷 emoji 🎉",))
    assert check.problems(tiny) == []


def test_a_nullable_text_column_does_not_hide_the_rest_of_its_row(tiny):
    """A NULL in one text column must not blank the whole row's scan."""
    columns = [c for c, nullable in check._text_columns(tiny, "points_entries") if nullable]
    if not columns:
        pytest.skip("points_entries has no nullable text column in this schema")
    tiny.execute(f"UPDATE points_entries SET [{columns[0]}] = NULL, reason = ? WHERE id = 2",
                 ("坏\x01",))
    assert any("积分记录（编号2）" in line for line in check.problems(tiny))


def test_the_regex_is_openpyxls():
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        expected = bool(OPENPYXL_ILLEGAL.search(char))
        assert bool(check.ILLEGAL_CHARACTERS_RE.search(char)) == expected, hex(code)
        assert bool(rowcheck.EXCEL_ILLEGAL.search(char)) == expected, hex(code)
        if expected:  # the exchange import refuses all of them, and more
            assert rowcheck.BAD_TEXT.search(char)


def test_the_cli_check_fails_on_a_cycle(tmp_path, capsys):
    from desktop.cli import main

    path = tmp_path / "t.db"
    ledger = demo.generate(path, "tiny")
    ledger.execute("UPDATE grid_nodes SET parent_id = id WHERE level = 3")
    ledger.close()
    assert main(["check", str(path)]) == 1
    assert "的上级是它自己" in capsys.readouterr().out


def test_a_form_made_ledger_passes(ledger, ids):
    """The forms write nothing the check complains about (tabs and newlines included)."""
    members.add_member(ledger, name="赵玉茹", id_number=ids(), note="第一行\n第二行\t备注",
                       residence_node_id=ledger.nodes["1单元"])
    grid.add_node(ledger, ledger.nodes["3号楼"], "3单元")
    assert check.problems(ledger) == []
    assert not [line for line in check.problems(ledger) if re.search("循环|控制字符", line)]
