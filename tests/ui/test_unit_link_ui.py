"""Scenario 2 through the real dialogs: registering a unit offers to link the members who
already wrote its name (a preview with a count, linked only on confirm); a second 报到 of the
same 身份证号 offers to open the existing record."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from db import members, units
from desktop.ui.detail import MemberDetail
from desktop.ui.pages import MembersPage, UnitsPage
from desktop.ui.unit_link import LinkMembersDialog

UNIT = "衡水市第二人民医院党委"


def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def register_unit(dialog) -> None:
    dialog.form.fields["name"].set(UNIT)
    dialog.form.fields["category"].set("事业")
    assert dialog.try_save(), dialog.error.text()


def test_registering_a_unit_offers_its_loose_members(qtbot, ledger, ids, tmp_path, answer):
    people = {name: members.add_member(ledger, name=name, id_number=ids(), work_unit_name=text)
              for name, text in (("王䶮", UNIT), ("李明", "衡水市第二人民医院"),
                                 ("张华", "衡水市第二人民医院"), ("赵强", "衡水市税务局"))}
    page = UnitsPage(ledger, settings(tmp_path))
    qtbot.addWidget(page)
    seen: dict[str, object] = {}

    def preview(dialog) -> None:
        assert isinstance(dialog, LinkMembersDialog)
        seen["rows"] = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        seen["before"] = dialog.count.text()
        dialog.table.item(2, 0).setCheckState(Qt.CheckState.Unchecked)  # 张华 is not theirs
        seen["count"] = dialog.count.text()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["ok"] = ok.text()
        ok.click()

    answer(register_unit, preview)
    page.new_record()
    assert seen["rows"] == ["李明", "王䶮", "张华"]  # pinyin order, 赵强 works elsewhere
    assert seen["before"] == "共3人，已勾选3人"
    assert seen["count"] == "共3人，已勾选2人"
    assert seen["ok"] == "关联这2名党员"
    unit = units.list_units(ledger)[0]["id"]
    linked = {m["name"] for m in members.list_members(ledger, unit_id=unit)}
    assert linked == {"王䶮", "李明"}
    assert members.get_member(ledger, people["张华"])["work_unit_id"] is None


def test_nothing_is_linked_without_confirming(qtbot, ledger, ids, tmp_path, answer):
    members.add_member(ledger, name="李明", id_number=ids(), work_unit_name="衡水市第二人民医院")
    page = UnitsPage(ledger, settings(tmp_path))
    qtbot.addWidget(page)

    def later(dialog) -> None:
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == "暂不关联"
        cancel.click()

    answer(register_unit, later)
    page.new_record()
    unit = units.list_units(ledger)[0]["id"]
    assert members.list_members(ledger, unit_id=unit) == []
    assert len(members.loose_for_unit(ledger, unit)) == 1


def test_a_second_report_offers_the_existing_record(qtbot, ledger, ids, tmp_path, answer):
    number = ids()
    first = members.add_member(ledger, name="赵玉茹", id_number=number)
    page = MembersPage(ledger, settings(tmp_path))
    qtbot.addWidget(page)
    seen: dict[str, str] = {}

    def report_again(dialog) -> None:
        dialog.form.fields["name"].set("赵玉如")  # same person, name mistyped
        dialog.form.fields["id_number"].set(number)
        # 保存 after this handler returns: the question it asks is the next handler's
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).animateClick()

    def offered(box) -> None:
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        next(b for b in box.buttons() if b.text() == "打开已有记录").click()

    def existing(detail) -> None:
        assert isinstance(detail, MemberDetail)
        seen["detail"] = detail.windowTitle()
        detail.accept()

    answer(report_again, offered, existing)
    page.new_record()
    assert seen["text"].startswith("身份证号相同的党员“赵玉茹”已经报到，不能重复报到。")
    assert "赵玉茹" in seen["detail"]
    assert members.count_members(ledger) == 1 and page.selected_ids() == [first]
