import pytest

from db import evaluations, meetings, members, points, settings, units
from db.errors import RuleError, ValidationError


def test_meeting_with_units(ledger):
    a = units.add_unit(ledger, name="桃城区财政局党组")
    b = units.add_unit(ledger, name="衡水市第二人民医院党委")
    meeting_id = meetings.add_meeting(ledger, unit_ids=[a, b, a], date="2026-04-15",
                                      title="第二季度联席会议")
    assert [x["unit_name"] for x in meetings.attendees(ledger, meeting_id)] == [
        "衡水市第二人民医院党委", "桃城区财政局党组"]
    meetings.update_meeting(ledger, meeting_id, unit_ids=[b])
    assert meetings.list_meetings(ledger)[0]["unit_count"] == 1


def test_evaluation_per_half_year_with_scheme(ledger, ids):
    member_id = members.add_member(ledger, name="李娜", id_number=ids())
    evaluations.set_evaluation(ledger, "2026H1", "好", member_id=member_id, comment="积极")
    evaluations.set_evaluation(ledger, "2026h1", "一般", member_id=member_id)
    rows = evaluations.list_evaluations(ledger, "2026H1")
    assert [(r["member_name"], r["grade"]) for r in rows] == [("李娜", "一般")]
    with pytest.raises(ValidationError, match="评价等次"):
        evaluations.set_evaluation(ledger, "2026H1", "优秀", member_id=member_id)
    settings.set_setting(ledger, "grade_scheme", "四级")
    evaluations.set_evaluation(ledger, "2026H2", "优秀", member_id=member_id)
    with pytest.raises(ValidationError, match="半年"):
        evaluations.set_evaluation(ledger, "2026Q1", "优秀", member_id=member_id)


def test_manual_points_need_reason_and_never_go_negative(ledger, ids):
    member_id = members.add_member(ledger, name="李娜", id_number=ids())
    with pytest.raises(ValidationError, match="调整原因"):
        points.adjust(ledger, "", 5, member_id=member_id)
    points.adjust(ledger, "抗洪表现突出", 5, member_id=member_id)
    assert points.balance(ledger, member_id) == 85
    with pytest.raises(RuleError, match="负数"):
        points.adjust(ledger, "兑换", -90, member_id=member_id)
