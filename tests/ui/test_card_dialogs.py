"""The print dialog and the in-app PDF preview: generate in the background, show warnings,
print, save as, open with the system viewer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtPrintSupport import QPrinter

from db import activities, evaluations, members, units
from desktop.cards import PrintJob, print_cards
from desktop.cards.fonts import FontSet
from desktop.ui import card_dialogs
from desktop.ui.card_dialogs import open_print_dialog, print_pdf, recent_periods

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")  # a folder: save what the dialogs look like


@pytest.fixture
def people(ledger, ids):
    unit = units.add_unit(ledger, name="衡水市第二人民医院党委", report_date="2025-03-01")
    wang = members.add_member(ledger, name="王䶮", id_number=ids(), work_unit_id=unit,
                              residence_node_id=ledger.nodes["1单元"], report_date="2025-03-15")
    li = members.add_member(ledger, name="李明", id_number=ids(), work_unit_id=unit,
                            residence_node_id=ledger.nodes["2单元"], report_date="2025-05-01")
    activities.record_activity(ledger, members=[(wang, 2), (li, 3)], date="2026-03-10",
                               kind="志愿服务", title="健康讲座", verified=True, verifier="刘书记")
    evaluations.set_evaluation(ledger, "2026H1", "好", member_id=wang, comment="热情。")
    return {"ledger": ledger, "wang": wang, "li": li, "unit": unit}


def _shot(widget, name: str, qtbot=None) -> None:
    if SHOTS:
        if qtbot is not None:
            qtbot.wait(1500)  # QPdfView renders pages in the background
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _generate(qtbot, dialog, keep: bool = True):
    dialog.generate_button.click()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=15000)
    preview = dialog.preview
    if keep:  # closing deletes the preview: a test that closes it must not register it
        qtbot.addWidget(preview)
    return preview


def test_recent_periods_are_half_years_newest_first():
    import datetime as dt

    assert recent_periods(dt.date(2026, 11, 20), 4) == ["2026H2", "2026H1", "2025H2", "2025H1"]


def test_generate_and_preview_hand_picked_members(qtbot, people):
    led = people["ledger"]
    dialog = open_print_dialog(None, led.path, "record",
                               member_ids=[people["wang"], people["li"]], period="2026H1")
    qtbot.addWidget(dialog)
    assert dialog.scope_label.text() == "已选的 2 名党员"
    assert not dialog.full_id.isEnabled() and dialog.period.isEnabled()
    _shot(dialog, "print-options")
    preview = _generate(qtbot, dialog)
    assert preview.document.pageCount() == 2
    assert preview.document.getAllText(0).text().replace("\n", "").count("王䶮") >= 1
    assert not preview.warning.isVisible() and preview.warning.isHidden()
    assert "共 2 张卡片，2 页" in preview.summary.text() and "已嵌入" in preview.summary.text()
    assert preview.page_label.text() == "第 1 / 2 页"
    preview.zoom.setCurrentText("整页")
    assert preview.view.zoomMode() == preview.view.ZoomMode.FitInView
    preview.resize(900, 900)
    preview.show()
    qtbot.waitExposed(preview)
    _shot(preview, "preview-record", qtbot)


def test_grid_scope_info_cards_with_full_id_and_a5(qtbot, people):
    led = people["ledger"]
    dialog = open_print_dialog(None, led.path, "info-cards", node_id=led.nodes["3号楼"])
    qtbot.addWidget(dialog)
    assert dialog.current_kind() == "info"
    assert not dialog.period.isEnabled() and dialog.full_id.isEnabled()
    assert "所选网格内在册的 2 名党员" in dialog.scope_label.text()
    dialog.full_id.setChecked(True)
    dialog.two_up.setChecked(True)
    assert dialog.a5.isChecked()
    job = dialog.build_job()
    assert (job.kind, job.paper, job.two_up, job.full_id, job.node_id) == \
        ("info", "A5", True, True, led.nodes["3号楼"])
    preview = _generate(qtbot, dialog)
    assert preview.document.pageCount() == 1  # two A5 cards on one A4 sheet
    number = members.get_member(led, people["wang"])["id_number"]
    assert number in preview.document.getAllText(0).text().replace("\n", "")


def test_unit_feedback_choice_prints_units(qtbot, people):
    dialog = open_print_dialog(None, people["ledger"].path, "unit-feedback", period="2026H1")
    qtbot.addWidget(dialog)
    assert "1 个报到单位" in dialog.scope_label.text()
    preview = _generate(qtbot, dialog)
    assert "报到单位党组织进社区反馈卡" in preview.document.getAllText(0).text()


def test_font_problems_show_a_red_bar(qtbot, people, monkeypatch):
    monkeypatch.setattr("desktop.cards.batch.FontSet.discover",
                        classmethod(lambda cls, c=None: FontSet([], cid=True)))
    dialog = open_print_dialog(None, people["ledger"].path, "feedback",
                               member_ids=[people["li"], people["wang"]], period="2026H1")
    qtbot.addWidget(dialog)
    preview = _generate(qtbot, dialog)
    assert not preview.warning.isHidden()
    assert "STSong-Light" in preview.warning.text()
    assert not preview.note.isHidden() and "李明" in preview.note.text()  # not yet evaluated
    assert "未嵌入" in preview.summary.text()
    preview.resize(900, 700)
    preview.show()
    qtbot.waitExposed(preview)
    _shot(preview, "preview-warning", qtbot)


def test_bad_period_is_refused_before_generating(qtbot, people, monkeypatch):
    shown = []
    monkeypatch.setattr(card_dialogs.QMessageBox, "warning",
                        lambda parent, title, text: shown.append(text))
    dialog = open_print_dialog(None, people["ledger"].path, "record", period="2026H1")
    qtbot.addWidget(dialog)
    dialog.period.setCurrentText("明年")
    dialog.generate_button.click()
    assert shown and "无法识别" in shown[0]
    assert dialog.preview is None


def _preview(qtbot, people, tmp_path):
    out = tmp_path / "cards.pdf"
    result = print_cards(people["ledger"], PrintJob("record", "2026H1"), out)
    preview = card_dialogs.PreviewDialog(None, result)
    qtbot.addWidget(preview)
    return preview


def test_save_as_copies_the_pdf(qtbot, people, tmp_path, monkeypatch):
    preview = _preview(qtbot, people, tmp_path)
    target = tmp_path / "saved" / "我的纪实卡"
    target.parent.mkdir()
    monkeypatch.setattr(card_dialogs.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))
    preview.save_button.click()
    saved = target.with_suffix(".pdf")
    assert saved.read_bytes() == preview.path.read_bytes()
    assert "已保存到" in preview.summary.text()


def test_open_with_system_viewer(qtbot, people, tmp_path, monkeypatch):
    preview = _preview(qtbot, people, tmp_path)
    opened: list[QUrl] = []
    monkeypatch.setattr(card_dialogs.QDesktopServices, "openUrl",
                        lambda url: opened.append(url) or True)
    preview.open_button.click()
    assert [u.toLocalFile() for u in opened] == [str(preview.path)]


def test_print_sends_every_page_at_the_card_size(qtbot, people, tmp_path):
    preview = _preview(qtbot, people, tmp_path)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(100)
    card_dialogs.match_page(printer, preview.document)
    assert print_pdf(preview.document, printer) == preview.document.pageCount() == 2
    pages = PdfReader(printed).pages
    assert len(pages) == 2
    width, height = (float(v) for v in pages[0].mediabox[2:])
    assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 portrait, like the cards


def test_closing_the_preview_removes_the_temporary_pdf(qtbot, people):
    dialog = open_print_dialog(None, people["ledger"].path, "record", period="2026H1")
    qtbot.addWidget(dialog)
    preview = _generate(qtbot, dialog, keep=False)
    path = preview.path
    assert path.exists() and path.parent.name.startswith("cards-")
    assert ".work" in path.parts  # in the app's private work area, not the shared temp folder
    preview.close()
    assert not path.exists()
