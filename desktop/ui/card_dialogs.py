"""Printing cards from the app: choose what to print, generate the PDF in the background, then
preview it in the window (QtPdf) with 打印, 另存为 and 用系统程序打开.

The PDF itself comes from `desktop.cards.print_cards`, run by `run_ledger_job` in a worker thread
on its own ledger connection. Font problems (STSong-Light, a character no font
has) are shown in a red bar above the preview, so nobody prints blanks unknowingly."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.ledger import Ledger
from db.periods import half_year_of, parse_period
from desktop import workarea
from desktop.cards import PrintJob, PrintResult, print_cards
from desktop.cards.batch import member_ids, unit_ids

from .forms import fitting
from .icons import with_icon
from .worker import Cancelled, Progress, run_ledger_job, worker_ledger

KIND_CHOICES = (("record", "纪实卡（在职党员进社区情况纪实卡）"),
                ("feedback", "反馈卡（党员，寄工作单位党组织）"),
                ("unit-feedback", "反馈卡（报到单位版）"),
                ("info", "基本信息卡"))
KIND_FILE = {"record": "纪实卡", "feedback": "反馈卡", "unit-feedback": "单位反馈卡",
             "info": "基本信息卡"}
ALIASES = {"record-cards": "record", "feedback-cards": "feedback", "info-cards": "info",
           "unit": "unit-feedback"}
WARNING_STYLE = ("QLabel { background: #fdecea; color: #a50e0e; border: 1px solid #f4c7c3;"
                 " border-radius: 4px; padding: 6px 10px; }")
NOTE_STYLE = ("QLabel { background: #fff8e1; color: #5d4300; border: 1px solid #f3e0a6;"
              " border-radius: 4px; padding: 6px 10px; }")


def recent_periods(today: dt.date | None = None, count: int = 6) -> list[str]:
    """The last few half-years, newest first: 2026H2, 2026H1, 2025H2, …"""
    code = half_year_of(today or dt.date.today())
    year, half = int(code[:4]), int(code[-1])
    out = []
    for _ in range(count):
        out.append(f"{year}H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


class PrintOptionsDialog(QDialog):
    """What to print: card kind, period, paper, two-up, full ID; then generates and previews."""

    def __init__(self, parent: QWidget | None, ledger_path: str, kind: str,
                 member_ids: list[int] | None = None, node_id: int | None = None,
                 unit_id: int | None = None, period: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("打印卡片")
        self.ledger_path = str(ledger_path)
        self.scope: dict[str, Any] = {"member_ids": member_ids, "node_id": node_id,
                                      "unit_id": unit_id}
        self.preview: PreviewDialog | None = None
        self.job: Any = None
        self.kind = QComboBox()
        for key, label in KIND_CHOICES:
            self.kind.addItem(label, key)
        kind = ALIASES.get(kind, kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.period = QComboBox()
        self.period.setEditable(True)
        periods = recent_periods()
        self.period.addItems(periods)
        self.period.setCurrentText(period or periods[1])  # the half-year just finished
        self.period.setToolTip("半年如 2026H1，季度如 2026Q3，月份如 2026-05，全年如 2026")
        self.a4 = QRadioButton("A4（默认）")
        self.a5 = QRadioButton("A5")
        self.a4.setChecked(True)
        self.two_up = QCheckBox("每张A4纸横排印2张A5卡片（对折裁开）")
        self.full_id = QCheckBox("印出完整身份证号和电话（默认打码，会记入审计日志）")
        self.signatures = QCheckBox("纪实卡每行加“本人签名”栏（党员逐条签名确认）")
        self.scope_label = QLabel()
        self.scope_label.setObjectName("hint")
        self.scope_label.setWordWrap(True)
        paper = QHBoxLayout()
        paper.addWidget(self.a4)
        paper.addWidget(self.a5)
        paper.addStretch(1)
        form = QFormLayout()
        form.addRow("卡片", self.kind)
        form.addRow("期间", self.period)
        form.addRow("纸张", paper)
        form.addRow("", self.two_up)
        form.addRow("", self.full_id)
        form.addRow("", self.signatures)
        form.addRow("范围", self.scope_label)
        buttons = QDialogButtonBox()
        self.generate_button = buttons.addButton("生成并预览", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.generate)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        for signal in (self.kind.currentIndexChanged, self.a4.toggled, self.a5.toggled):
            signal.connect(self._update)
        self.two_up.toggled.connect(self._two_up_toggled)
        self._update()
        self.resize(480, self.sizeHint().height())

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _update(self) -> None:
        kind = self.current_kind()
        self.period.setEnabled(kind != "info")
        from db.access import session_for

        session = session_for(self.ledger_path)
        secretary = session is None or session.full_access
        self.full_id.setEnabled(kind == "info" and secretary)
        self.signatures.setEnabled(kind == "record")
        if not secretary:
            self.full_id.setToolTip("完整身份证号只有书记能查看和打印")
        self.scope_label.setText(self.describe_scope())

    def _two_up_toggled(self, on: bool) -> None:
        if on:
            self.a5.setChecked(True)  # two A5 cards on one A4 sheet

    def build_job(self) -> PrintJob:
        kind = self.current_kind()
        units = kind == "unit-feedback"
        job = PrintJob("feedback" if units else kind,
                       None if kind == "info" else self.period.currentText().strip().upper(),
                       paper="A5" if self.a5.isChecked() or self.two_up.isChecked() else "A4",
                       two_up=self.two_up.isChecked(), full_id=self.full_id.isChecked(),
                       units=units, member_ids=None if units else self.scope["member_ids"],
                       node_id=self.scope["node_id"], unit_id=self.scope["unit_id"],
                       signatures=kind == "record" and self.signatures.isChecked())
        if job.period:
            parse_period(job.period)  # a clear message now rather than from the worker
        return job

    def describe_scope(self) -> str:
        """How many cards the current choice prints, counted with a short-lived connection."""
        try:
            job = self.build_job()
        except Exception:  # an unfinished period is reported when generating
            job = PrintJob(self.current_kind().replace("unit-", ""), "2026H1",
                           units=self.current_kind() == "unit-feedback", **self.scope)
        with worker_ledger(self.ledger_path) as ledger:
            count = len(unit_ids(ledger, job) if job.units else member_ids(ledger, job))
        who = "个报到单位" if job.units else "名党员"
        if self.scope["member_ids"] is not None and not job.units:
            return f"已选的 {count} {who}"
        where = "所选网格内" if self.scope["node_id"] is not None else ""
        where += "该单位的" if self.scope["unit_id"] is not None else ""
        return f"{where or '全部'}在册的 {count} {who}（按姓名拼音排序）"

    def generate(self) -> None:
        try:
            job = self.build_job()
        except Exception as error:
            QMessageBox.warning(self, "打印卡片", str(error))
            return
        name = KIND_FILE[self.current_kind()] + (f"-{job.period}" if job.period else "")
        # in the app's private temp folder, never the shared one
        out = Path(tempfile.mkdtemp(prefix="cards-", dir=workarea.use_private_temp())) / \
            f"{name}.pdf"
        def work(ledger: Ledger, progress: Progress, cancelled: Cancelled) -> PrintResult:
            # 反馈卡: print_cards numbers each card's tear-off 回执 (on the card) and registers
            # it, ticked off in 打印 → 回执登记 when it comes back
            return print_cards(ledger, job, out, progress, cancelled)

        self.generate_button.setEnabled(False)
        self.job = run_ledger_job(self, "生成卡片", self.ledger_path, work, self._done,
                                  self._failed)
        self.job.cancelled.connect(lambda: self.generate_button.setEnabled(True))

    def _done(self, result: PrintResult) -> None:
        self.generate_button.setEnabled(True)
        self.preview = PreviewDialog(self.parentWidget(), result,
                                     f"{KIND_FILE[self.current_kind()]}预览")
        self.preview.show()
        self.accept()

    def _failed(self, error: BaseException, _trace: str) -> None:
        self.generate_button.setEnabled(True)
        QMessageBox.warning(self, "打印卡片", f"卡片没有生成：\n{error}")


class PreviewDialog(QDialog):
    """The generated PDF inside the app, with print, save-as and open-externally."""

    def __init__(self, parent: QWidget | None, result: PrintResult, title: str = "卡片预览"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_info = result
        self.path = Path(result.path)
        self.opened_externally = False
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        # a drawn icon, not U+26A0: that draws as a box on a PC without a symbol font
        self.warning = QLabel("<br>".join(with_icon("warning", w) for w in result.warnings))
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setVisible(bool(result.warnings))
        self.note = QLabel("\n".join(result.notes))
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(result.notes))
        pages = self.document.pageCount()
        font = f"字体：{result.font}" + ("（已嵌入）" if result.embedded else "（未嵌入）")
        self.summary = QLabel(f"共 {result.cards} 张卡片，{pages} 页　{font}")
        self.summary.setObjectName("hint")
        self.page_label = QLabel(f"第 1 / {pages} 页")
        self.view.pageNavigator().currentPageChanged.connect(
            lambda page: self.page_label.setText(f"第 {page + 1} / {pages} 页"))
        self.zoom = QComboBox()
        self.zoom.addItems(["适合宽度", "整页", "100%"])
        self.zoom.currentIndexChanged.connect(self._zoom)
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为…")
        self.open_button = QPushButton("用系统程序打开")
        close = QPushButton("关闭")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(self.open_external)
        close.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.page_label)
        bar.addWidget(self.zoom)
        for button in (self.print_button, self.save_button, self.open_button, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.resize(fitting(self, QSize(900, 1000)))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finished.connect(self._cleanup)

    def _zoom(self, index: int) -> None:
        modes = (QPdfView.ZoomMode.FitToWidth, QPdfView.ZoomMode.FitInView,
                 QPdfView.ZoomMode.Custom)
        self.view.setZoomMode(modes[index])
        if modes[index] == QPdfView.ZoomMode.Custom:
            self.view.setZoomFactor(1.0)

    def save_as(self) -> Path | None:
        target, _ = QFileDialog.getSaveFileName(self, "另存为", str(Path.home() / self.path.name),
                                                "PDF 文件 (*.pdf)")
        if not target:
            return None
        dest = Path(target if target.lower().endswith(".pdf") else target + ".pdf")
        try:
            shutil.copyfile(self.path, dest)
        except OSError as error:
            QMessageBox.warning(self, "另存为", f"无法保存到“{dest}”：\n{error.strerror or error}")
            return None
        self.summary.setText(self.summary.text() + f"　已保存到 {dest}")
        return dest

    def open_external(self) -> bool:
        self.opened_externally = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))
        if not self.opened_externally:
            QMessageBox.information(self, "用系统程序打开",
                                    "没有找到能打开PDF的程序，请用“另存为”保存后再打开。")
        return self.opened_externally

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        match_page(printer, self.document)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印卡片")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        progress = QProgressDialog("正在发送到打印机…", "取消", 0, self.document.pageCount(), self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        print_pdf(self.document, printer, progress)
        progress.close()

    def _cleanup(self) -> None:
        self.document.close()
        # The temporary PDF holds personal data: remove it, unless an outside viewer may
        # still be reading it (the system's temp cleanup takes it then).
        if not self.opened_externally and self.path.parent.name.startswith("cards-"):
            shutil.rmtree(self.path.parent, ignore_errors=True)


def match_page(printer: QPrinter, document: QPdfDocument) -> None:
    """Paper and orientation as the PDF's first page: A4, A5, or A4 landscape for two-up."""
    if document.pageCount() == 0:
        return
    size = document.pagePointSize(0)
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Point, "",
                                  QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape
                               if size.width() > size.height()
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the cards carry their own margins
    printer.setDocName(document.metaData(QPdfDocument.MetaDataField.Title) or "卡片")


def print_pdf(document: QPdfDocument, printer: QPrinter,
              progress: QProgressDialog | None = None) -> int:
    """Render each page at the printer's resolution (at most 300 dpi) and paint it to the
    paper at its real size; returns the number of pages sent."""
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印（打印机不可用）")
    sent = 0
    try:
        dpi = min(printer.resolution(), 300)
        paper = printer.pageLayout().fullRectPixels(printer.resolution())
        for index in range(document.pageCount()):
            if progress is not None:
                if progress.wasCanceled():
                    printer.abort()
                    break
                progress.setValue(index)
            if index:
                printer.newPage()
            points = document.pagePointSize(index)
            image = document.render(index, QSize(round(points.width() / 72 * dpi),
                                                 round(points.height() / 72 * dpi)))
            scale = min(paper.width() / points.width(), paper.height() / points.height())
            target = QRectF(QPointF(0, 0), QSizeF(points.width() * scale,
                                                  points.height() * scale))
            painter.drawImage(target, image)
            sent += 1
    finally:
        painter.end()
    return sent


def open_print_dialog(parent: QWidget | None, ledger_path: str, kind: str,
                      member_ids: list[int] | None = None, node_id: int | None = None,
                      unit_id: int | None = None, period: str | None = None) -> PrintOptionsDialog:
    """Show the print dialog (non-blocking); the preview opens when the PDF is ready.

    kind: record, feedback, unit-feedback or info. member_ids: hand-picked members, printed in
    this order; node_id: everyone living in that grid subtree; unit_id: members of that work
    unit (or that unit itself for unit-feedback); none of them: every live member."""
    dialog = PrintOptionsDialog(parent, ledger_path, kind, member_ids, node_id, unit_id, period)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    dialog.show()
    return dialog
