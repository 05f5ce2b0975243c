"""评价: the half-year evaluation of every member or unit in a grid subtree, on one sheet — the
figures, the suggested grade with its reason, the secretary's final grade and comment — saved
together. The grades fill the 反馈卡. It opens on the last finished half year; the running one
can be picked, marked （进行中）."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import settings, suggest
from db.errors import LedgerError
from db.ledger import Ledger
from db.settings import GRADE_SCHEMES

from .forms import show_error
from .models import load
from .ranking_tab import fill_period_combo
from .report_common import (
    ChoiceDelegate,
    Column,
    RowsModel,
    fill_grid_combo,
    grid_combo,
    period_combo,
    table_view,
)

MEMBER_COLUMNS = [
    Column("name", "姓名"), Column("org", "工作单位"), Column("points", "半年积分", "r"),
    Column("services", "服务次数", "r"), Column("hours", "服务时长", "r"),
    Column("quarters", "有服务季度", "r"), Column("suggested", "建议等次"),
    Column("grade", "评定等次", editable=True), Column("comment", "评语", editable=True),
    Column("reason", "建议理由"),
]
UNIT_COLUMNS = [
    Column("name", "单位名称"), Column("org", "类别"), Column("points", "半年积分", "r"),
    Column("projects", "实事", "r"), Column("meetings", "联席会议", "r"),
    Column("hours", "服务时长", "r"), Column("suggested", "建议等次"),
    Column("grade", "评定等次", editable=True), Column("comment", "评语", editable=True),
    Column("reason", "建议理由"),
]


class EvaluationPage(QWidget):
    changed = Signal()

    def __init__(self, ledger: Ledger, settings_: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.settings = ledger, settings_
        self.period = period_combo([])
        fill_period_combo(self.period, "half", 4)
        self.kind = QComboBox()
        self.kind.addItem("在职党员", "member")
        self.kind.addItem("报到单位", "unit")
        self.node = grid_combo(ledger, (2, 3, 4, 5), "全部网格")
        self.scheme = QComboBox()
        for name, grades in GRADE_SCHEMES.items():
            self.scheme.addItem(f"{name}：{'/'.join(grades)}", name)
        self.evaluator = QLineEdit()
        self.evaluator.setPlaceholderText("评价人")
        self.evaluator.setMaximumWidth(110)
        self.evaluator.setText(str(self.settings.value("evaluation/evaluator", "")))
        load = QPushButton("载入")
        load.clicked.connect(self.load)
        for box in (self.kind, self.node):
            box.activated.connect(lambda _i: self.load())
        self.scheme.activated.connect(self.change_scheme)
        fill_blank = QPushButton("未评的采用建议")
        fill_all = QPushButton("全部采用建议")
        self.save_button = QPushButton("保存评价")
        self.save_button.setDefault(True)
        fill_blank.clicked.connect(lambda: self.accept(False))
        fill_all.clicked.connect(lambda: self.accept(True))
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        for w in (QLabel("半年"), self.period, self.kind, QLabel("范围"), self.node, load):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(QLabel("等次方案"))
        top.addWidget(self.scheme)
        actions = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        actions.addWidget(self.summary, 1)
        for widget in (fill_blank, fill_all, QLabel("评价人"), self.evaluator, self.save_button):
            actions.addWidget(widget)
        self.model = RowsModel(MEMBER_COLUMNS, self)
        self.model.dataChanged.connect(lambda *_a: self._summary())
        self.view = table_view(self.model)
        self.delegate = ChoiceDelegate(lambda: settings.grades(self.ledger), self.view)
        self.rule = QLabel()
        self.rule.setObjectName("hint")
        self.rule.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.view.selectionModel().currentRowChanged.connect(self._detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.rule)
        layout.addLayout(actions)
        self.code = ""
        self.loaded_kind = "member"
        self._scheme_box()
        self.load()

    def _scheme_box(self) -> None:
        current = settings.get_setting(self.ledger, "grade_scheme") or "三级"
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(current)))

    def _detail(self, current: Any, _previous: Any = None) -> None:
        row = self.model.row(current)
        self.detail.setText(f"{row['name']}：建议“{row['suggested']}”——{row['reason']}" if row else "")

    def dirty(self) -> bool:
        return bool(self.model.edited)

    def can_leave(self) -> bool:
        """Unsaved grades or comments: ask 保存 / 放弃 / 取消 before they are lost (leaving the
        page, closing the window, loading another sheet). True when it is fine to go on."""
        if not self.dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "评价尚未保存",
                          f"评价表中有{len(self.model.edited)}项修改还没有保存。要保存吗？",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText("保存")
        box.button(QMessageBox.StandardButton.Discard).setText("放弃修改")
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            return not self.dirty()  # a refused save keeps the page open
        if answer == QMessageBox.StandardButton.Discard:
            self.model.edited = set()
            self.load()  # show what is saved, not the abandoned edits
            return True
        return False

    def load(self) -> None:
        if not self.can_leave():
            return
        kind, period, node = self.kind.currentData(), self.period.currentText().strip(), \
            self.node.currentData()
        # A city's sheet takes about a second to build: off the GUI thread when large.
        load(self, "评价", lambda ledger: (suggest.evaluation_sheet(ledger, period, kind, node),
                                            suggest._period(period), kind), self._loaded)

    def _loaded(self, result: tuple[list[dict[str, Any]], str, str]) -> None:
        rows, self.code, kind = result
        self.loaded_kind = kind
        self.model.set_rows(rows, MEMBER_COLUMNS if kind == "member" else UNIT_COLUMNS)
        grade_col = [c.key for c in self.model.columns].index("grade")
        self.view.setItemDelegateForColumn(grade_col, self.delegate)
        widths = (80 if kind == "member" else 220, 200, 70, 70, 70, 80, 70, 80, 200)
        for col, width in enumerate(widths):
            self.view.setColumnWidth(col, width)
        limits = suggest.thresholds(self.ledger, kind)
        scheme = settings.grades(self.ledger)
        text = "；".join(f"{r[0]}：{suggest.threshold_text(kind, r)}" for r in limits
                        if r[0] in scheme)
        self.rule.setText(f"建议等次的标准（{'/'.join(scheme)}）——{text}；其余为“{scheme[-1]}”。"
                          "积分为基础分加本半年的积分记录（兑换不计）。双击“评定等次”“评语”可修改。")
        self._summary()

    def _summary(self) -> None:
        rows = self.model.rows
        graded = sum(1 for r in rows if r.get("grade"))
        differ = sum(1 for r in rows if r.get("grade") and r["grade"] != r["suggested"])
        unsaved = f"，{len(self.model.edited)}项未保存" if self.model.edited else ""
        self.summary.setText(f"共{len(rows)}{'人' if self.loaded_kind == 'member' else '个'}，"
                             f"已评定{graded}，其中{differ}项与建议不同{unsaved}")

    def accept(self, overwrite: bool) -> None:
        before = {i: r.get("grade") for i, r in enumerate(self.model.rows)}
        changed = suggest.accept_suggestions(self.model.rows, overwrite)
        for i, row in enumerate(self.model.rows):
            if row.get("grade") != before[i]:
                self.model.edited.add(i)
        self.model.refresh_rows()
        self._summary()
        if changed == 0:
            self.summary.setText(self.summary.text() + "（没有需要填写的）")

    def save(self) -> int:
        rows = [self.model.rows[i] for i in sorted(self.model.edited)]
        if not rows:
            return 0
        self.settings.setValue("evaluation/evaluator", self.evaluator.text().strip())
        try:
            saved = suggest.save_sheet(self.ledger, self.code, self.loaded_kind, rows,
                                       evaluator=self.evaluator.text().strip())
        except LedgerError as error:
            show_error(self, "保存评价", error)
            return 0
        self.model.edited = set()
        self._summary()
        self.summary.setText(self.summary.text() + f"；已保存{saved}项")
        self.changed.emit()
        return saved

    def change_scheme(self) -> None:
        name = self.scheme.currentData()
        if name == settings.get_setting(self.ledger, "grade_scheme"):
            return
        used = self.ledger.scalar("SELECT count(*) FROM evaluations WHERE deleted = 0")
        if used and QMessageBox.question(
                self, "等次方案", f"台账中已有{used}条评价使用原方案的等次。改用“{name}”后，"
                "新的评价按新方案评定，已有评价保持原等次。确定改用吗？") != \
                QMessageBox.StandardButton.Yes:
            self._scheme_box()
            return
        settings.set_setting(self.ledger, "grade_scheme", name)
        self.model.edited = set()
        self.load()
        self.changed.emit()

    def refresh(self) -> None:
        fill_grid_combo(self.node, self.ledger, (2, 3, 4, 5), "全部网格")
        self._scheme_box()
        if not self.dirty():
            self.load()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.model.edited = set()
        self.refresh()

    def rows(self) -> list[dict[str, Any]]:
        return self.model.rows
