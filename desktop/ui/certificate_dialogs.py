"""志愿服务记录证明: issue one for a member and a period (hours from verified services only,
shown before issuing), and the 证明登记簿 with 补打 (same number) and 作废 (with a reason)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import access, certificates, members, training
from db.errors import LedgerError
from db.ledger import Ledger
from db.validate import parse_date

from .forms import dialog_buttons, list_dialog
from .pickers import PickDialog
from .signin_dialogs import preview_pdf, temp_pdf


def print_certificate(parent: QWidget | None, ledger: Ledger, certificate_id: int) -> None:
    from desktop.cards.certificate import certificate_pdf

    cert = certificates.get(ledger, certificate_id)
    path, warnings, reprint = certificate_pdf(ledger, certificate_id,
                                              temp_pdf(f"志愿服务记录证明{cert['number']}.pdf"))
    preview_pdf(parent, path, 1, warnings, f"志愿服务记录证明 {cert['number']}"
                + ("（补打）" if reprint else ""))


class IssueDialog(QDialog):
    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 member_id: int | None = None):
        super().__init__(parent)
        self.ledger, self.member_id = ledger, member_id
        self.setWindowTitle("出具志愿服务记录证明")
        today = dt.date.today()
        self.member = QPushButton("选择党员…")
        self.member.clicked.connect(self.pick_member)
        self.start = QLineEdit(f"{today.year}-01-01")
        self.end = QLineEdit(today.isoformat())
        self.leader = QLineEdit()
        self.handler = QLineEdit(access.user_name(ledger))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("出具单位的联系电话，如 0318-2345678")
        self.note = QLineEdit()
        # 培训 and 表彰奖励 of the period on the certificate (db.training), when asked
        self.records = QCheckBox("列出服务期间的培训和表彰奖励")
        self.records.toggled.connect(self.update_facts)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("党员", self.member)
        form.addRow("服务开始日期", self.start)
        form.addRow("服务结束日期", self.end)
        form.addRow("负责人", self.leader)
        form.addRow("经办人", self.handler)
        form.addRow("联系电话", self.phone)
        form.addRow("备注", self.note)
        form.addRow("", self.records)
        form.addRow("", self.facts)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.issue, self.reject, "出具并打印"))
        for edit in (self.start, self.end):
            edit.editingFinished.connect(self.update_facts)
        self.certificate_id: int | None = None
        if member_id is not None:
            self.member.setText(members.get_member(ledger, member_id)["name"])
        self.update_facts()
        self.resize(520, 380)

    def pick_member(self) -> None:
        dialog = PickDialog(self.ledger, "选择党员", parent=self)
        if dialog.exec() and dialog.choice is not None:
            self.member_id = dialog.choice[1]
            self.member.setText(members.get_member(self.ledger, self.member_id)["name"])
            self.update_facts()

    def update_facts(self) -> None:
        if self.member_id is None:
            self.facts.setText("请选择党员")
            return
        try:
            start = parse_date(self.start.text(), "period_start", "服务开始日期", allow_blank=False)
            end = parse_date(self.end.text(), "period_end", "服务结束日期", allow_blank=False)
        except LedgerError as error:
            self.facts.setText(str(error))
            return
        facts = certificates.summary(self.ledger, self.member_id, start, end)
        text = (f"经社区审核的服务 {facts['times']} 次，共 {facts['hours']:g} 小时"
                "（未审核的不计入证明）")
        if self.records.isChecked():
            trains, honours = training.lines(self.ledger, self.member_id, start, end)
            text += f"；将列出培训 {len(trains)} 项、表彰奖励 {len(honours)} 项"
        self.facts.setText(text)

    def issue(self) -> None:
        self.error.clear()
        if self.member_id is None:
            self.error.setText("党员：请先选择党员")
            return
        try:
            self.certificate_id = certificates.issue(
                self.ledger, self.member_id, self.start.text(), self.end.text(),
                self.leader.text(), self.handler.text(), phone=self.phone.text(),
                note=self.note.text(), include_records=self.records.isChecked())
            print_certificate(self.parentWidget(), self.ledger, self.certificate_id)
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
            return
        self.accept()


HEADERS = ("证明编号", "姓名", "服务期间", "时长", "出具日期", "负责人", "经办人", "打印次数",
           "状态", "作废原因")


class RegisterDialog(QDialog):
    """证明登记簿: every certificate ever issued here or merged in, voided ones included."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("志愿服务记录证明登记簿")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        note = QLabel("证明只依据经社区审核的服务记录出具；补打沿用原编号，作废须写明原因，"
                      "打印和作废都记入审计日志。")
        note.setWordWrap(True)
        self.buttons = list_dialog(self, note, self.table, [
            ("出具新证明…", self.issue), ("补打", self.reprint), ("作废…", self.void),
            ("打印登记簿", self.print_register)], (1100, 560))
        self.error = QLabel()
        self.error.setObjectName("formError")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.error)
        self.rows: list[dict] = []
        self.reload()

    def reload(self) -> None:
        self.rows = certificates.register(self.ledger)
        self.table.setRowCount(len(self.rows))
        for r, c in enumerate(self.rows):
            values = (c["number"] + ("（编号重复）" if c["duplicate"] else ""), c["name"],
                      f"{c['period_start']}至{c['period_end']}", f"{c['hours']:g}",
                      c["issued_date"], c["leader"], c["handler"], str(c["prints"]),
                      c["status"], c["void_reason"])
            for col, value in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)

    def current(self) -> dict | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.error.setText("请先在登记簿中选中一份证明")
            return None
        return self.rows[row]

    def issue(self) -> None:
        if IssueDialog(self.ledger, self).exec():
            self.reload()

    def reprint(self) -> None:
        self.error.clear()
        cert = self.current()
        if cert is None:
            return
        try:
            print_certificate(self, self.ledger, cert["id"])
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
        self.reload()

    def void(self) -> None:
        self.error.clear()
        cert = self.current()
        if cert is None:
            return
        reason, ok = QInputDialog.getText(self, "作废证明",
                                          f"作废 {cert['number']}（{cert['name']}）的原因：")
        if not ok:
            return
        try:
            certificates.void(self.ledger, cert["id"], reason)
        except LedgerError as error:
            self.error.setText(str(error))
        self.reload()

    def print_register(self) -> None:
        from desktop.cards.certificate import register_pdf

        path, warnings = register_pdf(self.ledger, temp_pdf("志愿服务记录证明登记簿.pdf"))
        preview_pdf(self, path, 1, warnings, "志愿服务记录证明登记簿")

