"""服务岗位 ("7+X") and members' claims on them (认岗)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import audit, records
from .errors import RuleError, ValidationError
from .ledger import Ledger
from .validate import clean, one_of, parse_date, parse_number, required

SEVEN = ("疫情防控", "政策宣讲", "生活服务", "文明创建", "帮扶助困", "治安民调", "法律援助")
CATEGORIES = (*SEVEN, "自定义")
STATUSES = ("启用", "停用")
FIELDS = ("name", "category", "capacity", "requirement", "description", "node_id", "status")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    out["name"] = required(out["name"], "name", "岗位名称")
    out["category"] = one_of(out["category"] or "自定义", CATEGORIES, "category", "岗位类别")
    out["capacity"] = int(parse_number(out["capacity"], "capacity", "拟认领数", default=0) or 0)
    out["requirement"] = clean(out["requirement"])
    out["description"] = clean(out["description"])
    out["status"] = one_of(out["status"] or "启用", STATUSES, "status", "状态")
    return out


class Claim(int):
    """A new claim's id, which also says how full the post now is: a claim over the post's
    拟认领数 is allowed (more volunteers are welcome) but the caller must tell the user."""

    claimed: int
    capacity: int
    post_name: str

    def __new__(cls, claim_id: int, claimed: int, capacity: int, post_name: str) -> Claim:
        self = super().__new__(cls, claim_id)
        self.claimed, self.capacity, self.post_name = claimed, capacity, post_name
        return self

    @property
    def over_capacity(self) -> bool:
        return self.capacity > 0 and self.claimed > self.capacity

    @property
    def warning(self) -> str:
        if not self.over_capacity:
            return ""
        return (f"岗位“{self.post_name}”已认领{self.claimed}人，超过拟认领数{self.capacity}人"
                f"（超出{self.claimed - self.capacity}人）")


def _unique_name(ledger: Ledger, values: dict[str, Any], post_id: int | None = None) -> None:
    """One node holds one live post of a name (a card would print 心理咨询岗、心理咨询岗)."""
    same = ledger.scalar(
        "SELECT id FROM posts WHERE deleted = 0 AND name = ? AND node_id IS ? AND id IS NOT ?",
        (values["name"], values["node_id"], post_id))
    if same:
        where = "该网格" if values["node_id"] is not None else "社区"
        raise ValidationError("name", "岗位名称", f"{where}已有同名岗位“{values['name']}”，"
                              "请换一个名称或修改原岗位")


def add_post(ledger: Ledger, **values: Any) -> int:
    records.only_known(values, FIELDS)
    with ledger.transaction():
        cleaned = _clean(values)
        _unique_name(ledger, cleaned)
        return records.insert(ledger, "posts", cleaned)


def update_post(ledger: Ledger, post_id: int, **changes: Any) -> bool:
    records.only_known(changes, FIELDS)
    with ledger.transaction():
        current = records.get(ledger, "posts", post_id)
        cleaned = _clean({k: current[k] for k in FIELDS} | changes)
        if (cleaned["name"], cleaned["node_id"]) != (current["name"], current["node_id"]):
            _unique_name(ledger, cleaned, post_id)  # old duplicates stay editable otherwise
        return records.update(ledger, "posts", post_id, cleaned)


def delete_post(ledger: Ledger, post_id: int) -> None:
    with ledger.transaction():
        post = records.get(ledger, "posts", post_id)
        active = claim_count(ledger, post_id)
        if active:
            raise RuleError(f"岗位“{post['name']}”还有{active}名党员认领，请先取消认领或把岗位设为停用")
        records.tombstone(ledger, "posts", post_id)
        audit.record(ledger, "删除", f"服务岗位 {post['name']}")


def get_post(ledger: Ledger, post_id: int) -> dict[str, Any]:
    return records.get(ledger, "posts", post_id)


def claim_count(ledger: Ledger, post_id: int) -> int:
    return int(ledger.scalar(
        "SELECT count(*) FROM post_claims WHERE post_id = ? AND released_date = '' AND deleted = 0",
        (post_id,)))


def list_posts(ledger: Ledger, include_disabled: bool = True) -> list[dict[str, Any]]:
    sql = ("SELECT p.*, (SELECT count(*) FROM post_claims c WHERE c.post_id = p.id "
           "AND c.released_date = '' AND c.deleted = 0) AS claimed FROM posts p WHERE p.deleted = 0")
    if not include_disabled:
        sql += " AND p.status = '启用'"
    return ledger.query(sql + " ORDER BY p.id")


def claim_post(ledger: Ledger, post_id: int, member_id: int, date: str | None = None) -> Claim:
    """Claim a post for a member; the result's `warning` says when the post is now over its
    拟认领数 (the claim is kept)."""
    with ledger.transaction():
        post = records.get(ledger, "posts", post_id)
        member = records.get(ledger, "members", member_id)
        if post["status"] != "启用":
            raise RuleError(f"岗位“{post['name']}”已停用，不能认领")
        if member["status"] != "在册":
            raise RuleError(f"“{member['name']}”当前状态为{member['status']}，不能认领岗位")
        existing = ledger.scalar(
            "SELECT id FROM post_claims WHERE post_id = ? AND member_id = ? AND released_date = '' "
            "AND deleted = 0", (post_id, member_id))
        if existing:
            raise RuleError(f"“{member['name']}”已认领岗位“{post['name']}”")
        day = parse_date(date or dt.date.today().isoformat(), "claimed_date", "认领日期",
                         allow_blank=False)
        claim_id = records.insert(ledger, "post_claims", {
            "post_id": post_id, "member_id": member_id, "claimed_date": day})
        return Claim(claim_id, claim_count(ledger, post_id), int(post["capacity"] or 0),
                     post["name"])


def release_claim(ledger: Ledger, claim_id: int, date: str | None = None) -> None:
    with ledger.transaction():
        claim = records.get(ledger, "post_claims", claim_id)
        if claim["released_date"]:
            raise RuleError("该认岗记录已经取消")
        day = parse_date(date or dt.date.today().isoformat(), "released_date", "取消日期",
                         allow_blank=False)
        if day < claim["claimed_date"]:
            raise RuleError("取消日期早于认领日期")
        records.update(ledger, "post_claims", claim_id, {"released_date": day})


def member_claims(ledger: Ledger, member_id: int, active_only: bool = True) -> list[dict[str, Any]]:
    sql = ("SELECT c.*, p.name AS post_name, p.category FROM post_claims c "
           "JOIN posts p ON p.id = c.post_id WHERE c.member_id = ? AND c.deleted = 0")
    if active_only:
        sql += " AND c.released_date = ''"
    return ledger.query(sql + " ORDER BY c.claimed_date, c.id", (member_id,))


def post_claimants(ledger: Ledger, post_id: int) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT c.*, m.name AS member_name FROM post_claims c JOIN members m ON m.id = c.member_id "
        "WHERE c.post_id = ? AND c.released_date = '' AND c.deleted = 0 ORDER BY m.name_pinyin",
        (post_id,))
