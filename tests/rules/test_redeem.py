"""积分超市 / 爱心存折: redemptions are entries; the balance never goes negative."""

from __future__ import annotations

import pytest

from db import points, redeem
from db.errors import RuleError, ValidationError
from desktop.cards.reports import passbook_pdf

from .conftest import pdf_pages


def test_redemption_beyond_the_balance_is_refused(scene):
    led = scene["ledger"]
    towel = redeem.add_item(led, name="毛巾", price=10, stock=5)
    oil = redeem.add_item(led, name="食用油", price=15)
    assert redeem.passbook_balance(led, scene["wang"]) == 14  # base score is not spendable
    redeem.redeem(led, scene["wang"], towel, date="2026-06-01")
    assert redeem.passbook_balance(led, scene["wang"]) == 4
    count = led.scalar("SELECT count(*) FROM points_entries")
    with pytest.raises(RuleError, match="积分不足"):
        redeem.redeem(led, scene["wang"], oil)
    with pytest.raises(RuleError, match="积分不足"):
        redeem.redeem(led, scene["zhang"], towel)  # nothing earned, nothing to spend
    assert led.scalar("SELECT count(*) FROM points_entries") == count
    assert redeem.passbook_balance(led, scene["wang"]) == 4
    assert led.scalar("SELECT stock FROM reward_items WHERE id = ?", (towel,)) == 4
    entry = points.entries(led, member_id=scene["wang"])[-1]
    assert (entry["source_kind"], entry["delta"]) == ("redeem", -10)
    assert "毛巾" in entry["reason"]


def test_stock_and_catalogue_rules(scene):
    led = scene["ledger"]
    item = redeem.add_item(led, name="雨伞", price=2, stock=1)
    with pytest.raises(RuleError, match="库存"):
        redeem.redeem(led, scene["wang"], item, quantity=2)
    redeem.update_item(led, item, status="下架")
    with pytest.raises(RuleError, match="下架"):
        redeem.redeem(led, scene["wang"], item)
    with pytest.raises(ValidationError, match="所需积分"):
        redeem.add_item(led, name="空", price=0)
    assert [i["name"] for i in redeem.list_items(led, on_sale_only=True)] == []


def test_redemptions_do_not_lower_the_ranking(scene):
    from db import rankings

    led = scene["ledger"]
    item = redeem.add_item(led, name="毛巾", price=10)
    redeem.redeem(led, scene["wang"], item, date="2026-05-30")
    top = rankings.get_ranking(led, "member", "2026-05").rows[0]
    assert (top["name"], top["points"]) == ("王䶮", 14)


def test_passbook_prints_every_line_with_the_running_balance(scene, tmp_path, fonts):
    led = scene["ledger"]
    item = redeem.add_item(led, name="毛巾", price=10)
    redeem.redeem(led, scene["wang"], item, date="2026-06-01")
    lines = redeem.passbook(led, scene["wang"])
    # order 3 (05-05), 满意 2 (05-06), 义诊 5 (05-10), 清理楼道 4 (05-20), 毛巾 -10 (06-01)
    assert [line["balance"] for line in lines] == [3, 5, 10, 14, 4]
    path, warnings = passbook_pdf(led, scene["wang"], tmp_path / "passbook.pdf", fonts)
    text = "".join(pdf_pages(path))
    assert warnings == []
    assert "爱心存折" in text and "王䶮" in text and "衡水市第二人民医院党委" in text
    assert "兑换“毛巾”×1" in text and "4分" in text
