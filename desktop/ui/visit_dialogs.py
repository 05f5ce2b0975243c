"""一联一帮走访: record a member's visit to their paired household, and the month's list of
households nobody visited yet (每月必访), with 登记走访 from the list and its print."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import members, periods, visits
from db.errors import LedgerError, ValidationError
from db.ledger import Ledger
from db.validate import mask_phone

from .forms import (
    EditDialog,
    choice_field,
    confirm,
    date_field,
    fill_table,
    fitting,
    list_table,
    memo_field,
    show_error,
)
from .pickers import PickDialog
from .report_common import grid_combo, period_combo, period_of
from .signin_dialogs import preview_pdf, temp_pdf
from .worker import Job, run_ledger_job


class VisitDialog(EditDialog):
    """登记走访 for one member's household; the member's earlier visits below, to correct one."""

    def __init__(self, ledger: Ledger, member_id: int | None = None,
                 parent: QWidget | None = None):
        self.ledger, self.member_id = ledger, member_id
        self.member = QPushButton("选择党员…")
        self.member.clicked.connect(self.pick_member)
        self.household = QLabel()
        self.household.setWordWrap(True)
        self.history = list_table(("走访日期", "方式", "联系户", "走访情况"))
        self.history.setMinimumHeight(140)
        remove = QPushButton("删除选中的走访记录")
        remove.clicked.connect(self.remove_visit)
        extra = QWidget()
        box = QVBoxLayout(extra)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("以往走访："))
        box.addWidget(self.history, 1)
        box.addWidget(remove, 0, Qt.AlignmentFlag.AlignRight)
        super().__init__("登记一联一帮走访", [
            date_field("date", "走访日期"), choice_field("way", "走访方式", visits.WAYS),
            memo_field("note", "走访情况", 60)], parent, extra)
        # who and which household first, then the visit, then the earlier ones
        head = QWidget()
        row = QVBoxLayout(head)
        row.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("党员："))
        pick.addWidget(self.member, 1)
        row.addLayout(pick)
        row.addWidget(self.household)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, head)
        layout.setStretchFactor(extra, 1)
        self.form.set_values({"date": dt.date.today().isoformat(), "way": "上门"})
        self.visit_ids: list[int] = []
        self.show_member()
        self.resize(fitting(self, QSize(640, 560)))

    def pick_member(self) -> None:
        dialog = PickDialog(self.ledger, "选择党员", parent=self)
        if dialog.exec() and dialog.choice is not None:
            self.member_id = dialog.choice[1]
            self.show_member()

    def show_member(self) -> None:
        if self.member_id is None:
            self.household.setText("请选择党员")
            fill_table(self.history, [])
            return
        m = members.get_member(self.ledger, self.member_id)
        self.member.setText(m["name"])
        if m["household_name"]:
            phone = mask_phone(m["household_phone"]) if m["household_phone"] else "无"
            self.household.setText(f"一联一帮联系户：{m['household_name']}（{m['household_reason'] or '未填类别'}），"
                                   f"{m['household_address'] or '未填住址'}，电话 {phone}")
        else:
            self.household.setText(f"“{m['name']}”还没有登记一联一帮联系户，请先在“编辑”中填写联系户")
        rows = visits.member_visits(self.ledger, self.member_id)
        self.visit_ids = [r["id"] for r in rows]
        fill_table(self.history, [(r["date"], r["way"], r["household_name"], r["note"]) for r in rows])

    def remove_visit(self) -> None:
        row = self.history.currentRow()
        if not 0 <= row < len(self.visit_ids):
            self.show_error("请先在“以往走访”中选中一条记录")
            return
        if not confirm(self, "删除走访记录", "确定删除选中的走访记录？"):
            return
        try:
            visits.delete_visit(self.ledger, self.visit_ids[row])
        except LedgerError as error:
            self.show_error(str(error))
            return
        self.show_member()

    def save(self, values: dict[str, Any]) -> int | None:
        if self.member_id is None:
            raise ValidationError("member_id", "党员", "请先选择党员")
        return visits.record_visit(self.ledger, self.member_id, values["date"], values["way"],
                                   values["note"])


NOT_VISITED = ("居住网格", "党员", "党员电话", "联系户", "类别", "联系户住址", "联系户电话", "上次走访")


class NotVisitedDialog(QDialog):
    """每月必访: the paired households not visited in the month, for a grid (a 网格员's own)."""

    def __init__(self, ledger: Ledger, parent: QWidget | None = None,
                 node_id: int | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.setWindowTitle("一联一帮走访 — 本月未走访联系户")
        # labelled as the app's other period boxes (2026年12月（进行中）), this month first
        self.month = period_combo(periods.choices("month", 11))
        self.month.setMinimumContentsLength(13)
        self.grid = grid_combo(ledger, (2, 3, 4, 5))
        if node_id is not None:
            self.grid.setCurrentIndex(max(0, self.grid.findData(node_id)))
        self.full = QCheckBox("打印完整电话（记入审计日志）")
        show = QPushButton("查询")
        show.clicked.connect(self.reload)
        self.month.currentIndexChanged.connect(self.reload)
        self.grid.currentIndexChanged.connect(self.reload)
        top = QHBoxLayout()
        for label, widget in (("月份：", self.month), ("网格：", self.grid)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(show)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = list_table(NOT_VISITED)
        self.table.doubleClicked.connect(self.record)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("登记走访…", self.record), ("登记其他党员的走访…", self.record_other),
                           ("打印名单", self.print_list)):
            button = self.buttons[text] = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addWidget(self.full)
        row.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.rows: list[dict[str, Any]] = []
        self.job: Job | None = None
        self.reload()
        self.resize(fitting(self, QSize(1040, 600)))

    def code(self) -> str:
        return visits.month(period_of(self.month)).code

    def reload(self) -> None:
        self.error.clear()
        try:
            code = self.code()
            node_id = self.grid.currentData()
            self.rows = visits.not_visited(self.ledger, code, node_id)
            tally = visits.month_summary(self.ledger, code, node_id)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.summary.setText(f"{visits.month(code).label}：结对联系户 {tally['paired']} 户，已走访 "
                             f"{tally['visited']} 户，未走访 {tally['missing']} 户（每月必访）。"
                             "选中一行后点“登记走访”，走访日期在本月的即从名单中移除。")
        fill_table(self.table, [(r["place"], r["name"], r["mobile"], r["household_name"],
                            r["household_reason"], r["household_address"], r["household_phone"],
                            r["last_visit"] or "（无记录）") for r in self.rows])

    def record(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.error.setText("请先在名单中选中一户")
            return
        if VisitDialog(self.ledger, self.rows[row]["id"], self).exec():
            self.reload()

    def record_other(self) -> None:
        if VisitDialog(self.ledger, None, self).exec():
            self.reload()

    def print_list(self) -> None:
        """The list as a PDF, written off the GUI thread, then the preview."""
        from desktop.cards.visit_list import visit_list_pdf

        self.error.clear()
        try:
            code = self.code()
        except LedgerError as error:
            show_error(self, "打印名单", error)
            return
        node_id, full = self.grid.currentData(), self.full.isChecked()
        out = temp_pdf(f"一联一帮未走访联系户{code}.pdf")

        def work(ledger: Ledger, _progress: object, _cancelled: object) -> Any:
            return visit_list_pdf(ledger, code, out, node_id, full_phones=full)

        def done(result: Any) -> None:
            path, warnings, count = result
            preview_pdf(self, path, 1, warnings,
                        f"一联一帮{visits.month(code).label}未走访联系户（{count}户）")

        self.job = run_ledger_job(self, "打印名单", self.ledger, work, done,
                                  lambda error, _trace: show_error(self, "打印名单", error))


def household_tab(ledger: Ledger, member_id: int, household: QWidget) -> QWidget:
    """党员详情's 一联一帮 tab: the household's facts, this member's visits, 登记走访."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.addWidget(household)
    heading = QLabel()
    history = list_table(("走访日期", "方式", "联系户", "走访情况"))

    def reload() -> None:
        rows = visits.member_visits(ledger, member_id)
        this_month = dt.date.today().isoformat()[:7]
        done = any(r["date"][:7] == this_month for r in rows)
        heading.setText(f"走访记录（{len(rows)}次；本月{'已' if done else '尚未'}走访）")
        fill_table(history, [(r["date"], r["way"], r["household_name"], r["note"]) for r in rows])

    def record() -> None:
        if VisitDialog(ledger, member_id, box).exec():
            reload()

    button = QPushButton("登记走访…")
    button.clicked.connect(record)
    row = QHBoxLayout()
    row.addWidget(heading)
    row.addStretch(1)
    row.addWidget(button)
    layout.addLayout(row)
    layout.addWidget(history, 1)
    box.setProperty("record_visit", button)  # tests press it
    reload()
    return box
