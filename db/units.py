"""报到单位: the unit's party organisation, contact, 共建共驻协议, lists and paired compound."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import audit, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .pinyin import name_keys
from .validate import clean, normalize_phone, one_of, parse_date, required

CATEGORIES = ("机关", "事业", "企业", "其他")
LEVELS = ("市直", "区直", "街道", "其他")
STATUSES = ("在册", "注销")
ITEM_KINDS = ("资源", "需求", "项目")
PROJECT_STATUSES = ("计划", "进行中", "已完成")
FIELDS = ("name", "category", "level", "contact_name", "contact_phone", "report_date",
          "paired_node_id", "member_count", "agreement_signed_date", "agreement_start",
          "agreement_end", "agreement_content", "status", "note")


def validate(ledger: Ledger, values: dict[str, Any], unit_id: int | None = None) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    out["name"] = required(out["name"], "name", "党组织名称")
    clash = ledger.one("SELECT id FROM units WHERE name = ? AND deleted = 0 AND id IS NOT ?",
                       (out["name"], unit_id))
    if clash:
        raise ValidationError("name", "党组织名称", f"“{out['name']}”已经报到，不能重复登记")
    out["category"] = one_of(out["category"] or "机关", CATEGORIES, "category", "单位类别")
    out["level"] = one_of(out["level"], LEVELS, "level", "单位层级", allow_blank=True)
    out["contact_name"] = clean(out["contact_name"])
    out["contact_phone"] = normalize_phone(out["contact_phone"], "contact_phone", "联系电话")
    for key, label in (("report_date", "报到日期"), ("agreement_signed_date", "协议签订日期"),
                       ("agreement_start", "协议起始日期"), ("agreement_end", "协议截止日期")):
        out[key] = parse_date(out[key], key, label)
    if out["agreement_start"] and out["agreement_end"] and \
            out["agreement_end"] < out["agreement_start"]:
        raise ValidationError("agreement_end", "协议截止日期", "早于协议起始日期")
    out["agreement_content"] = clean(out["agreement_content"])
    count = int(out["member_count"] or 0)
    out["member_count"] = count
    if count < 0:
        raise ValidationError("member_count", "党员人数", "不能为负数")
    out["status"] = one_of(out["status"] or "在册", STATUSES, "status", "状态")
    out["note"] = clean(out["note"])
    if out["paired_node_id"] is not None:
        node = ledger.one("SELECT level, name FROM grid_nodes WHERE id = ? AND deleted = 0",
                          (out["paired_node_id"],))
        if node is None:
            raise ValidationError("paired_node_id", "包联小区", "所选网格不存在或已删除")
        if node["level"] != 3:
            raise ValidationError("paired_node_id", "包联小区", f"应选择一个小区，“{node['name']}”不是小区")
    out["name_initials"] = name_keys(out["name"])[0]
    return out


def add_unit(ledger: Ledger, **values: Any) -> int:
    records.only_known(values, FIELDS)
    with ledger.transaction():
        row = validate(ledger, values)
        if not row["report_date"]:
            row["report_date"] = dt.date.today().isoformat()
        return records.insert(ledger, "units", row)


def update_unit(ledger: Ledger, unit_id: int, **changes: Any) -> bool:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "units", unit_id)
        row = validate(ledger, {k: current[k] for k in FIELDS} | changes, unit_id)
        changed = records.update(ledger, "units", unit_id, row)
        if changed and row["name"] != current["name"]:
            # Each member row changes too: stamp it, so other offices take the new name
            # instead of seeing the same revision with different content.
            for member_id in [r[0] for r in ledger.conn.execute(
                    "SELECT id FROM members WHERE work_unit_id = ? AND deleted = 0", (unit_id,))]:
                records.update(ledger, "members", member_id, {"work_unit_name": row["name"]})
        return changed


def delete_unit(ledger: Ledger, unit_id: int) -> None:
    with ledger.transaction():
        unit = records.get(ledger, "units", unit_id)
        members = ledger.scalar(
            "SELECT count(*) FROM members WHERE work_unit_id = ? AND deleted = 0", (unit_id,))
        if members:
            raise RuleError(f"“{unit['name']}”还有{members}名党员登记在本单位，"
                            "不能删除；如单位已撤销，请把状态改为“注销”")
        records.tombstone(ledger, "units", unit_id)
        audit.record(ledger, "删除", f"报到单位 {unit['name']}")
        records.tombstone_where(ledger, "unit_items", "unit_id = ?", (unit_id,))


def choices(ledger: Ledger) -> list[tuple[str, int]]:
    """(name, id) of every live unit, in the registers' order (pinyin initials): the 工作单位 and
    组织单位 drop-downs. Two columns only: a city holds thousands of units."""
    return [(row[0], row[1]) for row in ledger.conn.execute(
        "SELECT name, id FROM units WHERE deleted = 0 ORDER BY name_initials, id")]


def get_unit(ledger: Ledger, unit_id: int) -> dict[str, Any]:
    return records.get(ledger, "units", unit_id)


def list_units(ledger: Ledger, text: str = "", status: str | None = "在册",
               category: str | None = None, node_id: int | None = None) -> list[dict[str, Any]]:
    clauses: list[str] = ["u.deleted = 0"]
    params: list[Any] = []
    if text:
        clauses.append("(u.name LIKE ? OR u.name_initials LIKE ? OR u.contact_name LIKE ?)")
        params += [f"%{text}%", f"{text.lower()}%", f"%{text}%"]
    if status:
        clauses.append("u.status = ?")
        params.append(status)
    if category:
        clauses.append("u.category = ?")
        params.append(category)
    cte = ""
    if node_id is not None:
        from .grid import SUBTREE_CTE
        cte = SUBTREE_CTE + " "
        params = [node_id, *params]
        clauses.append("u.paired_node_id IN (SELECT id FROM sub)")
    return ledger.query(f"{cte}SELECT u.* FROM units u WHERE {' AND '.join(clauses)} "
                        "ORDER BY u.name_initials, u.id", params)


# -- 资源清单 / 需求清单 / 项目清单 -------------------------------------------------------------

def _clean_item(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "kind" in out:
        out["kind"] = one_of(out["kind"], ITEM_KINDS, "kind", "清单类别")
    if "title" in out:
        out["title"] = required(out["title"], "title", "清单内容")
    if "status" in out:
        out["status"] = one_of(out["status"], PROJECT_STATUSES, "status", "项目状态",
                               allow_blank=True)
    if "done_date" in out:
        out["done_date"] = parse_date(out["done_date"], "done_date", "完成日期")
    if "detail" in out:
        out["detail"] = clean(out["detail"])
    return out


def add_item(ledger: Ledger, unit_id: int, kind: str, title: str, detail: str = "",
             status: str = "", done_date: str = "") -> int:
    with ledger.transaction():
        records.get(ledger, "units", unit_id)
        row = _clean_item({"kind": kind, "title": title, "detail": detail, "status": status,
                           "done_date": done_date})
        return records.insert(ledger, "unit_items", {"unit_id": unit_id, **row})


def update_item(ledger: Ledger, item_id: int, **changes: Any) -> bool:
    records.only_known(changes, ("kind", "title", "detail", "status", "done_date"))
    with ledger.transaction():
        return records.update(ledger, "unit_items", item_id, _clean_item(changes))


def delete_item(ledger: Ledger, item_id: int) -> None:
    with ledger.transaction():
        records.tombstone(ledger, "unit_items", item_id)


def list_items(ledger: Ledger, unit_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM unit_items WHERE unit_id = ? AND deleted = 0"
    params: list[Any] = [unit_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return ledger.query(sql + " ORDER BY kind, id", params)
