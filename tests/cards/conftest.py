"""A small ledger whose every figure is known, and helpers to read a PDF back as a user would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from db import activities, evaluations, members, orders, posts, units

WQY_MICRO = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
WQY_ZEN = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as a viewer's search or copy would see it."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def flat(text: str) -> str:
    """Text without the line breaks and spaces the extractor adds between drawn strings."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def known(ledger, ids):
    """Two members of one unit, a third elsewhere, with services, an order and evaluations.

    王䶮 (member) in 2026H1: three verified services (2 + 3 + 1.5 hours), one unverified and
    one in 2025, one completed order, grade 一般 with a comment."""
    led = ledger
    unit = units.add_unit(led, name="衡水市第二人民医院党委", category="事业",
                          contact_name="赵敏", report_date="2025-03-01",
                          paired_node_id=led.nodes["杨树小区"])
    other = units.add_unit(led, name="衡水市税务局机关党委", report_date="2025-04-01")
    number = ids("19850312")
    wang = members.add_member(
        led, name="王䶮", id_number=number, mobile="13912345678", work_unit_id=unit,
        position="主治医师", branch="第二人民医院内科党支部", join_date="2010-07-01",
        residence_node_id=led.nodes["1单元"], room="302", report_date="2025-03-15",
        specialties="义诊、健康讲座", household_name="赵桂兰", household_reason="老年",
        household_address="杨树小区3号楼1单元101", household_phone="13800001111")
    li = members.add_member(led, name="李明", id_number=ids(), work_unit_id=unit,
                            residence_node_id=led.nodes["2单元"], report_date="2025-05-01")
    zhang = members.add_member(led, name="张华", id_number=ids(), work_unit_id=other,
                               residence_node_id=led.nodes["2单元"], report_date="2025-06-01")
    post = posts.add_post(led, name="健康义诊岗", category="生活服务")
    posts.claim_post(led, post, wang, date="2025-04-01")
    rows = [("2026-01-10", "集中服务日", "杨树小区义诊", "测血压", 2, True),
            ("2026-03-10", "志愿服务", "健康讲座", "", 3, True),
            ("2026-05-10", "主题党日", "学习党章", "", 1.5, True),
            ("2026-06-01", "志愿服务", "未审核的活动", "", 4, False),
            ("2025-12-20", "志愿服务", "去年的活动", "", 2, True)]
    for date, kind, title, content, hours, verified in rows:
        activities.record_activity(led, members=[(wang, hours), (li, 1)], date=date, kind=kind,
                                   title=title, content=content, verified=verified,
                                   verifier="刘书记" if verified else "")
    activities.record_activity(led, units=[(unit, 2)], date="2026-02-20", kind="共建项目",
                               title="楼道改造", unit_id=unit, verified=True, verifier="刘书记")
    order = orders.add_order(led, title="帮赵女士打扫卫生", kind="微心愿",
                             requested_date="2026-04-01")
    orders.dispatch(led, order, member_id=wang, date="2026-04-02")
    orders.accept(led, order, date="2026-04-02")
    orders.complete(led, order, date="2026-04-05")
    evaluations.set_evaluation(led, "2026H1", "一般", member_id=wang,
                               comment="服务热情，希望多参加集中服务日。", date="2026-07-03")
    evaluations.set_evaluation(led, "2026H1", "好", unit_id=unit, comment="共建积极。",
                               date="2026-07-04")
    return {"ledger": led, "unit": unit, "other": other, "wang": wang, "li": li,
            "zhang": zhang, "wang_id": number, "order": order}
