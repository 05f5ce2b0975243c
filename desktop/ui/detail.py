"""Member and unit detail pages: the info card's facts, posts, 一联一帮, service history,
points; a unit's contacts, agreement, lists and members."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db import activities, audit, grid, members, orders, points, posts, units
from db.errors import LedgerError
from db.ledger import Ledger
from db.validate import birth_year, mask_id, mask_phone

from .forms import confirm, show_error


def facts(pairs: Sequence[tuple[str, Any]]) -> QWidget:
    widget = QWidget()
    form = QFormLayout(widget)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    for label, value in pairs:
        text = QLabel("" if value in (None, "") else str(value))
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        form.addRow(f"{label}：", text)
    return widget


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> QTableWidget:
    widget = QTableWidget(len(rows), len(headers))
    widget.setHorizontalHeaderLabels(list(headers))
    widget.verticalHeader().hide()
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    widget.setAlternatingRowColors(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else
                                    (f"{value:g}" if isinstance(value, float) else str(value)))
            widget.setItem(r, c, item)
    widget.resizeColumnsToContents()
    widget.horizontalHeader().setStretchLastSection(True)
    return widget


class DetailDialog(QDialog):
    edited = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.tabs = QTabWidget()
        self.header = QLabel()
        self.header.setObjectName("detailHeader")
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self.buttons)
        self.buttons.addWidget(close)
        self.resize(860, 620)

    def add_button(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button

    def rebuild(self) -> None:
        index = self.tabs.currentIndex()
        while self.tabs.count():
            tab = self.tabs.widget(0)
            if tab is not None:
                tab.deleteLater()
            self.tabs.removeTab(0)
        self.fill()
        self.tabs.setCurrentIndex(max(index, 0))

    def fill(self) -> None:
        raise NotImplementedError


class MemberDetail(DetailDialog):
    def __init__(self, ledger: Ledger, member_id: int, parent: QWidget | None = None,
                 show_full_id: bool = False,
                 print_cards: Callable[[str, int], Any] | None = None):
        self.ledger, self.member_id, self.full = ledger, member_id, show_full_id
        super().__init__("党员详情", parent)
        self.add_button("编辑…", self.edit)
        self.add_button("认领岗位…", self.claim)
        if print_cards is not None:
            menu = QMenu(self)
            for kind, label in (("record", "纪实卡"), ("feedback", "反馈卡"), ("info", "基本信息卡")):
                menu.addAction(label, functools.partial(print_cards, kind, member_id))
            self.add_button("打印卡片", lambda: None).setMenu(menu)
        self.fill()

    def fill(self) -> None:
        m = members.get_member(self.ledger, self.member_id)
        self.setWindowTitle(f"党员详情 — {m['name']}")
        if self.full and not getattr(self, "logged", False):
            audit.record(self.ledger, "查看完整证件号", f"在职党员 {m['name']}")
            self.logged = True
        balance = points.accumulated(self.ledger, self.member_id)
        self.header.setText(f"<b style='font-size:15pt'>{m['name']}</b>　{m['status']}　"
                            f"{m['work_unit_name']}　累计积分 {balance:g}")
        place = grid.path_text(self.ledger, m["residence_node_id"], skip_levels=2)
        claims = posts.member_claims(self.ledger, self.member_id)
        shown_id = m["id_number"] if self.full else mask_id(m["id_number"])
        masked = "*" in shown_id
        self.tabs.addTab(facts([
            ("姓名", m["name"]), ("性别", m["gender"]), ("民族", m["ethnicity"]),
            # a masked number hides exactly the birth date: beside it, the year only
            ("出生年份", birth_year(m["birth_date"])) if masked else ("出生日期", m["birth_date"]),
            ("身份证号", shown_id),
            ("手机号码", m["mobile"] if self.full else mask_phone(m["mobile"])),
            ("工作单位", m["work_unit_name"]), ("职务", m["position"]),
            ("所在党支部", m["branch"]), ("入党日期", m["join_date"]),
            ("居住地", place + m["room"]), ("报到日期", m["report_date"]),
            ("特长", m["specialties"]), ("认领岗位", "、".join(c["post_name"] for c in claims)),
            ("状态", m["status"]), ("备注", m["note"]),
        ]), "基本信息")
        self.claims_table = table(["岗位", "类别", "认领日期"], [
            (c["post_name"], c["category"], c["claimed_date"]) for c in claims])
        self.claim_ids = [c["id"] for c in claims]
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.claims_table)
        release = QPushButton("取消选中的认领")
        release.clicked.connect(self.release)
        box_layout.addWidget(release, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(box, f"认领岗位（{len(claims)}）")
        from .training_dialogs import TrainingTab
        from .visit_dialogs import household_tab

        self.tabs.addTab(household_tab(self.ledger, self.member_id, facts([
            ("联系户姓名", m["household_name"]), ("类别", m["household_reason"]),
            ("住址", m["household_address"]),
            ("电话", m["household_phone"] if self.full else mask_phone(m["household_phone"])),
        ])), "一联一帮")
        honours = TrainingTab(self.ledger, self.member_id)
        self.tabs.addTab(honours, honours.title())
        honours.changed.connect(lambda: self.tabs.setTabText(self.tabs.indexOf(honours),
                                                             honours.title()))
        services = activities.member_services(self.ledger, self.member_id)
        hours = sum(s["hours"] for s in services)
        self.services_table = table(
            ["日期", "类型", "活动", "时长", "积分", "审核"],
            [(s["date"], s["kind"], s["title"], s["hours"], s["points"],
              f"{s['verifier']} {s['verified_date']}" if s["verified"] else "待审核")
             for s in services])
        self.tabs.addTab(self.services_table,
                         f"服务纪实（{len(services)}次，{hours:g}小时）")
        done = orders_for(self.ledger, self.member_id)
        self.tabs.addTab(table(["点单日期", "需求", "状态", "完成日期", "评价"], done),
                         f"群众需求（{len(done)}）")
        entries = points.entries(self.ledger, member_id=self.member_id)
        self.tabs.addTab(table(["日期", "分值", "原因"], [
            (e["date"], f"{e['delta']:+g}", e["reason"]) for e in entries]),
            f"累计积分（{balance:g}）")

    def edit(self) -> None:
        from .dialogs import MemberDialog

        if MemberDialog(self.ledger, self.member_id, self).exec():
            self.rebuild()
            self.edited.emit()

    def claim(self) -> None:
        available = [p for p in posts.list_posts(self.ledger, include_disabled=False)]
        if not available:
            show_error(self, "认领岗位", "还没有启用的服务岗位，请先在“服务岗位”中新增。")
            return
        labels = [f"{p['name']}（{p['category']}，已认领{p['claimed']}/{p['capacity']}）"
                  for p in available]
        choice, ok = QInputDialog.getItem(self, "认领岗位", "选择岗位：", labels, 0, False)
        if not ok:
            return
        try:
            claim = posts.claim_post(self.ledger, available[labels.index(choice)]["id"],
                                     self.member_id)
        except LedgerError as error:
            show_error(self, "认领岗位", error)
            return
        if claim.over_capacity:
            show_error(self, "超过拟认领数", f"{claim.warning}。认领已保存。")
        self.rebuild()
        self.edited.emit()

    def release(self) -> None:
        rows = {i.row() for i in self.claims_table.selectionModel().selectedRows()}
        if not rows or not confirm(self, "取消认领", "确定取消选中的岗位认领？"):
            return
        for row in rows:
            posts.release_claim(self.ledger, self.claim_ids[row])
        self.rebuild()
        self.edited.emit()


def orders_for(ledger: Ledger, member_id: int) -> list[tuple[Any, ...]]:
    return [(o["requested_date"], o["title"], o["state"], o["completed_date"], o["rating"])
            for o in orders.list_orders(ledger, member_id=member_id)]


class UnitDetail(DetailDialog):
    def __init__(self, ledger: Ledger, unit_id: int, parent: QWidget | None = None):
        self.ledger, self.unit_id = ledger, unit_id
        super().__init__("报到单位详情", parent)
        self.add_button("编辑…", self.edit)
        self.add_button("关联同名党员…", self.link_members).setToolTip(
            "工作单位写作本单位名称、但还没有关联到本单位的党员")
        self.fill()

    def fill(self) -> None:
        u = units.get_unit(self.ledger, self.unit_id)
        self.setWindowTitle(f"报到单位详情 — {u['name']}")
        self.header.setText(f"<b style='font-size:15pt'>{u['name']}</b>　{u['category']}　"
                            f"{u['status']}")
        paired = grid.path_text(self.ledger, u["paired_node_id"], skip_levels=2)
        self.tabs.addTab(facts([
            ("党组织名称", u["name"]), ("类别", u["category"]), ("层级", u["level"]),
            ("联系人", u["contact_name"]), ("联系电话", u["contact_phone"]),
            ("报到日期", u["report_date"]), ("包联小区", paired), ("党员人数", u["member_count"]),
            ("备注", u["note"]),
        ]), "基本信息")
        self.tabs.addTab(facts([
            ("签订日期", u["agreement_signed_date"]),
            ("期限", f"{u['agreement_start']} 至 {u['agreement_end']}"
             if u["agreement_start"] else ""),
            ("协议内容", u["agreement_content"]),
        ]), "共建共驻协议")
        items = units.list_items(self.ledger, self.unit_id)
        self.item_ids = [i["id"] for i in items]
        self.items_table = table(["清单", "内容", "说明", "状态"], [
            (i["kind"] + "清单", i["title"], i["detail"], i["status"]) for i in items])
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.items_table)
        row = QHBoxLayout()
        self.item_kind = QComboBox()
        self.item_kind.addItems([k + "清单" for k in units.ITEM_KINDS])
        add = QPushButton("添加…")
        add.clicked.connect(self.add_item)
        remove = QPushButton("删除选中")
        remove.clicked.connect(self.remove_items)
        row.addStretch(1)
        row.addWidget(self.item_kind)
        row.addWidget(add)
        row.addWidget(remove)
        box_layout.addLayout(row)
        self.tabs.addTab(box, f"资源/需求/项目清单（{len(items)}）")
        people = members.list_members(self.ledger, unit_id=self.unit_id)
        self.tabs.addTab(table(["姓名", "性别", "职务", "居住地", "报到日期"], [
            (m["name"], m["gender"], m["position"],
             grid.path_text(self.ledger, m["residence_node_id"], 2) + m["room"], m["report_date"])
            for m in people]), f"报到党员（{len(people)}）")

    def edit(self) -> None:
        from .dialogs import UnitDialog

        if UnitDialog(self.ledger, self.unit_id, self).exec():
            self.rebuild()
            self.edited.emit()

    def link_members(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from .unit_link import offer_link

        if not members.loose_for_unit(self.ledger, self.unit_id):
            QMessageBox.information(self, "关联同名党员", "没有工作单位写作本单位名称而未关联的党员。")
            return
        if offer_link(self, self.ledger, self.unit_id):
            self.rebuild()
            self.edited.emit()

    def add_item(self) -> None:
        kind = self.item_kind.currentText()[:2]
        title, ok = QInputDialog.getText(self, f"添加{kind}清单", "内容：")
        if not ok or not title.strip():
            return
        try:
            units.add_item(self.ledger, self.unit_id, kind, title)
        except LedgerError as error:
            show_error(self, "添加清单", error)
            return
        self.rebuild()
        self.edited.emit()

    def remove_items(self) -> None:
        rows = {i.row() for i in self.items_table.selectionModel().selectedRows()}
        if not rows or not confirm(self, "删除清单", "确定删除选中的清单项？"):
            return
        for row in rows:
            units.delete_item(self.ledger, self.item_ids[row])
        self.rebuild()
        self.edited.emit()
