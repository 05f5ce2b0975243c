"""积分 page: saving rules rewrites nothing, recalculation shows the differences first, a
redemption beyond the balance is refused with a message, a closed ranking says it is frozen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from db import activities, members, points, rankings, redeem
from desktop.ui import points_page
from desktop.ui.points_page import PointsPage

SHOTS = os.environ.get("BAODAO_SCREENSHOTS")


@pytest.fixture
def led(ledger, ids):
    a = members.add_member(ledger, name="王䶮", id_number=ids(), report_date="2025-01-01",
                           residence_node_id=ledger.nodes["1单元"])
    b = members.add_member(ledger, name="李明", id_number=ids(), report_date="2025-01-01")
    activities.record_activity(ledger, members=[(a, 3), (b, 1)], date="2026-05-10",
                               kind="集中服务日", title="义诊", verified=True, verifier="刘书记")
    ledger.people = {"wang": a, "li": b}  # type: ignore[attr-defined]
    return ledger


@pytest.fixture
def page(pdf_page, led):
    w = pdf_page(points_page, PointsPage, led, (1200, 760))
    w.changes = []  # type: ignore[attr-defined]
    w.changed.connect(lambda: w.changes.append(1))
    return w


def yes(box: QMessageBox) -> None:
    box.button(QMessageBox.StandardButton.Yes).click()


def test_saving_rules_changes_no_entry_and_recalculation_previews_first(page, answer, qtbot):
    led = page.ledger
    before = led.query("SELECT * FROM points_entries ORDER BY id")
    page.rules_tab.per_hour.setValue(2)
    page.rules_tab.save()
    assert points.rules(led)["per_hour"] == 2
    assert led.query("SELECT * FROM points_entries ORDER BY id") == before
    assert "未改变" in page.status.text()
    seen = {}

    def check(dialog):
        model = dialog.findChildren(points_page.RowsModel)[0]
        seen["names"] = sorted(model.index(r, 1).data() for r in range(model.rowCount()))
        seen["deltas"] = sorted(model.index(r, 5).data() for r in range(model.rowCount()))
        dialog.findChild(QDialogButtonBox).buttons()[0].click()  # 确认重算

    answer(check)
    page.rules_tab.recalculate()
    qtbot.waitUntil(lambda: page.recalc_finished, timeout=15000)
    assert seen["names"] == ["李明", "王䶮"] and seen["deltas"] == ["+1", "+3"]
    assert points.earned(led, member_id=led.people["wang"]) == 8  # 2 + 3h × 2
    assert len(led.query("SELECT * FROM points_entries")) == len(before) + 2
    assert page.changes


def test_recalculation_cancelled_writes_nothing(page, answer, qtbot):
    led = page.ledger
    page.rules_tab.per_hour.setValue(3)
    answer(yes,  # 规则有未保存的修改 → save first
           lambda dialog: dialog.reject())
    count = led.scalar("SELECT count(*) FROM points_entries")
    page.rules_tab.recalculate()
    qtbot.waitUntil(lambda: page.recalc_finished, timeout=15000)
    assert points.rules(led)["per_hour"] == 3
    assert led.scalar("SELECT count(*) FROM points_entries") == count


def test_redeeming_beyond_the_balance_is_refused_with_a_message(page, answer):
    led = page.ledger
    cheap = redeem.add_item(led, name="毛巾", price=3)
    dear = redeem.add_item(led, name="电饭煲", price=500)
    page.shop_tab.reload()
    assert page.shop_tab.model.rowCount() == 2
    messages = []
    answer(lambda box: (messages.append(box.text()), box.accept()))
    assert not page.shop_tab.redeem_for(led.people["wang"], dear)
    assert "积分不足" in messages[0] and "500" in messages[0]
    assert page.shop_tab.redeem_for(led.people["wang"], cheap)
    assert redeem.passbook_balance(led, led.people["wang"]) == 2  # 5 − 3
    assert "可兑换积分还剩2分" in page.status.text()
    page.entries_tab.show_subject("member", led.people["wang"])
    title = page.entries_tab.title.text()  # the two figures named apart
    assert "可兑换积分2分" in title and "累计积分" in title and "余额" not in title
    page.entries_tab.passbook()
    assert page.shown and page.shown[0][0].exists()


def test_manual_adjustment_through_the_dialog(page, answer):
    led = page.ledger
    page.entries_tab.show_subject("member", led.people["li"])

    def fill(dialog):
        fields = dialog.form.fields
        fields["delta"].set(5)
        fields["reason"].set("抗洪抢险")
        dialog.try_save()

    answer(fill)
    page.entries_tab.adjust()
    assert points.entries(led, member_id=led.people["li"])[-1]["reason"] == "抗洪抢险"
    assert page.entries_tab.model.rowCount() == 2


def test_closing_a_ranking_freezes_it_and_says_so(page, answer, ids):
    led = page.ledger
    tab = page.rank_tab
    tab.period.setCurrentText("2026-05")
    tab.refresh()
    assert [tab.model.index(r, 1).data() for r in range(2)] == ["王䶮", "李明"]
    assert "尚未封存" in tab.state.text() and tab.close_button.isEnabled()
    answer(yes)
    tab.close_period()
    assert "已于" in tab.state.text() and "不会改变" in tab.state.text()
    assert not tab.close_button.isEnabled()
    points.adjust(led, "补记", 30, member_id=led.people["li"], date="2026-05-30")
    tab.refresh()
    assert [tab.model.index(r, 1).data() for r in range(2)] == ["王䶮", "李明"]
    assert rankings.get_ranking(led, "member", "2026-05").frozen
    tab.top.setValue(1)
    tab.bottom.setValue(1)
    tab.letters()
    assert page.shown[-1][1] == 2
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.grab().save(str(Path(SHOTS) / "points_ranking.png"))


def test_no_show_through_the_dialog(page, answer):
    led = page.ledger
    import datetime as dt

    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    activity = activities.record_activity(led, members=[(led.people["wang"], 1)], date=day,
                                          kind="集中服务日", title="义诊", verified=True,
                                          verifier="刘书记")
    other = activities.record_activity(led, members=[(led.people["li"], 1)], date=day,
                                       kind="志愿服务", title="清扫", verified=True, verifier="刘书记")
    page.entries_tab.show_subject("member", led.people["wang"])
    errors = []

    def pick(dialog):
        dialog.form.fields["activity_id"].set(activity)  # 王䶮 was there: refused
        dialog.try_save()
        errors.append(dialog.error.text())
        dialog.form.fields["activity_id"].set(other)
        dialog.form.fields["note"].set("报名后未到场")
        dialog.try_save()

    answer(pick)
    page.entries_tab.no_show()
    assert "已登记参加" in errors[0]
    last = points.entries(led, member_id=led.people["wang"])[-1]
    assert (last["delta"], last["source_kind"]) == (-2, "noshow")
    assert last["reason"] == "报名未参加志愿服务“清扫”（报名后未到场）"
