"""Every statistic equals an independent count over the demo ledger; the report files carry
the same figures; compliance lists match their definitions."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from db import compliance, demo, stats
from db.periods import parse_period
from desktop.cards.reports import compliance_pdf, stats_pdf
from desktop.cli import main
from desktop.sync.report_xlsx import compliance_workbook, stats_workbook

from .conftest import pdf_pages


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "community.db"
    led = demo.generate(path, "community")
    led.path_for_cli = str(path)  # type: ignore[attr-defined]
    yield led
    led.close()


def _rows(led, sql):
    return [dict(r) for r in led.query(sql)]


def half_up(part, whole):
    return int(part * 1000 / whole + 0.5 + 1e-9) / 1000 if whole else None


def hand_count(led, code, node_id=None):
    """The figures counted in Python over whole tables (no SQL aggregation)."""
    p = parse_period(code)
    nodes = _rows(led, "SELECT id, parent_id, level, branch_name, deleted FROM grid_nodes")
    live_nodes = {n["id"] for n in nodes if not n["deleted"]}
    inside = None
    if node_id is not None:
        inside, grew = {node_id}, True
        while grew:
            more = {n["id"] for n in nodes if n["parent_id"] in inside and n["id"] in live_nodes}
            grew = not more <= inside
            inside |= more

    def ok(node):
        return inside is None or node in inside

    def reported(r):
        return not r["deleted"] and r["status"] == "在册" and (not r["report_date"]
                                                               or r["report_date"] <= p.end)

    members = _rows(led, "SELECT * FROM members")
    units = _rows(led, "SELECT * FROM units")
    acts = {a["id"]: a for a in _rows(led, "SELECT * FROM activities")
            if not a["deleted"] and a["verified"] and p.start <= a["date"] <= p.end
            and ok(a["node_id"])}
    parts = [x for x in _rows(led, "SELECT * FROM activity_participants")
             if not x["deleted"] and x["activity_id"] in acts]
    orders = [o for o in _rows(led, "SELECT * FROM orders") if not o["deleted"] and ok(o["node_id"])]
    member_by_id = {m["id"]: m for m in members}
    claims = [c for c in _rows(led, "SELECT * FROM post_claims") if not c["deleted"]
              and c["claimed_date"] <= p.end and (not c["released_date"] or c["released_date"] > p.end)
              and not member_by_id[c["member_id"]]["deleted"]
              and ok(member_by_id[c["member_id"]]["residence_node_id"])]
    done = ("已完成", "已评价")
    received = [o for o in orders if p.start <= o["requested_date"] <= p.end]
    rated = [o for o in orders if o["rating"] and p.start <= o["rated_date"] <= p.end]
    good = [o for o in rated if o["rating"] in ("满意", "基本满意")]
    return {
        "units": sum(1 for u in units if reported(u) and ok(u["paired_node_id"])),
        "units_new": sum(1 for u in units if reported(u) and ok(u["paired_node_id"])
                         and p.start <= u["report_date"]),
        "members": sum(1 for m in members if reported(m) and ok(m["residence_node_id"])),
        "members_new": sum(1 for m in members if reported(m) and ok(m["residence_node_id"])
                           and p.start <= m["report_date"]),
        "posts": sum(1 for x in _rows(led, "SELECT * FROM posts")
                     if not x["deleted"] and x["status"] == "启用" and ok(x["node_id"])),
        "claims": len(claims),
        "branches": sum(1 for n in nodes if not n["deleted"] and n["level"] == 3
                        and n["branch_name"] and ok(n["id"])),
        "activities": len(acts),
        "person_times": sum(1 for x in parts if x["member_id"]),
        "unit_times": sum(1 for x in parts if x["unit_id"]),
        "hours": round(sum(x["hours"] for x in parts if x["member_id"]), 2),
        "projects": sum(1 for a in acts.values() if a["kind"] == "共建项目" and a["unit_id"]),
        "orders_received": len(received),
        "orders_completed": sum(1 for o in orders if o["state"] in done
                                and p.start <= o["completed_date"] <= p.end),
        # 办结 ÷ 受理 of the period, rounded half up to a tenth of a percent.
        "completion_rate": half_up(sum(1 for o in orders if o["state"] in done
                                       and p.start <= o["completed_date"] <= p.end),
                                   len(received)),
        "rated": len(rated),
        "satisfied": sum(1 for o in rated if o["rating"] == "满意"),
        "satisfaction": half_up(len(good), len(rated)),
    }


@pytest.mark.parametrize("code", ["2026", "2025H2", "2026Q3", "2026-05", "2025-02"])
def test_each_statistic_equals_an_independent_count(community, code):
    result = stats.statistics(community, code)
    expected = hand_count(community, code)
    assert {k: result["figures"][k] for k in expected} == expected
    assert set(expected) == {key for key, _, _ in stats.FIGURES}
    assert result["figures"]["activities"] > 0


def test_statistics_for_a_grid_subtree(community):
    compound = community.scalar("SELECT id FROM grid_nodes WHERE level = 3 ORDER BY id LIMIT 1")
    result = stats.statistics(community, "2026", compound)
    assert {k: result["figures"][k] for k in hand_count(community, "2026")} == \
        hand_count(community, "2026", compound)
    whole = stats.statistics(community, "2026")
    assert result["figures"]["members"] < whole["figures"]["members"]


def test_months_and_nodes_add_up_to_the_totals(community):
    result = stats.statistics(community, "2026")
    f = result["figures"]
    assert [m["month"] for m in result["months"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    for key in ("activities", "person_times", "orders_received", "orders_completed"):
        assert sum(m[key] for m in result["months"]) == f[key], key
    assert round(sum(m["hours"] for m in result["months"]), 2) == f["hours"]
    nodes = result["by_node"]
    assert result["scope"] == "丽景社区" and len(nodes) == 8
    compound = nodes[0]
    sub = stats.statistics(community, "2026", compound["node_id"])["figures"]
    for key in ("members", "units", "activities", "person_times", "orders_received", "projects"):
        assert compound[key] == sub[key], key


def test_statistics_pdf_and_workbook_carry_the_figures(community, tmp_path, fonts):
    result = stats.statistics(community, "2026Q3")
    f = result["figures"]
    path, warnings = stats_pdf(community, result, tmp_path / "report.pdf", fonts)
    assert warnings == []
    text = "".join(pdf_pages(path))
    assert "丽景社区双报到工作统计报表" in text and "2026年第三季度" in text
    for key in ("members", "activities", "person_times", "orders_received", "orders_completed"):
        assert f"{stats.LABELS[key]}{f[key]}" in text, key
    assert f"需求办结率{f['completion_rate'] * 100:.1f}%" in text
    assert "按月趋势" in text and "按网格分布" in text
    book = load_workbook(stats_workbook(result, tmp_path / "report.xlsx"))
    sheet = book["主要指标"]
    values = {row[0].value: row[1] for row in sheet.iter_rows(min_row=4)}
    assert values["报到党员（人）"].value == f["members"]
    assert values["服务时长（小时）"].value == f["hours"]
    assert values["需求办结率"].value == f["completion_rate"]
    assert values["需求办结率"].number_format == "0.0%"
    assert [c.value for c in book["按月"][1]][0] == "月份"
    assert book["按月"].max_row == 4  # header + three months


def test_cli_stats_json_and_files(community, tmp_path, capsys):
    path = community.path_for_cli
    assert main(["stats", path, "--period", "2026Q3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["figures"] == stats.statistics(community, "2026Q3")["figures"]
    assert main(["stats", path, "--period", "2026-05", "--grid", "杨树小区",
                 "--out", str(tmp_path / "s.pdf")]) == 0
    printed = capsys.readouterr().out
    assert "杨树小区　2026年5月" in printed and (tmp_path / "s.pdf").exists()
    assert main(["stats", path, "--out", str(tmp_path / "s.xlsx")]) == 0
    assert (tmp_path / "s.xlsx").exists()
    assert main(["stats", path, "--out", str(tmp_path / "s.doc")]) != 0


def test_compliance_lists_match_their_definitions(community, tmp_path, fonts):
    lists = compliance.check_lists(community, "2026Q2", full_phones=True)
    q = parse_period("2026Q2")
    served = {r[0] for r in community.conn.execute(
        "SELECT DISTINCT p.member_id FROM activity_participants p, activities a "
        "WHERE a.id = p.activity_id AND p.deleted = 0 AND a.deleted = 0 AND a.verified = 1 "
        "AND a.date >= ? AND a.date <= ? AND p.member_id IS NOT NULL", (q.start, q.end))}
    live = {r[0] for r in community.conn.execute(
        "SELECT id FROM members WHERE deleted = 0 AND status = '在册' "
        "AND (report_date = '' OR report_date <= ?)", (q.end,))}
    assert {r["id"] for r in lists["idle_members"]} == live - served
    projects = {r[0] for r in community.conn.execute(
        "SELECT unit_id FROM activities WHERE kind = '共建项目' AND verified = 1 AND deleted = 0 "
        "AND date >= ? AND date <= ?", (q.start, q.end))}
    units = {r[0] for r in community.conn.execute(
        "SELECT id FROM units WHERE deleted = 0 AND status = '在册' "
        "AND (report_date = '' OR report_date <= ?)", (q.end,))}
    assert {r["id"] for r in lists["units_no_project"]} == units - projects
    # The demo's joint meetings are all in 2025: in 2026Q2 every unit is on the list.
    assert {r["id"] for r in lists["units_no_meeting"]} == units
    for order in lists["overdue_orders"]:
        assert order["state"] in ("待派单", "已派单", "已接单") and order["due_date"] < q.end
    masked = compliance.check_lists(community, "2026Q2")["idle_members"][0]["phone"]
    assert "****" in masked
    pdf, _ = compliance_pdf(community, "2026Q2", lists, tmp_path / "c.pdf", fonts=fonts)
    text = "".join(pdf_pages(pdf))
    assert f"本季度无服务记录的党员（{len(lists['idle_members'])}）" in text
    assert lists["idle_members"][0]["name"] in text
    book = load_workbook(compliance_workbook("2026年第二季度", lists, tmp_path / "c.xlsx"))
    assert book.worksheets[0].max_row == 3 + len(lists["idle_members"])
