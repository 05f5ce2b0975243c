"""The five registers: 在职党员, 报到单位, 服务岗位, 群众需求, 活动纪实."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QInputDialog

from db import activities, audit, members, orders, posts, units, views
from db.errors import LedgerError

from .activity_dialog import ActivityDialog
from .detail import MemberDetail, UnitDetail
from .dialogs import MemberDialog, OrderDialog, PostDialog, UnitDialog
from .forms import dialog_buttons, show_error
from .models import overdue_styler, pending_styler
from .order_steps import StepDialog
from .page_protocol import host_of
from .pickers import MemberPicker
from .register_page import RegisterPage
from .unit_link import offer_link

ALL = ("全部", None)


class MembersPage(RegisterPage):
    view = views.MEMBERS
    search_hint = "搜索：姓名、拼音首字母（如 zyr）、身份证号后几位、手机号"
    new_label = "党员报到"
    print_cards: Callable[[str, int], Any] | None = None

    def add_filters(self) -> None:
        self.add_filter("status", "状态", [(s, s) for s in members.STATUSES] + [ALL], "在册")
        from db.access import is_secretary

        secretary = is_secretary(self.ledger)
        self.full_id = QCheckBox("显示完整证件号" if secretary else "显示完整手机号")
        self.full_id.setToolTip("默认只显示身份证号前6位和后4位，手机号中间4位打码；显示完整号码会记入审计日志"
                                if secretary else "完整身份证号只有书记能查看")
        self.full_id.toggled.connect(self.toggle_mask)
        self.filter_row.addWidget(self.full_id)

    def toggle_mask(self, on: bool) -> None:
        if on:
            audit.record(self.ledger, "查看完整证件号" if "证件" in self.full_id.text()
                         else "查看完整手机号", "在职党员列表")
        self.model.mask = not on
        self.model.refresh()

    def new_record(self) -> None:
        dialog = MemberDialog(self.ledger, parent=self)
        if dialog.exec():
            self.after_save(dialog.saved_id)
        elif dialog.existing_id is not None:  # a refused second 报到: show the first one
            self.refresh()
            self.select_id(dialog.existing_id)
            self.open_record(dialog.existing_id)

    def after_save(self, record_id: int | None) -> None:
        self.refresh()
        if record_id:
            self.select_id(record_id)
        self.changed.emit()

    def open_record(self, record_id: int | None) -> None:
        if record_id is None:
            return
        detail = MemberDetail(self.ledger, record_id, self, show_full_id=not self.model.mask,
                              print_cards=self.print_cards)
        detail.edited.connect(lambda: self.after_save(record_id))
        detail.exec()

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids and MemberDialog(self.ledger, ids[0], self).exec():
            self.after_save(ids[0])

    def delete_record(self, record_id: int) -> None:
        members.delete_member(self.ledger, record_id)


class UnitsPage(RegisterPage):
    view = views.UNITS
    search_hint = "搜索：单位名称、拼音首字母、联系人、电话"
    new_label = "单位报到"

    def add_filters(self) -> None:
        self.add_filter("status", "状态", [(s, s) for s in units.STATUSES] + [ALL], "在册")
        self.add_filter("category", "类别", [("全部类别", None)] + [(c, c) for c in units.CATEGORIES])

    def new_record(self) -> None:
        dialog = UnitDialog(self.ledger, parent=self)
        if dialog.exec():
            linked = offer_link(self, self.ledger, dialog.saved_id) if dialog.saved_id else 0
            self.refresh()
            self.select_id(dialog.saved_id or 0)
            self.changed.emit()
            host = host_of(self)
            if linked and host is not None:
                host.show_status(f"已关联{linked}名党员到该单位")

    def open_record(self, record_id: int | None) -> None:
        if record_id is None:
            return
        detail = UnitDetail(self.ledger, record_id, self)
        detail.edited.connect(self.refresh_and_tell)
        detail.exec()

    def refresh_and_tell(self) -> None:
        self.refresh()
        self.changed.emit()

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids and UnitDialog(self.ledger, ids[0], self).exec():
            offer_link(self, self.ledger, ids[0])  # a new name may match members' free text
            self.refresh()
            self.changed.emit()

    def delete_record(self, record_id: int) -> None:
        units.delete_unit(self.ledger, record_id)


class PostsPage(RegisterPage):
    view = views.POSTS
    search_hint = "搜索：岗位名称、类别、技能要求"
    new_label = "新增岗位"
    grid_filter = False

    def add_filters(self) -> None:
        self.add_filter("category", "类别", [("全部类别", None)] + [(c, c) for c in posts.CATEGORIES])

    def page_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return [*super().page_actions(), ("claim", "党员认岗…", self.claim)]

    def new_record(self) -> None:
        if PostDialog(self.ledger, parent=self).exec():
            self.refresh()
            self.changed.emit()

    def open_record(self, record_id: int | None) -> None:
        if record_id is not None and PostDialog(self.ledger, record_id, self).exec():
            self.refresh()
            self.changed.emit()

    def delete_record(self, record_id: int) -> None:
        posts.delete_post(self.ledger, record_id)

    def claim(self) -> None:
        """Tick the members who claim the selected post."""
        ids = self.selected_ids()
        if len(ids) != 1:
            show_error(self, "党员认岗", "请先选中一个岗位")
            return
        from PySide6.QtWidgets import QDialog, QVBoxLayout

        post = posts.get_post(self.ledger, ids[0])
        dialog = QDialog(self)
        dialog.setWindowTitle(f"认领岗位：{post['name']}")
        picker = MemberPicker(self.ledger)
        current = {c["member_id"] for c in posts.post_claimants(self.ledger, ids[0])}
        buttons = dialog_buttons(dialog.accept, dialog.reject, "认领")
        layout = QVBoxLayout(dialog)
        layout.addWidget(picker)
        layout.addWidget(buttons)
        dialog.resize(520, 520)
        if not dialog.exec():
            return
        errors = []
        last = None
        for member_id, name in picker.checked().items():
            if member_id in current:
                continue
            try:
                last = posts.claim_post(self.ledger, ids[0], member_id)
            except LedgerError as error:
                errors.append(f"{name}：{error}")
        self.refresh()
        self.changed.emit()
        if errors:
            show_error(self, "部分认领未完成", "\n".join(errors))
        if last is not None and last.over_capacity:
            show_error(self, "超过拟认领数", f"{last.warning}。认领已保存；如需更多人手，"
                       "可在岗位中调高拟认领数。")


class OrdersPage(RegisterPage):
    view = views.ORDERS
    search_hint = "搜索：需求内容、点单人、接单人"
    new_label = "登记需求"
    STEPS = ("派单", "接单", "完成", "评价", "退回", "取消")

    def add_filters(self) -> None:
        self.add_filter("state", "状态", [("全部状态", None)] + [(s, s) for s in orders.STATES])
        self.add_filter("kind", "类别", [("全部类别", None)] + [(k, k) for k in orders.KINDS])
        self.period = self.add_period_filter()
        self.overdue = QCheckBox("只看超期")
        self.overdue.toggled.connect(lambda on: self.set_filter(
            "overdue_before", dt.date.today().isoformat() if on else None))
        self.filter_row.addWidget(self.overdue)
        self.model.styler = overdue_styler()

    def step_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return [(step, step + "…", functools.partial(self.step, step)) for step in self.STEPS]

    def update_buttons(self, *args: Any) -> None:
        super().update_buttons(*args)
        ids = self.selected_ids()
        legal = orders.next_actions(orders.get_order(self.ledger, ids[0])) if len(ids) == 1 else []
        for step in self.STEPS:
            if step in self.buttons:
                self.buttons[step].setEnabled(step in legal)

    def new_record(self) -> None:
        if OrderDialog(self.ledger, parent=self).exec():
            self.refresh()
            self.changed.emit()

    def open_record(self, record_id: int | None) -> None:
        if record_id is not None and OrderDialog(self.ledger, record_id, self).exec():
            self.refresh()
            self.changed.emit()

    def delete_record(self, record_id: int) -> None:
        orders.delete_order(self.ledger, record_id)

    def describe(self, row: dict[str, Any]) -> str:
        return str(row["title"])

    def step(self, action: str) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        order_id = ids[0]
        if action in StepDialog.ACTIONS:
            if StepDialog(self.ledger, order_id, action, self).exec():
                self.refresh()
                self.changed.emit()
            return
        try:
            if action == "退回":
                reason, ok = QInputDialog.getText(self, "退回", "退回原因：")
                if not ok:
                    return
                orders.give_back(self.ledger, order_id, reason)
            elif action == "取消":
                reason, ok = QInputDialog.getText(self, "取消需求", "取消原因：")
                if not ok:
                    return
                orders.cancel(self.ledger, order_id, reason)
        except LedgerError as error:
            show_error(self, action, error)
            return
        self.refresh()
        self.changed.emit()


class ActivitiesPage(RegisterPage):
    view = views.ACTIVITIES
    search_hint = "搜索：活动名称、内容、地点"
    new_label = "登记活动"
    verifier = ""

    def add_filters(self) -> None:
        self.add_filter("kind", "类型", [("全部类型", None)] + [(k, k) for k in activities.KINDS])
        self.add_filter("verified", "审核", [("审核状态：全部", None), ("已审核", 1), ("待审核", 0)])
        self.period = self.add_period_filter()
        self.model.styler = pending_styler

    def page_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        return [*super().page_actions(), ("verify", "审核通过…", self.verify)]

    def new_record(self) -> None:
        if ActivityDialog(self.ledger, parent=self, verifier=self.verifier).exec():
            self.refresh()
            self.changed.emit()

    def open_record(self, record_id: int | None) -> None:
        if record_id is not None and ActivityDialog(self.ledger, record_id, self).exec():
            self.refresh()
            self.changed.emit()

    def delete_record(self, record_id: int) -> None:
        activities.delete_activity(self.ledger, record_id)

    def describe(self, row: dict[str, Any]) -> str:
        return f"{row['date']} {row['title']}"

    def verify(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        name, ok = QInputDialog.getText(self, "审核", f"审核人（{len(ids)}项活动）：",
                                        text=self.verifier)
        if not ok or not name.strip():
            return
        self.verifier = name.strip()
        try:
            with self.ledger.transaction():
                for activity_id in ids:
                    activities.verify(self.ledger, activity_id, self.verifier)
        except LedgerError as error:
            show_error(self, "审核", error)
        self.refresh()
        self.changed.emit()
