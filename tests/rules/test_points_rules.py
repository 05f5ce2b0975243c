"""Points: hand counts, rule changes that rewrite nothing, explicit recalculation, deductions."""

from __future__ import annotations

import pytest

from db import activities, points, recalc
from db.errors import RuleError, ValidationError


def test_points_equal_a_hand_count(scene):
    led = scene["ledger"]
    assert points.earned(led, member_id=scene["wang"]) == 14  # 5 + 4 + 3 + 2
    assert points.balance(led, member_id=scene["wang"]) == 94  # base 80
    assert points.earned(led, member_id=scene["li"]) == 7  # 5 + 2
    assert points.earned(led, member_id=scene["zhang"]) == 0
    assert points.earned(led, unit_id=scene["hospital"]) == 5  # 共建项目 3 + 2h
    kinds = sorted(e["source_kind"] for e in points.entries(led, member_id=scene["wang"]))
    assert kinds == ["activity", "activity", "order", "rating"]
    assert all(e["reason"] for e in points.entries(led, member_id=scene["wang"]))


def _snapshot(led):
    return led.query("SELECT id, delta, date, reason, rev, deleted FROM points_entries ORDER BY id")


def test_rule_change_without_recalculation_changes_no_entry(scene):
    led = scene["ledger"]
    before = _snapshot(led)
    rule = points.rules(led)
    rule["per_hour"] = 5
    rule["per_activity"]["集中服务日"] = 10
    rule["order_completed"] = 0
    points.set_rules(led, rule)
    assert points.rules(led)["per_hour"] == 5
    assert _snapshot(led) == before
    assert points.earned(led, member_id=scene["wang"]) == 14


def test_recalculation_shows_the_difference_then_adds_correcting_entries(scene):
    led = scene["ledger"]
    rule = points.rules(led)
    rule["per_hour"] = 2  # every verified hour is worth one more point
    points.set_rules(led, rule)
    diffs = recalc.preview(led)
    by_name = {}
    for d in diffs:
        by_name.setdefault(d.name, []).append(d)
    # 王䶮: 3h + 2h → +5; 李明: 3h + 1h → +4; 医院: 2h → +2. Orders do not depend on hours.
    assert sorted((n, sum(d.delta for d in ds)) for n, ds in by_name.items()) == [
        ("李明", 4), ("王䶮", 5), ("衡水市第二人民医院党委", 2)]
    wang = next(d for d in by_name["王䶮"] if "义诊" in d.what)
    assert (wang.old, wang.new) == (5, 8)
    assert "5项" in recalc.summary(diffs) and "+11" in recalc.summary(diffs)
    before = _snapshot(led)
    assert recalc.apply(led, diffs) == 5
    after = _snapshot(led)
    assert after[:len(before)] == before  # nothing rewritten, only appended
    assert all(r["reason"].startswith("积分规则调整") for r in after[len(before):])
    assert points.earned(led, member_id=scene["wang"]) == 19
    assert recalc.preview(led) == []
    # Editing the activity later gives exactly the new rule's points, correction included.
    activities.update_activity(led, scene["day"], members=[(scene["wang"], 3), (scene["li"], 3)])
    assert points.earned(led, member_id=scene["wang"]) == 19


def test_recalculation_refuses_a_stale_preview(scene):
    led = scene["ledger"]
    rule = points.rules(led)
    rule["per_hour"] = 2
    points.set_rules(led, rule)
    diffs = recalc.preview(led)
    activities.record_activity(led, members=[(scene["zhang"], 1)], date="2026-05-28",
                               kind="志愿服务", title="新活动", verified=True, verifier="刘书记")
    rule["per_hour"] = 3
    points.set_rules(led, rule)
    count = led.scalar("SELECT count(*) FROM points_entries")
    with pytest.raises(RuleError, match="重新预览"):
        recalc.apply(led, diffs)
    assert led.scalar("SELECT count(*) FROM points_entries") == count


def test_manual_adjustment_needs_a_reason(scene):
    led = scene["ledger"]
    with pytest.raises(ValidationError, match="调整原因"):
        points.adjust(led, "  ", 5, member_id=scene["zhang"])
    points.adjust(led, "协助疫情防控表现突出", 5, member_id=scene["zhang"], date="2026-05-30")
    entry = points.entries(led, member_id=scene["zhang"])[0]
    assert (entry["delta"], entry["source_kind"], entry["reason"]) == (5, "manual", "协助疫情防控表现突出")


def test_no_show_and_idle_quarter_deductions(scene):
    led = scene["ledger"]
    points.mark_no_show(led, scene["day"], scene["zhang"])
    assert points.earned(led, member_id=scene["zhang"]) == -2
    with pytest.raises(RuleError, match="已记过缺席"):
        points.mark_no_show(led, scene["day"], scene["zhang"])
    with pytest.raises(RuleError, match="已登记参加"):
        points.mark_no_show(led, scene["day"], scene["wang"])
    # 2026Q2: 王䶮 and 李明 served; 张华 did not.
    assert [m["name"] for m in points.idle_members(led, "2026Q2")] == ["张华"]
    assert points.apply_idle_deductions(led, "2026Q2") == 1
    assert points.apply_idle_deductions(led, "2026Q2") == 0  # never twice
    assert points.earned(led, member_id=scene["zhang"]) == -7
    entry = points.entries(led, member_id=scene["zhang"])[-1]
    assert (entry["date"], entry["reason"]) == ("2026-06-30", "2026年第二季度无服务记录")
    # A later rule change to the deduction is also only applied by recalculation.
    rule = points.rules(led)
    rule["idle_quarter"] = 3  # entered as a positive number, stored as a deduction
    points.set_rules(led, rule)
    assert points.rules(led)["idle_quarter"] == -3
    diffs = recalc.preview(led)
    assert [(d.name, d.old, d.new) for d in diffs] == [("张华", -5, -3)]


def test_rules_missing_from_an_older_ledger_come_from_the_defaults(scene):
    from db.settings import set_setting

    led = scene["ledger"]
    set_setting(led, "points_rules", {"base": 60, "per_activity": {"集中服务日": 1},
                                      "per_hour": 0, "order_completed": 1, "rating": {}})
    rule = points.rules(led)
    assert rule["base"] == 60 and rule["no_show"] == -2
    assert rule["per_activity"]["志愿服务"] == 2 and rule["rating"]["满意"] == 2
