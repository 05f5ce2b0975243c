"""报到登记表 (PDF): the form filled in when a unit or a member reports to the community, with
the community's 接收意见, signature, date and the place of the 公章, and below a dashed line
a tear-off 回执 carrying the receipt's number, for the unit (or the member's work unit) to
sign and send back. A4 portrait, one page.

The ID number is printed masked and without the birth date beside it (its hidden digits);
the 回执 names no personal data beyond the name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from db import grid, members, posts, receipts, settings, units
from db.ledger import Ledger
from db.validate import mask_id, mask_phone

from .data import fmt_number
from .fonts import FontSet
from .layout import Cell, Rect
from .report_pdf import Doc

MEMBER_TITLE = "在职党员进社区报到登记表"
UNIT_TITLE = "报到单位党组织进社区报到登记表"
SEAL = 36 * mm
RECEIPT_H = 78 * mm  # the tear-off part at the page's foot


def _cn_date(iso: str) -> str:
    return f"{int(iso[:4])}年{int(iso[5:7])}月{int(iso[8:10])}日" if len(iso) == 10 else \
        "　　　　年　　月　　日"


def _phone(phone: str | None) -> str:
    """A mobile masked as on the 基本信息卡; an office's fixed line (0318-2012345) as it is."""
    phone = phone or ""
    return mask_phone(phone) if re.fullmatch(r"1\d{10}", phone) else phone


def _day(iso: str | None) -> str:
    """A date in a cell, written as the 回执 below writes it (blank stays blank)."""
    return _cn_date(iso) if iso else ""


def _member_rows(ledger: Ledger, member_id: int) -> tuple[str, list[list[tuple[str, str]]], dict]:
    m = members.get_member(ledger, member_id)
    unit = units.get_unit(ledger, m["work_unit_id"])["name"] if m["work_unit_id"] else \
        m["work_unit_name"]
    home = grid.path_text(ledger, m["residence_node_id"], 2) if m["residence_node_id"] else ""
    claimed = "、".join(c["post_name"] for c in posts.member_claims(ledger, member_id))
    number = m["id_number"] if "*" in m["id_number"] else mask_id(m["id_number"])
    household = m["household_name"] or ""
    if m["household_reason"]:
        household = f"{household}（{m['household_reason']}）" if household else m["household_reason"]
    rows = [
        [("姓名", m["name"]), ("性别", m["gender"]), ("民族", m["ethnicity"])],
        [("身份证号", number), ("手机号码", _phone(m["mobile"]))],
        [("工作单位", unit or "")],
        [("职务", m["position"]), ("入党日期", _day(m["join_date"]))],
        [("所在党支部", m["branch"])],
        [("居住地址", f"{home}{m['room'] or ''}")],  # as the cards write it
        [("报到日期", _day(m["report_date"])), ("特长", m["specialties"])],
        [("认领岗位", claimed or "（未认领）")],
        [("一联一帮", household or "（无）")],
    ]
    return m["name"], rows, {"addressee": unit or "", "date": m["report_date"], "unit": False,
                             "paired": home}


def _unit_rows(ledger: Ledger, unit_id: int) -> tuple[str, list[list[tuple[str, str]]], dict]:
    u = units.get_unit(ledger, unit_id)
    paired = grid.path_text(ledger, u["paired_node_id"], 2) if u["paired_node_id"] else ""
    items = {kind: "；".join(i["title"] for i in units.list_items(ledger, unit_id, kind))
             for kind in units.ITEM_KINDS}
    term = "至".join(_day(x) for x in (u["agreement_start"], u["agreement_end"]) if x)
    rows = [
        [("党组织名称", u["name"])],
        [("单位类别", u["category"]), ("单位层级", u["level"]),
         ("党员人数", fmt_number(u["member_count"] or 0))],
        [("联系人", u["contact_name"]), ("联系电话", _phone(u["contact_phone"]))],
        [("报到日期", _day(u["report_date"])), ("包联小区", paired)],
        [("协议签订", _day(u["agreement_signed_date"])), ("协议期限", term)],
        [("协议内容", u["agreement_content"])],
        [("资源清单", items["资源"] or "（无）")],
        [("需求清单", items["需求"] or "（无）")],
        [("项目清单", items["项目"] or "（无）")],
    ]
    return u["name"], rows, {"addressee": u["name"], "date": u["report_date"], "unit": True,
                             "paired": paired}


def _org(name: str) -> str:
    """A unit as a letter addresses it: its 党组织 (the name is one already when it ends so)."""
    return name if name.endswith(("党委", "党支部", "党总支", "党组", "党组织", "党工委")) \
        else f"{name}党组织"


def report_form_pdf(ledger: Ledger, out: str | Path, member_id: int | None = None,
                    unit_id: int | None = None, opinion: str | None = None,
                    fonts: FontSet | None = None) -> tuple[Path, list[str], int]:
    """Print the subject's 报到登记表 (taking its receipt number the first time, counting and
    auditing the print): returns (path, font warnings, receipt id)."""
    receipt_id = receipts.report_receipt(ledger, member_id=member_id, unit_id=unit_id,
                                         opinion=opinion)
    receipt = receipts.get(ledger, receipt_id)
    if member_id is not None:
        name, rows, facts = _member_rows(ledger, member_id)
    else:
        name, rows, facts = _unit_rows(ledger, unit_id or 0)
    office = settings.identity(ledger)["office_name"] or "本社区"
    doc = Doc(fonts)
    _form(doc, UNIT_TITLE if facts["unit"] else MEMBER_TITLE, office, receipt, rows)
    if doc.y + RECEIPT_H > doc.s.bottom:
        # long lists (资源/需求/项目) leave no room at the foot: the 回执 on a page of its own
        # rather than run off the paper
        doc.new_page()
    _receipt(doc, office, name, receipt, facts)
    path = doc.save(out, f"{UNIT_TITLE if facts['unit'] else MEMBER_TITLE}（{receipt['number']}）",
                    office, name)
    receipts.printed(ledger, receipt_id, Path(out).name)
    return path, doc.fonts.warnings, receipt_id


def _again(receipt: dict[str, Any]) -> str:
    """A reprint says so beside its (unchanged) number, as a certificate's 补打 does."""
    return "（补打）" if receipt.get("prints") else ""


def _form(doc: Doc, title: str, office: str, receipt: dict[str, Any],
          rows: list[list[tuple[str, str]]]) -> None:
    lay, s = doc.lay, doc.s
    doc.y = lay.title(doc.y, title)
    lay.text(s.margin_x, doc.y + s.body, f"接收社区：{office}", s.body)
    lay.text(s.width - s.margin_x, doc.y + s.body, f"编号：{receipt['number']}{_again(receipt)}",
             s.body, "r",
             bold=True)
    doc.y += s.body + 2.5 * mm
    w, x = s.content_width, s.margin_x
    lab = w * 0.14
    top = doc.y
    for pairs in rows:
        share = (w - lab * len(pairs)) / len(pairs)
        cells: list[Cell] = []
        for label, value in pairs:
            cells += [Cell(lab, label, True), Cell(share, str(value or ""))]
        doc.y += lay.row(x, doc.y, cells, s.table, min_height=s.row)
    # 社区接收意见: what is left above the tear-off part. As on the certificate, the seal's
    # place stands over the issuer's name and the date, at the right; the 经办人 signs left.
    opinion = lay.wrap(receipt["opinion"] or "", w - lab - 3 * s.pad, s.body)[:4]
    below = s.body * 3.6  # the issuer's name and the date under the seal's place
    box = max(s.pad + s.body * (1.1 + 1.5 * len(opinion)) + 2 * mm + SEAL + below,
              s.bottom - RECEIPT_H - doc.y)
    lay.rect(x, doc.y, lab, box)
    lay.cell_text(Cell(lab, "社区接收意见", True), x, doc.y, box, s.table)
    lay.rect(x + lab, doc.y, w - lab, box)
    ty = doc.y + s.pad + s.body * 1.1
    for line in opinion:
        lay.text(x + lab + s.pad * 1.5, ty, line, s.body)
        ty += s.body * 1.5
    bottom = doc.y + box
    right = x + w - 8 * mm
    seal_x = right - SEAL - 4 * mm
    seal_y = bottom - below - SEAL
    lay.add(Rect(seal_x, seal_y, SEAL, SEAL, 0.3))
    lay.text(seal_x + SEAL / 2, seal_y + SEAL / 2, "（公章）", s.small, "c")
    lay.text(right, bottom - s.body * 2.2, f"{office}党组织（盖章）", s.body, "r")
    lay.text(right, bottom - s.body * 0.7, "年　　月　　日", s.body, "r")
    left = x + lab + s.pad * 1.5
    lay.text(left, bottom - s.body * 2.2, "经办人（签字）：____________", s.body)
    doc.y += box
    lay.rect(x, top, w, doc.y - top, 1.1)


def _receipt(doc: Doc, office: str, name: str, receipt: dict[str, Any],
             facts: dict[str, Any]) -> None:
    lay, s = doc.lay, doc.s
    x, w = s.margin_x, s.content_width
    y = doc.y + 7 * mm
    lay.cut_line(y - 3.5 * mm)
    top = y
    y += 2 * mm
    heading, size = "回　　执", s.title * 0.8
    lay.text(s.width / 2, y + size, heading, size, "c", bold=True)
    number = f"编号：{receipt['number']}{_again(receipt)}"
    right = x + w - s.pad * 2
    if s.width / 2 + lay.fonts.width(heading, size) / 2 + 4 * mm > \
            right - lay.fonts.width(number, s.body):
        y += size * 1.4  # a long number (a long office name, 补打) goes below the heading
        size = s.body
    lay.text(right, y + size, number, s.body, "r")
    y += size * 1.6
    date = _cn_date(facts["date"])
    if facts["unit"]:
        to = f"{_org(name)}："
        body = (f"贵单位于{date}到{office}报到，已登记在册，包联{facts['paired'] or '（待定）'}。"
                "请在下方签收，并将本回执交回社区。")
    else:
        to = f"{_org(facts['addressee'] or '在职党员所在单位')}："
        body = (f"贵单位在职党员{name}同志于{date}到{office}报到，已登记在册。"
                "请在下方签收，并将本回执交回社区。")
    lay.text(x + s.pad * 2, y + s.body, to, s.body)
    y += s.body * 1.7
    for line in lay.wrap("　　" + body, w - 4 * s.pad, s.body):
        lay.text(x + s.pad * 2, y + s.body, line, s.body)
        y += s.body * 1.6
    y += s.body * 0.6
    right = x + w - s.pad * 2
    lay.text(right, y + s.body, f"{office}党组织（盖章）　{_cn_date(receipt['printed_date'])}",
             s.body, "r")
    y += s.body * 2.0
    lay.text(x + s.pad * 2, y + s.body, "签收单位（盖章）：______________　签收人：__________"
             "　　　　年　　月　　日", s.body)
    y += s.body * 1.7
    lay.rect(x, top, w, y - top + 1 * mm, 0.8)
    doc.y = y + 1 * mm
