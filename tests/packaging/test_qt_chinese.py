"""Qt's own strings in Chinese: standard buttons, the 关于 box's version, the manual viewer."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from desktop.ui import help as app_help
from desktop.version import __version__


@pytest.fixture
def translated(qapp):
    loaded = app_help.load_qt_translations(qapp)
    yield loaded
    for translator in qapp.findChildren(app_help.QTranslator):
        QApplication.removeTranslator(translator)
        translator.deleteLater()


def test_qtbase_translation_ships_with_pyside6(translated):
    assert translated == ["qtbase"]


def test_message_box_standard_buttons_read_chinese(qtbot, translated):
    box = QMessageBox(QMessageBox.Icon.Question, "标题", "是否继续？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {box.button(b).text().replace("&", "").split("(")[0]
             for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
                       QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Cancel)}
    assert texts == {"是", "否", "确定", "取消"}


def test_dialog_button_box_close_reads_chinese(qtbot, translated):
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Close).text().replace("&", "") \
        .startswith("关闭")


def test_about_shows_the_version(tmp_path, monkeypatch):
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path))
    assert f"报到台账 {__version__}" in app_help.about_text()


def test_manual_opens_in_the_app(qtbot, tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "docs" / app_help.MANUAL_NAME
    pdf.parent.mkdir()
    page = canvas.Canvas(str(pdf))
    page.drawString(100, 700, "manual")
    page.save()
    monkeypatch.setattr(app_help.paths, "resources_dir", lambda: tmp_path / "resources")
    dialog = app_help.show_manual(None)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 1


def test_icon_source_renders(qapp):
    icon = app_help.app_icon()
    assert not icon.isNull()
    assert not icon.pixmap(32, 32).isNull()
