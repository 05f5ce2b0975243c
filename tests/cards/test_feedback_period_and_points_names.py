"""反馈卡 for a half-year go only to members and units that had reported by its end; the card's
累计积分 (base score + entries) and the passbook's 可兑换积分 are named apart everywhere."""

from __future__ import annotations

import pytest

from db import members, points, redeem, units
from db.errors import ValidationError
from desktop.cards.batch import PrintJob, member_ids, print_cards
from desktop.cards.reports import passbook_pdf

from .conftest import flat, pdf_text


def _names(path):
    return [flat(p).split("贵单位党员", 1)[1].split("同志", 1)[0] for p in pdf_text(path)]


@pytest.fixture
def late(known, ids):
    """A member of the hospital who reported on 2026-07-02, after 2026H1 ended."""
    led = known["ledger"]
    known["late"] = members.add_member(
        led, name="陈晨", id_number=ids(), work_unit_id=known["unit"],
        residence_node_id=led.nodes["2单元"], report_date="2026-07-02")
    known["late_unit"] = units.add_unit(led, name="桃城区教育局党组", report_date="2026-08-01")
    return known


def test_half_year_cards_leave_out_members_who_reported_after_it(late, fonts, tmp_path):
    led = late["ledger"]
    out = tmp_path / "fb.pdf"
    result = print_cards(led, PrintJob("feedback", "2026H1"), out, fonts=fonts)
    assert "陈晨" not in _names(out) and len(_names(out)) == 3
    assert result.cards == 3
    assert any("陈晨" in n and "2026-06-30" in n and "以后才报到" in n for n in result.notes)
    # The same member is printed for the half-year she was there for.
    print_cards(led, PrintJob("feedback", "2026H2"), out, fonts=fonts)
    assert "陈晨" in _names(out)
    # Hand-picked or by unit: still left out, and never silently.
    job = PrintJob("feedback", "2026H1", member_ids=[late["late"], late["wang"]])
    assert member_ids(led, job) == [late["wang"]]
    with pytest.raises(ValidationError, match="陈晨"):
        print_cards(led, PrintJob("feedback", "2026H1", member_ids=[late["late"]]), out,
                    fonts=fonts)
    # Other cards are not about the half-year's evaluation: an info card still prints.
    assert print_cards(led, PrintJob("info", member_ids=[late["late"]]), out,
                       fonts=fonts).cards == 1


def test_unit_cards_leave_out_units_that_reported_after_the_period(late, fonts, tmp_path):
    led = late["ledger"]
    out = tmp_path / "u.pdf"
    result = print_cards(led, PrintJob("feedback", "2026H1", units=True), out, fonts=fonts)
    text = flat("".join(pdf_text(out)))
    assert "桃城区教育局党组" not in text and result.cards == 2
    assert any("桃城区教育局党组" in n for n in result.notes)


def test_feedback_card_says_accumulated_points_and_passbook_says_spendable(known, fonts, tmp_path):
    led = known["ledger"]
    wang = known["wang"]
    item = redeem.add_item(led, name="洗衣液", price=3, stock=5)
    redeem.redeem(led, wang, item, date="2026-06-20")
    at_half_year = points.accumulated(led, member_id=wang)
    points.adjust(led, "社区表彰", 5, member_id=wang, date="2026-08-01")  # after 2026H1
    accumulated = points.accumulated(led, member_id=wang)
    spendable = redeem.spendable(led, wang)
    assert accumulated - spendable == points.rules(led)["base"]  # two numbers, base apart
    out = tmp_path / "fb.pdf"
    print_cards(led, PrintJob("feedback", "2026H1", member_ids=[wang]), out, fonts=fonts)
    card = flat(pdf_text(out)[0])
    assert f"累计积分{at_half_year:g}分" in card  # as of the half-year's end
    assert "余额" not in card and "可兑换" not in card
    book, _ = passbook_pdf(led, wang, tmp_path / "book.pdf", fonts)
    text = flat("".join(pdf_text(book)))
    assert "余额" not in text
    assert "可兑换积分累计积分" in text and f"{spendable:g}分{accumulated:g}分" in text
    assert "不含基础分" in text
