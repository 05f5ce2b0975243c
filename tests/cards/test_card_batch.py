"""Batches: who is printed, in which order, A5 and two-up, progress and cancel, the CLI."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5, landscape

from db import members
from db.periods import parse_period
from desktop.cards import PrintCancelled, PrintJob, print_cards
from desktop.cards.batch import member_ids
from desktop.cards.fonts import FontSet
from desktop.cards.info import layout_info
from desktop.cards.layout import Layout, Text, style_for
from desktop.cli import main

from .conftest import flat, pdf_text


def _names(path) -> list[str]:
    """The member named on each page (their name is the first value after 姓名)."""
    return [flat(p).split("姓名", 1)[1][:2] for p in pdf_text(path)]


def test_grid_subtree_unit_and_hand_picked_selection(known, fonts, tmp_path):
    led = known["ledger"]
    out = tmp_path / "x.pdf"
    print_cards(led, PrintJob("info", node_id=led.nodes["2单元"]), out, fonts=fonts)
    assert _names(out) == ["李明", "张华"]  # by pinyin: li, zhang
    print_cards(led, PrintJob("info", node_id=led.nodes["杨树小区"]), out, fonts=fonts)
    assert _names(out) == ["李明", "王䶮", "张华"]
    print_cards(led, PrintJob("info", unit_id=known["other"]), out, fonts=fonts)
    assert _names(out) == ["张华"]
    picked = [known["zhang"], known["wang"], known["zhang"]]
    print_cards(led, PrintJob("info", member_ids=picked), out, fonts=fonts)
    assert _names(out) == ["张华", "王䶮"]  # as given, once each


def test_feedback_cards_are_grouped_by_work_unit(known, fonts, tmp_path):
    led = known["ledger"]
    out = tmp_path / "fb.pdf"
    print_cards(led, PrintJob("feedback", "2026H1"), out, fonts=fonts)
    addressees = [flat(p).split("）", 1)[1].split("：", 1)[0] for p in pdf_text(out)]
    assert addressees == ["衡水市第二人民医院党委"] * 2 + ["衡水市税务局机关党委"]


def test_transferred_members_are_left_out_of_a_grid_batch(known, fonts, tmp_path):
    led = known["ledger"]
    members.transfer_out(led, known["li"])
    out = tmp_path / "x.pdf"
    print_cards(led, PrintJob("info", node_id=led.nodes["2单元"]), out, fonts=fonts)
    assert _names(out) == ["张华"]


def test_a5_and_two_up(known, fonts, tmp_path):
    led = known["ledger"]
    a5 = tmp_path / "a5.pdf"
    print_cards(led, PrintJob("feedback", "2026H1", paper="A5"), a5, fonts=fonts)
    reader = PdfReader(a5)
    assert len(reader.pages) == 3
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [round(v) for v in A5]
    two = tmp_path / "two.pdf"
    result = print_cards(led, PrintJob("feedback", "2026H1", two_up=True), two, fonts=fonts)
    reader = PdfReader(two)
    assert result.pages == len(reader.pages) == 2  # 3 cards: 2 + 1 on A4 landscape sheets
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == \
        [round(v) for v in landscape(A4)]
    first = flat(pdf_text(two)[0])
    # two cards, each with its tear-off 回执 and that 回执's own number
    assert first.count("在职党员进社区反馈卡") == 2 and first.count("（沿此线剪下）回执") == 2
    assert len(set(re.findall(r"回执编号：(丽景社区回执-2026-\d{4})", first))) == 2


def test_progress_and_cancel(known, fonts, tmp_path):
    led = known["ledger"]
    seen: list[tuple[str, float]] = []
    out = tmp_path / "x.pdf"
    print_cards(led, PrintJob("record", "2026H1"), out, lambda label, f: seen.append((label, f)),
                fonts=fonts)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("纪实卡" in label for label, _ in seen)
    stopped = tmp_path / "stopped.pdf"
    calls = iter(range(100))
    with pytest.raises(PrintCancelled):
        print_cards(led, PrintJob("record", "2026H1"), stopped,
                    cancelled=lambda: next(calls) >= 1, fonts=fonts)
    # Nothing half-written is left behind.
    assert [p for p in tmp_path.iterdir() if not p.name.startswith("ledger.db")] == [out]


def test_nothing_to_print_is_an_error(known, fonts, tmp_path):
    from db.errors import ValidationError

    with pytest.raises(ValidationError, match="没有可打印"):
        print_cards(known["ledger"], PrintJob("info", node_id=known["ledger"].nodes["1单元"],
                                              unit_id=known["other"], member_ids=None),
                    tmp_path / "x.pdf", fonts=fonts)
    with pytest.raises(ValidationError, match="期间"):
        print_cards(known["ledger"], PrintJob("record"), tmp_path / "x.pdf", fonts=fonts)


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_every_card_keeps_its_text_on_the_paper(known, fonts, paper):
    """Long values wrap within their cells instead of running over rules or off the paper,
    and a one-page card stays on one page, on A4 and on A5."""
    from db import evaluations
    from desktop.cards import data
    from desktop.cards.feedback import layout_feedback
    from desktop.cards.record import layout_record

    led = known["ledger"]
    long_text = "长期关心社区老人，定期上门走访，" * 12
    members.update_member(led, known["wang"], note=long_text, position="主任医师兼党支部书记" * 2,
                          household_address="杨树小区3号楼1单元101室东侧平房" * 3)
    evaluations.set_evaluation(led, "2026H1", "好", member_id=known["wang"], comment=long_text)
    period = parse_period("2026H1")
    base = data.common(led, period)
    s = style_for(paper)
    cards = {
        "info": lambda lay: layout_info(lay, data.info_card(led, known["wang"]), base,
                                        today="2026-07-01"),
        "record": lambda lay: layout_record(lay, data.record_card(led, known["wang"], period),
                                            base),
        "feedback": lambda lay: layout_feedback(lay, data.member_feedback(led, known["wang"],
                                                                          base), base),
        "unit": lambda lay: layout_feedback(lay, data.unit_feedback(led, known["unit"], base),
                                            base),
    }
    for kind, build in cards.items():
        lay = Layout(fonts, s)
        pages = build(lay)
        assert len(pages) == 1, kind
        texts = [i for i in pages[0].items if isinstance(i, Text)]
        assert any("长期关心社区老人" in t.text for t in texts) or kind in ("record", "unit")
        for t in texts:
            width = fonts.width(t.text, t.size)
            left = t.x - {"l": 0, "c": width / 2, "r": width}[t.align]
            assert s.margin_x - 1 <= left and left + width <= s.width - s.margin_x + 1, \
                (kind, t.text)
            assert s.margin_top <= t.y <= s.height - 4, (kind, t.text)
        assert lay.notes == [], kind  # the long comment fitted (in smaller type)


def test_wrap_keeps_numbers_whole_and_punctuation_off_line_starts(fonts):
    lay = Layout(fonts, style_for("A4"))
    text = "现将其2026年上半年（2026-01-01至2026-06-30）在社区参加服务的情况，反馈如下。"
    for width in range(120, 300, 7):
        lines = lay.wrap(text, width, 10.5)
        assert "".join(lines) == text
        assert all(fonts.width(line, 10.5) <= width for line in lines)
        assert not any(line[0] in "，。）" for line in lines[1:])
        assert not any(line[-1] == "（" for line in lines[:-1])
        for number in ("2026-01-01", "2026-06-30"):
            assert any(number in line for line in lines), (width, lines)


def test_cli_prints_and_reports(known, tmp_path, capsys):
    led = known["ledger"]
    out = tmp_path / "cli.pdf"
    node = led.nodes["1单元"]
    code = main(["print", "record-cards", led.path, "--period", "2026H1", "--grid", str(node),
                 "--out", str(out)])
    assert code == 0
    assert "王䶮" in flat(pdf_text(out)[0])
    assert "1 张卡片" in capsys.readouterr().out
    code = main(["print", "feedback-cards", led.path, "--period", "2026H1", "--members",
                 f"{known['li']},{known['wang']}", "--a5", "--two-up", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and len(PdfReader(out).pages) == 1
    assert "提示：1张反馈卡的对象2026年上半年尚未评价" in captured.err
    code = main(["print", "info-cards", led.path, "--grid", "杨树小区/3号楼/2单元", "--full-id",
                 "--out", str(out)])
    assert code == 0 and len(PdfReader(out).pages) == 2
    assert main(["print", "record-cards", led.path, "--period", "2026H1", "--grid", "没有这个",
                 "--out", str(out)]) == 2
    assert "找不到网格" in capsys.readouterr().err
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    assert main(["print", "info-cards", led.path, "--out", str(blocked)]) == 2
    assert "无法写入" in capsys.readouterr().err


def test_cli_shows_font_warnings_on_stderr(known, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("desktop.cards.batch.FontSet.discover",
                        classmethod(lambda cls, c=None: FontSet([], cid=True)))
    out = tmp_path / "cli.pdf"
    led = known["ledger"]
    assert main(["print", "info-cards", led.path, "--members", str(known["wang"]),
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "警告：" in captured.err and "STSong-Light" in captured.err
    assert known["wang_id"] not in captured.err + captured.out  # no ID numbers in the output


def test_half_year_batch_from_a_demo_ledger_two_up(tmp_path, fonts):
    """Scenario 6 in small: every live member's 反馈卡, two A5 cards per A4 sheet, then the
    纪实卡; every member is on paper, in order, and nothing printed as a box."""
    from db import demo, open_ledger

    path = tmp_path / "tiny.db"
    demo.generate(path, "tiny").close()
    with open_ledger(path) as led:
        expected = [members.get_member(led, i)["name"]
                    for i in member_ids(
                        led, PrintJob("feedback", "2026H1"))]
        out = tmp_path / "fb.pdf"
        result = print_cards(led, PrintJob("feedback", "2026H1", two_up=True), out, fonts=fonts)
        assert result.cards == len(expected) > 20
        assert result.pages == (len(expected) + 1) // 2 == len(PdfReader(out).pages)
        assert result.warnings == []
        text = flat("".join(pdf_text(out)))
        position = 0
        for name in expected:  # in the batch's order, each card naming its member
            position = text.index(f"贵单位党员{name}同志", position) + 1
        record = tmp_path / "rec.pdf"
        result = print_cards(led, PrintJob("record", "2026H1"), record, fonts=fonts)
        assert result.cards == len(expected) and result.pages >= len(expected)
