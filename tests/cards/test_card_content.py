"""Each card kind, read back from the PDF's own text: the figures must be the ledger's."""

from __future__ import annotations

import re

from pypdf import PdfReader

from db import activities, members
from desktop.cards import PrintJob, print_cards

from .conftest import flat, pdf_text


def test_record_card_lists_every_verified_service_with_totals(known, fonts, tmp_path):
    out = tmp_path / "record.pdf"
    result = print_cards(known["ledger"], PrintJob("record", "2026H1", member_ids=[known["wang"]]),
                         out, fonts=fonts)
    assert (result.cards, result.pages, result.warnings) == (1, 1, [])
    (page,) = pdf_text(out)
    text = flat(page)
    assert "在职党员进社区情况纪实卡" in text
    assert "2026年上半年（2026-01-01至2026-06-30）" in text
    assert "社区：丽景社区" in text
    for value in ("王䶮", "衡水市第二人民医院党委", "主治医师", "第二人民医院内科党支部",
                  "杨树小区3号楼1单元302", "健康义诊岗", "2025-03-15", "2010-07-01"):
        assert value in text, value
    # Every verified row of the period, in date order, with type, content, hours, points,
    # verifier; neither the unverified service nor last year's.
    rows = ["1 2026-01-10 集中服务日 杨树小区义诊：测血压 2 4 刘书记",
            "2 2026-03-10 志愿服务 健康讲座 3 5 刘书记",
            "3 2026-05-10 主题党日 学习党章 1.5 2.5 刘书记"]
    lines = [" ".join(line.split()) for line in page.splitlines()]
    joined = " ".join(lines)
    for row in rows:
        assert row in joined, row
    assert "未审核的活动" not in text and "去年的活动" not in text
    assert "共3次，服务时长6.5小时，获得积分11.5分" in text
    assert "（盖章）" in text
    info = PdfReader(out).metadata
    assert info.title == "在职党员进社区情况纪实卡（2026年上半年）"
    assert info.author == "丽景社区党组织"


def test_long_record_card_continues_with_header_repeated(known, fonts, tmp_path):
    led, wang = known["ledger"], known["wang"]
    for day in range(50):
        activities.record_activity(led, members=[(wang, 1)], date=f"2026-02-{day % 28 + 1:02d}",
                                   kind="志愿服务", title=f"巡逻第{day + 1}次", verified=True,
                                   verifier="刘书记")
    out = tmp_path / "long.pdf"
    result = print_cards(led, PrintJob("record", "2026H1", member_ids=[wang]), out, fonts=fonts)
    pages = pdf_text(out)
    assert result.pages == len(pages) >= 2
    for number, page in enumerate(pages, 1):
        text = flat(page)
        assert "在职党员进社区情况纪实卡" in text
        assert "王䶮" in text and "衡水市第二人民医院党委" in text  # the member, on every page
        assert "序号服务日期服务类型服务内容时长(小时)积分审核人" in text  # column headings
        assert f"第{number}页共{len(pages)}页" in text
    assert "续页" in flat(pages[1]) and "续页" not in flat(pages[0])
    assert "（转下页）" in flat(pages[0]) and "（转下页）" not in flat(pages[-1])
    everything = flat("".join(pages))
    for day in range(50):
        assert f"巡逻第{day + 1}次" in everything
    # 53 services: 3 from the fixture + 50; totals only once, on the last page.
    assert "共53次，服务时长56.5小时" in flat(pages[-1])
    assert sum("合计" in flat(p) for p in pages) == 1


def test_member_feedback_card(known, fonts, tmp_path):
    out = tmp_path / "feedback.pdf"
    print_cards(known["ledger"], PrintJob("feedback", "2026H1", member_ids=[known["wang"]]), out,
                fonts=fonts)
    (page,) = pdf_text(out)
    text = flat(page)
    assert text.startswith("在职党员进社区反馈卡（2026年上半年）衡水市第二人民医院党委：")
    assert "贵单位党员王䶮同志于2025-03-15到丽景社区报到" in text
    for label, value in (("参加服务", "3次"), ("服务时长", "6.5小时"), ("本期积分", "14.5分"),
                         ("完成群众点单", "1件"), ("累计积分", "98.5分"), ("报到日期", "2025-03-15"),
                         ("认领岗位", "健康义诊岗"), ("所在党支部", "第二人民医院内科党支部")):
        assert label + value in text, label
    # The grade scheme's boxes, only the chosen one ticked.
    assert "评价等次好√一般较差" in text
    assert text.count("√") == 1
    assert "服务热情，希望多参加集中服务日。" in text
    assert "2026-07-03" in text  # the evaluation's date by the seal
    assert "回执" in text and "（沿此线剪下）" in text
    assert "贵社区反馈的我单位党员王䶮同志2026年上半年到社区报到服务情况反馈卡已收到" in text


def test_feedback_card_without_evaluation_leaves_grade_empty_and_says_so(known, fonts, tmp_path):
    out = tmp_path / "feedback.pdf"
    result = print_cards(known["ledger"], PrintJob("feedback", "2026H1",
                                                   member_ids=[known["li"], known["wang"]]),
                         out, fonts=fonts)
    first, second = (flat(p) for p in pdf_text(out))
    assert "李明" in first and "√" not in first
    assert "√" in second
    assert result.notes == ["1张反馈卡的对象2026年上半年尚未评价，评价等次留空：李明"]


def test_unit_feedback_card(known, fonts, tmp_path):
    out = tmp_path / "unit.pdf"
    result = print_cards(known["ledger"], PrintJob("feedback", "2026H1", units=True), out,
                         fonts=fonts)
    assert result.cards == 2
    pages = [flat(p) for p in pdf_text(out)]
    hospital = next(p for p in pages if "第二人民医院" in p)
    assert hospital.startswith("报到单位党组织进社区反馈卡（2026年上半年）衡水市第二人民医院党委：")
    assert "包联杨树小区" in hospital
    for label, value in (("报到党员", "2名"), ("完成实事", "1项"), ("党员服务", "2人6人次"),
                         ("服务时长", "9.5小时"), ("联席会议", "0次")):
        assert label + value in hospital, label
    assert "评价等次√好一般较差" in hospital and "共建积极。" in hospital


def test_info_card_masks_the_id_number_unless_asked(known, fonts, tmp_path):
    led, number = known["ledger"], known["wang_id"]
    out = tmp_path / "info.pdf"
    print_cards(led, PrintJob("info", member_ids=[known["wang"]]), out, fonts=fonts)
    text = flat(pdf_text(out)[0])
    assert number not in text
    masked = number[:6] + "*" * 8 + number[-4:]
    assert masked in text
    assert re.findall(r"\d{6}\*{8}\d{3}[\dX]", text) == [masked]  # only 6 + 4 digits visible
    # the mask hides exactly the birth date: beside it, the year only
    assert "出生年份1985年" in text and "1985-03" not in text and "19850312" not in text
    for value in ("在职党员基本信息卡", "王䶮", "男" if int(number[16]) % 2 else "女",
                  "139****5678", "义诊、健康讲座", "河东街道/丽景社区/杨树小区/3号楼/1单元",
                  "健康义诊岗（生活服务，2025-04-01认领）", "赵桂兰", "老年", "138****1111",
                  "杨树小区3号楼1单元101", "照片"):
        assert value in text, value
    assert "13912345678" not in text and "13800001111" not in text
    full = tmp_path / "full.pdf"
    print_cards(led, PrintJob("info", member_ids=[known["wang"]], full_id=True), full,
                fonts=fonts)
    full_text = flat(pdf_text(full)[0])
    assert number in full_text and "13912345678" in full_text and "13800001111" in full_text
    assert "出生日期1985-03-12" in full_text
    from db import audit

    last = audit.entries(led)[0]
    assert (last["action"], last["target"]) == ("打印完整证件号", "基本信息卡1张（full.pdf）")


def test_text_matches_ledger_after_edit(known, fonts, tmp_path):
    """The card is read from the ledger at print time, not from a cache."""
    led = known["ledger"]
    members.update_member(led, known["wang"], position="副主任医师")
    out = tmp_path / "info.pdf"
    print_cards(led, PrintJob("info", member_ids=[known["wang"]]), out, fonts=fonts)
    text = flat(pdf_text(out)[0])
    assert "副主任医师" in text and "主治医师" not in text


def test_bold_title_does_not_embolden_the_rest_of_the_page(known, fonts, tmp_path):
    """Bold is drawn by stroking the outline (render mode 2); the mode is graphics state and
    must be reset, or every field after the title prints heavy."""
    out = tmp_path / "feedback.pdf"
    print_cards(known["ledger"], PrintJob("feedback", "2026H1", member_ids=[known["wang"]]), out,
                fonts=fonts)
    stream = PdfReader(out).pages[0].get_contents().get_data().decode("latin-1")
    modes = re.findall(r"\b([0-7]) Tr\b", stream)
    assert modes and modes[0] == "2"
    assert modes[-1] == "0"
    assert all(a != b for a, b in zip(modes, modes[1:], strict=False))  # 2, 0, 2, 0, …


def test_overlong_comment_is_shrunk_then_cut_with_a_note(known, fonts, tmp_path):
    from db import evaluations

    led = known["ledger"]
    evaluations.set_evaluation(led, "2026H1", "好", member_id=known["wang"],
                               comment="表现突出。" * 600)
    out = tmp_path / "feedback.pdf"
    result = print_cards(led, PrintJob("feedback", "2026H1", member_ids=[known["wang"]]), out,
                         fonts=fonts)
    assert len(pdf_text(out)) == 1  # still one card, the receipt still on it
    assert "回执" in flat(pdf_text(out)[0])
    assert any("王䶮的社区评语太长" in note for note in result.notes)


def test_quarter_feedback_card_counts_the_quarter_only(known, fonts, tmp_path):
    out = tmp_path / "q.pdf"
    result = print_cards(known["ledger"], PrintJob("feedback", "2026Q1",
                                                   member_ids=[known["wang"]]), out, fonts=fonts)
    text = flat(pdf_text(out)[0])
    assert "2026年第一季度（2026-01-01至2026-03-31）" in text
    assert "参加服务2次" in text and "服务时长5小时" in text and "完成群众点单0件" in text
    assert "√" not in text and result.notes == []  # evaluations are half-yearly
