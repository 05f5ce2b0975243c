"""帮助: the user manual shown inside the app, the 关于 box with the version, the app icon and
Qt's own Chinese translations (standard buttons read 确定/取消, not OK/Cancel)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSize, QTranslator, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.version import __version__

from .forms import fitting

MANUAL_NAME = "使用手册.pdf"
QT_CATALOGUES = ("qtbase",)  # qtbase_zh_CN.qm holds the standard buttons and dialogs


def load_qt_translations(app: QApplication, locale: str = "zh_CN") -> list[str]:
    """Install Qt's own translations shipped with PySide6; returns the catalogues loaded."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(QLocale(locale), name, "_", folder):
            app.installTranslator(translator)
            loaded.append(name)
    return loaded


def app_icon() -> QIcon:
    folder = paths.resources_dir() / "icons"
    icon = QIcon()
    for png in sorted(folder.glob("baodao-*.png")):  # rendered by the build, when present
        icon.addFile(str(png))
    if icon.isNull():
        icon = QIcon(str(folder / "baodao.svg"))
    return icon


def manual_path() -> Path | None:
    """The manual that came with this copy: next to the program in an installed package, or
    the one the build made in a source checkout."""
    root = paths.resources_dir().parent
    for candidate in (root / "docs" / MANUAL_NAME, root.parent / MANUAL_NAME,
                      root / "dist" / "usb" / MANUAL_NAME, root / "build" / "manual" / MANUAL_NAME):
        if candidate.is_file():
            return candidate
    return None


class ManualDialog(QDialog):
    """The manual in Qt's PDF viewer, so it opens even where no PDF reader is installed."""

    def __init__(self, parent: QWidget | None, path: Path):
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.setWindowTitle("报到台账 使用手册")
        self.path = path
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        external = QPushButton("用其他程序打开")
        buttons.addButton(external, QDialogButtonBox.ButtonRole.ActionRole)
        external.clicked.connect(self.open_external)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(fitting(self, QSize(900, 700)))  # within a 1366×768 screen's free area

    def open_external(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def show_manual(parent: QWidget | None) -> ManualDialog | None:
    path = manual_path()
    if path is None:
        QMessageBox.information(parent, "使用手册", "这份程序没有附带使用手册。\n"
                                "手册“使用手册.pdf”在安装U盘上，与安装程序放在一起。")
        return None
    dialog = ManualDialog(parent, path)
    dialog.show()
    return dialog


def about_text() -> str:
    return (f"报到台账 {__version__}\n\n社区“双报到”一账三卡管理。\n"
            "数据保存在本机，单位间用Excel文件交换。\n\n"
            f"数据文件夹：{paths.data_dir()}")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "关于报到台账", about_text())
