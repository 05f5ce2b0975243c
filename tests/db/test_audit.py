import sqlite3

import pytest

from db import audit


def test_audit_chain_detects_edits_and_removals(ledger):
    for action in ("登录", "导入", "导出"):
        audit.record(ledger, action, target="交换文件.xlsx")
    assert audit.verify(ledger) == []
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        ledger.execute("UPDATE audit_log SET action = '删除' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        ledger.execute("DELETE FROM audit_log WHERE id = 2")
    # Someone bypasses the triggers (e.g. edits the file with another tool):
    ledger.execute("DROP TRIGGER audit_log_no_update")
    ledger.execute("UPDATE audit_log SET target = '别的文件.xlsx' WHERE id = 2")
    problems = audit.verify(ledger)
    assert problems and "第2条的内容被改动过" in problems[0]


def test_audit_chain_detects_removed_entries(ledger):
    for action in ("登录", "导入", "导出", "恢复"):
        audit.record(ledger, action)
    ledger.execute("DROP TRIGGER audit_log_no_delete")
    ledger.execute("DELETE FROM audit_log WHERE id = 2")
    assert "第2条至第2条缺失" in audit.verify(ledger)[0]


def test_audit_chain_detects_a_cut_off_tail(ledger):
    for action in ("登录", "导入", "导出"):
        audit.record(ledger, action)
    ledger.execute("DROP TRIGGER audit_log_no_delete")
    ledger.execute("DELETE FROM audit_log WHERE id = 3")
    assert audit.verify(ledger) == ["审计日志末尾的记录被删除了",
                                    "审计日志的保护触发器被删除了（audit_log_no_delete）：日志可被改写"]


def test_deletions_are_audited_without_personal_data(ledger, ids):
    from db import members

    number = ids()
    member_id = members.add_member(ledger, name="李娜", id_number=number, mobile="13912345678")
    members.delete_member(ledger, member_id)
    last = audit.entries(ledger)[0]
    assert (last["action"], last["target"]) == ("删除", "在职党员 李娜")
    text = " ".join(str(v) for e in audit.entries(ledger) for v in e.values())
    assert number not in text and "13912345678" not in text
    assert audit.verify(ledger) == []


def test_exchange_import_and_export_are_audited(ledger, tmp_path):
    from db import demo
    from desktop.sync.apply import apply, preview_file
    from desktop.sync.export import export_ledger

    with demo.generate(tmp_path / "src.db", "tiny") as source:
        export_ledger(source, tmp_path / "交换.xlsx")
        assert audit.entries(source)[0]["action"] == "导出"
    apply(ledger, preview_file(ledger, tmp_path / "交换.xlsx"), backup=False)
    last = audit.entries(ledger)[0]
    assert last["action"] == "导入" and last["target"].startswith("交换.xlsx（来自丽景社区）")
    assert audit.verify(ledger) == []


def test_evaluations_are_audited_with_the_grade_and_its_change(ledger, ids):
    from db import evaluations, members

    member_id = members.add_member(ledger, name="周敏", id_number=ids(),
                                   residence_node_id=ledger.nodes["1单元"])
    evaluations.set_evaluation(ledger, "2026H1", "好", member_id=member_id)
    evaluations.set_evaluation(ledger, "2026H1", "好", member_id=member_id)  # no change, no entry
    evaluations.set_evaluation(ledger, "2026H1", "一般", member_id=member_id)
    rows = [(e["action"], e["target"], e["result"]) for e in audit.entries(ledger)
            if e["action"] == "评价"]
    assert rows == [("评价", "在职党员 周敏 2026H1：一般", "修改（原为好）"),
                    ("评价", "在职党员 周敏 2026H1：好", "成功")]
