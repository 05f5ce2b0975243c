"""报到登记表 and the 回执 register: print the form of a unit or member who reported (with the
community's 接收意见), and tick off each 回执 (报到单 and 反馈卡 ones) as it comes back."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import receipts, records
from db.errors import LedgerError, ValidationError
from db.ledger import Ledger
from db.validate import parse_date

from .forms import dialog_buttons, list_dialog
from .signin_dialogs import preview_pdf, temp_pdf


def print_report_form(parent: QWidget | None, ledger: Ledger, member_id: int | None = None,
                      unit_id: int | None = None, opinion: str | None = None) -> QDialog:
    """Write the 报到登记表 and show it in the preview (print, save as, open externally)."""
    from desktop.cards.report_form import report_form_pdf

    table, key = ("members", member_id) if member_id is not None else ("units", unit_id)
    name = records.get(ledger, table, key or 0)["name"]
    path, warnings, receipt_id = report_form_pdf(ledger, temp_pdf(f"报到登记表-{name}.pdf"),
                                                 member_id=member_id, unit_id=unit_id,
                                                 opinion=opinion)
    number = receipts.get(ledger, receipt_id)["number"]
    return preview_pdf(parent, path, 1, warnings, f"报到登记表 {name}（回执 {number}）")


class ReportFormDialog(QDialog):
    """打印报到登记表: the 社区接收意见 to print (kept with the receipt), then the preview."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 member_id: int | None = None, unit_id: int | None = None):
        super().__init__(parent)
        self.ledger, self.member_id, self.unit_id = ledger, member_id, unit_id
        self.preview: QDialog | None = None
        table, key = ("members", member_id) if member_id is not None else ("units", unit_id)
        subject = records.get(ledger, table, key or 0)
        self.setWindowTitle("打印报到登记表")
        existing = ledger.one("SELECT number, opinion, prints FROM receipts WHERE deleted = 0 AND "
                              "kind = ? AND member_id IS ? AND unit_id IS ? ORDER BY id LIMIT 1",
                              (receipts.REPORT, member_id, unit_id))
        self.opinion = QPlainTextEdit(existing["opinion"] if existing else receipts.DEFAULT_OPINION)
        self.opinion.setFixedHeight(90)
        who = "党员" if member_id is not None else "报到单位"
        info = QLabel(f"{who}：{subject['name']}　" + (
            f"回执编号 {existing['number']}（已打印{existing['prints']}次，再打为补打，编号不变）"
            if existing else "打印时取得新的回执编号"))
        info.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        form = QFormLayout()
        form.addRow(info)
        form.addRow("社区接收意见", self.opinion)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.print_form, self.reject, "打印预览"))
        self.setMinimumWidth(520)

    def print_form(self) -> None:
        self.error.clear()
        try:
            self.preview = print_report_form(self.parentWidget(), self.ledger, self.member_id,
                                             self.unit_id, self.opinion.toPlainText())
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
            return
        self.accept()


HEADERS = ("回执编号", "类型", "对象", "送达单位", "期间", "打印日期", "打印次数", "收回日期",
           "交回人", "未收回天数")
SHOW = (("未收回的", True), ("全部", False))


class ReceiptsDialog(QDialog):
    """回执登记: every 报到单 and 反馈卡 回执, those still out first by default."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("回执登记")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.kind = QComboBox()
        self.kind.addItem("全部类型", None)
        for kind in receipts.KINDS:
            self.kind.addItem(f"{kind}回执", kind)
        self.show_box = QComboBox()
        for label, value in SHOW:
            self.show_box.addItem(label, value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：编号、姓名或单位")
        self.count = QLabel()
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.show_box, self.kind, self.search):
            row.addWidget(widget)
        row.addWidget(self.count, 1)
        for box in (self.kind, self.show_box):
            box.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        # the number printed on the slip, typed or read by a barcode scanner (it types + Enter)
        self.number = QLineEdit()
        self.number.setObjectName("receiptNumber")
        self.number.setPlaceholderText("输入或扫描回执上的编号（如 2026-0007），回车查找")
        self.number.returnPressed.connect(self.find_number)
        find = QPushButton("按编号查找")
        find.clicked.connect(self.find_number)
        self.quick = QCheckBox("找到后直接登记收回（今天）")
        self.found = QLabel()
        lookup = QWidget()
        line = QHBoxLayout(lookup)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel("回执编号"))
        for part in (self.number, find, self.quick):
            line.addWidget(part)
        line.addWidget(self.found, 1)
        note = QLabel("报到登记表的回执交报到单位（或党员所在单位）签收后交回；反馈卡每打印一张就登记一份回执，"
                      "编号印在回执上。收回时输入回执编号查找（或选中该行），点“登记收回”。")
        note.setWordWrap(True)
        self.buttons = list_dialog(self, note, self.table, [
            ("登记收回…", self.mark_returned), ("撤销收回", self.undo_returned),
            ("打印报到登记表", self.reprint)], (1100, 560))
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, top)
        layout.insertWidget(2, lookup)
        layout.insertWidget(4, self.error)
        for button in self.findChildren(QPushButton):  # Enter in 回执编号 finds, nothing else
            button.setAutoDefault(False)
            button.setDefault(False)
        self.rows: list[dict] = []
        self.preview: QDialog | None = None
        self.reload()

    def reload(self, *_args: object) -> None:
        self.rows = receipts.listing(self.ledger, kind=self.kind.currentData(),
                                     outstanding=bool(self.show_box.currentData()),
                                     text=self.search.text().strip())
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (row["number"], row["kind"], row["subject"], row["addressee"], row["period"],
                      row["printed_date"], str(row["prints"]), row["returned_date"] or "未收回",
                      row["returned_by"], "" if row["days_out"] is None else str(row["days_out"]))
            for col, value in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        out = sum(1 for row in self.rows if not row["returned_date"])
        self.count.setText(f"共 {len(self.rows)} 份，未收回 {out} 份")

    def find_number(self) -> dict | None:
        """The 回执 of the number typed or scanned, selected in the list (all kinds, returned
        ones shown when it is one); with the quick box ticked it is registered back today."""
        self.error.clear()
        self.found.clear()
        try:
            row = receipts.find(self.ledger, self.number.text())
        except LedgerError as error:
            self.error.setText(str(error))
            self.number.selectAll()
            return None
        if self.quick.isChecked() and not row["returned_date"]:
            try:
                receipts.mark_returned(self.ledger, row["id"])
            except (LedgerError, ValidationError) as error:
                self.error.setText(str(error))
                return None
            row = receipts.get(self.ledger, row["id"])
        self.kind.setCurrentIndex(0)  # 全部类型
        if row["returned_date"]:  # shown under 全部 only
            self.show_box.setCurrentIndex(self.show_box.findData(False))
        self.search.clear()
        self.reload()
        index = next((i for i, r in enumerate(self.rows) if r["id"] == row["id"]), -1)
        if index >= 0:
            self.table.selectRow(index)
            item = self.table.item(index, 0)
            if item is not None:
                self.table.scrollToItem(item)
        subject = next((r["subject"] for r in self.rows if r["id"] == row["id"]), "")
        state = f"{row['returned_date']}已收回" if row["returned_date"] else "未收回"
        period = f" {row['period']}" if row["period"] else ""
        self.found.setText(f"{row['number']}：{row['kind']}{period}，{subject}，{state}")
        self.number.clear()
        self.number.setFocus()
        return row

    def current(self) -> dict | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.error.setText("请先在列表中选中一份回执")
            return None
        return self.rows[row]

    def mark_returned(self, date: str | None = None, returned_by: str | None = None) -> None:
        """登记收回 on a date (asked, default today) and who brought it back."""
        self.error.clear()
        row = self.current()
        if row is None:
            return
        if date is None:
            text, ok = QInputDialog.getText(self, "登记收回", f"{row['number']}（{row['subject']}）"
                                            "的收回日期：", text=dt.date.today().isoformat())
            if not ok:
                return
            date = text
        if returned_by is None:
            who, ok = QInputDialog.getText(self, "登记收回", "交回人（可不填）：")
            returned_by = who if ok else ""
        try:
            receipts.mark_returned(self.ledger, row["id"], parse_date(date, "returned_date",
                                                                       "收回日期", allow_blank=False),
                                   returned_by)
        except (LedgerError, ValidationError) as error:
            self.error.setText(str(error))
            return
        self.reload()

    def undo_returned(self) -> None:
        self.error.clear()
        row = self.current()
        if row is None:
            return
        try:
            receipts.undo_returned(self.ledger, row["id"])
        except LedgerError as error:
            self.error.setText(str(error))
        self.reload()

    def reprint(self) -> None:
        self.error.clear()
        row = self.current()
        if row is None:
            return
        if row["kind"] != receipts.REPORT:
            self.error.setText("反馈卡的回执随反馈卡打印：请在“打印 → 反馈卡”中补打")
            return
        try:
            self.preview = print_report_form(self, self.ledger, row["member_id"], row["unit_id"])
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
        self.reload()


OFFER_TEXT = "保存后打印报到登记表（含社区接收意见和回执）"


def offer_report_form(dialog: QDialog) -> QCheckBox:
    """A 报到 dialog's offer to print the 报到登记表 once saved: a box above its buttons."""
    box = QCheckBox(OFFER_TEXT)
    box.setObjectName("offerReportForm")
    layout = dialog.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(max(0, layout.count() - 1), box)
    return box


def report_form_after_save(dialog: QDialog, member_id: int | None = None,
                           unit_id: int | None = None) -> QDialog | None:
    """After a new 报到 is saved: print its 报到登记表 when the offer was ticked."""
    box = dialog.findChild(QCheckBox, "offerReportForm")
    ledger = getattr(dialog, "ledger", None)
    if box is None or not box.isChecked() or ledger is None or (member_id or unit_id) is None:
        return None
    try:
        return print_report_form(dialog.parentWidget(), ledger, member_id, unit_id)
    except (LedgerError, OSError) as error:
        QMessageBox.warning(dialog.parentWidget(), "报到登记表", f"报到已保存，但登记表没有生成：\n{error}")
        return None
