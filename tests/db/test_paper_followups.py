"""Paper-trail follow-ups: 按签到表录入 into a quarter a closed 公示 made final is refused with
the 公示's message and writes nothing; the 反馈卡 回执 are numbered before the card is drawn."""

from __future__ import annotations

import pytest

from db import activities, members, notices, receipts, signin
from db.errors import ValidationError


def _closed_quarter(led, ids, verified: bool):
    wang = members.add_member(led, name="王芳", id_number=ids(), residence_node_id=led.nodes["1单元"],
                              report_date="2026-01-05")
    act = activities.record_activity(led, date="2026-05-10", kind="志愿服务", title="清扫楼道",
                                     node_id=led.nodes["1单元"], start_time="09:00",
                                     end_time="11:00", verified=verified,
                                     verifier="刘书记" if verified else "")
    sheet = signin.create_sheet(led, act, "名单", member_ids=[wang], today="2026-05-09")
    notices.create(led, led.nodes["杨树小区"], "2026Q2", "2026-07-03")  # over long ago
    return wang, act, sheet


@pytest.mark.parametrize("verified", [False, True])
def test_entering_a_sheet_into_a_final_quarter_is_refused_and_writes_nothing(ledger, ids,
                                                                              verified):
    wang, act, sheet = _closed_quarter(ledger, ids, verified)
    with pytest.raises(ValidationError, match="公示期满已定稿，不能再修改服务记录"):
        signin.enter_sheet(ledger, sheet, [signin.Entry(wang, True)])
    assert activities.participants(ledger, act) == []
    assert signin.get_sheet(ledger, sheet)["entered_date"] == ""
    assert ledger.scalar("SELECT count(*) FROM points_entries WHERE deleted = 0") == 0


def test_an_open_objection_lets_the_sheet_in(ledger, ids):
    wang, act, sheet = _closed_quarter(ledger, ids, True)
    notice = ledger.scalar("SELECT id FROM notices")
    ledger.execute("INSERT INTO notice_objections (notice_id, member_id, content, raised_by, "
                   "raised_date, uuid, created_at, updated_at, office) VALUES (?, ?, '漏记清扫', "
                   "'王芳', '2026-07-04', 'x-1', 'now', 'now', ?)", (notice, wang, ledger.office))
    assert signin.enter_sheet(ledger, sheet, [signin.Entry(wang, True)])["added"] == 1
    assert [p["hours"] for p in activities.participants(ledger, act)] == [2.0]


def test_feedback_receipts_are_numbered_once_in_one_batch(ledger, ids):
    people = [members.add_member(ledger, name=f"党员{i}", id_number=ids(),
                                 residence_node_id=ledger.nodes["1单元"]) for i in range(3)]
    first = receipts.feedback_receipts(ledger, "2026H1", people[:2], today="2026-07-01")
    assert [r["number"] for r in first.values()] == ["丽景社区回执-2026-0001", "丽景社区回执-2026-0002"]
    assert all(r["prints"] == 0 for r in first.values())
    again = receipts.feedback_receipts(ledger, "2026年上半年", people, today="2026-07-02")
    assert [r["number"] for r in again.values()][:2] == [r["number"] for r in first.values()]
    assert receipts.track_feedback(ledger, "2026H1", people) == 3  # all printed the first time
    assert receipts.discard_unprinted(ledger, receipts.listing(ledger)) == 0  # printed: kept
