"""积分超市 tab: the catalogue of items priced in points, and redeeming one for a member."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db import points, redeem
from db.errors import LedgerError
from db.ledger import Ledger

from .forms import EditDialog, confirm, number_field, show_error, text_field
from .report_common import Column, RowsModel, table_view

if TYPE_CHECKING:
    from .points_host import PointsHost


class ItemDialog(EditDialog):
    def __init__(self, ledger: Ledger, item_id: int | None, parent: QWidget):
        from .forms import choice_field

        fields = [text_field("name", "商品名称"), number_field("price", "所需积分", 0, 100000, 1),
                  text_field("stock", "库存（不计可留空）"), choice_field("status", "状态", redeem.STATUSES),
                  text_field("note", "说明")]
        super().__init__("编辑积分商品" if item_id else "新增积分商品", fields, parent)
        self.ledger, self.item_id = ledger, item_id
        if item_id:
            row = ledger.one("SELECT * FROM reward_items WHERE id = ?", (item_id,)) or {}
            self.form.set_values({**row, "stock": "" if row.get("stock") is None
                                  else str(row["stock"])})
            self.form.snapshot = self.form.values()

    def save(self, values: dict[str, Any]) -> int:
        if self.item_id:
            redeem.update_item(self.ledger, self.item_id, **values)
            return self.item_id
        return redeem.add_item(self.ledger, **values)


class ShopTab(QWidget):
    def __init__(self, page: PointsHost):
        super().__init__(cast(QWidget, page))  # the page is a QWidget providing PointsHost
        self.page = page
        self.model = RowsModel([Column("name", "商品"), Column("price", "所需积分", "r"),
                                Column("stock", "库存", "r",
                                       fmt=lambda v: "不限" if v is None else str(v)),
                                Column("status", "状态"), Column("note", "说明")], self)
        self.view = table_view(self.model)
        buttons = QHBoxLayout()
        for text, slot in (("新增商品…", self.add), ("编辑…", self.edit), ("删除", self.delete),
                           ("为党员兑换…", self.exchange)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        note = QLabel(f"{redeem.SPENDABLE_RULE}。{points.ACCUMULATED_RULE}，不能用于兑换。")
        note.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(redeem.list_items(self.page.ledger))

    def current(self) -> dict[str, Any] | None:
        return self.model.row(self.view.currentIndex())

    def add(self) -> None:
        if ItemDialog(self.page.ledger, None, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.page.changed.emit()

    def edit(self) -> None:
        item = self.current()
        if item and ItemDialog(self.page.ledger, item["id"], self).exec() == \
                QDialog.DialogCode.Accepted:
            self.reload()
            self.page.changed.emit()

    def delete(self) -> None:
        item = self.current()
        if item and confirm(self, "删除商品", f"删除“{item['name']}”？已兑换的记录保留。"):
            redeem.delete_item(self.page.ledger, item["id"])
            self.reload()
            self.page.changed.emit()

    def exchange(self) -> None:
        item = self.current()
        if item is None:
            show_error(self, "兑换", "请先在列表中选中要兑换的商品")
            return
        from .pickers import PickDialog

        dialog = PickDialog(self.page.ledger, f"兑换“{item['name']}”：选择党员", parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.choice:
            return
        self.redeem_for(dialog.choice[1], item["id"])

    def redeem_for(self, member_id: int, item_id: int, quantity: int = 1) -> bool:
        try:
            redeem.redeem(self.page.ledger, member_id, item_id, quantity)
        except LedgerError as error:
            show_error(self, "兑换", error)
            return False
        name = self.page.ledger.scalar("SELECT name FROM members WHERE id = ?", (member_id,))
        left = redeem.spendable(self.page.ledger, member_id)
        self.page.status.setText(f"已为{name}兑换，{redeem.SPENDABLE}还剩{left:g}分。")
        self.reload()
        self.page.changed.emit()
        return True
