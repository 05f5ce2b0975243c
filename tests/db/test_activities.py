import pytest

from db import activities, members, points
from db.errors import NotFoundError, ValidationError


@pytest.fixture
def crew(ledger, ids):
    return [members.add_member(ledger, name=name, id_number=ids(),
                               residence_node_id=ledger.nodes["1单元"])
            for name in ("赵玉茹", "王䶮", "张三")]


def test_one_activity_many_members(ledger, crew):
    activity_id = activities.record_activity(
        ledger, members=[(m, 3) for m in crew], date="2026-05-10", kind="集中服务日",
        title="义诊进社区", node_id=ledger.nodes["杨树小区"], verified=True, verifier="王书记")
    assert len(activities.participants(ledger, activity_id)) == 3
    for member_id in crew:
        services = activities.member_services(ledger, member_id, "2026-05-01", "2026-05-31")
        assert [(s["title"], s["hours"], s["points"]) for s in services] == [("义诊进社区", 3, 5)]
    assert points.balance(ledger, crew[0]) == 85  # base 80 + 2 (集中服务日) + 3 × 1 per hour
    listed = activities.list_activities(ledger, "2026-05-01", "2026-05-31")[0]
    assert (listed["participant_count"], listed["total_hours"]) == (3, 9)


def test_unverified_earns_nothing_until_verified(ledger, crew):
    activity_id = activities.record_activity(
        ledger, members=[(crew[0], 2)], date="2026-05-10", kind="志愿服务", title="交通劝导")
    assert points.earned(ledger, crew[0]) == 0
    activities.verify(ledger, activity_id, "王书记", "2026-05-11")
    assert points.earned(ledger, crew[0]) == 4
    activities.verify(ledger, activity_id, "王书记", "2026-05-11")  # twice: no double points
    assert points.earned(ledger, crew[0]) == 4


def test_a_bad_participant_writes_nothing(ledger, crew):
    before = ledger.scalar("SELECT count(*) FROM activity_participants")
    with pytest.raises(NotFoundError):
        activities.record_activity(ledger, members=[(crew[0], 2), (99999, 2)],
                                   date="2026-05-10", kind="志愿服务", title="交通劝导")
    with pytest.raises(ValidationError, match="服务时长：不能大于24"):
        activities.record_activity(ledger, members=[(crew[0], 30)],
                                   date="2026-05-10", kind="志愿服务", title="交通劝导")
    assert ledger.scalar("SELECT count(*) FROM activities") == 0
    assert ledger.scalar("SELECT count(*) FROM activity_participants") == before


def test_edit_participants_and_delete_revokes_points(ledger, crew):
    activity_id = activities.record_activity(
        ledger, members=[(m, 2) for m in crew], date="2026-05-10", kind="志愿服务",
        title="交通劝导", verified=True, verifier="王书记")
    activities.update_activity(ledger, activity_id, members=[(crew[0], 4), (crew[1], 2)])
    assert points.earned(ledger, crew[0]) == 6
    assert points.earned(ledger, crew[2]) == 0
    activities.delete_activity(ledger, activity_id)
    assert all(points.earned(ledger, m) == 0 for m in crew)
    assert activities.member_services(ledger, crew[0]) == []


def test_verification_needs_verifier_and_sane_dates(ledger, crew):
    with pytest.raises(ValidationError, match="审核人"):
        activities.record_activity(ledger, members=[(crew[0], 2)], date="2026-05-10",
                                   kind="志愿服务", title="x", verified=True)
    with pytest.raises(ValidationError, match="活动类型"):
        activities.record_activity(ledger, date="2026-05-10", kind="聚餐", title="x")
