"""爱心存折 / 积分超市: a catalogue of items priced in points, and redemptions.

The passbook holds 可兑换积分 (SPENDABLE): what a member earned by serving (every entry,
deductions and earlier redemptions included) — the base score is in 累计积分 (db.points) for
evaluation and ranking, not for spending. A
redemption is a negative entry (source 'redeem', the item's uuid); one that would take the
balance below zero is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import access, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .points import _entry
from .validate import clean, one_of, parse_date, parse_number, required

ITEM_FIELDS = ("name", "price", "stock", "note", "status")
STATUSES = ("上架", "下架")


def _clean_item(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in ITEM_FIELDS}
    out["name"] = required(out["name"], "name", "商品名称")
    price = parse_number(out["price"], "price", "所需积分", minimum=0.01, maximum=100000,
                         allow_blank=False)
    out["price"] = float(price or 0)
    stock = out["stock"]
    if stock in (None, ""):
        out["stock"] = None
    else:
        value = parse_number(stock, "stock", "库存", minimum=0, maximum=1_000_000)
        out["stock"] = int(value or 0)
    out["note"] = clean(out["note"])
    out["status"] = one_of(out["status"] or "上架", STATUSES, "status", "状态")
    return out


def add_item(ledger: Ledger, **values: Any) -> int:
    records.only_known(values, ITEM_FIELDS)
    with ledger.transaction():
        return records.insert(ledger, "reward_items", _clean_item(values))


def update_item(ledger: Ledger, item_id: int, **changes: Any) -> bool:
    records.only_known(changes, ITEM_FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "reward_items", item_id)
        return records.update(ledger, "reward_items", item_id,
                              _clean_item({k: current[k] for k in ITEM_FIELDS} | changes))


def delete_item(ledger: Ledger, item_id: int) -> None:
    with ledger.transaction():
        records.tombstone(ledger, "reward_items", item_id)


def list_items(ledger: Ledger, on_sale_only: bool = False) -> list[dict[str, Any]]:
    where = "deleted = 0" + (" AND status = '上架'" if on_sale_only else "")
    return ledger.query(f"SELECT * FROM reward_items WHERE {where} ORDER BY price, name, id")


SPENDABLE = "可兑换积分"
SPENDABLE_RULE = "可兑换积分＝服务所得积分（不含基础分）－已兑换积分；不足时不能兑换"


def spendable(ledger: Ledger, member_id: int) -> float:
    """可兑换积分: every entry, without the base score."""
    total = ledger.scalar("SELECT coalesce(sum(delta), 0) FROM points_entries "
                          "WHERE member_id = ? AND deleted = 0", (member_id,))
    return round(float(total), 2)


passbook_balance = spendable  # the former name


def redeem(ledger: Ledger, member_id: int, item_id: int, quantity: int = 1,
           date: str | None = None) -> int:
    """Exchange points for an item; refused when the balance or the stock is short."""
    if quantity < 1:
        raise ValidationError("quantity", "数量", "至少为1")
    access.require_secretary(ledger, "兑换积分商品")
    with ledger.transaction():
        member = records.get(ledger, "members", member_id)
        item = records.get(ledger, "reward_items", item_id)
        if item["status"] != "上架":
            raise RuleError(f"“{item['name']}”已下架，不能兑换")
        if item["stock"] is not None and item["stock"] < quantity:
            raise RuleError(f"“{item['name']}”库存只剩{item['stock']}件，不够兑换{quantity}件")
        cost = round(float(item["price"]) * quantity, 2)
        have = spendable(ledger, member_id)
        if cost > have + 1e-9:
            raise RuleError(f"“{member['name']}”的可兑换积分为{have:g}分，兑换{quantity}件"
                            f"“{item['name']}”需要{cost:g}分，积分不足，不能兑换")
        day = parse_date(date or dt.date.today().isoformat(), "date", "兑换日期",
                         allow_blank=False)
        if item["stock"] is not None:
            records.update(ledger, "reward_items", item_id, {"stock": item["stock"] - quantity})
        return _entry(ledger, day, -cost, f"兑换“{item['name']}”×{quantity}（每件{item['price']:g}分）",
                      "redeem", item["uuid"], member_id=member_id)


def passbook(ledger: Ledger, member_id: int) -> list[dict[str, Any]]:
    """Every entry in date order with the running 可兑换积分 (the 爱心存折's lines)."""
    rows = ledger.query(
        "SELECT id, date, delta, reason, source_kind FROM points_entries "
        "WHERE member_id = ? AND deleted = 0 ORDER BY date, id", (member_id,))
    running = 0.0
    for row in rows:
        running = round(running + float(row["delta"]), 2)
        row["balance"] = running
    return rows
