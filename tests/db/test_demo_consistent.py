"""The demo ledgers tell a possible story: nobody serves, claims a post, takes an order or
attends a joint meeting before reporting to the community, and members joined the party
before they reported as party members."""

from __future__ import annotations

import pytest

from db import demo


@pytest.fixture(scope="module", params=["tiny", "community"])
def led(request, tmp_path_factory):
    ledger = demo.generate(tmp_path_factory.mktemp("demo") / f"{request.param}.db", request.param)
    yield ledger
    ledger.close()


def _before_report(led, sql):
    return [tuple(r) for r in led.conn.execute(sql).fetchall()]


def test_no_member_serves_before_reporting(led):
    early = _before_report(led, (
        "SELECT m.name, m.report_date, a.date, a.title FROM activity_participants p "
        "JOIN activities a ON a.id = p.activity_id JOIN members m ON m.id = p.member_id "
        "WHERE p.deleted = 0 AND a.deleted = 0 AND a.date < m.report_date"))
    assert early == []
    served = led.scalar("SELECT count(DISTINCT member_id) FROM activity_participants "
                        "WHERE member_id IS NOT NULL")
    assert served > 0.5 * led.scalar("SELECT count(*) FROM members")


def test_no_member_claims_or_takes_an_order_before_reporting(led):
    assert _before_report(led, (
        "SELECT m.name, m.report_date, c.claimed_date FROM post_claims c "
        "JOIN members m ON m.id = c.member_id WHERE c.claimed_date < m.report_date")) == []
    assert _before_report(led, (
        "SELECT m.name, m.report_date, o.dispatched_date FROM orders o "
        "JOIN members m ON m.id = o.assignee_member_id "
        "WHERE o.dispatched_date != '' AND o.dispatched_date < m.report_date")) == []


def test_members_joined_the_party_before_reporting(led):
    assert _before_report(led, (
        "SELECT name, join_date, report_date, birth_date FROM members "
        "WHERE join_date > report_date OR join_date < date(birth_date, '+18 years')")) == []


def test_no_unit_takes_part_before_reporting(led):
    early = []
    for sql in (
            "SELECT u.name, u.report_date, a.date FROM activity_participants p "
            "JOIN activities a ON a.id = p.activity_id JOIN units u ON u.id = p.unit_id "
            "WHERE a.date < u.report_date",
            "SELECT u.name, u.report_date, a.date FROM activities a JOIN units u "
            "ON u.id = a.unit_id WHERE a.date < u.report_date",
            "SELECT u.name, u.report_date, m.date FROM meeting_attendees t JOIN meetings m "
            "ON m.id = t.meeting_id JOIN units u ON u.id = t.unit_id WHERE m.date < u.report_date",
            "SELECT u.name, u.report_date, o.dispatched_date FROM orders o JOIN units u "
            "ON u.id = o.assignee_unit_id WHERE o.dispatched_date != '' "
            "AND o.dispatched_date < u.report_date",
            "SELECT name, report_date, agreement_signed_date FROM units "
            "WHERE agreement_signed_date < report_date"):
        early += _before_report(led, sql)
    assert early == []


def test_some_members_still_report_late_in_the_year(led):
    """Reports keep coming in (the 反馈卡 of a half-year must leave the late ones out)."""
    if led.meta("demo_profile") == "community":
        late = led.scalar("SELECT count(*) FROM members WHERE report_date > '2026-06-30'")
        assert late > 10


def test_demo_activities_carry_times_that_match_their_hours_and_a_leader_and_recorder(led):
    rows = led.query("SELECT a.start_time, a.end_time, a.leader, a.recorder, "
                     "max(p.hours) AS hours FROM activities a JOIN activity_participants p "
                     "ON p.activity_id = a.id GROUP BY a.id")
    assert rows
    for row in rows:
        start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (row["start_time"], row["end_time"]))
        assert end - start == int(row["hours"] * 60)
        assert row["leader"] and row["recorder"] and row["leader"] != row["recorder"]
