"""平急两用 call sheet and the small-ledger compliance lists."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from db import audit, compliance, emergency, posts, users
from desktop.cards.reports import write_callsheet
from desktop.cli import main

from .conftest import pdf_pages


def test_call_sheet_per_cell_with_leaders_members_posts_and_units(scene):
    led = scene["ledger"]
    post = posts.add_post(led, name="健康义诊岗", category="生活服务")
    posts.claim_post(led, post, scene["wang"], date="2025-04-01")
    sheet = emergency.call_sheet(led, led.nodes["杨树小区"], full_phones=False)
    assert [c.path for c in sheet] == ["杨树小区 3号楼 1单元", "杨树小区 3号楼 2单元"]
    first, second = sheet
    assert first.leader == "单元长张三"
    assert first.above == ["楼院长李四 138****8000", "临时党支部书记周强"]
    assert [(m["name"], m["room"], m["phone"], m["posts"], m["specialties"])
            for m in first.members] == [("王䶮", "302", "139****5678", "健康义诊岗", "义诊")]
    assert [m["name"] for m in second.members] == ["李明", "张华"]
    assert second.leader == ""  # 2单元 has no leader yet
    assert [u["name"] for u in first.units] == ["衡水市第二人民医院党委"]
    assert first.units[0]["phone"] == "137****1111"
    full = emergency.call_sheet(led, led.nodes["1单元"])
    assert [c.path for c in full] == ["杨树小区 3号楼 1单元"]
    assert full[0].members[0]["phone"] == "13912345678"


def test_call_sheet_pdf_and_workbook_in_one_action(scene, tmp_path):
    led = scene["ledger"]
    pdf, xlsx, warnings = write_callsheet(led, led.nodes["杨树小区"], tmp_path / "应急",
                                          full_phones=False)
    assert warnings == [] and pdf.suffix == ".pdf" and xlsx.suffix == ".xlsx"
    text = "".join(pdf_pages(pdf))
    assert "杨树小区平急两用应急联络表" in text and "电话已部分隐藏" in text
    assert "杨树小区3号楼1单元单元长张三" in text
    assert "王䶮" in text and "139****5678" in text and "13912345678" not in text
    assert "（无居住党员）" not in text
    rows = list(load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[2], r[4]) for r in rows] == [
        ("杨树小区 3号楼 1单元", "王䶮", "139****5678"), ("杨树小区 3号楼 2单元", "李明", "138****2222"),
        ("杨树小区 3号楼 2单元", "张华", None)]
    assert main(["callsheet", led.path, "--grid", "杨树小区/3号楼",
                 "--out", str(tmp_path / "full.pdf")]) == 0
    assert "13912345678" in "".join(pdf_pages(tmp_path / "full.pdf"))
    assert main(["callsheet", led.path, "--grid", "杨树小区/3号楼", "--masked-phones",
                 "--out", str(tmp_path / "masked.pdf")]) == 0
    assert "13912345678" not in "".join(pdf_pages(tmp_path / "masked.pdf"))


def test_call_sheet_prints_full_phones_by_default_and_audits_it(scene, tmp_path):
    led = scene["ledger"]
    pdf, xlsx, _ = write_callsheet(led, led.nodes["杨树小区"], tmp_path / "应急")
    text = "".join(pdf_pages(pdf))
    assert "13912345678" in text and "13811112222" in text and "电话已部分隐藏" not in text
    assert "13700001111" in text and "13800138000" in text  # unit contact, 楼院长
    phones = [r[4] for r in load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True)]
    assert phones == ["13912345678", "13811112222", None]
    last = audit.entries(led, 1)[0]
    assert (last["action"], last["target"]) == (
        "打印完整电话", "平急两用应急联络表：丽景社区杨树小区，3名党员（应急.pdf）")
    before = len(audit.entries(led))
    write_callsheet(led, led.nodes["杨树小区"], tmp_path / "masked", full_phones=False)
    assert len(audit.entries(led)) == before  # nothing to audit on a masked sheet


def test_grid_worker_call_sheet_stays_within_their_grid(scene, tmp_path):
    led = scene["ledger"]
    users.add_user(led, "王书记", "shuji-2026")
    users.add_user(led, "李网格", "wangge-2026", role="网格员", node_id=led.nodes["2单元"])
    users.login(led, "李网格", "wangge-2026")
    # Asking for the whole 小区 gives their own 单元, with their members' phones in full and
    # the phones of those above their grid (楼院长, the 小区's paired unit) masked.
    sheet = emergency.call_sheet(led, led.nodes["杨树小区"])
    assert [c.path for c in sheet] == ["杨树小区 3号楼 2单元"]
    assert [(m["name"], m["phone"]) for m in sheet[0].members] == [
        ("李明", "13811112222"), ("张华", "")]
    assert sheet[0].above == ["楼院长李四 138****8000", "临时党支部书记周强"]
    assert [u["phone"] for u in sheet[0].units] == ["137****1111"]
    pdf, xlsx, _ = write_callsheet(led, led.nodes["杨树小区"], tmp_path / "grid")
    text = "".join(pdf_pages(pdf))
    assert "2单元" in text and "13811112222" in text
    assert "王䶮" not in text and "1391234" not in text and "13800138000" not in text
    assert "13700001111" not in text
    entry = led.query("SELECT user, action, target FROM main.audit_log ORDER BY id DESC LIMIT 1")[0]
    assert (entry["user"], entry["action"]) == ("李网格", "打印完整电话")
    assert "2单元" in entry["target"] and "2名党员" in entry["target"]


def test_compliance_on_a_known_ledger(scene):
    led = scene["ledger"]
    post = posts.add_post(led, name="治安巡逻岗", category="治安民调", capacity=3)
    posts.claim_post(led, post, scene["li"], date="2026-04-01")
    lists = compliance.check_lists(led, "2026Q2", today=dt.date(2026, 7, 10))
    assert [r["name"] for r in lists["idle_members"]] == ["张华"]
    assert [r["name"] for r in lists["units_no_project"]] == ["衡水市税务局机关党委"]
    assert [r["name"] for r in lists["units_no_meeting"]] == ["衡水市税务局机关党委"]
    assert [(r["name"], r["claimed"], r["short"]) for r in lists["posts_short"]] == [
        ("治安巡逻岗", 1, 2)]
    assert lists["overdue_orders"] == []
    q1 = compliance.check_lists(led, "2026Q1", today=dt.date(2026, 7, 10))
    assert [r["name"] for r in q1["idle_members"]] == ["王䶮", "张华"]  # 李明 served in Feb
    assert [r["name"] for r in q1["posts_short"]] == ["治安巡逻岗"]  # claimed in April: 0 then
    assert q1["posts_short"][0]["claimed"] == 0
