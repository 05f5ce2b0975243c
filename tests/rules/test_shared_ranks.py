"""Issue 14: equal points share a rank (1, 2, 2, 4) on screen, in exports and in letters; a
top/bottom list takes the whole tie at its boundary and says so; members and units rank by
month and by quarter alike."""

from __future__ import annotations

from openpyxl import load_workbook

from db import members, points, rankings, units
from desktop.cards.letters import ranking_letters, write_letters
from desktop.sync.report_xlsx import ranking_workbook

from .conftest import pdf_pages


def _crowd(led, ids, count: int, name: str = "党员") -> list[int]:
    return [members.add_member(led, name=f"{name}{i:02d}", id_number=ids(),
                               report_date="2025-01-01") for i in range(count)]


def test_equal_points_share_a_rank_and_the_next_rank_skips(scene, ids):
    led = scene["ledger"]
    # 王䶮 14, 李明 5; two more at 5, and twelve more at 0 with 张华.
    for m in _crowd(led, ids, 2, "五分"):
        points.adjust(led, "补记", 5, member_id=m, date="2026-05-04")
    _crowd(led, ids, 12)
    rows = rankings.get_ranking(led, "member", "2026-05").rows
    assert len(rows) == 17
    by_rank = [(r["rank"], r["points"]) for r in rows]
    assert by_rank[:5] == [(1, 14), (2, 5), (2, 5), (2, 5), (5, 0)]
    assert {r["rank"] for r in rows if r["points"] == 0} == {5}
    assert [r["tied"] for r in rows[:5]] == [1, 3, 3, 3, 13]


def test_a_bottom_list_takes_the_whole_tie_and_says_so(scene, ids):
    led = scene["ledger"]
    _crowd(led, ids, 12)  # 13 members at 0 points with 张华
    ranking = rankings.get_ranking(led, "member", "2026-05")
    chosen = rankings.select(ranking, 1, 3)
    assert [r["name"] for r in chosen.head] == ["王䶮"]
    assert len(chosen.tail) == 13 and all(r["points"] == 0 for r in chosen.tail)
    assert chosen.notes == ["提醒函后3名：第3名有13名党员并列，一并发送，共13份。"]
    # The top list widens over a tie too, and never thanks anyone for 0 points.
    points.adjust(led, "补记", 9, member_id=scene["li"], date="2026-05-04")  # 李明 14 = 王䶮
    ranking = rankings.get_ranking(led, "member", "2026-05")
    chosen = rankings.select(ranking, 1, 0)
    assert sorted(r["name"] for r in chosen.head) == ["李明", "王䶮"]
    assert [r["rank"] for r in chosen.head] == [1, 1]
    assert "第1名有2名党员并列" in chosen.notes[0]
    chosen = rankings.select(ranking, 5, 0)
    assert len(chosen.head) == 2 and "积分大于0" in chosen.notes[-1]


def test_top_and_bottom_do_not_overlap_when_everyone_is_tied(ledger, ids):
    _crowd(ledger, ids, 6)
    ranking = rankings.get_ranking(ledger, "member", "2026-05")
    chosen = rankings.select(ranking, 2, 2)
    assert chosen.head == []  # nobody earned thanks
    assert len(chosen.tail) == 6 and {r["rank"] for r in chosen.tail} == {1}


def test_letters_and_exports_carry_the_shared_rank(scene, ids, tmp_path, fonts):
    led = scene["ledger"]
    _crowd(led, ids, 9)  # 10 members at 0 points with 张华; 12 in all
    ranking = rankings.get_ranking(led, "member", "2026-05")
    letters = ranking_letters(led, ranking, 1, 1)
    assert len(letters) == 11  # 王䶮's 感谢信 and a 提醒函 to each of the 10 tied at 0
    path, _ = write_letters(led, letters, tmp_path / "l.pdf", fonts)
    pages = pdf_pages(path)
    assert "在12名在职党员中排名第1位" in pages[0]
    zhang = next(p for p in pages if "张华同志" in p)
    assert "在12名在职党员中与其他9名并列第3位" in zhang
    assert not any("第12位" in p or "第4位" in p for p in pages)
    ranking_workbook("排行", ranking.status_text, ranking.rows, tmp_path / "r.xlsx")
    rows = list(load_workbook(tmp_path / "r.xlsx").active.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [1, 2] + [3] * 10


def test_a_frozen_ranking_keeps_shared_ranks_and_its_order(scene, ids):
    led = scene["ledger"]
    _crowd(led, ids, 3)
    live = rankings.get_ranking(led, "member", "2026-05")
    frozen = rankings.close_period(led, "member", "2026-05")
    keys = ("rank", "name", "points", "tied")
    assert [tuple(r[k] for k in keys) for r in frozen.rows] == \
        [tuple(r[k] for k in keys) for r in live.rows]
    assert [r["rank"] for r in frozen.rows] == [1, 2, 3, 3, 3, 3]
    assert "并列" in frozen.rule


def test_members_by_quarter_and_units_by_month(scene):
    led = scene["ledger"]
    # 2026Q2: 王䶮 14 (May), 李明 5 (May; his February 主题党日 is Q1), 张华 0.
    q2 = rankings.get_ranking(led, "member", "2026Q2")
    assert [(r["name"], r["points"], r["services"]) for r in q2.rows] == [
        ("王䶮", 14, 2), ("李明", 5, 1), ("张华", 0, 0)]
    assert q2.title == "党员季度排行" and q2.period.label == "2026年第二季度"
    q1 = rankings.get_ranking(led, "member", "2026Q1")
    assert [(r["name"], r["points"]) for r in q1.rows][0] == ("李明", 2)
    may = rankings.get_ranking(led, "unit", "2026-05")
    assert may.title == "报到单位月度排行"
    assert [(r["name"], r["points"], r["rank"]) for r in may.rows] == [
        ("衡水市第二人民医院党委", 5, 1), ("衡水市税务局机关党委", 0, 2)]
    assert [r["points"] for r in rankings.get_ranking(led, "unit", "2026-04").rows] == [0, 0]
    # Month and quarter snapshots are separate: closing one leaves the other live.
    rankings.close_period(led, "member", "2026Q2")
    assert rankings.get_ranking(led, "member", "2026Q2").frozen
    assert not rankings.get_ranking(led, "member", "2026-05").frozen
    rankings.close_period(led, "unit", "2026-05")
    assert rankings.get_ranking(led, "unit", "2026-05").frozen
    assert not rankings.get_ranking(led, "unit", "2026Q2").frozen


def test_fourteen_units_with_five_points_all_rank_seventh(ledger):
    """The figures from the issue: units 7–20 at 5 points are all 7th, the next is 21st."""
    for i in range(22):
        unit = units.add_unit(ledger, name=f"报到单位{i:02d}", report_date="2025-01-01")
        score = 20 - i if i < 6 else 5 if i < 20 else 1
        points.adjust(ledger, "补记", score, unit_id=unit, date="2026-08-10")
    rows = rankings.get_ranking(ledger, "unit", "2026Q3").rows
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, 6] + [7] * 14 + [21, 21]
