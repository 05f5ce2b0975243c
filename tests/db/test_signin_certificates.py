"""签到表 and 志愿服务记录证明 (issue 16 items 1-3): times and people on activities, numbered
sheets taken back in so each hour names its sheet, certificates from verified hours only,
a register that keeps voided and reprinted certificates, all audited and exchanged."""

from __future__ import annotations

import pytest

from db import activities, audit, certificates, members, posts, signin
from db.errors import RuleError, ValidationError


@pytest.fixture
def people(ledger, ids):
    led = ledger
    unit1 = led.nodes["1单元"]
    wang = members.add_member(led, name="王芳", id_number=ids(), work_unit_name="市医院",
                              residence_node_id=unit1)
    li = members.add_member(led, name="李强", id_number=ids(), work_unit_name="税务局",
                            residence_node_id=unit1)
    zhao = members.add_member(led, name="赵敏", id_number=ids(), residence_node_id=led.nodes["2单元"])
    act = activities.record_activity(led, date="2026-05-10", kind="集中服务日", title="义诊",
                                     node_id=led.nodes["杨树小区"], place="杨树小区广场",
                                     start_time="9:00", end_time="11：30", leader="周强",
                                     recorder="李四")
    return {"wang": wang, "li": li, "zhao": zhao, "act": act}


def test_activity_keeps_times_place_leader_and_recorder(ledger, people):
    a = activities.get_activity(ledger, people["act"])
    assert (a["start_time"], a["end_time"], a["place"], a["leader"], a["recorder"]) == \
        ("09:00", "11:30", "杨树小区广场", "周强", "李四")
    with pytest.raises(ValidationError, match="结束时间.*晚于开始时间"):
        activities.update_activity(ledger, people["act"], end_time="8:00")
    with pytest.raises(ValidationError, match="开始时间.*不是有效时间"):
        activities.update_activity(ledger, people["act"], start_time="25点")


def test_sheet_numbers_carry_the_community_and_count_up(ledger, people):
    first = signin.create_sheet(ledger, people["act"], "网格", node_id=ledger.nodes["1单元"])
    second = signin.create_sheet(ledger, people["act"], "名单",
                                 member_ids=[people["zhao"], people["wang"]])
    assert signin.get_sheet(ledger, first)["number"] == "丽景社区签到-2026-0001"
    assert signin.get_sheet(ledger, second)["number"] == "丽景社区签到-2026-0002"
    # the grid cell's members by name (pinyin), a picked list as given
    assert [r.name for r in signin.sheet_rows(ledger, first)] == ["李强", "王芳"]
    assert [r.name for r in signin.sheet_rows(ledger, second)] == ["赵敏", "王芳"]
    # found by its whole number or by its last part within the activity
    assert signin.find_sheet(ledger, "2", people["act"])["id"] == second
    assert signin.find_sheet(ledger, "丽景社区签到-2026-0001")["id"] == first
    with pytest.raises(Exception, match="找不到“9”"):
        signin.find_sheet(ledger, "9", people["act"])


def test_sheet_from_a_post_lists_its_claimants(ledger, people):
    post = posts.add_post(ledger, name="义诊岗", category="生活服务")
    posts.claim_post(ledger, post, people["zhao"], date="2026-01-01")
    sheet = signin.create_sheet(ledger, people["act"], "岗位", post_id=post)
    assert [r.name for r in signin.sheet_rows(ledger, sheet)] == ["赵敏"]
    with pytest.raises(ValidationError, match="服务岗位"):
        signin.create_sheet(ledger, people["act"], "岗位")


def test_entering_a_sheet_names_it_on_every_hour(ledger, people):
    act = people["act"]
    sheet = signin.create_sheet(ledger, act, "网格", node_id=ledger.nodes["1单元"])
    number = signin.get_sheet(ledger, sheet)["number"]
    counts = signin.enter_sheet(ledger, sheet, [
        signin.Entry(people["li"], True),  # hours from the activity's 09:00-11:30
        signin.Entry(people["wang"], True, "9:10", "10:40"),
        signin.Entry(people["zhao"], True, hours="1"),  # a walk-in on a blank row
    ])
    assert counts == {"added": 3, "updated": 0, "removed": 0}
    hours = {p["member_name"]: p["hours"] for p in activities.participants(ledger, act)}
    assert hours == {"李强": 2.5, "王芳": 1.5, "赵敏": 1.0}
    rows = signin.sheet_rows(ledger, sheet)
    assert [(r.name, r.walk_in, r.present) for r in rows] == \
        [("李强", False, True), ("王芳", False, True), ("赵敏", True, True)]
    activities.verify(ledger, act, "刘书记")
    service = activities.member_services(ledger, people["wang"], verified_only=True)[0]
    assert service["sheet_number"] == number
    assert (service["sign_in"], service["sign_out"]) == ("09:10", "10:40")
    # unticking a row entered from this sheet takes the hours (and points) out again
    counts = signin.enter_sheet(ledger, sheet, [signin.Entry(people["li"], False),
                                                signin.Entry(people["wang"], True, "9:10", "10:40"),
                                                signin.Entry(people["zhao"], True, hours="1")])
    assert counts == {"added": 0, "updated": 0, "removed": 1}
    assert activities.member_services(ledger, people["li"]) == []
    assert ledger.scalar("SELECT count(*) FROM points_entries WHERE member_id = ? AND deleted = 0",
                         (people["li"],)) == 0


def test_bad_sheet_rows_name_the_row_and_field(ledger, people):
    act = activities.record_activity(ledger, date="2026-05-11", kind="志愿服务", title="清扫")
    sheet = signin.create_sheet(ledger, act, "名单", member_ids=[people["wang"], people["li"]])
    with pytest.raises(ValidationError, match="第2行时长"):
        signin.enter_sheet(ledger, sheet, [signin.Entry(people["wang"], True, hours="2"),
                                           signin.Entry(people["li"], True)])
    with pytest.raises(ValidationError, match="第1行签退时间.*应晚于签到时间"):
        signin.enter_sheet(ledger, sheet, [signin.Entry(people["wang"], True, "10:00", "9:00")])
    assert activities.participants(ledger, act) == []  # nothing half-written


def _served(ledger, people):
    for date, verified, hours in (("2026-03-01", True, 2), ("2026-04-01", True, 3.5),
                                  ("2026-04-20", False, 4), ("2025-12-01", True, 8)):
        activities.record_activity(ledger, members=[(people["wang"], hours)], date=date,
                                   kind="志愿服务", title=f"服务{date}", verified=verified,
                                   verifier="刘书记" if verified else "")


def test_certificate_counts_verified_hours_only_and_is_numbered(ledger, people):
    _served(ledger, people)
    cid = certificates.issue(ledger, people["wang"], "2026-01-01", "2026-06-30", "刘书记", "王干事",
                             phone="0318-2345678", issued_date="2026-07-01")
    cert = certificates.get(ledger, cid)
    assert cert["number"] == "丽景社区-2026-0001"
    assert (cert["times"], cert["hours"]) == (2, 5.5)
    assert "*" in cert["id_masked"] and len(cert["id_masked"]) == 18
    assert cert["issuer"] == "丽景社区党组织"
    second = certificates.issue(ledger, people["wang"], "2025-01-01", "2025-12-31", "刘书记",
                                "王干事", issued_date="2026-07-02")
    assert certificates.get(ledger, second)["number"] == "丽景社区-2026-0002"
    with pytest.raises(RuleError, match="没有经社区审核的服务记录"):
        certificates.issue(ledger, people["li"], "2026-01-01", "2026-06-30", "刘书记", "王干事")
    with pytest.raises(ValidationError, match="经办人"):
        certificates.issue(ledger, people["wang"], "2026-01-01", "2026-06-30", "刘书记", "")


def test_reprint_void_and_register_are_audited(ledger, people):
    _served(ledger, people)
    cid = certificates.issue(ledger, people["wang"], "2026-01-01", "2026-06-30", "刘书记", "王干事")
    assert certificates.printed(ledger, cid) is False
    assert certificates.printed(ledger, cid) is True  # 补打, same number
    certificates.void(ledger, cid, "时长填错")
    with pytest.raises(RuleError, match="已作废"):
        certificates.printed(ledger, cid)
    with pytest.raises(ValidationError, match="作废原因"):
        certificates.void(ledger, cid, "")
    again = certificates.issue(ledger, people["wang"], "2026-01-01", "2026-06-30", "刘书记", "王干事")
    book = certificates.register(ledger)
    assert [(c["number"], c["status"]) for c in book] == \
        [("丽景社区-2026-0001", "作废"), ("丽景社区-2026-0002", "有效")]
    assert book[0]["void_reason"] == "时长填错" and book[0]["prints"] == 2
    assert again == book[1]["id"]
    actions = [e["action"] for e in audit.entries(ledger)]
    assert {"打印志愿服务证明", "补打志愿服务证明", "作废志愿服务证明"} <= set(actions)
