"""Building the grid in bulk: numbered ranges and rows pasted from Excel (issue 14, scenario 1)."""

from __future__ import annotations

import pytest

from db import grid, gridbatch
from db.errors import LedgerError


def _paths(ledger) -> set[str]:
    return {"/".join(grid.path_names(ledger, n["id"])[2:]) for n in grid.list_nodes(ledger)
            if n["level"] >= 3}


def test_twelve_buildings_with_four_units_each_in_one_go(ledger):
    compound = grid.add_node(ledger, ledger.nodes["丽景社区"], "丽景小区")
    plan = gridbatch.batch_plan(ledger, compound, gridbatch.numbered("", 1, 12, "号楼"),
                                gridbatch.numbered("", 1, 4, "单元"))
    assert (plan.count("新建", 4), plan.count("新建", 5)) == (12, 48)
    assert plan.summary() == "将新建12个楼院、48个单元"
    assert plan.items[1].path == "丽景小区/1号楼/1单元"
    assert "丽景小区/1号楼" not in _paths(ledger)  # planning writes nothing
    gridbatch.create(ledger, plan)
    assert {f"丽景小区/{b}号楼/{u}单元" for b in range(1, 13) for u in range(1, 5)} <= _paths(ledger)
    order = [n["name"] for n in grid.children(ledger, compound)]
    assert order == [f"{n}号楼" for n in range(1, 13)]  # 2号楼 before 10号楼


def test_a_batch_keeps_what_exists_and_fills_in_the_rest(ledger):
    plan = gridbatch.batch_plan(ledger, ledger.nodes["杨树小区"], ["3号楼", "4号楼"],
                                ["1单元", "2单元", "3单元"])
    assert [(i.path, i.action) for i in plan.items] == [
        ("杨树小区/3号楼", "已有"), ("杨树小区/3号楼/1单元", "已有"), ("杨树小区/3号楼/2单元", "已有"),
        ("杨树小区/3号楼/3单元", "新建"), ("杨树小区/4号楼", "新建"), ("杨树小区/4号楼/1单元", "新建"),
        ("杨树小区/4号楼/2单元", "新建"), ("杨树小区/4号楼/3单元", "新建")]
    before = len(grid.list_nodes(ledger))
    gridbatch.create(ledger, plan)
    assert len(grid.list_nodes(ledger)) == before + 5


def test_batch_refuses_units_below_units_and_huge_ranges(ledger):
    with pytest.raises(LedgerError, match="最末一级"):
        gridbatch.batch_plan(ledger, ledger.nodes["3号楼"], ["1单元"], ["101"])
    with pytest.raises(LedgerError, match="一次最多"):
        gridbatch.numbered("", 1, 5000, "号楼")
    assert gridbatch.split_names("杨树小区、丽景小区\n和平小区，") == ["杨树小区", "丽景小区", "和平小区"]


PASTED = ("级别\t名称\t上级\t负责人\t电话\n"
          "小区\t丽景小区\t\t周红\t13800138010\n"
          "楼院\t1号楼\t丽景小区\t王楼长\t13800138011\n"
          "单元\t1单元\t\t赵单元长\t\n"
          "单元\t2单元\t\t钱单元长\t\n"
          "楼院\t3号楼\t杨树小区\t新楼长\t13800138012\n"
          "单元\t5单元\t杨树小区/3号楼\t孙\t\n")


def test_pasted_rows_build_compounds_buildings_and_units_with_leaders(ledger):
    plan = gridbatch.plan_rows(ledger, gridbatch.parse_text(PASTED))
    assert plan.issues == []
    assert [(i.row, i.path, i.action) for i in plan.items] == [
        (2, "丽景小区", "新建"), (3, "丽景小区/1号楼", "新建"),
        (6, "杨树小区/3号楼", "更新负责人"), (4, "丽景小区/1号楼/1单元", "新建"),
        (5, "丽景小区/1号楼/2单元", "新建"), (7, "杨树小区/3号楼/5单元", "新建")]
    gridbatch.create(ledger, plan)
    unit = grid.find_node(ledger, "丽景小区/1号楼/2单元")
    assert unit["leader_name"] == "钱单元长"
    building = grid.get_node(ledger, ledger.nodes["3号楼"])
    assert (building["leader_name"], building["leader_phone"]) == ("新楼长", "13800138012")
    # the same paste again: everything is there, nothing to write
    again = gridbatch.plan_rows(ledger, gridbatch.parse_text(PASTED))
    assert again.writes == 0 and again.count("已有") == 6


def test_every_reason_of_a_bad_row_by_row_and_column_in_chinese(ledger):
    text = ("名称\t级别\t上级\t电话\n"      # columns in their own order
            "丽景小区\t小区\t\t123\n"       # bad phone: the 小区 and its rows below go nowhere
            "1号楼\t楼院\t丽景小区\t\n"
            "\t单元\t3号楼\t1380013\n"     # no name and a bad phone: both said
            "9单元\t栋\t3号楼\t\n"          # level not known
            "6单元\t单元\t1单元\t\n"        # a unit under a unit
            "7单元\t单元\t8号楼\t\n")       # no such building
    plan = gridbatch.plan_rows(ledger, gridbatch.parse_text(text), sheet="粘贴内容")
    lines = sorted(i.line() for i in plan.issues)
    assert lines == sorted([
        "“粘贴内容”第2行“电话”列：“123”不是有效的手机或固定电话号码",
        "“粘贴内容”第3行“上级”列：上级“丽景小区”所在的第2行有问题，本行也不能导入",
        "“粘贴内容”第4行“名称”列：名称不能为空",
        "“粘贴内容”第4行“电话”列：“1380013”不是有效的手机或固定电话号码",
        "“粘贴内容”第5行“级别”列：级别“栋”无法识别，应为小区、楼院或单元（街道和社区在“设置”中填写）",
        "“粘贴内容”第6行“级别”列：上级“1单元”是单元，单元是网格的最末一级，不能再有下级",
        "“粘贴内容”第7行“上级”列：找不到上级楼院“8号楼”（网格中没有，本次内容中也没有）",
    ])
    assert plan.items == []


def test_an_ambiguous_parent_must_be_written_in_full(ledger):
    other = grid.add_node(ledger, ledger.nodes["丽景社区"], "和平小区")
    grid.add_node(ledger, other, "3号楼")
    plan = gridbatch.plan_rows(ledger, [["单元", "9单元", "3号楼"]])
    assert "不止一个" in plan.issues[0].reason and "和平小区/3号楼" in plan.issues[0].reason
    plan = gridbatch.plan_rows(ledger, [["单元", "9单元", "和平小区3号楼"]])
    assert plan.issues == [] and plan.items[0].path == "和平小区/3号楼/9单元"


def test_a_failure_while_creating_leaves_the_grid_as_it_was(ledger, monkeypatch):
    plan = gridbatch.plan_rows(ledger, gridbatch.parse_text(PASTED))
    before = _paths(ledger)
    real = grid.add_node
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 4:
            raise LedgerError("磁盘已满")
        return real(*args, **kwargs)

    monkeypatch.setattr(grid, "add_node", failing)
    with pytest.raises(LedgerError):
        gridbatch.create(ledger, plan)
    assert _paths(ledger) == before
    assert grid.get_node(ledger, ledger.nodes["3号楼"])["leader_name"] == "李四"


def test_a_path_written_out_wins_over_names_run_together(ledger):
    """小区1/11号楼 and 小区11/1号楼 both run together to 小区111号楼: the slash decides."""
    rows = [["小区", "小区1"], ["楼院", "11号楼"], ["小区", "小区11"], ["楼院", "1号楼"],
            ["单元", "1单元", "小区1/11号楼"], ["单元", "1单元", "小区11/1号楼"]]
    plan = gridbatch.plan_rows(ledger, rows)
    assert plan.issues == []
    assert [i.path for i in plan.items if i.level == 5] == ["小区1/11号楼/1单元", "小区11/1号楼/1单元"]
