"""A 反馈卡's tear-off 回执 comes back with its number on it: in 回执登记 the secretary types or
scans that number (Enter) and lands on the row; with 找到后直接登记收回 ticked one scan after
another registers the stack back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from db import members, receipts, units
from desktop.cards import PrintJob, print_cards
from desktop.ui.receipt_dialogs import ReceiptsDialog


def _numbers_on(path) -> list[str]:
    text = "".join((page.extract_text() or "") for page in PdfReader(path).pages)
    return re.findall(r"编号：\s*(丽景社区回执-\d{4}-\d{4})", re.sub(r"[ \n]", "", text))


def _printed(ledger, ids, tmp_path):
    wang = members.add_member(ledger, name="王芳", id_number=ids(),
                              residence_node_id=ledger.nodes["1单元"], report_date="2026-01-05")
    li = members.add_member(ledger, name="李强", id_number=ids(),
                            residence_node_id=ledger.nodes["2单元"], report_date="2026-01-05")
    units.add_unit(ledger, name="市医院党委", paired_node_id=ledger.nodes["杨树小区"],
                   report_date="2026-01-05")
    out = tmp_path / "feedback.pdf"
    print_cards(ledger, PrintJob("feedback", "2026H1", member_ids=[wang, li]), out)
    return wang, li, _numbers_on(out)


def _scan(qtbot, dialog, text: str) -> None:
    """What a scanner or a typist does: the text into the box, then Enter (QTest cannot
    synthesise key presses for CJK characters, so those come in as an IME would insert them)."""
    dialog.number.setFocus()
    ascii_tail = re.search(r"[\x20-\x7e]*$", text).group(0)
    dialog.number.insert(text[:len(text) - len(ascii_tail)])
    qtbot.keyClicks(dialog.number, ascii_tail)
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)


def test_the_number_printed_on_the_card_finds_its_row(qtbot, ledger, ids, tmp_path):
    wang, li, printed = _printed(ledger, ids, tmp_path)
    rows = {r["member_id"]: r["number"] for r in receipts.listing(ledger)}
    assert printed == [rows[wang], rows[li]]  # each card carries its own 回执's number
    dialog = ReceiptsDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    _scan(qtbot, dialog, printed[1])
    selected = dialog.table.currentRow()
    assert dialog.table.item(selected, 0).text() == printed[1]
    assert dialog.table.item(selected, 2).text() == "李强"
    assert "李强" in dialog.found.text() and "未收回" in dialog.found.text()
    assert dialog.number.text() == ""  # ready for the next slip
    dialog.mark_returned(dt.date.today().isoformat(), "李强")
    assert receipts.by_number(ledger, printed[1])["returned_date"] == dt.date.today().isoformat()
    # the year and 序号 alone, typed with full-width digits, find it too, returned or not
    year, serial = printed[1].rsplit("-", 2)[1:]
    _scan(qtbot, dialog, f"{year}－{int(serial)}".translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert dialog.table.item(dialog.table.currentRow(), 0).text() == printed[1]
    assert "已收回" in dialog.found.text() and dialog.show_box.currentData() is False


def test_scanning_a_stack_registers_each_back_and_an_unknown_number_is_named(qtbot, ledger, ids,
                                                                            tmp_path):
    _wang, _li, printed = _printed(ledger, ids, tmp_path)
    dialog = ReceiptsDialog(ledger)
    qtbot.addWidget(dialog)
    dialog.quick.setChecked(True)
    for number in printed:
        _scan(qtbot, dialog, number)
    today = dt.date.today().isoformat()
    assert [receipts.by_number(ledger, n)["returned_date"] for n in printed] == [today, today]
    assert receipts.listing(ledger, outstanding=True) == []
    _scan(qtbot, dialog, printed[0])  # scanned twice: found, nothing registered again
    assert dialog.error.text() == "" and f"{today}已收回" in dialog.found.text()
    _scan(qtbot, dialog, "丽景社区回执-2026-0099")
    assert "找不到“丽景社区回执-2026-0099”" in dialog.error.text()


def test_a_reprint_keeps_the_number_and_a_cancelled_print_takes_none(ledger, ids, tmp_path):
    from desktop.cards import PrintCancelled

    wang, _li, printed = _printed(ledger, ids, tmp_path)
    again = tmp_path / "again.pdf"
    print_cards(ledger, PrintJob("feedback", "2026H1", member_ids=[wang]), again)
    assert _numbers_on(again) == printed[:1]
    assert receipts.by_number(ledger, printed[0])["prints"] == 2
    unit = ledger.scalar("SELECT id FROM units")
    with pytest.raises(PrintCancelled):
        print_cards(ledger, PrintJob("feedback", "2026H1", units=True, unit_id=unit),
                    tmp_path / "u.pdf", cancelled=lambda: True)
    assert [r["member_id"] for r in receipts.listing(ledger)] == [wang, _li]  # no unit's 回执
    assert not (tmp_path / "u.pdf").exists()
