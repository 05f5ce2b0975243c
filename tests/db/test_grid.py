import pytest

from db import grid, members
from db.errors import RuleError, ValidationError


def test_levels_follow_parents(ledger):
    levels = {n["name"]: n["level"] for n in grid.list_nodes(ledger)}
    assert levels == {"河东街道": 1, "丽景社区": 2, "杨树小区": 3, "3号楼": 4, "1单元": 5, "2单元": 5}
    with pytest.raises(RuleError, match="最末一级"):
        grid.add_node(ledger, ledger.nodes["1单元"], "101室")


def test_sibling_names_are_unique(ledger):
    with pytest.raises(ValidationError, match="已有名为“1单元”"):
        grid.add_node(ledger, ledger.nodes["3号楼"], "1单元")
    with pytest.raises(ValidationError, match="不能为空"):
        grid.add_node(ledger, ledger.nodes["3号楼"], "  ")


def test_leader_phone_validated(ledger):
    with pytest.raises(ValidationError, match="负责人电话"):
        grid.update_node(ledger, ledger.nodes["1单元"], leader_phone="123")


def test_move_subtree(ledger):
    other = grid.add_node(ledger, ledger.nodes["丽景社区"], "紫金小区")
    grid.move_node(ledger, ledger.nodes["3号楼"], other)
    assert grid.path_names(ledger, ledger.nodes["1单元"]) == [
        "河东街道", "丽景社区", "紫金小区", "3号楼", "1单元"]
    assert set(grid.subtree_ids(ledger, other)) == {
        other, ledger.nodes["3号楼"], ledger.nodes["1单元"], ledger.nodes["2单元"]}


def test_move_refuses_cycles_and_wrong_levels(ledger):
    with pytest.raises(RuleError, match="自己或它的下级"):
        grid.move_node(ledger, ledger.nodes["杨树小区"], ledger.nodes["1单元"])
    with pytest.raises(RuleError, match="自己或它的下级"):
        grid.move_node(ledger, ledger.nodes["3号楼"], ledger.nodes["3号楼"])
    with pytest.raises(RuleError, match="只能放在小区之下"):
        grid.move_node(ledger, ledger.nodes["3号楼"], ledger.nodes["丽景社区"])


def test_delete_refused_while_members_live_there(ledger, ids):
    cell = ledger.nodes["2单元"]
    member = members.add_member(ledger, name="李娜", id_number=ids(), residence_node_id=cell)
    with pytest.raises(RuleError, match="1名在册党员"):
        grid.delete_node(ledger, cell)
    with pytest.raises(RuleError, match="下级网格"):
        grid.delete_node(ledger, ledger.nodes["3号楼"])
    members.update_member(ledger, member, status="转出")
    grid.delete_node(ledger, cell)
    assert cell not in {n["id"] for n in grid.list_nodes(ledger)}
    assert ledger.scalar("SELECT deleted FROM grid_nodes WHERE id = ?", (cell,)) == 1


def test_subtree_member_counts(ledger, ids):
    for cell, name in (("1单元", "甲"), ("1单元", "乙"), ("2单元", "丙")):
        members.add_member(ledger, name=f"王{name}", id_number=ids(),
                           residence_node_id=ledger.nodes[cell])
    counts = grid.subtree_member_counts(ledger)
    assert counts[ledger.nodes["1单元"]] == 2
    assert counts[ledger.nodes["3号楼"]] == 3
    assert counts[ledger.nodes["河东街道"]] == 3


def test_find_node_by_path(ledger):
    assert grid.find_node(ledger, "3号楼/1单元")["id"] == ledger.nodes["1单元"]
    assert grid.find_node(ledger, "杨树小区")["id"] == ledger.nodes["杨树小区"]
    assert grid.find_node(ledger, str(ledger.nodes["2单元"]))["name"] == "2单元"
    assert grid.find_node(ledger, "不存在") is None


def test_one_resolver_for_every_commands_grid_argument(ledger):
    """--grid takes an id, a unique name or a path; a name two nodes carry is refused with
    both paths, never resolved to the first one."""
    from db.errors import ValidationError

    compound = ledger.nodes["杨树小区"]
    other = grid.add_node(ledger, ledger.scalar("SELECT parent_id FROM grid_nodes WHERE id = ?",
                                                (compound,)), "柳树小区")
    grid.add_node(ledger, other, "3号楼")
    assert grid.resolve_node(ledger, str(compound)) == compound
    assert grid.resolve_node(ledger, "杨树小区") == compound
    assert grid.resolve_node(ledger, "杨树小区/3号楼") == ledger.nodes["3号楼"]
    with pytest.raises(ValidationError, match="有2个同名网格.*杨树小区/3号楼.*柳树小区/3号楼"):
        grid.resolve_node(ledger, "3号楼")
    with pytest.raises(ValidationError, match="找不到网格“白杨小区”"):
        grid.resolve_node(ledger, "白杨小区")


def test_grid_choices_follow_every_change_although_they_are_kept(ledger):
    """The labels are kept on the connection (a city's pages ask for thousands several
    times): a node added, renamed or deleted shows at once all the same."""
    before = grid.choices(ledger, (4,))
    assert grid.choices(ledger, (4,)) == before
    compound = ledger.nodes["杨树小区"]
    added = grid.add_node(ledger, compound, "5号楼")
    assert ("杨树小区5号楼", added) in grid.choices(ledger, (4,))
    grid.update_node(ledger, added, name="6号楼")
    assert ("杨树小区6号楼", added) in grid.choices(ledger, (4,))
    grid.delete_node(ledger, added)
    assert grid.choices(ledger, (4,)) == before
