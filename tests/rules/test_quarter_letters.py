"""Issue 14: one action writes all of a quarter's 感谢信 and 提醒函; a cancel writes nothing."""

from __future__ import annotations

import pytest

from desktop.cards.letters import LettersCancelled, quarter_letters, write_letters

from .conftest import pdf_pages


def test_a_quarters_letters_thank_the_top_and_remind_the_lists(scene, tmp_path, fonts):
    led = scene["ledger"]
    # 2026Q2: 王䶮 14 and 李明 5 served; 张华 did nothing. 医院 did a 实事 and came to the
    # April meeting; 税务局 did neither.
    batch = quarter_letters(led, "2026Q2", top=10)
    assert [(x.kind, x.addressee) for x in batch.letters] == [
        ("感谢信", "王䶮"), ("感谢信", "李明"), ("感谢信", "衡水市第二人民医院党委"),
        ("提醒函", "张华"), ("提醒函", "衡水市税务局机关党委")]
    assert batch.summary == "2026年第二季度：感谢信3份，提醒函2份"
    path, warnings = write_letters(led, batch.letters, tmp_path / "q.pdf", fonts)
    assert warnings == []
    pages = pdf_pages(path)
    assert len(pages) == 5
    assert "2026年第二季度，您在丽景社区参加服务2次" in pages[0] and "在3名在职党员中排名第1位" in pages[0]
    assert "张华同志：" in pages[3] and "您在社区没有服务记录" in pages[3]
    # One letter for a unit that missed both, naming both.
    assert "没有在社区办成实事（共建项目），也没有参加社区联席会议" in pages[4]
    assert "按时派员参加社区联席会议" in pages[4] and "认领的岗位" not in pages[4]


def test_nobody_reminded_is_thanked_in_the_same_quarter(scene):
    from db import points

    led = scene["ledger"]
    points.adjust(led, "表彰", 30, member_id=scene["zhang"], date="2026-06-01")  # no service
    batch = quarter_letters(led, "2026Q2", top=1)
    assert [(x.kind, x.addressee) for x in batch.letters if x.kind == "感谢信"] == [
        ("感谢信", "衡水市第二人民医院党委")]
    assert any("未达标，只发提醒函" in n for n in batch.notes)


def test_quarter_letters_need_a_quarter(scene):
    from db.errors import ValidationError

    with pytest.raises(ValidationError, match="按季度"):
        quarter_letters(scene["ledger"], "2026-05")


def test_cancelling_writes_no_file_and_uses_no_document_number(scene, tmp_path, fonts):
    import datetime as dt

    led = scene["ledger"]
    batch = quarter_letters(led, "2026Q2")
    day = dt.date(2026, 7, 2)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1  # the user presses 取消 once the work is under way

    seen: list[float] = []
    folder = tmp_path / "打印"
    with pytest.raises(LettersCancelled):
        write_letters(led, batch.letters, folder / "q.pdf", fonts, today=day,
                      progress=lambda _t, f: seen.append(f), cancelled=cancelled)
    assert seen and list(folder.iterdir()) == []
    assert all(not x.number for x in batch.letters)
    assert led.meta(f"document_number:{led.office}:2026") is None
    # The next run numbers from 1 as if the cancelled one had never been.
    path, _ = write_letters(led, batch.letters, folder / "q.pdf", fonts, today=day)
    assert [p.count("丽景社区〔2026〕第") for p in pdf_pages(path)] == [1] * 5
    assert "丽景社区〔2026〕第1号" in pdf_pages(path)[0]
    assert "丽景社区〔2026〕第5号" in pdf_pages(path)[4]
