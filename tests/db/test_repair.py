from db import grid, members, posts, repair


def test_repairs_dangling_references_once(ledger, ids):
    cell = grid.add_node(ledger, ledger.nodes["3号楼"], "9单元")
    member = members.add_member(ledger, name="李娜", id_number=ids(), residence_node_id=cell)
    post = posts.add_post(ledger, name="义诊岗", category="生活服务")
    posts.claim_post(ledger, post, member)
    # A foreign tool (or an old bug) deleted the cell and the member behind the ledger's back:
    ledger.execute("UPDATE grid_nodes SET deleted = 1 WHERE id = ?", (cell,))
    ledger.execute("UPDATE members SET deleted = 1 WHERE id = ?", (member,))
    repaired, remaining = repair.check_and_repair(ledger)
    assert remaining == []
    assert any("居住网格已删除" in r for r in repaired)
    assert any("认岗记录" in r for r in repaired)
    assert posts.claim_count(ledger, post) == 0
    assert repair.check_and_repair(ledger) == ([], [])  # the second run finds nothing


def test_healthy_ledger_reports_nothing(ledger):
    assert repair.check_and_repair(ledger) == ([], [])
