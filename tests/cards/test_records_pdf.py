"""The papers of issue 16 as a person reads them: a numbered 签到表 (every page says which
sheet it is, pre-filled names, blank rows), the 志愿服务记录证明 (verified hours only, 补打
with the same number, refused once voided), the 证明登记簿, and the 纪实卡's place, times,
sheet numbers and signature column. All text 10 mm from every edge."""

from __future__ import annotations

import pytest

from db import activities, certificates, members, signin
from db.errors import RuleError
from db.periods import parse_period
from desktop.cards import data
from desktop.cards.certificate import certificate_pdf, register_pdf
from desktop.cards.draw import Painter, new_canvas
from desktop.cards.layout import Layout, Text, style_for
from desktop.cards.record import layout_record
from desktop.cards.signin_sheet import signin_pdf
from tests.cards.conftest import flat, pdf_text
from tests.cards.test_margins import assert_margins
from tests.conftest import make_id


@pytest.fixture
def served(known):
    led = known["ledger"]
    act = activities.record_activity(led, date="2026-04-18", kind="集中服务日", title="社区义诊",
                                     node_id=led.nodes["杨树小区"], place="杨树小区广场",
                                     start_time="9:00", end_time="11:30", leader="周强",
                                     recorder="李四")
    sheet = signin.create_sheet(led, act, "网格", node_id=led.nodes["3号楼"], blank_rows=4)
    signin.enter_sheet(led, sheet, [signin.Entry(known["wang"], True, "9:00", "11:00")])
    activities.verify(led, act, "刘书记")
    return {**known, "act": act, "sheet": sheet,
            "number": signin.get_sheet(led, sheet)["number"]}


def test_signin_sheet_is_numbered_prefilled_and_inside_the_margins(served, fonts, tmp_path):
    led = served["ledger"]
    for i in range(30):  # enough names for a second page
        members.add_member(led, name=f"党员{i:02d}", residence_node_id=led.nodes["2单元"],
                           id_number=make_id("19900101", seq=i))
    sheet = signin.create_sheet(led, served["act"], "网格", node_id=led.nodes["3号楼"])
    number = signin.get_sheet(led, sheet)["number"]
    path, warnings, pages = signin_pdf(led, sheet, tmp_path / "签到表.pdf", fonts)
    assert not warnings and pages == 2
    texts = [flat(t) for t in pdf_text(path)]
    assert all(number in t for t in texts)  # a loose page still names its sheet
    everything = "".join(texts)
    assert all(name in everything for name in ("王䶮", "李明", "张华", "党员00", "党员29"))
    for word in ("序号", "姓名", "单位", "签到", "签退", "时长", "签名", "杨树小区广场",
                 "09:00—11:30", "周强", "李四"):
        assert word in texts[0], word
    # 33 names, then ruled blank rows numbered on
    assert "34" in texts[-1] and "活动负责人签字" in texts[-1]
    assert_margins(path, fonts)


def test_certificate_prints_verified_hours_and_reprints_as_buda(served, fonts, tmp_path):
    led = served["ledger"]
    cid = certificates.issue(led, served["wang"], "2026-01-01", "2026-06-30", "刘建国", "王小红",
                             phone="0318-2345678", issued_date="2026-07-01")
    path, warnings, reprint = certificate_pdf(led, cid, tmp_path / "证明.pdf", fonts)
    assert not warnings and not reprint
    text = flat(pdf_text(path)[0])
    # 2 + 3 + 1.5 from the known ledger and 2 from the sheet; the unverified 4 hours not
    assert "累计志愿服务时长8.5小时" in text
    assert "丽景社区-2026-0001" in text and "补打" not in text
    assert served["wang_id"] not in text and served["wang_id"][:6] + "********" in text
    assert "0318-2345678" in text and "（公章）" in text and served["number"] in text
    # one date style in the form, as the sentence above it and the date under the seal
    assert "服务时间2026年1月1日至2026年6月30日" in text and "出具日期2026年7月1日" in text
    assert "打印情况首次打印" in text
    assert_margins(path, fonts)
    again, _w, reprint = certificate_pdf(led, cid, tmp_path / "补打.pdf", fonts)
    text = flat(pdf_text(again)[0])
    assert reprint and "丽景社区-2026-0001（补打）" in text
    assert "打印情况补打（与原件同号）" in text
    certificates.void(led, cid, "服务期间写错")
    with pytest.raises(RuleError, match="已作废"):
        certificate_pdf(led, cid, tmp_path / "作废.pdf", fonts)
    assert not (tmp_path / "作废.pdf").exists()
    book, _w = register_pdf(led, tmp_path / "登记簿.pdf", fonts=fonts)
    text = flat(pdf_text(book)[0])
    assert "丽景社区-2026-0001" in text and "服务期间写错" in text and "作废" in text
    assert "2026-01-01至2026-06-30" in pdf_text(book)[0]  # the period on one line, unbroken
    assert_margins(book, fonts)


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_record_card_shows_place_times_sheet_and_signature_column(served, fonts, tmp_path,
                                                                  paper):
    led = served["ledger"]
    lay = Layout(fonts, style_for(paper))
    base = data.common(led, parse_period("2026H1"))
    pages = layout_record(lay, data.record_card(led, served["wang"], base.period), base,
                          signatures=True)
    out = tmp_path / f"纪实卡-{paper}.pdf"
    canvas = new_canvas(str(out), "纪实卡", "", "", fonts.primary)
    painter = Painter(canvas, fonts)
    for page in pages:
        painter.page(page)
    canvas.save()
    text = flat("".join(pdf_text(out)))
    assert "本人签名" in text and "09:00-11:30" in text and "地点：杨树小区广场" in text
    assert served["number"].replace("-", "") in text.replace("-", "")
    # the longest service type in the same type as the others, not made smaller to fit
    kinds = {i.text: i.size for page in pages for i in page.items
             if isinstance(i, Text) and i.text in ("集中服务日", "志愿服务")}
    assert kinds.get("集中服务日") == lay.s.table, kinds
    plain = Layout(fonts, style_for(paper))
    layout_record(plain, data.record_card(led, served["wang"], base.period), base)
    assert {i.size for page in plain.pages for i in page.items
            if isinstance(i, Text) and i.text == "集中服务日"} == {plain.s.table}
    assert_margins(out, fonts)
