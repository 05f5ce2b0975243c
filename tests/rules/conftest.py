"""A small community whose points, rankings and figures are counted by hand, and helpers to read
PDFs and workbooks back as a user would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from db import activities, members, orders, units


def pdf_pages(path: Path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(path).pages]


@pytest.fixture
def scene(ledger, ids):
    """Members 王䶮 (lives in 1单元), 李明 and 张华 (2单元); units 医院 (paired with 杨树小区) and
    税务局. With the default rules (集中服务日 2, 志愿服务 2, 主题党日 1, 共建项目 3, 1 per hour,
    order 3, 满意 +2):

    王䶮: 集中服务日 3h (5) + 志愿服务 2h (4) + order done (3) and rated 满意 (2) = 14, all in
          2026-05; an unverified 2h activity earns nothing.
    李明: 集中服务日 3h (5) in 2026-05; 主题党日 1h (2) in 2026-02.
    张华: nothing.
    医院: 共建项目 2h (5) in 2026-05, attended the 2026-04 joint meeting."""
    led = ledger
    hospital = units.add_unit(led, name="衡水市第二人民医院党委", category="事业",
                              contact_name="赵敏", contact_phone="13700001111",
                              report_date="2025-03-01", paired_node_id=led.nodes["杨树小区"])
    tax = units.add_unit(led, name="衡水市税务局机关党委", report_date="2025-04-01")
    wang = members.add_member(led, name="王䶮", id_number=ids(), mobile="13912345678",
                              work_unit_id=hospital, residence_node_id=led.nodes["1单元"],
                              room="302", report_date="2025-03-15", specialties="义诊")
    li = members.add_member(led, name="李明", id_number=ids(), work_unit_id=hospital,
                            mobile="13811112222", residence_node_id=led.nodes["2单元"],
                            report_date="2025-05-01")
    zhang = members.add_member(led, name="张华", id_number=ids(), work_unit_id=tax,
                               residence_node_id=led.nodes["2单元"], report_date="2025-06-01")
    day = activities.record_activity(led, members=[(wang, 3), (li, 3)], date="2026-05-10",
                                     kind="集中服务日", title="杨树小区义诊", verified=True,
                                     verifier="刘书记")
    activities.record_activity(led, members=[(wang, 2)], date="2026-05-20", kind="志愿服务",
                               title="清理楼道", verified=True, verifier="刘书记")
    activities.record_activity(led, members=[(wang, 2)], date="2026-05-25", kind="志愿服务",
                               title="未审核的活动")
    activities.record_activity(led, members=[(li, 1)], date="2026-02-15", kind="主题党日",
                               title="学习党章", verified=True, verifier="刘书记")
    project = activities.record_activity(led, units=[(hospital, 2)], date="2026-05-12",
                                         kind="共建项目", title="楼道改造", unit_id=hospital,
                                         verified=True, verifier="刘书记",
                                         node_id=led.nodes["杨树小区"])
    order = orders.add_order(led, title="帮赵女士打扫卫生", kind="微心愿",
                             requested_date="2026-05-01", node_id=led.nodes["1单元"])
    orders.dispatch(led, order, member_id=wang, date="2026-05-02")
    orders.accept(led, order, date="2026-05-02")
    orders.complete(led, order, date="2026-05-05")
    orders.rate(led, order, "满意", date="2026-05-06")
    from db import meetings

    meetings.add_meeting(led, unit_ids=[hospital], date="2026-04-15", title="第二季度联席会议")
    return {"ledger": led, "hospital": hospital, "tax": tax, "wang": wang, "li": li,
            "zhang": zhang, "day": day, "project": project, "order": order}
