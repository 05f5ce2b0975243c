"""预警 mid-quarter: the members and units db.compliance would name at the quarter's end, read
as of today, with db.points' deduction; the next verified service clears a member, and the
printed list and 温馨提示 name the quarter's end and the deduction."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from db import activities, compliance, early_warning, members, points, units
from db.errors import ValidationError
from desktop.cards.early_warning import reminders, reminders_pdf, write_warnings

MID = dt.date(2026, 11, 20)  # 2026Q4 runs to 2026-12-31


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture
def people(ledger, ids):
    node = ledger.nodes["1单元"]
    unit = units.add_unit(ledger, name="市财政局党支部", category="机关",
                          paired_node_id=ledger.nodes["杨树小区"], report_date="2026-01-05")
    wang = members.add_member(ledger, name="王芳", id_number=ids(), residence_node_id=node,
                              report_date="2026-01-05", mobile="13812345678")
    li = members.add_member(ledger, name="李强", id_number=ids(), residence_node_id=node,
                            report_date="2026-01-05")
    activities.record_activity(ledger, members=[(li, 2)], date="2026-10-08", kind="志愿服务",
                               title="清扫", verified=True, verifier="刘书记")
    activities.record_activity(ledger, members=[(wang, 2)], date="2026-08-08", kind="志愿服务",
                               title="义诊", verified=True, verifier="刘书记")
    return wang, li, unit


def test_mid_quarter_list_is_the_compliance_list_with_the_deduction(ledger, people):
    wang, li, unit = people
    w = early_warning.warnings(ledger, "2026Q4", today=MID)
    assert [r["name"] for r in w.members] == ["王芳"]
    assert w.members[0]["last_service"] == "2026-08-08"
    assert w.members[0]["phone"] == "138****5678"
    assert [r["name"] for r in w.units] == ["市财政局党支部"]
    assert (w.as_of, w.days_left, w.deduction, w.deducted) == ("2026-11-20", 42, 5, False)
    # the same members and units the 达标检查 lists for the quarter
    lists = compliance.check_lists(ledger, "2026Q4", today=MID)
    assert [r["id"] for r in lists["idle_members"]] == [r["id"] for r in w.members]
    assert [r["id"] for r in lists["units_no_project"]] == [r["id"] for r in w.units]
    # the deduction is the points rule's, whatever it is set to
    rule = points.rules(ledger)
    points.set_rules(ledger, {**rule, "idle_quarter": -8})
    assert early_warning.warnings(ledger, "2026Q4", today=MID).deduction == 8
    with pytest.raises(ValidationError, match="2026Q3"):
        early_warning.warnings(ledger, "2026-11", today=MID)
    assert early_warning.current_quarter(MID) == "2026Q4"


def test_the_next_verified_service_clears_the_warning(ledger, people):
    wang, _li, unit = people
    act = activities.record_activity(ledger, members=[(wang, 1)], date="2026-11-18",
                                     kind="志愿服务", title="助老送餐")
    assert [r["name"] for r in early_warning.warnings(ledger, "2026Q4", today=MID).members] == \
        ["王芳"]  # not verified yet: still warned
    activities.verify(ledger, act, "刘书记")
    assert early_warning.warnings(ledger, "2026Q4", today=MID).members == []
    project = activities.record_activity(ledger, date="2026-11-10", kind="共建项目",
                                         title="楼道照明改造", unit_id=unit, verified=True,
                                         verifier="刘书记")
    assert project and early_warning.warnings(ledger, "2026Q4", today=MID).units == []


def test_after_the_quarter_the_deduction_is_said_to_be_entered(ledger, people):
    points.apply_idle_deductions(ledger, "2026Q3")
    w = early_warning.warnings(ledger, "2026Q3", today=MID)
    assert w.ended and w.days_left == 0 and w.deducted
    before = early_warning.warnings(ledger, "2026Q4", today=dt.date(2026, 9, 1))
    assert before.days_left == 92  # the whole quarter is still ahead


def test_the_printed_list_and_notes_name_the_quarter_end_and_the_deduction(ledger, people,
                                                                           tmp_path):
    w, path, notes, warns = write_warnings(ledger, "2026Q4", tmp_path / "list.pdf",
                                           letters_out=tmp_path / "notes.pdf", today=MID)
    assert not warns
    text = _text(path)
    for want in ("2026年第四季度双报到预警名单", "统计截至：2026年11月20日", "距季度结束（2026年12月31日）还有42天", "扣减5分",
                 "王芳", "2026-08-08", "市财政局党支部", "138****5678"):
        assert want in text.replace("\n", ""), want
    assert "李强" not in text
    pages = PdfReader(str(notes)).pages
    assert len(pages) == 2  # one 温馨提示 each: 王芳 and the unit
    member_note = pages[0].extract_text().replace("\n", "")
    for want in ("温馨提示", "王芳同志", "2026年12月31日结束", "扣减5分", "经社区审核后，即不再列入预警名单",
                 "丽景社区党组织（盖章）"):  # signed as the 预警名单 it goes with
        assert want in member_note, want
    assert "委员会" not in member_note
    unit_note = pages[1].extract_text().replace("\n", "")
    assert "市财政局党支部" in unit_note and "实事" in unit_note and "扣减" not in unit_note
    assert "共建共驻协议" in unit_note  # the agreement as the unit's detail names it
    # only the chosen ones
    only = reminders(ledger, w, member_ids=[], unit_ids=[people[2]])
    assert [x.addressee for x in only] == ["市财政局党支部"]
    path, _ = reminders_pdf(ledger, only, tmp_path / "one.pdf", today=MID)
    assert len(PdfReader(str(path)).pages) == 1


def test_the_new_papers_keep_10_mm_from_every_edge(ledger, people, tmp_path, fonts):
    from desktop.cards.visit_list import visit_list_pdf
    from tests.cards.test_margins import assert_margins

    members.update_member(ledger, people[0], household_name="刘奶奶", household_phone="13912345678",
                          household_address="杨树小区3号楼1单元101室东侧平房" * 2)
    _w, listed, notes, _warns = write_warnings(ledger, "2026Q4", tmp_path / "list.pdf",
                                               letters_out=tmp_path / "notes.pdf", today=MID)
    visit, _warn, _count = visit_list_pdf(ledger, "2026-11", tmp_path / "visits.pdf", fonts=fonts)
    for path in (listed, notes, visit):
        assert assert_margins(path, fonts) > 0
