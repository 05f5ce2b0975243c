"""签到表 from the activity dialog: print a numbered, pre-filled sheet, and afterwards take it
back in on one screen (按签到表录入): the sheet number, then a tick, the times or the hours
per row, and any walk-ins written on the blank rows."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import access, activities, emergency, grid, posts, signin
from db.errors import LedgerError
from db.ledger import Ledger
from desktop import workarea

from .forms import dialog_buttons
from .pickers import PickDialog
from .worker import JobCancelled, run_ledger_job


def preview_pdf(parent: QWidget | None, path: Path, pages: int, warnings: list[str],
                title: str, notes: list[str] | None = None) -> QDialog:
    """The generated paper in the app's PDF preview (print, save as, open externally)."""
    from desktop.cards import FontSet, PrintResult

    from .card_dialogs import PreviewDialog

    fonts = FontSet.discover()
    result = PrintResult(path, 1, pages, fonts.primary_label, fonts.embedded, warnings,
                         notes or [])
    dialog = PreviewDialog(parent, result, title)
    dialog.summary.setText(f"{title}，共 {dialog.document.pageCount() or pages} 页")
    dialog.show()
    return dialog


def temp_pdf(name: str) -> Path:
    """A PDF path in a private folder the preview removes when closed."""
    return Path(tempfile.mkdtemp(prefix="cards-", dir=workarea.use_private_temp())) / name


class SigninPrintDialog(QDialog):
    """Which members the sheet lists: a grid cell, a post's claimants, or the members ticked
    in the activity dialog."""

    def __init__(self, ledger: Ledger, activity_id: int, picked: dict[int, str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.activity_id, self.picked = ledger, activity_id, picked
        activity = activities.get_activity(ledger, activity_id)
        self.setWindowTitle("打印签到表")
        self.source = QComboBox()
        for label, key in (("网格内的在册党员", "网格"), ("认领岗位的党员", "岗位"),
                           (f"活动中已勾选的党员（{len(picked)}人）", "名单")):
            self.source.addItem(label, key)
        self.node = QComboBox()
        for label, node_id in grid.choices(ledger, (2, 3, 4, 5)):
            self.node.addItem(label, node_id)
        if activity["node_id"] is not None:
            self.node.setCurrentIndex(max(0, self.node.findData(activity["node_id"])))
        self.post = QComboBox()
        for p in posts.list_posts(ledger, include_disabled=False):
            self.post.addItem(p["name"], p["id"])
        if activity["post_id"] is not None:
            self.post.setCurrentIndex(max(0, self.post.findData(activity["post_id"])))
            self.source.setCurrentIndex(1)
        self.blank = QSpinBox()
        self.blank.setRange(0, 60)
        self.blank.setValue(signin.DEFAULT_BLANK)
        self.blank.setSuffix(" 行")
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("活动", QLabel(f"{activity['date']} {activity['title']}"))
        form.addRow("预填名单", self.source)
        form.addRow("网格", self.node)
        form.addRow("服务岗位", self.post)
        form.addRow("空白行（临时到场）", self.blank)
        form.addRow("", self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self.generate, self.reject, "生成签到表"))
        for combo in (self.source, self.node, self.post):
            combo.currentIndexChanged.connect(self.update_state)
        self.sheet_id: int | None = None
        self.path: Path | None = None
        self.update_state()
        self.resize(520, 250)

    def members(self) -> list[int] | None:
        return list(self.picked) if self.source.currentData() == "名单" else None

    def update_state(self) -> None:
        key = self.source.currentData()
        self.node.setEnabled(key == "网格")
        self.post.setEnabled(key == "岗位")
        try:
            people = signin.source_members(self.ledger, key, self.node.currentData(),
                                           self.post.currentData(), self.members())
            self.count.setText(f"将预填 {len(people)} 名党员")
        except LedgerError as error:
            self.count.setText(str(error))

    def generate(self) -> None:
        self.error.clear()
        try:
            self.sheet_id = signin.create_sheet(
                self.ledger, self.activity_id, self.source.currentData(),
                node_id=self.node.currentData(), post_id=self.post.currentData(),
                member_ids=self.members(), blank_rows=self.blank.value())
            from desktop.cards.signin_sheet import signin_pdf

            number = signin.get_sheet(self.ledger, self.sheet_id)["number"]
            path, warnings, pages = signin_pdf(self.ledger, self.sheet_id,
                                               temp_pdf(f"签到表{number}.pdf"))
        except (LedgerError, OSError) as error:
            self.error.setText(str(error))
            return
        self.path = path
        preview_pdf(self.parentWidget(), path, pages, warnings, f"签到表 {number}")
        self.accept()


COLS = ("序号", "姓名", "单位", "到场", "签到", "签退", "时长(小时)")


class SigninEntryDialog(QDialog):
    """按签到表录入: every ticked row becomes hours that name this sheet."""

    def __init__(self, ledger: Ledger, activity_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.activity_id = ledger, activity_id
        activity = activities.get_activity(ledger, activity_id)
        span = activities.span_hours(activity["start_time"], activity["end_time"])
        self.setWindowTitle("按签到表录入")
        self.number = QLineEdit()
        self.number.setPlaceholderText("签到表右上角的编号，或只写最后的序号，如 3")
        self.number.returnPressed.connect(self.load)
        load = QPushButton("读取")
        load.clicked.connect(self.load)
        sheets = signin.list_sheets(ledger, activity_id)
        self.sheets = QComboBox()
        self.sheets.addItem("（选择本活动的签到表）", None)
        for s in sheets:
            self.sheets.addItem(f"{s['number']}（已录入{s['entered']}人）", s["number"])
        self.sheets.activated.connect(self.pick)
        top = QHBoxLayout()
        top.addWidget(QLabel("签到表编号："))
        top.addWidget(self.number, 2)
        top.addWidget(load)
        top.addWidget(self.sheets, 2)
        times = f"活动时间 {activity['start_time']}—{activity['end_time']}，" if span else ""
        self.hint = QLabel(f"{activity['date']} {activity['title']}　{times}"
                           "勾选到场的人；时长空着时按签到、签退时间计算"
                           + (f"，都空着按活动时长 {span:g} 小时" if span else "") + "。")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, len(COLS))
        self.table.setHorizontalHeaderLabels(list(COLS))
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 50), (1, 170), (3, 56), (4, 90), (5, 90), (6, 100)):
            self.table.setColumnWidth(col, width)
        self.table.itemChanged.connect(lambda _item: self.update_summary())
        self.add_button = QPushButton("添加空白行上的党员…")
        self.add_button.clicked.connect(self.add_walk_in)
        self.add_button.setEnabled(False)
        self.all_button = QPushButton("全部到场")
        self.all_button.clicked.connect(lambda: self.tick_all(True))
        self.summary = QLabel()
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        # an 应急响应's 临时党支部 roster: the 到岗 ticks are entered and verified at once
        self.verifier_label = QLabel("审核人：")
        self.verifier = QLineEdit(access.user_name(ledger))
        self.verifier.setMaximumWidth(140)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.all_button)
        row.addStretch(1)
        row.addWidget(self.summary)
        row.addWidget(self.verifier_label)
        row.addWidget(self.verifier)
        self.buttons = dialog_buttons(self.save, self.reject, "录入", save=True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.sheet: dict | None = None
        self.counts: dict[str, int] | None = None
        self.job: Any = None
        self.show_roster(False)
        self.resize(900, 600)
        if len(sheets) == 1:
            self.number.setText(sheets[0]["number"])
            self.load()

    def pick(self, index: int) -> None:
        number = self.sheets.itemData(index)
        if number:
            self.number.setText(number)
            self.load()

    def load(self) -> None:
        self.error.clear()
        try:
            self.sheet = signin.find_sheet(self.ledger, self.number.text(), self.activity_id)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.number.setText(self.sheet["number"])
        self.show_roster(self.sheet["source"] == signin.ROSTER)
        self.table.setRowCount(0)
        # a street's 临时党支部 roster has thousands of rows: no summary per cell filled
        self.table.blockSignals(True)
        try:
            for r in signin.sheet_rows(self.ledger, self.sheet["id"]):
                self.add_row(r.member_id, r.name, r.work_unit, r.present, r.sign_in,
                             r.sign_out, "" if r.hours is None else f"{r.hours:g}", r.walk_in)
        finally:
            self.table.blockSignals(False)
        self.add_button.setEnabled(True)
        self.update_summary()

    def show_roster(self, roster: bool) -> None:
        """A 临时党支部 roster: 到岗 for 到场, and a 审核人 (entered hours are verified)."""
        self.roster = roster
        self.verifier_label.setVisible(roster)
        self.verifier.setVisible(roster)
        header = self.table.horizontalHeaderItem(3)
        if header is not None:
            header.setText("到岗" if roster else COLS[3])
        self.buttons.button(self.buttons.StandardButton.Save).setText(
            "录入并审核" if roster else "录入")
        self.all_button.setText("全部到岗" if roster else "全部到场")

    def add_row(self, member_id: int, name: str, unit: str, present: bool, sign_in: str = "",
                sign_out: str = "", hours: str = "", walk_in: bool = False) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        fixed = [str(row + 1), name + ("（临时到场）" if walk_in else ""), unit]
        for col, text in enumerate(fixed):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, col, item)
        self.cell(row, 0).setData(Qt.ItemDataRole.UserRole, member_id)
        tick = QTableWidgetItem()
        tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        tick.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, tick)
        for col, text in ((4, sign_in), (5, sign_out), (6, hours)):
            self.table.setItem(row, col, QTableWidgetItem(text))
        return row

    def cell(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        assert item is not None
        return item

    def tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.table.blockSignals(True)  # one summary, not one per row
        try:
            for row in range(self.table.rowCount()):
                self.cell(row, 3).setCheckState(state)
        finally:
            self.table.blockSignals(False)
        self.update_summary()

    def add_walk_in(self) -> None:
        dialog = PickDialog(self.ledger, "添加空白行上的党员", parent=self)
        if not dialog.exec() or dialog.choice is None:
            return
        member_id = dialog.choice[1]
        for row in range(self.table.rowCount()):
            if self.cell(row, 0).data(Qt.ItemDataRole.UserRole) == member_id:
                self.cell(row, 3).setCheckState(Qt.CheckState.Checked)
                self.table.setCurrentCell(row, 6)
                return
        from db import members

        m = members.get_member(self.ledger, member_id)
        row = self.add_row(member_id, m["name"], m["work_unit_name"] or "", True, walk_in=True)
        self.table.setCurrentCell(row, 6)
        self.update_summary()

    def entries(self) -> list[signin.Entry]:
        out = []
        for row in range(self.table.rowCount()):
            def text(col: int, row: int = row) -> str:
                item = self.table.item(row, col)
                return item.text().strip() if item else ""
            out.append(signin.Entry(
                self.cell(row, 0).data(Qt.ItemDataRole.UserRole),
                self.cell(row, 3).checkState() == Qt.CheckState.Checked,
                text(4), text(5), text(6)))
        return out

    def update_summary(self) -> None:
        ticks = [self.table.item(r, 3) for r in range(self.table.rowCount())]
        if any(t is None for t in ticks):
            return  # a row being filled in
        present = sum(t.checkState() == Qt.CheckState.Checked for t in ticks if t is not None)
        word = "到岗" if self.roster else "到场"
        self.summary.setText(f"共 {self.table.rowCount()} 行，{word} {present} 人")

    def save(self) -> None:
        self.error.clear()
        if self.sheet is None:
            self.error.setText("签到表编号：请先填写编号并点“读取”")
            return
        if self.roster:
            self.take_in_roster()
            return
        try:
            self.counts = signin.enter_sheet(self.ledger, self.sheet["id"], self.entries())
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.accept()

    def take_in_roster(self) -> None:
        """A 临时党支部 roster (a street's runs to thousands): entered and verified in the
        background, in one transaction that 取消 rolls back while the rows go in."""
        assert self.sheet is not None
        verifier, sheet_id, entries = self.verifier.text(), self.sheet["id"], self.entries()
        if not verifier.strip():
            self.error.setText("审核人：录入到岗情况并审核须填写审核人")
            return

        def work(ledger: Ledger, progress: Callable[[str, float], None],
                 cancelled: Callable[[], bool]) -> dict[str, int]:
            def rows() -> Iterator[signin.Entry]:
                for done, entry in enumerate(entries):
                    if cancelled():
                        raise JobCancelled()
                    if done % 200 == 0:
                        progress(f"正在录入到岗情况：{done}/{len(entries)}", done / len(entries))
                    yield entry
            return emergency.take_in(ledger, sheet_id, rows(), verifier)

        self.buttons.setEnabled(False)
        self.job = run_ledger_job(self, "录入到岗情况", self.ledger, work, self._taken_in,
                                  self._not_taken_in)
        self.job.cancelled.connect(self._take_in_cancelled)

    def _taken_in(self, counts: dict[str, int]) -> None:
        self.buttons.setEnabled(True)
        self.counts = counts
        self.accept()

    def _not_taken_in(self, error: BaseException, _trace: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(str(error) if isinstance(error, LedgerError) else f"没有录入：{error}")

    def _take_in_cancelled(self) -> None:
        self.buttons.setEnabled(True)
        self.load()  # what the ledger holds now (a cancel after the rows went in is too late)
        self.error.setText("已取消录入。")
