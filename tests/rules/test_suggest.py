"""Suggested half-year grades follow the stated thresholds; batch entry for a subtree."""

from __future__ import annotations

import pytest

from db import activities, evaluations, settings, suggest
from db.suggest import Figures


@pytest.mark.parametrize(("points", "quarters", "grade"), [
    (90, 2, "好"), (200, 2, "好"), (89.5, 2, "一般"), (150, 1, "一般"), (80, 1, "一般"),
    (95, 0, "较差"), (80, 0, "较差"),
])
def test_member_thresholds_three_levels(ledger, points, quarters, grade):
    got, reason = suggest.suggest(ledger, "member", Figures(points, quarters * 2, 3.0, quarters))
    assert got == grade
    assert f"半年积分{points:g}分" in reason
    assert f"“{grade}”" in reason


@pytest.mark.parametrize(("points", "quarters", "grade"), [
    (100, 2, "优秀"), (99, 2, "良好"), (90, 2, "良好"), (120, 1, "一般"), (89, 2, "一般"),
    (100, 0, "差"),
])
def test_member_thresholds_four_levels(ledger, points, quarters, grade):
    settings.set_setting(ledger, "grade_scheme", "四级")
    assert suggest.suggest(ledger, "member", Figures(points, 5, 9.0, quarters))[0] == grade


@pytest.mark.parametrize(("projects", "meetings", "grade"), [
    (2, 2, "好"), (3, 1, "一般"), (1, 0, "一般"), (0, 4, "较差"),
])
def test_unit_thresholds(ledger, projects, meetings, grade):
    got, reason = suggest.suggest(ledger, "unit", Figures(85, 0, 0, 0, projects, meetings))
    assert got == grade
    assert f"实事{projects}项，参加联席会议{meetings}次" in reason


def test_reason_says_which_threshold_was_missed(ledger):
    grade, reason = suggest.suggest(ledger, "member", Figures(80, 0, 0, 0))
    assert grade == "较差"
    assert "未达到“一般”标准（至少1个季度有服务）" in reason


def test_thresholds_are_the_ledgers_setting(ledger):
    rules = settings.get_setting(ledger, "evaluation_rules")
    rules["member"]["三级"] = [["好", 85, 1], ["一般", 0, 1]]
    settings.set_setting(ledger, "evaluation_rules", rules)
    assert suggest.suggest(ledger, "member", Figures(86, 1, 1, 1))[0] == "好"


def test_sheet_for_a_subtree_from_the_ledger_and_batch_save(scene):
    led = scene["ledger"]
    # 王䶮 served only in Q2 (May): 80 + 14 = 94 points, one quarter → 一般. Give him a Q1
    # service too and he reaches 好 (≥90 and both quarters).
    activities.record_activity(led, members=[(scene["wang"], 1)], date="2026-03-01",
                               kind="志愿服务", title="春季清扫", verified=True, verifier="刘书记")
    rows = suggest.evaluation_sheet(led, "2026H1", "member", led.nodes["3号楼"])
    by = {r["name"]: r for r in rows}
    assert set(by) == {"王䶮", "李明", "张华"}
    assert (by["王䶮"]["points"], by["王䶮"]["quarters"], by["王䶮"]["suggested"]) == (97, 2, "好")
    assert (by["李明"]["points"], by["李明"]["quarters"], by["李明"]["suggested"]) == (87, 2, "一般")
    assert by["张华"]["suggested"] == "较差"
    only_1 = suggest.evaluation_sheet(led, "2026H1", "member", led.nodes["1单元"])
    assert [r["name"] for r in only_1] == ["王䶮"]
    assert suggest.accept_suggestions(rows) == 3
    by["李明"]["grade"], by["李明"]["comment"] = "好", "服务认真"
    assert suggest.save_sheet(led, "2026H1", "member", rows, evaluator="刘书记") == 3
    ev = evaluations.get_evaluation(led, "2026H1", member_id=scene["li"])
    assert (ev["grade"], ev["comment"], ev["suggested_grade"]) == ("好", "服务认真", "一般")
    assert "半年积分87分" in ev["suggested_reason"]
    again = {r["name"]: r for r in suggest.evaluation_sheet(led, "2026H1", "member")}
    assert again["李明"]["grade"] == "好" and again["张华"]["grade"] == "较差"
    again["张华"]["grade"] = ""  # cleared on the sheet: the evaluation goes
    assert suggest.save_sheet(led, "2026H1", "member", [again["张华"]]) == 0
    assert evaluations.get_evaluation(led, "2026H1", member_id=scene["zhang"]) is None


def test_units_sheet(scene):
    rows = suggest.evaluation_sheet(scene["ledger"], "2026H1", "unit")
    by = {r["name"]: r for r in rows}
    hospital = by["衡水市第二人民医院党委"]
    assert (hospital["projects"], hospital["meetings"], hospital["points"]) == (1, 1, 85)
    assert hospital["suggested"] == "一般"
    assert by["衡水市税务局机关党委"]["suggested"] == "较差"
