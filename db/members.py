"""在职党员: the info card's facts, residence in the grid, 一联一帮 household, status."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

from . import audit, records, vault
from .errors import DuplicateMemberError, RuleError, ValidationError
from .grid import LEVEL_NAMES, SUBTREE_CTE
from .ledger import Ledger
from .pinyin import name_keys
from .validate import (
    clean,
    nfkc,
    normalize_phone,
    one_of,
    parse_date,
    parse_id_number,
    required,
)

STATUSES = ("在册", "转出", "注销")
GENDERS = ("男", "女")
HOUSEHOLD_REASONS = ("老年", "残疾", "未成年", "困难")
FIELDS = (
    "name", "gender", "ethnicity", "id_number", "birth_date", "mobile", "work_unit_id",
    "work_unit_name", "position", "branch", "join_date", "residence_node_id", "room",
    "report_date", "specialties", "household_name", "household_address", "household_phone",
    "household_reason", "status", "note",
)
LABELS = {
    "name": "姓名", "gender": "性别", "ethnicity": "民族", "id_number": "身份证号",
    "birth_date": "出生日期", "mobile": "手机号码", "work_unit_id": "工作单位",
    "work_unit_name": "工作单位", "position": "职务", "branch": "所在党支部",
    "join_date": "入党日期", "residence_node_id": "居住网格", "room": "门牌号",
    "report_date": "报到日期", "specialties": "特长", "household_name": "联系户姓名",
    "household_address": "联系户住址", "household_phone": "联系户电话",
    "household_reason": "联系户类别", "status": "状态", "note": "备注",
}


def validate(ledger: Ledger, values: dict[str, Any], member_id: int | None = None,
             today: dt.date | None = None) -> dict[str, Any]:
    """Check and normalise a full member record; raises ValidationError on the first bad field."""
    out: dict[str, Any] = {k: values.get(k) for k in FIELDS}
    out["name"] = required(out["name"], "name", "姓名")
    if len(out["name"]) > 30:
        raise ValidationError("name", "姓名", "不能超过30个字")
    masked = member_id is not None and "*" in str(out["id_number"] or "")
    if masked:
        # A 网格员 sees the number masked (db.access) and edits the rest of the record: the
        # number itself stays as it is, and so do the gender and birth date derived from it
        # (the view shows the birth year only; an unchanged value is never written back).
        current = ledger.one("SELECT id_number, gender, birth_date FROM members WHERE id = ?",
                             (member_id,))
        if current is None or current["id_number"] != out["id_number"]:
            raise ValidationError("id_number", "身份证号", "请填写完整的18位身份证号")
        info: Any = SimpleNamespace(number=out["id_number"], gender=current["gender"],
                                    birth_date=current["birth_date"])
    else:
        info = parse_id_number(out["id_number"], today=today)
    out["id_number"] = info.number
    gender = clean(out["gender"])
    if gender and gender != info.gender:
        raise ValidationError("gender", "性别", f"与身份证号不符（身份证号显示为{info.gender}）")
    out["gender"] = info.gender
    out["birth_date"] = info.birth_date
    out["ethnicity"] = clean(out["ethnicity"]) or "汉族"
    out["mobile"] = normalize_phone(out["mobile"], "mobile", "手机号码")
    out["household_phone"] = normalize_phone(out["household_phone"], "household_phone", "联系户电话")
    for key in ("join_date", "report_date"):
        out[key] = parse_date(out[key], key, LABELS[key])
    # Beside a masked number the birth date reads as its year only (db.access).
    born = info.birth_date[:4] if masked else info.birth_date
    if out["join_date"] and out["join_date"][:len(born)] < born:
        raise ValidationError("join_date", "入党日期", "早于出生日期")
    out["status"] = one_of(out["status"] or "在册", STATUSES, "status", "状态")
    out["household_reason"] = one_of(out["household_reason"], HOUSEHOLD_REASONS,
                                     "household_reason", "联系户类别", allow_blank=True)
    for key in ("work_unit_name", "position", "branch", "room", "specialties",
                "household_name", "household_address", "note"):
        out[key] = clean(out[key])
    if out["work_unit_id"] is not None:
        unit = ledger.one("SELECT name FROM units WHERE id = ? AND deleted = 0",
                          (out["work_unit_id"],))
        if unit is None:
            raise ValidationError("work_unit_id", "工作单位", "所选报到单位不存在或已删除")
        out["work_unit_name"] = unit["name"]
    if out["residence_node_id"] is not None:
        node = ledger.one("SELECT level, name FROM grid_nodes WHERE id = ? AND deleted = 0",
                          (out["residence_node_id"],))
        if node is None:
            raise ValidationError("residence_node_id", "居住网格", "所选网格不存在或已删除")
        if node["level"] < 4:
            raise ValidationError(
                "residence_node_id", "居住网格",
                f"应选到楼院或单元，“{node['name']}”是{LEVEL_NAMES[node['level']]}")
    if out["status"] == "在册" and not masked:
        where, value = vault.id_match(ledger, out["id_number"])
        existing = ledger.one(
            f"SELECT id, name FROM members WHERE {where} AND status = '在册' "
            "AND deleted = 0 AND id IS NOT ?", (value, member_id))
        if existing:
            raise DuplicateMemberError(existing["id"], existing["name"])
    initials, full = name_keys(out["name"])
    out["name_initials"], out["name_pinyin"] = initials, full
    return out


def add_member(ledger: Ledger, **values: Any) -> int:
    records.only_known(values, FIELDS)
    with ledger.transaction():
        row = validate(ledger, values)
        if not row["report_date"]:
            row["report_date"] = dt.date.today().isoformat()
        return records.insert(ledger, "members", row)


def update_member(ledger: Ledger, member_id: int, **changes: Any) -> bool:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "members", member_id)
        merged = {k: current[k] for k in FIELDS} | changes
        if "id_number" in changes and "gender" not in changes:
            merged["gender"] = ""  # re-derive from the new number
        if "work_unit_name" in changes and "work_unit_id" not in changes:
            merged["work_unit_id"] = None
        row = validate(ledger, merged, member_id)
        return records.update(ledger, "members", member_id, row)


def delete_member(ledger: Ledger, member_id: int) -> None:
    """Tombstone the member; their service history stays on the activities."""
    with ledger.transaction():
        member = records.get(ledger, "members", member_id)
        records.tombstone(ledger, "members", member_id)
        audit.record(ledger, "删除", f"在职党员 {member['name']}")
        records.tombstone_where(ledger, "post_claims", "member_id = ? AND released_date = ''",
                                (member_id,))
        ledger.execute("UPDATE main.grid_nodes SET leader_member_id = NULL "
                       "WHERE leader_member_id = ? AND id IN (SELECT id FROM grid_nodes)",
                       (member_id,))


def get_member(ledger: Ledger, member_id: int) -> dict[str, Any]:
    return records.get(ledger, "members", member_id)


def find_by_id_number(ledger: Ledger, id_number: str) -> dict[str, Any] | None:
    """The live member with this number, else the newest non-live one."""
    where, value = vault.id_match(ledger, id_number)
    return ledger.one(
        f"SELECT * FROM members WHERE {where} AND deleted = 0 "
        "ORDER BY status = '在册' DESC, updated_at DESC LIMIT 1", (value,))


def transfer_out(ledger: Ledger, member_id: int, note: str = "") -> None:
    member = get_member(ledger, member_id)
    if member["status"] != "在册":
        raise RuleError(f"“{member['name']}”当前状态为{member['status']}，不能转出")
    update_member(ledger, member_id, status="转出", note=(member["note"] + " " + note).strip())


# -- listing and search -----------------------------------------------------------------------

SORTABLE = {
    "name": "m.name_pinyin", "gender": "m.gender", "birth_date": "m.birth_date",
    "report_date": "m.report_date", "work_unit_name": "m.work_unit_name", "status": "m.status",
    "id": "m.id", "mobile": "m.mobile", "id_number": "m.id_number", "branch": "m.branch",
    "join_date": "m.join_date", "residence": "m.residence_node_id",
}


def search_clause(text: str) -> tuple[str, list[Any]]:
    """WHERE fragment for the search box: name, pinyin initials or full pinyin, ID tail, phone."""
    text = nfkc(text).strip()
    if not text:
        return "1", []
    if re.fullmatch(r"[0-9]{3,}[xX]?|[0-9]*[xX]", text):
        digits = text.upper()
        clauses = ["m.id_number LIKE ?"]
        params: list[Any] = [f"%{digits}"]
        if digits.isdigit():
            clauses.append("m.mobile LIKE ?")
            params.append(f"%{digits}%")
        return "(" + " OR ".join(clauses) + ")", params
    if re.fullmatch(r"[A-Za-z]+", text):
        low = text.lower()
        return "(m.name_initials LIKE ? OR m.name_pinyin LIKE ?)", [f"{low}%", f"{low}%"]
    return "m.name LIKE ?", [f"%{text}%"]


def filter_clause(text: str = "", node_id: int | None = None, status: str | None = "在册",
                  unit_id: int | None = None) -> tuple[str, str, list[Any]]:
    """(cte, where, params) for members filtered as the lists and search box need."""
    where, params = search_clause(text)
    clauses = ["m.deleted = 0", where]
    cte = ""
    if node_id is not None:
        cte = SUBTREE_CTE + " "
        params = [node_id, *params]
        clauses.append("m.residence_node_id IN (SELECT id FROM sub)")
    if status:
        clauses.append("m.status = ?")
        params.append(status)
    if unit_id is not None:
        clauses.append("m.work_unit_id = ?")
        params.append(unit_id)
    return cte, " AND ".join(clauses), params


def list_members(ledger: Ledger, text: str = "", node_id: int | None = None,
                 status: str | None = "在册", unit_id: int | None = None,
                 order_by: str = "name", descending: bool = False,
                 limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    cte, where, params = filter_clause(text, node_id, status, unit_id)
    order = SORTABLE.get(order_by, "m.name_pinyin")
    direction = "DESC" if descending else "ASC"
    # A search keeps few rows: scan and sort them rather than walk the sort index ("+").
    plus = "+" if text.strip() else ""
    sql = (f"{cte}SELECT m.* FROM members m WHERE {where} "
           f"ORDER BY {plus}{order} {direction}, m.id {direction}")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return ledger.query(sql, params)


def count_members(ledger: Ledger, text: str = "", node_id: int | None = None,
                  status: str | None = "在册", unit_id: int | None = None) -> int:
    cte, where, params = filter_clause(text, node_id, status, unit_id)
    return int(ledger.scalar(f"{cte}SELECT count(*) FROM members m WHERE {where}", params))


def search_members(ledger: Ledger, text: str, limit: int = 50,
                   status: str | None = "在册") -> list[dict[str, Any]]:
    return list_members(ledger, text, status=status, limit=limit)


# -- linking free-text work units to a registered unit ----------------------------------------

# A member writes where they work ("衡水市第二人民医院"); the unit reports as its party
# organisation ("衡水市第二人民医院党委"). Both name the same unit.
_PARTY_SUFFIX = re.compile(r"(机关党委|党工委|党总支|党支部|党委|党组)$")


def unit_name_key(name: str | None) -> str:
    """A work-unit name compared loosely: width and spaces folded, a party-organisation suffix
    dropped."""
    text = re.sub(r"\s+", "", nfkc(name or ""))
    return _PARTY_SUFFIX.sub("", text) or text


def loose_for_unit(ledger: Ledger, unit_id: int) -> list[dict[str, Any]]:
    """Members not linked to any registered unit whose free-text work unit names this one
    (the same name, or the same without 党委/党组/党支部 …), in pinyin order."""
    unit = records.get(ledger, "units", unit_id)
    key = unit_name_key(unit["name"])
    rows = ledger.query(
        "SELECT id, name, work_unit_name, residence_node_id, room, report_date, status "
        "FROM members WHERE deleted = 0 AND work_unit_id IS NULL AND work_unit_name != '' "
        "ORDER BY name_pinyin, id")
    return [r for r in rows if unit_name_key(r["work_unit_name"]) == key]


def link_to_unit(ledger: Ledger, unit_id: int, member_ids: list[int]) -> int:
    """Link the given members to the unit, all or none (one transaction); returns how many
    changed. A member linked to another unit meanwhile is left as it is."""
    with ledger.transaction():
        unit = records.get(ledger, "units", unit_id)
        linked = 0
        for member_id in member_ids:
            member = records.get(ledger, "members", member_id)
            if member["work_unit_id"] is not None:
                continue
            if records.update(ledger, "members", member_id,
                              {"work_unit_id": unit_id, "work_unit_name": unit["name"]}):
                linked += 1
        if linked:
            audit.record(ledger, "关联党员", f"报到单位 {unit['name']}：{linked}名党员")
        return linked
