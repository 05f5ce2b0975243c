"""积分: the rules (saved without touching past entries; recalculation previewed, then
confirmed), a member's or unit's entries with manual adjustments, the 积分超市 catalogue with
redemption and the 爱心存折, and the rankings with closing (freezing) and letters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, Signal
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

from db import activities, points, recalc, redeem
from db.errors import LedgerError
from db.ledger import Ledger
from db.orders import RATINGS
from db.periods import is_finished, parse_period

from .forms import EditDialog, confirm, date_field, number_field, show_error, text_field
from .points_host import PointsHost
from .ranking_tab import RankingTab, fill_period_combo, period_code
from .report_common import (
    Column,
    RowsModel,
    period_combo,
    show_pdf,
    tabbed_page,
    table_view,
)
from .shop_tab import ShopTab
from .worker import run_ledger_job

SOURCE_NAMES = {"activity": "活动", "order": "完成需求", "rating": "群众评价", "manual": "手动调整",
                "redeem": "积分兑换", "deduction": "扣分", "noshow": "缺席扣分"}


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


class AdjustDialog(EditDialog):
    def __init__(self, ledger: Ledger, subject: tuple[str, int], name: str, parent: QWidget):
        fields = [number_field("delta", "分值（扣分填负数）", -1000, 1000, 1),
                  text_field("reason", "原因", "如：抗洪抢险表现突出"),
                  date_field("date", "日期")]
        super().__init__(f"手动调整积分：{name}", fields, parent)
        self.ledger, self.subject = ledger, subject
        self.form.set_values({"date": dt.date.today().isoformat()})
        self.form.snapshot = self.form.values()

    def save(self, values: dict[str, Any]) -> int:
        kind, sid = self.subject
        who = {"member_id": sid} if kind == "member" else {"unit_id": sid}
        return points.adjust(self.ledger, values["reason"], float(values["delta"] or 0),
                             date=values["date"] or None, **who)


class NoShowDialog(EditDialog):
    """记缺席: the member signed up for an activity and did not come."""

    def __init__(self, ledger: Ledger, member_id: int, name: str, parent: QWidget):
        from .forms import lookup_field

        since = (dt.date.today() - dt.timedelta(days=366)).isoformat()
        items = [(f"{a['date']} {a['kind']}“{a['title']}”", a["id"])
                 for a in activities.list_activities(ledger, start=since)]
        super().__init__(f"记缺席扣分：{name}", [lookup_field("activity_id", "活动", items),
                                              text_field("note", "说明", "如：报名后未到场")], parent)
        self.ledger, self.member_id = ledger, member_id

    def save(self, values: dict[str, Any]) -> int | None:
        from db.errors import ValidationError

        if not isinstance(values["activity_id"], int):
            raise ValidationError("activity_id", "活动", "请选择一项活动")
        return points.mark_no_show(self.ledger, values["activity_id"], self.member_id,
                                   values["note"])


class EntriesTab(QWidget):
    def __init__(self, page: PointsHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing PointsHost
        self.page = page
        self.subject: tuple[str, int] | None = None
        self.name = ""
        pick = QPushButton("选择党员或单位…")
        pick.clicked.connect(self.pick)
        self.title = QLabel("请选择一名党员或一个报到单位")
        self.title.setObjectName("sectionTitle")
        self.adjust_button = QPushButton("手动调整…")
        self.no_show_button = QPushButton("记缺席扣分…")
        self.passbook_button = QPushButton("打印爱心存折")
        self.adjust_button.clicked.connect(self.adjust)
        self.no_show_button.clicked.connect(self.no_show)
        self.passbook_button.clicked.connect(self.passbook)
        bar = QHBoxLayout()
        for w in (pick, self.title):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.adjust_button)
        bar.addWidget(self.no_show_button)
        bar.addWidget(self.passbook_button)
        self.model = RowsModel([Column("date", "日期"), Column("delta", "分值", "r",
                                                             fmt=lambda v: f"{v:+g}"),
                                Column("balance", "累计", "r"), Column("source", "来源"),
                                Column("reason", "原因")], self)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        view = table_view(self.model)
        view.setColumnWidth(0, 110)
        view.setColumnWidth(3, 90)
        layout.addWidget(view, 1)
        self._buttons()

    def _buttons(self) -> None:
        self.adjust_button.setEnabled(self.subject is not None)
        member = bool(self.subject and self.subject[0] == "member")
        self.passbook_button.setEnabled(member)
        self.no_show_button.setEnabled(member)

    def pick(self) -> None:
        from .pickers import PickDialog

        dialog = PickDialog(self.page.ledger, "选择党员或单位", units_too=True, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.choice:
            self.show_subject(*dialog.choice)

    def show_subject(self, kind: str, sid: int) -> None:
        ledger = self.page.ledger
        table = "members" if kind == "member" else "units"
        self.subject = (kind, sid)
        self.name = ledger.scalar(f"SELECT name FROM {table} WHERE id = ?", (sid,)) or ""
        who = {"member_id": sid} if kind == "member" else {"unit_id": sid}
        rows = points.entries(ledger, **who)
        base = float(points.rules(ledger)["base"])
        running = base
        for row in rows:
            running = round(running + float(row["delta"]), 2)
            row["balance"] = running
            row["source"] = SOURCE_NAMES.get(row["source_kind"], row["source_kind"])
        self.model.set_rows(rows)
        extra = ""
        if kind == "member":
            extra = f"，可兑换积分{redeem.spendable(ledger, sid):g}分（爱心存折）"
        self.title.setText(f"{self.name}：累计积分{points.accumulated(ledger, **who):g}分"
                           f"（含基础分{base:g}）{extra}")
        self._buttons()

    def reload(self) -> None:
        if self.subject:
            self.show_subject(*self.subject)

    def adjust(self) -> None:
        if self.subject is None:
            return
        dialog = AdjustDialog(self.page.ledger, self.subject, self.name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.page.changed.emit()

    def no_show(self) -> None:
        if not self.subject or self.subject[0] != "member":
            return
        dialog = NoShowDialog(self.page.ledger, self.subject[1], self.name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.page.changed.emit()

    def passbook(self) -> None:
        if not self.subject or self.subject[0] != "member":
            return
        from desktop.cards.reports import passbook_pdf

        out = self.page.output_dir() / f"爱心存折-{self.name}.pdf"
        path, warnings = passbook_pdf(self.page.ledger, self.subject[1], out)
        self.page.preview(path, warnings, 1, "爱心存折预览", "份存折")


class PointsPage(QWidget):
    changed = Signal()

    def __init__(self, ledger: Ledger, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.settings = ledger, settings
        self.recalc_dialog: QDialog | None = None
        self.recalc_finished = False
        self.job: Any = None
        self.rules_tab = RulesTab(self)
        self.entries_tab = EntriesTab(self)
        self.shop_tab = ShopTab(self)
        self.rank_tab = RankingTab(self)
        self.tabs, self.status = tabbed_page(self, [
            (self.rules_tab, "积分规则"), (self.entries_tab, "积分记录"),
            (self.shop_tab, "积分超市"), (self.rank_tab, "积分排行")])
        self.rank_tab.refresh()

    def preview(self, path: Any, warnings: list[str], count: int, title: str, what: str) -> None:
        show_pdf(self, path, warnings, count, title, what)

    def output_dir(self) -> Path:

        from desktop.paths import data_dir

        folder = Path(data_dir()) / "打印"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def refresh(self) -> None:
        self.rules_tab.load()
        self.entries_tab.reload()
        self.shop_tab.reload()
        self.rank_tab.refresh()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.entries_tab.subject = None
        self.entries_tab.model.set_rows([])
        self.entries_tab.title.setText("请选择一名党员或一个报到单位")
        self.refresh()

