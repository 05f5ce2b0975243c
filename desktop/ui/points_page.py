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
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import activities, points, redeem
from db.ledger import Ledger

from .forms import EditDialog, date_field, number_field, text_field
from .points_host import PointsHost
from .points_rules import RulesTab
from .ranking_tab import RankingTab
from .report_common import (
    Column,
    LazyTabs,
    RowsModel,
    show_pdf,
    tabbed_page,
    table_view,
)
from .shop_tab import ShopTab

SOURCE_NAMES = {"activity": "活动", "order": "完成需求", "rating": "群众评价", "manual": "手动调整",
                "redeem": "积分兑换", "deduction": "扣分", "noshow": "缺席扣分"}


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
        self.tabs, self.status = tabbed_page(self, [(self.rules_tab, "积分规则")])
        # built when first shown (or asked for): a city's page opened with all four built
        self.later = LazyTabs(self.tabs)
        self.later.add("entries", "积分记录", lambda: EntriesTab(self))
        self.later.add("shop", "积分超市", lambda: ShopTab(self))
        self.later.add("rank", "积分排行", self._ranking)

    def _ranking(self) -> RankingTab:
        tab = RankingTab(self)
        tab.refresh()  # in the background
        return tab

    @property
    def entries_tab(self) -> EntriesTab:
        return cast(EntriesTab, self.later.get("entries"))

    @property
    def shop_tab(self) -> ShopTab:
        return cast(ShopTab, self.later.get("shop"))

    @property
    def rank_tab(self) -> RankingTab:
        return cast(RankingTab, self.later.get("rank"))

    def preview(self, path: Any, warnings: list[str], count: int, title: str, what: str) -> None:
        show_pdf(self, path, warnings, count, title, what)

    def output_dir(self) -> Path:

        from desktop.paths import data_dir

        folder = Path(data_dir()) / "打印"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def refresh(self) -> None:
        self.rules_tab.load()
        if self.later.is_built("entries"):
            self.entries_tab.reload()
        if self.later.is_built("shop"):
            self.shop_tab.reload()
        if self.later.is_built("rank"):
            self.rank_tab.refresh()

    def set_ledger(self, ledger: Ledger) -> None:
        self.ledger = ledger
        if self.later.is_built("entries"):
            self.entries_tab.subject = None
            self.entries_tab.model.set_rows([])
            self.entries_tab.title.setText("请选择一名党员或一个报到单位")
        self.refresh()

