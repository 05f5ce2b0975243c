"""培训, 表彰奖励 and 一联一帮走访: entered through db.training / db.visits with the form's rules,
printed on the 基本信息卡 and (when asked) the 志愿服务记录证明, the month's not-visited list
by grid with masked phones, and a 网格员 kept to their own grid."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from pypdf import PdfReader

from db import access, activities, certificates, members, open_ledger, training, users, visits
from db.errors import NotFoundError, RuleError, ValidationError
from desktop.cards import PrintJob, print_cards
from desktop.cards.certificate import certificate_pdf
from desktop.cards.visit_list import visit_list_pdf

TODAY = dt.date(2026, 11, 20)


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture
def pair(ledger, ids):
    """王芳 (1单元) and 李强 (2单元), both paired with a household; 赵敏 with none."""
    def add(name, node, household="", phone=""):
        return members.add_member(ledger, name=name, id_number=ids(), residence_node_id=node,
                                  report_date="2026-01-05", mobile="13812345678",
                                  household_name=household, household_reason="老年" if household else "",
                                  household_address="3号楼101" if household else "",
                                  household_phone=phone)
    return (add("王芳", ledger.nodes["1单元"], "刘奶奶", "13912345678"),
            add("李强", ledger.nodes["2单元"], "陈大爷", "13987654321"),
            add("赵敏", ledger.nodes["1单元"]))


def test_trainings_and_awards_are_checked_edited_and_removed(ledger, pair):
    wang = pair[0]
    first = training.add_training(ledger, wang, "2026.3.5", "党员志愿服务骨干培训", "区委组织部", "8")
    training.add_training(ledger, wang, "2026-05-10", "应急救护技能培训", hours=6)
    award = training.add_award(ledger, wang, "2025-07-01", "优秀共产党员", "中共桃城区委", "区级")
    assert [t["title"] for t in training.member_trainings(ledger, wang)] == \
        ["应急救护技能培训", "党员志愿服务骨干培训"]  # newest first
    assert training.get_training(ledger, first)["date"] == "2026-03-05"
    with pytest.raises(ValidationError) as bad:
        training.add_award(ledger, wang, "2025-07-01", "优秀党员", level="乡级")
    assert bad.value.field == "level" and "国家级" in str(bad.value)
    with pytest.raises(ValidationError, match="培训名称"):
        training.add_training(ledger, wang, "2026-03-05", "  ")
    with pytest.raises(ValidationError, match="培训日期"):
        training.add_training(ledger, wang, "2026-13-40", "某培训")
    with pytest.raises(ValidationError, match="学时"):
        training.add_training(ledger, wang, "2026-03-05", "某培训", hours=-1)
    assert training.update_training(ledger, first, hours=10)
    assert training.get_training(ledger, first)["rev"] == 2
    training.delete_award(ledger, award)
    assert training.member_awards(ledger, wang) == []
    assert ledger.scalar("SELECT deleted FROM awards WHERE id = ?", (award,)) == 1  # a tombstone
    assert training.lines(ledger, wang, "2026-04-01", "2026-12-31") == (
        ["2026-05-10 应急救护技能培训（6学时）"], [])


def test_a_visit_needs_a_household_a_past_date_and_a_known_way(ledger, pair):
    wang, _li, zhao = pair
    with pytest.raises(RuleError, match="还没有登记一联一帮联系户"):
        visits.record_visit(ledger, zhao, "2026-11-03", today=TODAY)
    with pytest.raises(ValidationError, match="晚于今天"):
        visits.record_visit(ledger, wang, "2026-11-25", today=TODAY)
    with pytest.raises(ValidationError, match="走访方式"):
        visits.record_visit(ledger, wang, "2026-11-03", "短信", today=TODAY)
    assert ledger.scalar("SELECT count(*) FROM household_visits") == 0  # nothing half-written
    visit = visits.record_visit(ledger, wang, "2026-11-03", "电话", "问候", today=TODAY)
    assert visits.get_visit(ledger, visit)["household_name"] == "刘奶奶"


def test_the_not_visited_list_by_month_and_grid(ledger, pair):
    wang, li, _zhao = pair
    visits.record_visit(ledger, wang, "2026-10-28", today=TODAY)
    rows = visits.not_visited(ledger, "2026-11")
    assert [r["name"] for r in rows] == ["王芳", "李强"]  # 赵敏 has no household
    assert rows[0]["last_visit"] == "2026-10-28" and rows[1]["last_visit"] == ""
    assert rows[0]["household_phone"] == "139****5678"  # masked unless asked
    assert visits.not_visited(ledger, "2026-11", full_phones=True)[0]["household_phone"] == \
        "13912345678"
    visits.record_visit(ledger, wang, "2026-11-02", "上门", today=TODAY)
    assert [r["name"] for r in visits.not_visited(ledger, "2026-11")] == ["李强"]
    assert [r["name"] for r in visits.not_visited(ledger, "2026-11", ledger.nodes["1单元"])] == []
    assert visits.month_summary(ledger, "2026-11") == {"paired": 2, "visited": 1, "missing": 1}
    visits.delete_visit(ledger, visits.member_visits(ledger, wang)[0]["id"])
    assert [r["name"] for r in visits.not_visited(ledger, "2026-11")] == ["王芳", "李强"]
    # a member reported after the month is not counted for it
    assert visits.not_visited(ledger, "2025-12") == []
    with pytest.raises(ValidationError, match="应写成 2026-11"):
        visits.not_visited(ledger, "2026Q4")


def test_the_info_card_and_a_certificate_show_training_and_awards(ledger, pair, tmp_path, fonts):
    wang = pair[0]
    training.add_training(ledger, wang, "2026-03-05", "党员志愿服务骨干培训", "区委组织部", 8)
    training.add_award(ledger, wang, "2025-07-01", "优秀共产党员", "中共桃城区委", "区级")
    visits.record_visit(ledger, wang, "2026-11-03", "上门", today=TODAY)
    result = print_cards(ledger, PrintJob("info", None, member_ids=[wang]), tmp_path / "info.pdf")
    text = _text(result.path)
    assert result.pages == 1
    for want in ("培训情况", "2026-03-05 党员志愿服务骨干培训（区委组织部，8学时）", "表彰奖励",
                 "优秀共产党员（区级，中共桃城区委）", "最近走访", "2026-11-03 上门"):
        assert want in text, want
    # many entries still give one page, the older ones counted
    for i in range(12):
        training.add_training(ledger, wang, f"2025-{i % 12 + 1:02d}-01", f"第{i}期社区志愿者能力提升专题培训班")
    result = print_cards(ledger, PrintJob("info", None, member_ids=[wang], paper="A5"),
                         tmp_path / "info5.pdf")
    assert result.pages == 1 and "较早的记录" in _text(result.path)
    activities.record_activity(ledger, members=[(wang, 2)], date="2026-04-01", kind="志愿服务",
                               title="清扫", verified=True, verifier="刘书记")
    plain = certificates.issue(ledger, wang, "2026-01-01", "2026-06-30", "刘书记", "王干事",
                               issued_date="2026-07-01")
    listed = certificates.issue(ledger, wang, "2026-01-01", "2026-06-30", "刘书记", "王干事",
                                issued_date="2026-07-01", include_records=True)
    assert certificates.get(ledger, plain)["trainings_text"] == ""
    cert = certificates.get(ledger, listed)
    assert cert["trainings_text"].startswith("2026-03-05 党员志愿服务骨干培训")
    assert cert["awards_text"] == ""  # the award came before the period
    path, _w, _r = certificate_pdf(ledger, listed, tmp_path / "cert.pdf")
    assert "培训情况" in _text(path) and "党员志愿服务骨干培训" in _text(path)
    assert "培训情况" not in _text(certificate_pdf(ledger, plain, tmp_path / "plain.pdf")[0])
    training.delete_training(ledger, training.member_trainings(ledger, wang)[-1]["id"])
    path, _w, reprint = certificate_pdf(ledger, listed, tmp_path / "again.pdf")
    assert reprint and "党员志愿服务骨干培训" in _text(path)  # a 补打 prints what was issued


def test_the_printed_visit_list_masks_phones_and_a_full_one_is_audited(ledger, pair, tmp_path,
                                                                       fonts):
    path, warnings, count = visit_list_pdf(ledger, "2026-11", tmp_path / "v.pdf", fonts=fonts)
    text = _text(path)
    assert count == 2 and not warnings
    assert "2026年11月一联一帮未走访联系户" in text and "刘奶奶" in text and "陈大爷" in text
    assert "139****5678" in text and "13912345678" not in text
    assert "电话已部分隐藏" in text
    before = ledger.scalar("SELECT count(*) FROM audit_log")
    path, _w, _c = visit_list_pdf(ledger, "2026-11", tmp_path / "full.pdf", full_phones=True,
                                  fonts=fonts)
    assert "13912345678" in _text(path)
    assert ledger.scalar("SELECT count(*) FROM audit_log") == before + 1
    logged = ledger.one("SELECT action, target FROM audit_log ORDER BY id DESC LIMIT 1")
    assert logged["action"] == "打印完整电话" and "一联一帮" in logged["target"]
    assert "13912345678" not in logged["target"]  # no personal data in the log
    fonts_used = PdfReader(str(path)).pages[0]["/Resources"]["/Font"]
    for ref in fonts_used.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded TrueType


def test_a_grid_worker_keeps_to_their_grid(ledger, pair, tmp_path):
    wang, li, _zhao = pair
    training.add_training(ledger, li, "2026-03-05", "培训")
    users.add_user(ledger, "王书记", "shuji-2026")
    users.add_user(ledger, "李网格", "wangge-2026", role="网格员", node_id=ledger.nodes["1单元"])
    path = ledger.path
    ledger.close()
    access.remember_session(path, None)
    worker = open_ledger(path, create=False)
    try:
        users.login(worker, "李网格", "wangge-2026")
        training.add_training(worker, wang, "2026-04-01", "应急救护技能培训")
        training.add_award(worker, wang, "2026-07-01", "优秀志愿者", "街道党工委", "街道级")
        visits.record_visit(worker, wang, "2026-11-03", today=TODAY)
        assert worker.scalar("SELECT count(*) FROM trainings") == 1  # 李强's is not visible
        with pytest.raises(NotFoundError):
            training.add_award(worker, li, "2026-04-01", "优秀志愿者")
        with pytest.raises(NotFoundError):
            visits.record_visit(worker, li, "2026-11-03", today=TODAY)
        for table in ("trainings", "awards", "household_visits"):
            with pytest.raises(sqlite3.IntegrityError, match="无权限"):
                worker.execute(f"INSERT INTO main.{table} (member_id, date, title, uuid, created_at, "
                               "updated_at, office) VALUES (?, '2026-01-01', 'x', 'u', 't', 't', 'o')"
                               if table != "household_visits" else
                               f"INSERT INTO main.{table} (member_id, date, uuid, created_at, "
                               "updated_at, office) VALUES (?, '2026-01-01', 'u', 't', 't', 'o')",
                               (li,))
            with pytest.raises(sqlite3.IntegrityError, match="无权限"):  # removal is a tombstone
                worker.execute(f"DELETE FROM main.{table}")
        # the not-visited list asked for the whole community is their own grid's
        assert visits.scope_node(worker, None) == worker.actor.node_id
        assert [r["name"] for r in visits.not_visited(worker, "2026-10")] == ["王芳"]
    finally:
        worker.close()
        access.remember_session(path, None)
