"""Edit dialogs for members, units, posts, orders; each saves through the ledger's functions."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from db import grid, members, orders, posts, units
from db.errors import DuplicateMemberError, LedgerError, ValidationError
from db.ledger import Ledger
from db.validate import parse_id_number

from .forms import (
    EditDialog,
    choice_field,
    date_field,
    lookup_field,
    memo_field,
    number_field,
    text_field,
)
from .receipt_dialogs import offer_report_form, report_form_after_save


def unit_items(ledger: Ledger) -> list[tuple[str, int]]:
    return units.choices(ledger)


class MemberDialog(EditDialog):
    def __init__(self, ledger: Ledger, member_id: int | None = None, parent: QWidget | None = None,
                 defaults: dict[str, Any] | None = None):
        self.ledger, self.member_id = ledger, member_id
        self.existing_id: int | None = None
        self.duplicate: DuplicateMemberError | None = None
        fields = [
            text_field("name", "姓名"),
            text_field("id_number", "身份证号", "18位，最后一位可为X"),
            choice_field("gender", "性别", members.GENDERS, blank=True),
            text_field("ethnicity", "民族"),
            text_field("mobile", "手机号码"),
            lookup_field("work_unit_id", "工作单位", unit_items(ledger), "（请选择或输入单位名称）",
                         editable_text=True),
            text_field("position", "职务"),
            text_field("branch", "所在党支部"),
            date_field("join_date", "入党日期"),
            lookup_field("residence_node_id", "居住网格", grid.choices(ledger, (4, 5))),
            text_field("room", "门牌号", "如 302"),
            date_field("report_date", "报到日期"),
            text_field("specialties", "特长", "如 医疗护理、法律咨询"),
            text_field("household_name", "联系户姓名", "一联一帮"),
            text_field("household_address", "联系户住址"),
            text_field("household_phone", "联系户电话"),
            choice_field("household_reason", "联系户类别", members.HOUSEHOLD_REASONS, blank=True),
            choice_field("status", "状态", members.STATUSES),
            memo_field("note", "备注", 50),
        ]
        self.derived = QLabel()
        self.derived.setObjectName("hint")
        super().__init__("编辑党员" if member_id else "党员报到登记", fields, parent, self.derived,
                         columns=2)
        id_edit = self.form.fields["id_number"].widget
        id_edit.editingFinished.connect(self.fill_from_id)  # type: ignore[attr-defined]
        if member_id:
            record = members.get_member(ledger, member_id)
            if record["work_unit_id"] is None:
                record = {**record, "work_unit_id": record["work_unit_name"] or None}
            self.form.set_values(record)
        else:
            self.form.set_values({"status": "在册", "ethnicity": "汉族", **(defaults or {})})
            offer_report_form(self)
        self.fill_from_id()

    def fill_from_id(self) -> None:
        """身份证号 fills gender and birth date as soon as it is typed."""
        text = self.form.fields["id_number"].get()
        self.form.clear_errors()
        if not text:
            self.derived.setText("")
            return
        if self.member_id and "*" in text:  # a 网格员 sees the number masked (db.access)
            self.derived.setText("身份证号打码显示：不改动号码时，性别和出生日期保持不变")
            return
        try:
            info = parse_id_number(text)
        except ValidationError as error:
            self.form.mark_error("id_number", str(error))
            self.derived.setText("")
            self.show_error(str(error))
        else:
            self.form.fields["gender"].set(info.gender)
            self.derived.setText(f"出生日期：{info.birth_date}　性别：{info.gender}（由身份证号得出）")
            self.error.hide()

    def try_save(self) -> bool:
        """A new 报到 refused as a duplicate (same 身份证号) offers to open the existing record;
        the dialog then closes with existing_id set and nothing saved."""
        self.duplicate = None
        ok = super().try_save()
        duplicate, self.duplicate = self.duplicate, None
        if ok or duplicate is None or self.member_id:
            return ok
        box = QMessageBox(QMessageBox.Icon.Information, "该党员已报到",
                          f"身份证号相同的党员“{duplicate.existing_name}”已经报到，不能重复报到。\n"
                          "要打开已有的记录吗？（本次填写的内容不保存）", parent=self)
        open_button = box.addButton("打开已有记录", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("返回修改", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(open_button)
        box.exec()
        if box.clickedButton() is open_button:
            self.existing_id = duplicate.existing_id
            self.form.snapshot = self.form.values()  # nothing to keep: the record exists
            self.reject()
        return False

    def accept(self) -> None:
        super().accept()
        if not self.member_id:  # a new 报到: its 报到登记表, when the offer is ticked
            report_form_after_save(self, member_id=self.saved_id)

    def save(self, values: dict[str, Any]) -> int | None:
        try:
            return self._save(values)
        except DuplicateMemberError as error:
            self.duplicate = error
            raise

    def _save(self, values: dict[str, Any]) -> int | None:
        unit = values.pop("work_unit_id")
        if isinstance(unit, str):
            values["work_unit_id"], values["work_unit_name"] = None, unit
        else:
            values["work_unit_id"] = unit
            values["work_unit_name"] = ""
        if self.member_id:
            members.update_member(self.ledger, self.member_id, **values)
            return self.member_id
        return members.add_member(self.ledger, **values)


class UnitDialog(EditDialog):
    def __init__(self, ledger: Ledger, unit_id: int | None = None, parent: QWidget | None = None):
        self.ledger, self.unit_id = ledger, unit_id
        fields = [
            text_field("name", "党组织名称", "如 衡水市第二人民医院党委"),
            choice_field("category", "单位类别", units.CATEGORIES),
            choice_field("level", "单位层级", units.LEVELS, blank=True),
            text_field("contact_name", "联系人"),
            text_field("contact_phone", "联系电话"),
            date_field("report_date", "报到日期"),
            lookup_field("paired_node_id", "包联小区", grid.choices(ledger, (3,))),
            number_field("member_count", "党员人数"),
            date_field("agreement_signed_date", "协议签订日期"),
            date_field("agreement_start", "协议起始日期"),
            date_field("agreement_end", "协议截止日期"),
            memo_field("agreement_content", "协议内容"),
            choice_field("status", "状态", units.STATUSES),
            memo_field("note", "备注", 50),
        ]
        super().__init__("编辑报到单位" if unit_id else "单位报到登记", fields, parent, columns=2)
        self.form.set_values(units.get_unit(ledger, unit_id) if unit_id else {"status": "在册"})
        if not unit_id:
            offer_report_form(self)

    def accept(self) -> None:
        super().accept()
        if not self.unit_id:  # a new 报到: its 报到登记表, when the offer is ticked
            report_form_after_save(self, unit_id=self.saved_id)

    def save(self, values: dict[str, Any]) -> int | None:
        if self.unit_id:
            units.update_unit(self.ledger, self.unit_id, **values)
            return self.unit_id
        return units.add_unit(self.ledger, **values)


class PostDialog(EditDialog):
    def __init__(self, ledger: Ledger, post_id: int | None = None, parent: QWidget | None = None):
        self.ledger, self.post_id = ledger, post_id
        fields = [
            text_field("name", "岗位名称"),
            choice_field("category", "岗位类别", posts.CATEGORIES),
            number_field("capacity", "拟认领数", maximum=10000),
            text_field("requirement", "技能要求"),
            memo_field("description", "岗位职责"),
            choice_field("status", "状态", posts.STATUSES),
        ]
        super().__init__("编辑服务岗位" if post_id else "新增服务岗位", fields, parent)
        self.form.set_values(posts.get_post(ledger, post_id) if post_id else {"status": "启用"})

    def save(self, values: dict[str, Any]) -> int | None:
        if self.post_id:
            posts.update_post(self.ledger, self.post_id, **values)
            return self.post_id
        return posts.add_post(self.ledger, **values)


def order_history(ledger: Ledger, order: dict[str, Any]) -> str:
    """办理记录 as the 群众需求 dialog shows it: each step's date, then the notes."""
    who = ""
    for get, key in ((members.get_member, "assignee_member_id"),
                     (units.get_unit, "assignee_unit_id")):
        if order.get(key) is not None:
            try:
                who = get(ledger, order[key])["name"]
            except LedgerError:  # deleted since
                who = ""
    steps = [f"点单 {order['requested_date']}"]
    for label, key in (("派单", "dispatched_date"), ("接单", "accepted_date"),
                       ("完成", "completed_date"), ("评价", "rated_date")):
        if order.get(key):
            steps.append(f"{label} {order[key]}")
    lines = [f"当前{order['state']}：" + " → ".join(steps)]
    if order.get("rating"):
        lines.append(f"群众评价：{order['rating']}" + (f"（{order['rating_comment']}）"
                                                  if order.get("rating_comment") else ""))
    if order.get("result"):
        lines.append("办理记录：" + "；".join(str(order["result"]).splitlines()))
    if who:
        lines.insert(1, f"接单人/单位：{who}")
    return "\n".join(lines)


class OrderDialog(EditDialog):
    def __init__(self, ledger: Ledger, order_id: int | None = None, parent: QWidget | None = None):
        self.ledger, self.order_id = ledger, order_id
        fields = [
            choice_field("kind", "需求类别", orders.KINDS),
            text_field("title", "需求内容", "如 帮忙打扫房间"),
            memo_field("content", "详细说明"),
            text_field("requester_name", "点单人"),
            text_field("requester_phone", "联系电话"),
            text_field("requester_address", "住址"),
            lookup_field("node_id", "所在网格", grid.choices(ledger, (3, 4, 5))),
            date_field("requested_date", "点单日期"),
            date_field("due_date", "办结期限"),
        ]
        # An order under way shows its steps: who took it, each step's date and note.
        self.history = QLabel(order_history(ledger, orders.get_order(ledger, order_id))
                              if order_id else "")
        self.history.setObjectName("hint")
        self.history.setWordWrap(True)
        super().__init__("编辑群众需求" if order_id else "登记群众需求", fields, parent,
                         self.history if order_id else None)
        if order_id:
            self.form.set_values(orders.get_order(ledger, order_id))
        else:
            import datetime as dt

            self.form.set_values({"kind": "群众点单",
                                  "requested_date": dt.date.today().isoformat()})

    def save(self, values: dict[str, Any]) -> int | None:
        if self.order_id:
            orders.update_order(self.ledger, self.order_id, **values)
            return self.order_id
        return orders.add_order(self.ledger, **values)
