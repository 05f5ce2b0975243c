"""登记活动: the picked members are listed in pinyin order, as the registers list names."""

from __future__ import annotations

from db import members
from desktop.ui.activity_dialog import ActivityDialog


def test_picked_members_in_pinyin_order(qtbot, ledger, ids):
    for name in ("张华", "王䶮", "李明", "安娜"):
        members.add_member(ledger, name=name, id_number=ids(),
                           residence_node_id=ledger.nodes["1单元"])
    dialog = ActivityDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.picker.tick_all(True)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert names == ["安娜", "李明", "王䶮", "张华"]  # code-point order: 安 张 李 王
    dialog.form.snapshot = dialog.form.values()
    dialog.snapshot_people = dialog.people()
