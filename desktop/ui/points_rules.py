"""积分规则: the rules tab (saved without touching past entries) and the recalculation under the
current rules, previewed in the background and confirmed."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import activities, points, recalc
from db.errors import LedgerError
from db.orders import RATINGS
from db.periods import is_finished, parse_period

from .forms import confirm, show_error
from .points_host import PointsHost
from .ranking_tab import fill_period_combo, period_code
from .report_common import (
    Column,
    RowsModel,
    period_combo,
    table_view,
)
from .worker import run_ledger_job


def _spin(value: float, low: float = -100, high: float = 1000) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setValue(float(value))
    box.setMinimumWidth(80)
    return box


class RecalcDialog(QDialog):
    """The differences a recalculation would make, before anything is written."""

    def __init__(self, parent: QWidget, diffs: list[recalc.Difference]):
        super().__init__(parent)
        self.setWindowTitle("按新规则重算：差异预览")
        model = RowsModel([Column("date", "日期"), Column("name", "党员/单位"),
                           Column("what", "事由"), Column("old", "原积分", "r"),
                           Column("new", "新积分", "r"), Column("delta", "调整", "r",
                                                              fmt=lambda v: f"{v:+g}")], self)
        model.set_rows([{"date": d.date, "name": d.name, "what": d.what, "old": d.old,
                         "new": d.new, "delta": d.delta} for d in diffs])
        label = QLabel(recalc.summary(diffs))
        label.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("确认重算", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setEnabled(bool(diffs))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        view = table_view(model)
        view.setColumnWidth(2, 320)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        self.resize(900, 520)


class RulesTab(QWidget):
    def __init__(self, page: PointsHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing PointsHost
        self.page = page
        self.base = _spin(80, 0, 1000)
        self.per_hour = _spin(1)
        self.order = _spin(3)
        self.no_show = _spin(2, 0, 100)
        self.idle = _spin(5, 0, 100)
        self.kinds = {k: _spin(0) for k in activities.KINDS}
        self.ratings = {r: _spin(0) for r in RATINGS}
        general = QFormLayout()
        general.addRow("基础分", self.base)
        general.addRow("每服务1小时加", self.per_hour)
        general.addRow("完成一件群众需求加", self.order)
        general.addRow("报名未参加（缺席）扣", self.no_show)
        general.addRow("一个季度无服务扣", self.idle)
        kinds = QFormLayout()
        for kind, box in self.kinds.items():
            kinds.addRow(f"{kind}（每次）", box)
        rating = QFormLayout()
        for name, box in self.ratings.items():
            rating.addRow(f"群众评价“{name}”", box)
        boxes = QHBoxLayout()
        for title, form in (("基本规则", general), ("已审核活动加分", kinds), ("群众评价加减分", rating)):
            group = QGroupBox(title)
            group.setLayout(form)
            boxes.addWidget(group)
        save = QPushButton("保存规则")
        save.clicked.connect(self.save)
        preview = QPushButton("按当前规则重算…")
        preview.clicked.connect(self.recalculate)
        self.quarter = period_combo([])
        fill_period_combo(self.quarter, "quarter", 6)  # the last finished quarter
        idle = QPushButton("扣除该季度无服务党员…")
        idle.clicked.connect(self.idle_deductions)
        note = QLabel("保存规则只影响此后审核的活动和办结的需求，已有的积分记录不会改变。"
                      "如需让过去的记录也按新规则计算，请点“按当前规则重算”，先查看差异，确认后"
                      "为每项差异追加一条调整记录（原记录保留）。")
        note.setWordWrap(True)
        note.setObjectName("hint")
        actions = QHBoxLayout()
        actions.addWidget(save)
        actions.addWidget(preview)
        actions.addStretch(1)
        actions.addWidget(QLabel("季度"))
        actions.addWidget(self.quarter)
        actions.addWidget(idle)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addWidget(note)
        layout.addLayout(actions)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        rule = points.rules(self.page.ledger)
        self.base.setValue(float(rule["base"]))
        self.per_hour.setValue(float(rule["per_hour"]))
        self.order.setValue(float(rule["order_completed"]))
        self.no_show.setValue(abs(float(rule["no_show"])))
        self.idle.setValue(abs(float(rule["idle_quarter"])))
        for kind, box in self.kinds.items():
            box.setValue(float(rule["per_activity"].get(kind, 0)))
        for name, box in self.ratings.items():
            box.setValue(float(rule["rating"].get(name, 0)))

    def values(self) -> dict[str, Any]:
        return {"base": self.base.value(), "per_hour": self.per_hour.value(),
                "order_completed": self.order.value(), "no_show": self.no_show.value(),
                "idle_quarter": self.idle.value(),
                "per_activity": {k: b.value() for k, b in self.kinds.items()},
                "rating": {k: b.value() for k, b in self.ratings.items()}}

    def save(self) -> None:
        try:
            points.set_rules(self.page.ledger, self.values())
        except LedgerError as error:
            show_error(self, "保存积分规则", error)
            return
        self.page.status.setText("积分规则已保存；已有积分记录未改变。")
        self.page.changed.emit()

    def recalculate(self) -> None:
        ledger = self.page.ledger
        if self._unsaved():
            if not confirm(self, "重算", "规则有未保存的修改，要先保存再预览吗？"):
                return
            self.save()
        self.page.recalc_finished = False
        # a large ledger takes seconds
        self.page.job = run_ledger_job(self, "按当前规则重算", ledger,
                                       lambda own, _p, _c: recalc.preview(own),
                                       self.confirm_recalculation)

    def confirm_recalculation(self, diffs: list[recalc.Difference]) -> None:
        ledger = self.page.ledger
        try:
            dialog = RecalcDialog(self, diffs)
            self.page.recalc_dialog = dialog
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            try:
                made = recalc.apply(ledger, diffs)
            except LedgerError as error:
                show_error(self, "重算", error)
                return
            self.page.status.setText(f"已按当前规则追加{made}条积分调整记录。")
            self.page.changed.emit()
        finally:
            self.page.recalc_finished = True

    def _unsaved(self) -> bool:
        rule = points.rules(self.page.ledger)
        now = self.values()
        return any(abs(float(rule[k]) - float(now[k])) > 1e-9 for k in ("base", "per_hour",
                                                                      "order_completed")) \
            or any(abs(abs(float(rule[k])) - now[k]) > 1e-9 for k in ("no_show", "idle_quarter")) \
            or any(abs(float(rule["per_activity"].get(k, 0)) - v) > 1e-9
                   for k, v in now["per_activity"].items()) \
            or any(abs(float(rule["rating"].get(k, 0)) - v) > 1e-9 for k, v in now["rating"].items())

    def idle_deductions(self) -> None:
        ledger = self.page.ledger
        try:
            code = period_code(self.quarter)
            idle = points.idle_members(ledger, code)
        except LedgerError as error:
            show_error(self, "季度无服务扣分", error)
            return
        amount = abs(float(points.rules(ledger)["idle_quarter"]))
        if not idle or not amount:
            self.page.status.setText("没有需要扣分的党员。")
            return
        names = "、".join(m["name"] for m in idle[:10]) + ("等" if len(idle) > 10 else "")
        quarter = parse_period(code)
        early = "" if is_finished(quarter) else \
            f"注意：{quarter.label}还没有结束，现在扣分会扣到本季度稍后才参加服务的党员。\n"
        if not confirm(self, "季度无服务扣分",
                       f"{early}{quarter.label}共有{len(idle)}名党员没有已审核的服务记录（{names}），"
                       f"将各扣{amount:g}分。确定吗？"):
            return
        made = points.apply_idle_deductions(ledger, code)
        self.page.status.setText(f"已为{made}名党员记入季度无服务扣分。")
        self.page.changed.emit()
