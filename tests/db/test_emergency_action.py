"""平急两用 as one action (issue 16 item 9): 启动应急响应 on a grid subtree makes, in one
transaction, an 应急响应 activity in state 应急中, its numbered 临时党支部 roster (members living
there, grid leaders who are members, members of its posts) and an audit entry; the 到岗 ticks
come back through the sign-in sheet entry as verified hours and points; a 网格员 does it only
in their own grid; 结束应急响应 ends the state."""

from __future__ import annotations

import pytest

from db import activities, audit, emergency, grid, members, points, posts, signin, users
from db.errors import AccessDeniedError, LedgerError, NotFoundError, RuleError, ValidationError


@pytest.fixture
def town(ledger, ids):
    """杨树小区/3号楼/1单元 (王䶮 302, 赵六 101) and 2单元 (李明); 柳树小区 where 孙楼长 lives, who
    leads 3号楼; 钱岗 (柳树小区) claimed a post placed in 杨树小区."""
    led = ledger
    willow = grid.add_node(led, grid.get_node(led, led.nodes["杨树小区"])["parent_id"], "柳树小区")
    willow_cell = grid.add_node(led, grid.add_node(led, willow, "1号楼"), "1单元")
    add = members.add_member
    wang = add(led, name="王䶮", id_number=ids(), mobile="13912345678", room="302",
               residence_node_id=led.nodes["1单元"], work_unit_name="市医院")
    zhao = add(led, name="赵六", id_number=ids(), room="101", residence_node_id=led.nodes["1单元"])
    li = add(led, name="李明", id_number=ids(), residence_node_id=led.nodes["2单元"])
    sun = add(led, name="孙楼长", id_number=ids(), residence_node_id=willow_cell)
    qian = add(led, name="钱岗", id_number=ids(), residence_node_id=willow_cell)
    add(led, name="外人", id_number=ids(), residence_node_id=willow_cell)
    grid.update_node(led, led.nodes["3号楼"], leader_member_id=sun)
    post = posts.add_post(led, name="防汛值守岗", category="疫情防控", node_id=led.nodes["杨树小区"])
    posts.claim_post(led, post, qian, date="2026-01-05")
    return {"ledger": led, "wang": wang, "zhao": zhao, "li": li, "sun": sun, "qian": qian,
            "willow": willow}


def _start(led, node, **kw):
    values = {"date": "2026-07-20", "start_time": "20:30", "title": "暴雨防汛值守",
              "leader": "周强", "today": "2026-07-20"} | kw
    return emergency.activate(led, node, **values)


def test_start_makes_activity_roster_and_state_in_one_go(town):
    led = town["ledger"]
    r = _start(led, led.nodes["杨树小区"], place="杨树小区物业")
    assert r.state == "应急中" and r.path == "杨树小区" and r.since == "2026-07-20 20:30"
    a = activities.get_activity(led, r.activity_id)
    assert (a["kind"], a["title"], a["node_id"], a["leader"], a["emergency"], a["verified"]) == (
        "应急响应", "暴雨防汛值守", led.nodes["杨树小区"], "周强", "应急中", 0)
    sheet = signin.get_sheet(led, r.sheet_id)
    assert sheet["source"] == "临时党支部" and sheet["node_id"] == led.nodes["杨树小区"]
    assert r.number == "丽景社区签到-2026-0001" == sheet["number"]
    # the call sheet's order (1单元 by room, then 2单元), then the 楼院长 living elsewhere, then
    # the post's member; 外人 (柳树小区, no role here) is not on it
    rows = signin.sheet_rows(led, r.sheet_id)
    assert [(x.number, x.name) for x in rows] == [
        (1, "赵六"), (2, "王䶮"), (3, "李明"), (4, "孙楼长"), (5, "钱岗")]
    assert r.people == 5 and emergency.roster_size(led, led.nodes["杨树小区"]) == (3, 2)
    assert emergency.roles(led, led.nodes["杨树小区"], [town["sun"], town["qian"]]) == {
        town["sun"]: "楼院长（3号楼）", town["qian"]: "岗位：防汛值守岗"}
    # every node under 杨树小区 is in 应急; 柳树小区 is not
    assert emergency.covering(led, led.nodes["2单元"]).activity_id == r.activity_id
    assert emergency.covering(led, town["willow"]) is None
    entry = audit.entries(led, 1)[0]
    assert entry["action"] == "启动应急响应"
    assert entry["target"] == ("杨树小区：暴雨防汛值守（2026-07-20 20:30），临时党支部名单5人，"
                               "签到表丽景社区签到-2026-0001")


def test_overlap_and_bad_input_create_nothing(town):
    led = town["ledger"]
    counts = (led.scalar("SELECT count(*) FROM activities"),
              led.scalar("SELECT count(*) FROM signin_sheets"))
    with pytest.raises(ValidationError, match="负责人"):
        _start(led, led.nodes["杨树小区"], leader=" ")
    with pytest.raises(ValidationError, match="开始时间"):
        _start(led, led.nodes["杨树小区"], start_time="25:00")
    empty = grid.add_node(led, led.nodes["3号楼"], "3单元")
    with pytest.raises(ValidationError, match="没有在册党员"):
        _start(led, empty)
    assert (led.scalar("SELECT count(*) FROM activities"),
            led.scalar("SELECT count(*) FROM signin_sheets")) == counts
    _start(led, led.nodes["3号楼"])
    for node in ("杨树小区", "3号楼", "1单元"):  # above, same, inside
        with pytest.raises(RuleError, match="已在应急响应中"):
            _start(led, led.nodes[node])
    assert led.scalar("SELECT count(*) FROM activities") == counts[0] + 1
    _start(led, town["willow"])  # beside it: fine


def test_a_failure_midway_rolls_everything_back(town, monkeypatch):
    led = town["ledger"]

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(emergency.audit, "record", broken)
    with pytest.raises(RuntimeError):
        _start(led, led.nodes["杨树小区"])
    assert led.scalar("SELECT count(*) FROM activities WHERE deleted = 0") == 0
    assert led.scalar("SELECT count(*) FROM signin_sheets") == 0
    assert emergency.responses(led) == []


def test_ticks_become_verified_hours_and_points(town):
    led = town["ledger"]
    r = _start(led, led.nodes["杨树小区"])
    rows = signin.sheet_rows(led, r.sheet_id)
    came = {town["wang"]: ("20:30", "23:30", ""), town["sun"]: ("", "", "2")}
    entries = [signin.Entry(x.member_id, x.member_id in came, *came.get(x.member_id, ("", "", "")))
               for x in rows]
    with pytest.raises(ValidationError, match="审核人"):
        emergency.take_in(led, r.sheet_id, entries, " ")
    assert led.scalar("SELECT count(*) FROM activity_participants WHERE deleted = 0") == 0
    counts = emergency.take_in(led, r.sheet_id, entries, "刘书记", today="2026-07-21")
    assert counts == {"added": 2, "updated": 0, "removed": 0}
    a = activities.get_activity(led, r.activity_id)
    assert (a["verified"], a["verifier"], a["verified_date"]) == (1, "刘书记", "2026-07-21")
    hours = {p["member_name"]: (p["hours"], p["sheet_id"])
             for p in activities.participants(led, r.activity_id)}
    assert hours == {"王䶮": (3.0, r.sheet_id), "孙楼长": (2.0, r.sheet_id)}
    # base 80, and 应急响应 3 points per activity + 1 per hour
    assert points.accumulated(led, member_id=town["wang"]) == 86
    assert points.accumulated(led, member_id=town["sun"]) == 85
    assert points.accumulated(led, member_id=town["li"]) == 80
    services = activities.member_services(led, town["wang"], verified_only=True)
    assert [(s["kind"], s["sheet_number"]) for s in services] == [("应急响应", r.number)]
    # a second pass unticks 孙楼长: his hours and points go
    entries = [signin.Entry(e.member_id, e.member_id == town["wang"], e.sign_in, e.sign_out,
                            e.hours) for e in entries]
    assert emergency.take_in(led, r.sheet_id, entries, "刘书记")["removed"] == 1
    assert points.accumulated(led, member_id=town["sun"]) == 80


def test_end_clears_the_state(town):
    led = town["ledger"]
    r = _start(led, led.nodes["杨树小区"])
    with pytest.raises(ValidationError, match="不早于开始"):
        emergency.deactivate(led, led.nodes["1单元"], when="2026-07-20 19:00")
    ended = emergency.deactivate(led, led.nodes["1单元"], when="2026-07-21 06:00")
    assert ended.activity_id == r.activity_id and ended.state == "已结束"
    assert ended.ended == "2026-07-21 06:00"
    assert emergency.responses(led) == [] and emergency.covering(led, led.nodes["1单元"]) is None
    assert [x.state for x in emergency.responses(led, None)] == ["已结束"]
    assert activities.get_activity(led, r.activity_id)["end_time"] == ""  # ended next day
    assert audit.entries(led, 1)[0]["action"] == "结束应急响应"
    with pytest.raises(NotFoundError, match="不在应急响应中"):
        emergency.deactivate(led, led.nodes["杨树小区"])
    with pytest.raises(RuleError, match="已于2026-07-21 06:00结束"):
        emergency.deactivate(led, activity_id=r.activity_id)
    again = _start(led, led.nodes["3号楼"], date="2026-07-22", start_time="08:00")
    emergency.deactivate(led, activity_id=again.activity_id, when="2026-07-22 12:00")
    assert activities.get_activity(led, again.activity_id)["end_time"] == "12:00"  # same day


def test_grid_worker_only_in_their_grid(town):
    led = town["ledger"]
    users.add_user(led, "王书记", "shuji-2026")
    users.add_user(led, "李网格", "wangge-2026", role="网格员", node_id=led.nodes["2单元"])
    users.login(led, "李网格", "wangge-2026")
    for node in ("杨树小区", "1单元"):
        with pytest.raises(AccessDeniedError, match="只能在您负责的网格内启动应急响应"):
            _start(led, led.nodes[node])
    assert led.scalar("SELECT count(*) FROM main.activities") == 0
    r = _start(led, led.nodes["2单元"])
    rows = signin.sheet_rows(led, r.sheet_id)
    assert [x.name for x in rows] == ["李明"]
    emergency.take_in(led, r.sheet_id, [signin.Entry(rows[0].member_id, True, hours="1.5")],
                      "李网格")
    assert points.accumulated(led, member_id=town["li"]) == 84.5
    users.login(led, "王书记", "shuji-2026")
    whole = _start(led, town["willow"])
    users.login(led, "李网格", "wangge-2026")
    with pytest.raises(LedgerError):  # not theirs to end (and not even in their view)
        emergency.deactivate(led, activity_id=whole.activity_id)
    assert emergency.deactivate(led, led.nodes["2单元"]).state == "已结束"


def test_call_sheet_carries_roster_numbers_tick_columns_and_sheet_number(town, tmp_path,
                                                                         fonts):
    from desktop.cards.reports import write_callsheet
    from tests.cards.conftest import flat, pdf_text
    from tests.cards.test_margins import assert_margins

    led = town["ledger"]
    plain, _x, _w = write_callsheet(led, led.nodes["杨树小区"], tmp_path / "平时")
    assert "到岗" not in flat("".join(pdf_text(plain)))  # no 应急: the sheet as before
    r = _start(led, led.nodes["杨树小区"])
    for i in range(40):  # enough for a second page
        members.add_member(led, name=f"新党员{i:02d}", residence_node_id=led.nodes["2单元"],
                           id_number=__import__("tests.conftest", fromlist=["make_id"]).make_id(
                               "19900101", seq=i))
    pdf, _xlsx, warnings = write_callsheet(led, led.nodes["杨树小区"], tmp_path / "应急")
    assert not warnings
    pages = [flat(t) for t in pdf_text(pdf)]
    assert len(pages) >= 2 and all(r.number in p for p in pages)
    text = "".join(pages)
    for word in ("已联系", "到岗", "暴雨防汛值守", "2026-07-2020:30起", "负责人：周强",
                 "临时党支部名单5人", "不在本网格居住的网格负责人和岗位党员", "楼院长（3号楼）",
                 "岗位：防汛值守岗", "补新党员00"):
        assert word in text, word
    # the roster's 序号: 赵六 1, 王䶮 2 (1单元), 李明 3; then 孙楼长 4 and 钱岗 5 at the end
    assert "1赵六101" in text and "2王䶮302" in text and "3李明" in text
    assert "4孙楼长" in text and "5钱岗" in text
    assert_margins(pdf, fonts)


def test_take_in_stopped_midway_writes_nothing(town):
    """The entry screen's 取消 raises from inside the rows it feeds: one transaction, gone."""
    led = town["ledger"]
    r = _start(led, led.nodes["杨树小区"])

    def rows():
        for x in signin.sheet_rows(led, r.sheet_id)[:2]:
            yield signin.Entry(x.member_id, True, hours="2")
        raise KeyboardInterrupt  # stands in for the worker's JobCancelled

    with pytest.raises(KeyboardInterrupt):
        emergency.take_in(led, r.sheet_id, rows(), "刘书记")
    assert led.scalar("SELECT count(*) FROM activity_participants") == 0
    assert activities.get_activity(led, r.activity_id)["verified"] == 0
