"""评价 page: a subtree's sheet with suggestions, batch acceptance, edits, one save; the grades
reach the 反馈卡's data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox

from db import activities, evaluations, members, settings
from db.periods import parse_period
from desktop.cards import data
from desktop.ui.evaluation_page import EvaluationPage


@pytest.fixture
def page(qtbot, ledger, ids, tmp_path):
    a = members.add_member(ledger, name="王䶮", id_number=ids(), report_date="2025-01-01",
                           residence_node_id=ledger.nodes["1单元"])
    b = members.add_member(ledger, name="李明", id_number=ids(), report_date="2025-01-01",
                           residence_node_id=ledger.nodes["2单元"])
    for day in ("2026-02-10", "2026-05-10"):
        activities.record_activity(ledger, members=[(a, 4)], date=day, kind="集中服务日",
                                   title="义诊", verified=True, verifier="刘书记")
    ledger.people = {"wang": a, "li": b}  # type: ignore[attr-defined]
    w = EvaluationPage(ledger, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.period.setCurrentText("2026H1")
    w.load()
    return w


def _column(page, key):
    return [c.key for c in page.model.columns].index(key)


def test_sheet_accept_edit_save(page, qtmodeltester):
    led = page.ledger
    qtmodeltester.check(page.model)
    names = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert names == ["李明", "王䶮"]
    suggested = [page.model.index(r, _column(page, "suggested")).data() for r in range(2)]
    assert suggested == ["较差", "好"]  # 王䶮: 80 + 2 × (2 + 4) = 92, both quarters
    page.view.setCurrentIndex(page.model.index(1, 0))
    assert "达到“好”标准" in page.detail.text()
    page.accept(False)
    grade = _column(page, "grade")
    assert page.model.setData(page.model.index(0, grade), "一般")
    assert page.model.setData(page.model.index(0, _column(page, "comment")), "请多参加服务")
    assert "2项未保存" in page.summary.text() and "1项与建议不同" in page.summary.text()
    page.evaluator.setText("刘书记")
    assert page.save() == 2
    li = evaluations.get_evaluation(led, "2026H1", member_id=led.people["li"])
    assert (li["grade"], li["comment"], li["suggested_grade"], li["evaluator"]) == \
        ("一般", "请多参加服务", "较差", "刘书记")
    card = data.member_feedback(led, led.people["wang"], data.common(led, parse_period("2026H1")))
    assert card.grade == "好"


def test_grade_editor_offers_the_ledgers_scheme(page, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    page.scheme.setCurrentIndex(page.scheme.findData("四级"))
    page.change_scheme()
    assert settings.grades(page.ledger) == ("优秀", "良好", "一般", "差")
    index = page.model.index(0, _column(page, "grade"))
    editor = page.delegate.createEditor(page.view, None, index)
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["（未评）", "优秀", "良好", "一般", "差"]
    assert "优秀：积分≥100且两个季度均有服务" in page.rule.text()


def test_subtree_and_units(page):
    page.node.setCurrentIndex(page.node.findData(page.ledger.nodes["1单元"]))
    page.load()
    assert page.model.rowCount() == 1
    page.kind.setCurrentIndex(1)
    page.load()
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "单位名称"
