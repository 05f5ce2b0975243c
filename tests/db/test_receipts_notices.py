"""回执 (报到登记表 and 反馈卡) are numbered once, and ticked off when they come back; a 公示 runs
3 working days, takes objections against its rows, and once over makes its quarter final."""

from __future__ import annotations

import datetime as dt

import pytest

from db import activities, audit, members, notices, orders, points, receipts, units
from db.errors import RuleError, ValidationError


@pytest.fixture
def people(ledger, ids):
    led = ledger
    unit = units.add_unit(led, name="衡水市第二人民医院党委", paired_node_id=led.nodes["杨树小区"],
                          report_date="2026-03-01")
    wang = members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"],
                              work_unit_id=unit)
    li = members.add_member(led, name="李强", id_number=ids(), residence_node_id=led.nodes["2单元"])
    return {"unit": unit, "wang": wang, "li": li}


def test_report_receipt_numbered_once_and_returned(ledger, people):
    led = ledger
    first = receipts.report_receipt(led, member_id=people["wang"], today="2026-04-02")
    assert receipts.report_receipt(led, member_id=people["wang"], opinion="同意接收") == first
    unit_receipt = receipts.report_receipt(led, unit_id=people["unit"], today="2026-04-02")
    row = receipts.get(led, first)
    assert row["number"] == "丽景社区回执-2026-0001" and row["opinion"] == "同意接收"
    assert receipts.get(led, unit_receipt)["number"] == "丽景社区回执-2026-0002"
    assert receipts.printed(led, first) is False and receipts.printed(led, first) is True
    out = receipts.listing(led, outstanding=True)
    assert {r["subject"] for r in out} == {"王芳", "衡水市第二人民医院党委"}
    assert next(r for r in out if r["subject"] == "王芳")["addressee"] == "衡水市第二人民医院党委"
    with pytest.raises(ValidationError, match="收回日期：早于打印日期"):
        receipts.mark_returned(led, first, "2026-01-01")
    receipts.mark_returned(led, first, "2026-04-10", returned_by="王芳")
    with pytest.raises(RuleError, match="已于2026-04-10登记收回"):
        receipts.mark_returned(led, first, "2026-04-11")
    assert [r["subject"] for r in receipts.listing(led, outstanding=True)] == ["衡水市第二人民医院党委"]
    actions = [r[0] for r in led.conn.execute("SELECT action FROM audit_log")]
    assert {"打印报到登记表", "补打报到登记表", "登记回执收回"} <= set(actions)
    assert audit.verify(led) == []
    with pytest.raises(ValidationError, match="只填一个"):
        receipts.report_receipt(led)


def test_feedback_receipts_one_per_subject_and_period(ledger, people):
    led = ledger
    assert receipts.track_feedback(led, "2026h1", [people["wang"], people["li"]]) == 2
    assert receipts.track_feedback(led, "2026H1", [people["wang"]], [people["unit"]]) == 1
    rows = receipts.listing(led, kind=receipts.FEEDBACK)
    assert len(rows) == 3 and {r["period"] for r in rows} == {"2026H1"}
    assert next(r for r in rows if r["subject"] == "王芳")["prints"] == 2


def test_working_days_skip_the_weekend():
    assert notices.working_days_end("2026-10-09") == ("2026-10-09", "2026-10-13")  # Fri..Tue
    assert notices.working_days_end("2026-10-10") == ("2026-10-12", "2026-10-14")  # Sat → Mon
    assert notices.working_days_end("2026-10-12", 5) == ("2026-10-12", "2026-10-16")


def _served(led, member, date="2026-05-10", hours=2):
    return activities.record_activity(led, members=[(member, hours)], date=date, kind="志愿服务",
                                      title="清扫楼道", node_id=led.nodes["1单元"], verified=True,
                                      verifier="刘书记")


def test_notice_rows_objections_and_finality(ledger, people):
    led = ledger
    act = _served(led, people["wang"])
    outside = _served(led, people["wang"], date="2026-07-10")  # another quarter
    with pytest.raises(ValidationError, match="应在2026年第二季度结束之后"):
        notices.create(led, led.nodes["杨树小区"], "2026Q2", "2026-06-20")
    notice = notices.create(led, led.nodes["杨树小区"], "2026Q2", "2026-07-03", contact="周强 13800138000")
    n = notices.get(led, notice)
    assert (n["number"], n["start_date"], n["end_date"]) == ("丽景社区公示-2026-0001", "2026-07-03",
                                                             "2026-07-07")
    assert notices.state(n, dt.date(2026, 7, 6)) == "公示中"
    assert notices.state(n, dt.date(2026, 7, 8)) == "已结束"
    with pytest.raises(RuleError, match="已有公示丽景社区公示-2026-0001"):
        notices.create(led, led.nodes["杨树小区"], "2026Q2", "2026-07-06")
    rows = {r["name"]: r for r in notices.notice_rows(led, notice)}
    assert rows["王芳"]["services"] == 1 and rows["王芳"]["hours"] == 2
    assert rows["王芳"]["points"] == points.earned(led, people["wang"], start="2026-04-01",
                                                   end="2026-06-30") > 0
    assert set(rows) == {"王芳", "李强", "衡水市第二人民医院党委"}
    with pytest.raises(ValidationError, match="公示期已于2026-07-07结束"):
        notices.add_objection(led, notice, "时长少记", "王芳", member_id=people["wang"],
                              date="2026-07-08")
    # the window is over (today is long after 2026-07-07): the quarter is final
    with pytest.raises(ValidationError, match="丽景社区公示-2026-0001"):
        activities.update_activity(led, act, members=[(people["wang"], 3)])
    with pytest.raises(ValidationError, match="公示期满已定稿"):
        points.adjust(led, "补记", 5, member_id=people["wang"], date="2026-05-20")
    with pytest.raises(ValidationError, match="丽景社区公示-2026-0001"):
        activities.delete_activity(led, act)
    assert activities.participants(led, act)[0]["hours"] == 2  # nothing half-written
    activities.update_activity(led, act, place="3号楼下")  # not published: allowed
    activities.update_activity(led, outside, members=[(people["wang"], 4)])  # Q3: not covered
    points.adjust(led, "补记", 5, member_id=people["li"], date="2026-08-01")
    # an objection raised within the window opens the row until it is resolved
    objection = notices.add_objection(led, notice, "5月10日服务实为3小时", "王芳",
                                      member_id=people["wang"], date="2026-07-06")
    activities.update_activity(led, act, members=[(people["wang"], 3)])
    assert {r["name"]: r["open_objections"] for r in notices.notice_rows(led, notice)}["王芳"] == 1
    notices.resolve(led, objection, "经核实更正为3小时", "2026-07-09")
    with pytest.raises(ValidationError, match="公示期满已定稿"):
        activities.update_activity(led, act, members=[(people["wang"], 2)])
    with pytest.raises(ValidationError, match="不在公示"):
        other = units.add_unit(led, name="税务局党委", report_date="2026-03-01")
        notices.add_objection(led, notice, "x", "y", unit_id=other, date="2026-07-06")
    # withdrawn (书记), it freezes nothing
    notices.withdraw(led, notice, "范围选错")
    points.adjust(led, "补记", 5, member_id=people["wang"], date="2026-05-20")
    assert {"发布公示", "登记公示异议", "处理公示异议", "撤销公示"} <= {
        r[0] for r in led.conn.execute("SELECT action FROM audit_log")}


def test_finality_covers_orders_and_units(ledger, people):
    led = ledger
    order = orders.add_order(led, title="修水管", node_id=led.nodes["1单元"], requested_date="2026-04-03")
    notices.create(led, led.nodes["杨树小区"], "2026Q2", "2026-07-01")
    with pytest.raises(ValidationError, match="公示期满已定稿"):
        activities.record_activity(led, units=[(people["unit"], 2)], date="2026-06-01",
                                   kind="共建项目", title="义诊", node_id=led.nodes["杨树小区"],
                                   verified=True, verifier="刘书记")
    assert led.scalar("SELECT count(*) FROM activities WHERE title = '义诊'") == 0
    assert order  # an order outside the notice's points stays editable
