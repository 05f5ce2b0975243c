"""Rankings: deterministic ties, frozen snapshots, and the letters they produce."""

from __future__ import annotations

import re

import pytest

from db import activities, members, points, rankings, settings
from db.errors import RuleError, ValidationError
from desktop.cards.letters import compliance_letters, ranking_letters, write_letters

from .conftest import pdf_pages


def test_members_ranked_by_points_then_services_hours_name(scene, ids):
    led = scene["ledger"]
    # Two more members with exactly 李明's May points (5) but different services/hours/names.
    a = members.add_member(led, name="阿强", id_number=ids(), report_date="2025-01-01")
    b = members.add_member(led, name="白云", id_number=ids(), report_date="2025-01-01")
    activities.record_activity(led, members=[(a, 0), (b, 0)], date="2026-05-03",
                               kind="集中服务日", title="清扫", verified=True, verifier="刘书记")
    points.adjust(led, "补记", 3, member_id=a, date="2026-05-04")
    points.adjust(led, "补记", 3, member_id=b, date="2026-05-04")
    ranking = rankings.get_ranking(led, "member", "2026-05")
    names = [r["name"] for r in ranking.rows]
    # 王䶮 14; then three with 5 points: 李明 (3h) before 阿强/白云 (0h), those two by pinyin.
    assert names == ["王䶮", "李明", "阿强", "白云", "张华"]
    # Equal points share a rank (issue 14): 1, 2, 2, 2, 5.
    assert [r["rank"] for r in ranking.rows] == [1, 2, 2, 2, 5]
    again = [rankings.get_ranking(led, "member", "2026-05").rows for _ in range(3)]
    assert all(rows == ranking.rows for rows in again)


def test_equal_in_everything_breaks_by_uuid_the_same_way_every_time(scene, ids):
    led = scene["ledger"]
    twins = [members.add_member(led, name="王芳", id_number=ids(), report_date="2025-01-01")
             for _ in range(4)]
    uuids = sorted(led.scalar("SELECT uuid FROM members WHERE id = ?", (t,)) for t in twins)
    rows = rankings.get_ranking(led, "member", "2026-05").rows
    assert [r["uuid"] for r in rows if r["name"] == "王芳"] == uuids


def test_units_by_quarter(scene):
    led = scene["ledger"]
    ranking = rankings.get_ranking(led, "unit", "2026Q2")
    assert [(r["name"], r["points"], r["services"]) for r in ranking.rows] == [
        ("衡水市第二人民医院党委", 5, 1), ("衡水市税务局机关党委", 0, 0)]
    # Both kinds rank by month or by quarter (issue 14); a half year is neither.
    assert rankings.get_ranking(led, "unit", "2026-05").rows[0]["name"] == "衡水市第二人民医院党委"
    assert rankings.get_ranking(led, "member", "2026Q2").rows[0]["name"] == "王䶮"
    with pytest.raises(ValidationError, match="按月或按季度"):
        rankings.get_ranking(led, "unit", "2026H1")


def test_a_frozen_ranking_does_not_move_after_an_edit(scene):
    led = scene["ledger"]
    closed = rankings.close_period(led, "member", "2026-05", "刘书记")
    assert closed.frozen and "已于" in closed.status_text and "不会改变" in closed.status_text
    before = [(r["rank"], r["name"], r["points"]) for r in closed.rows]
    # 张华 does a lot in May afterwards, and 王䶮's activity is deleted.
    points.adjust(led, "补记五月服务", 50, member_id=scene["zhang"], date="2026-05-31")
    activities.delete_activity(led, scene["day"])
    frozen = rankings.get_ranking(led, "member", "2026-05")
    assert frozen.frozen
    assert [(r["rank"], r["name"], r["points"]) for r in frozen.rows] == before
    live = rankings.compute(led, "member", frozen.period)
    assert live[0]["name"] == "张华"  # the live figures did change
    with pytest.raises(RuleError, match="已经封存"):
        rankings.close_period(led, "member", "2026-05")
    assert not rankings.get_ranking(led, "member", "2026-06").frozen


def test_ranking_letters_name_the_people_and_their_figures(scene, tmp_path, fonts):
    led = scene["ledger"]
    ranking = rankings.get_ranking(led, "member", "2026-05")
    letters = ranking_letters(led, ranking, top=1, bottom=1)
    assert [(x.kind, x.addressee) for x in letters] == [("感谢信", "王䶮"), ("提醒函", "张华")]
    path, warnings = write_letters(led, letters, tmp_path / "letters.pdf", fonts)
    assert warnings == []
    thanks, reminder = pdf_pages(path)
    assert thanks.startswith("感谢信") and "王䶮同志：" in thanks
    assert "您在丽景社区参加服务2次、累计5小时，获得积分14分，在3名在职党员中排名第1位" in thanks
    assert "丽景社区" in thanks and "抄送：衡水市第二人民医院党委" in thanks
    assert reminder.startswith("提醒函") and "张华同志：" in reminder
    assert "获得积分0分" in reminder and "排名第3位" in reminder
    assert "王䶮" not in reminder


def test_unit_and_compliance_letters(scene, tmp_path, fonts):
    from db import compliance

    led = scene["ledger"]
    ranking = rankings.get_ranking(led, "unit", "2026Q2")
    letters = ranking_letters(led, ranking, top=1, bottom=1)
    assert letters[0].salutation == "衡水市第二人民医院党委："
    lists = compliance.check_lists(led, "2026Q2")
    letters += compliance_letters(led, "2026年第二季度", "idle_members", lists["idle_members"])
    path, _ = write_letters(led, letters, tmp_path / "l.pdf", fonts)
    pages = pdf_pages(path)
    assert len(pages) == 3
    assert "贵单位在丽景社区办成实事1件" in pages[0] and "在2个报到单位中排名第1位" in pages[0]
    assert "在社区办成" not in "".join(pages)
    assert "衡水市税务局机关党委：" in pages[1]
    assert "张华同志：" in pages[2] and "2026年第二季度，您在社区没有服务记录" in pages[2]


def test_letters_carry_a_document_number_that_never_repeats_and_a_seal_place(scene, tmp_path,
                                                                             fonts):
    import datetime as dt

    led = scene["ledger"]
    ranking = rankings.get_ranking(led, "member", "2026-05")
    day = dt.date(2026, 6, 3)
    first, _ = write_letters(led, ranking_letters(led, ranking, 1, 1), tmp_path / "a.pdf", fonts,
                             today=day)
    again, _ = write_letters(led, ranking_letters(led, ranking, 1, 0), tmp_path / "b.pdf", fonts,
                             today=day)
    pages = pdf_pages(first) + pdf_pages(again)
    numbers = [re.search(r"丽景社区〔2026〕第\d+号", p).group(0) for p in pages]
    assert numbers == ["丽景社区〔2026〕第1号", "丽景社区〔2026〕第2号", "丽景社区〔2026〕第3号"]
    for page in pages:
        assert "中共丽景社区委员会（盖章）" in page and "2026年6月3日" in page
    # A new year starts again at 1; the counter lives in the ledger, so it survives reopening.
    next_year, _ = write_letters(led, ranking_letters(led, ranking, 1, 0), tmp_path / "c.pdf",
                                 fonts, today=dt.date(2027, 1, 5))
    assert "丽景社区〔2027〕第1号" in pdf_pages(next_year)[0]
    assert settings.next_document_numbers(led, 2026, 2) == [4, 5]


def test_top_and_bottom_never_overlap(scene):
    ranking = rankings.get_ranking(scene["ledger"], "member", "2026-05")
    head, tail = rankings.top_bottom(ranking, 2, 2)
    assert [r["name"] for r in head] == ["王䶮", "李明"]
    assert [r["name"] for r in tail] == ["张华"]


def test_letter_lines_never_split_a_number_from_its_unit(fonts):
    from desktop.cards.layout import Layout, style_for
    from desktop.cards.letters import wrap

    lay = Layout(fonts, style_for("A4"))
    text = "　　2026年5月，您在丽景社区参加社区服务1次、累计3小时，获得积分15分，在1名在职党员中排名第1位。"
    for width in range(120, 480, 7):
        lines = wrap(lay, text, width, 13.65)
        assert "".join(lines) == text
        for before, after in zip(lines, lines[1:], strict=False):
            assert not (before[-1].isdigit() and after[0] in "分位名次小"), (before, after)
