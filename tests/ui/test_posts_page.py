"""服务岗位 page: claiming beyond a post's 拟认领数 is kept and warned about."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from db import members, posts
from desktop.ui.pages import PostsPage
from desktop.ui.pickers import MemberPicker


def test_claim_over_capacity_warns_and_keeps_the_claims(qtbot, ledger, ids, tmp_path, answer):
    post = posts.add_post(ledger, name="治安巡逻岗", category="治安民调", capacity=1)
    people = {members.add_member(ledger, name=name, id_number=ids(),
                                 residence_node_id=ledger.nodes["1单元"]): name
              for name in ("王䶮", "李明", "张华")}
    page = PostsPage(ledger, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(page)
    page.refresh()
    page.select_id(post)
    assert page.selected_ids() == [post]
    seen: list[str] = []

    def tick_all(dialog) -> None:
        picker = dialog.findChild(MemberPicker)
        picker.ticked.update(people)
        dialog.accept()

    def warning(box) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.windowTitle() + "｜" + box.text())
        box.accept()

    answer(tick_all, warning)
    page.claim()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert posts.claim_count(ledger, post) == 3
    assert seen == ["超过拟认领数｜岗位“治安巡逻岗”已认领3人，超过拟认领数1人（超出2人）。"
                    "认领已保存；如需更多人手，可在岗位中调高拟认领数。"]
