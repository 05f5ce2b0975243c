import sqlite3

import pytest

from db import check, demo, grid, orders
from db.records import SYNCED_TABLES
from db.validate import parse_id_number


def dump(path):
    conn = sqlite3.connect(path)
    out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SYNCED_TABLES}
    out["meta"] = conn.execute("SELECT * FROM meta ORDER BY key").fetchall()
    conn.close()
    return out


def test_same_seed_same_ledger(tmp_path):
    demo.generate(tmp_path / "a.db", "tiny", seed=5).close()
    demo.generate(tmp_path / "b.db", "tiny", seed=5).close()
    demo.generate(tmp_path / "c.db", "tiny", seed=6).close()
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
    assert dump(tmp_path / "a.db")["members"] != dump(tmp_path / "c.db")["members"]


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    led = demo.generate(tmp_path_factory.mktemp("demo") / "community.db", "community")
    yield led
    led.close()


def test_community_profile_is_realistic(community):
    counts = check.counts(community)
    assert counts["在职党员"] == 1500
    assert check.problems(community) == []
    levels = dict(community.conn.execute(
        "SELECT level, count(*) FROM grid_nodes GROUP BY level").fetchall())
    assert levels == {1: 1, 2: 1, 3: 8, 4: 32, 5: 160}
    states = {r[0] for r in community.conn.execute("SELECT DISTINCT state FROM orders")}
    assert states == set(orders.STATES)
    quarters = {r[0] for r in community.conn.execute(
        "SELECT DISTINCT substr(date, 1, 4) || ((cast(substr(date, 6, 2) AS int) + 2) / 3) "
        "FROM activities")}
    assert len(quarters) >= 6
    assert community.meta("community") == "丽景社区"


def test_demo_members_are_valid(community):
    rows = community.query("SELECT * FROM members")
    for row in rows:
        info = parse_id_number(row["id_number"])
        assert (info.gender, info.birth_date) == (row["gender"], row["birth_date"])
        node = grid.get_node(community, row["residence_node_id"])
        assert node["level"] >= 4
    assert any("䶮" in r["name"] for r in rows)
    live = [r["id_number"] for r in rows if r["status"] == "在册"]
    assert len(live) == len(set(live))


def test_demo_points_match_the_rules(community):
    """Bulk-written points equal what the live rules give for the same records."""
    from db import points

    member_id = community.scalar(
        "SELECT member_id FROM points_entries WHERE member_id IS NOT NULL "
        "GROUP BY member_id ORDER BY count(*) DESC LIMIT 1")
    before = points.earned(community, member_id)
    activity_ids = [r[0] for r in community.conn.execute(
        "SELECT DISTINCT p.activity_id FROM activity_participants p JOIN activities a "
        "ON a.id = p.activity_id WHERE p.member_id = ? AND a.verified = 1", (member_id,))]
    order_ids = [r[0] for r in community.conn.execute(
        "SELECT id FROM orders WHERE assignee_member_id = ?", (member_id,))]
    with community.transaction():
        for activity_id in activity_ids:
            points.award_activity(community, activity_id)
        for order_id in order_ids:
            points.award_order(community, order_id)
    assert points.earned(community, member_id) == before
