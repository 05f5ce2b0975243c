"""志愿服务记录证明 in the app: the issue dialog shows the verified hours before issuing and
names a missing field; the register reprints (补打, same number), voids with a reason and
lists both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from db import activities, audit, certificates, members
from desktop.ui import certificate_dialogs, signin_dialogs
from desktop.ui.certificate_dialogs import IssueDialog, RegisterDialog

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def wang(ledger, ids):
    member = members.add_member(ledger, name="王芳", id_number=ids(),
                                residence_node_id=ledger.nodes["1单元"])
    for date, verified, hours in (("2026-03-01", True, 2), ("2026-04-01", False, 5)):
        activities.record_activity(ledger, members=[(member, hours)], date=date, kind="志愿服务",
                                   title="清扫", verified=verified,
                                   verifier="刘书记" if verified else "")
    return member


def test_issue_reprint_and_void_from_the_register(qtbot, ledger, wang, monkeypatch):
    shown = []
    fake = lambda parent, path, pages, warnings, title: shown.append((path, title))  # noqa: E731
    monkeypatch.setattr(signin_dialogs, "preview_pdf", fake)
    monkeypatch.setattr(certificate_dialogs, "preview_pdf", fake)
    dialog = IssueDialog(ledger, member_id=wang)
    qtbot.addWidget(dialog)
    dialog.start.setText("2026-01-01")
    dialog.end.setText("2026-06-30")
    dialog.update_facts()
    assert "经社区审核的服务 1 次，共 2 小时" in dialog.facts.text()
    dialog.leader.setText("刘建国")
    dialog.handler.setText("")
    dialog.show()
    _shot(dialog, "certificate-issue")
    dialog.issue()
    assert "经办人" in dialog.error.text() and not shown
    dialog.handler.setText("王小红")
    dialog.issue()
    assert dialog.result() and shown[-1][1] == "志愿服务记录证明 丽景社区-2026-0001"
    book = RegisterDialog(ledger)
    qtbot.addWidget(book)
    book.reprint()
    assert "请先在登记簿中选中" in book.error.text()
    book.table.setCurrentCell(0, 0)
    book.reprint()
    assert shown[-1][1] == "志愿服务记录证明 丽景社区-2026-0001（补打）"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("时长填错", True))
    book.void()
    assert book.table.item(0, 8).text() == "作废" and book.table.item(0, 9).text() == "时长填错"
    book.table.setCurrentCell(0, 0)
    book.reprint()
    assert "已作废" in book.error.text()
    book.show()
    _shot(book, "certificate-register")
    assert certificates.get(ledger, dialog.certificate_id)["prints"] == 2
    assert "作废志愿服务证明" in [e["action"] for e in audit.entries(ledger)]
