"""签到表: a numbered sign-in sheet printed for an activity, pre-filled with the members of a
grid cell, of a post, or a picked list, and taken back in afterwards (按签到表录入) so that
every hour entered from it names the sheet it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import activities, notices, points, records
from .errors import NotFoundError, RuleError, ValidationError
from .ledger import Ledger
from .members import filter_clause
from .paper_numbers import community, next_serial
from .validate import clean, nfkc, parse_number

ROSTER = "临时党支部"  # an 应急响应's roster (db.emergency): members picked there, node kept
SOURCES = ("网格", "岗位", "名单", ROSTER)
DEFAULT_BLANK = 6  # rows left for walk-ins


def prefix(ledger: Ledger, year: int) -> str:
    return f"{community(ledger)}签到-{year}-"


def source_members(ledger: Ledger, source: str, node_id: int | None = None,
                   post_id: int | None = None,
                   member_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The members a sheet is pre-filled with, in the order they are printed: by name for a
    grid cell or a post, as given for a picked list."""
    if source == "网格":
        if node_id is None:
            raise ValidationError("node_id", "网格", "按网格打印签到表须选择网格")
        cte, where, params = filter_clause(node_id=node_id)
        return ledger.query(f"{cte}SELECT m.id, m.uuid, m.name, m.work_unit_name FROM members m "
                            f"WHERE {where} ORDER BY m.name_pinyin, m.id", params)
    if source == "岗位":
        if post_id is None:
            raise ValidationError("post_id", "服务岗位", "按岗位打印签到表须选择岗位")
        return ledger.query(
            "SELECT DISTINCT m.id, m.uuid, m.name, m.work_unit_name, m.name_pinyin FROM post_claims c "
            "JOIN members m ON m.id = c.member_id WHERE c.post_id = ? AND c.deleted = 0 "
            "AND c.released_date = '' AND m.deleted = 0 AND m.status = '在册' "
            "ORDER BY m.name_pinyin, m.id", (post_id,))
    if source in ("名单", ROSTER):
        wanted = list(dict.fromkeys(int(m) for m in member_ids or ()))
        # one query, not one per member: a city's 临时党支部 roster has tens of thousands
        found = {r["id"]: r for r in ledger.query(
            "SELECT id, uuid, name, work_unit_name FROM members WHERE deleted = 0 AND id IN "
            "(SELECT value FROM json_each(?))", (_json(wanted),))}
        for member_id in wanted:
            if member_id not in found:
                records.get(ledger, "members", member_id)  # its 不存在或已删除
        return [found[member_id] for member_id in wanted]
    raise ValidationError("source", "名单来源", f"应为 {'、'.join(SOURCES)} 之一")


def create_sheet(ledger: Ledger, activity_id: int, source: str, node_id: int | None = None,
                 post_id: int | None = None, member_ids: Sequence[int] | None = None,
                 blank_rows: int | None = None, today: str | None = None) -> int:
    """A new numbered sheet for the activity (the number is taken now, once: a sheet thrown
    away leaves a gap rather than a second sheet of the same number)."""
    with ledger.transaction():
        activity = activities.get_activity(ledger, activity_id)
        people = source_members(ledger, source, node_id, post_id, member_ids)
        blank = DEFAULT_BLANK if blank_rows is None else int(parse_number(
            blank_rows, "blank_rows", "空白行数", minimum=0, maximum=60) or 0)
        if not people and not blank:
            raise ValidationError("source", "名单来源", "所选范围内没有在册党员，也没有留空白行")
        year = int(activity["date"][:4])
        head = prefix(ledger, year)
        number = f"{head}{next_serial(ledger, 'signin_sheets', head):04d}"
        return records.insert(ledger, "signin_sheets", {
            "activity_id": activity_id, "number": number, "source": source,
            "node_id": node_id if source in ("网格", ROSTER) else None,
            "post_id": post_id if source == "岗位" else None,
            "roster": ",".join(p["uuid"] for p in people), "blank_rows": blank,
            "printed_date": today or dt.date.today().isoformat()})


def get_sheet(ledger: Ledger, sheet_id: int) -> dict[str, Any]:
    return records.get(ledger, "signin_sheets", sheet_id)


def list_sheets(ledger: Ledger, activity_id: int) -> list[dict[str, Any]]:
    return ledger.query(
        "SELECT s.*, (SELECT count(*) FROM activity_participants p WHERE p.sheet_id = s.id "
        "AND p.deleted = 0) AS entered FROM signin_sheets s WHERE s.activity_id = ? "
        "AND s.deleted = 0 ORDER BY s.number", (activity_id,))


def find_sheet(ledger: Ledger, text: str, activity_id: int | None = None) -> dict[str, Any]:
    """A sheet by its number as typed: the whole number, or its last part (7, 0007) among the
    activity's sheets (or this office's sheets when no activity is given)."""
    typed = nfkc(clean(text)).replace(" ", "")
    if not typed:
        raise ValidationError("number", "签到表编号", "不能为空")
    rows = ledger.query("SELECT * FROM signin_sheets WHERE number = ? AND deleted = 0", (typed,))
    if not rows and typed.isdigit():
        sql = "SELECT * FROM signin_sheets WHERE deleted = 0 AND number LIKE ?"
        params: list[Any] = [f"{community(ledger)}签到-%-{int(typed):04d}"]
        if activity_id is not None:
            sql, params = ("SELECT * FROM signin_sheets WHERE deleted = 0 AND activity_id = ? "
                           "AND CAST(substr(number, length(number) - 3) AS INTEGER) = ?",
                           [activity_id, int(typed)])
        rows = ledger.query(sql + " ORDER BY number DESC", params)
    if not rows:
        raise NotFoundError(f"签到表编号：找不到“{typed}”（可写完整编号，或本活动签到表的序号）")
    if activity_id is not None and rows[0]["activity_id"] != activity_id:
        other = activities.get_activity(ledger, rows[0]["activity_id"])
        raise ValidationError("number", "签到表编号",
                              f"“{typed}”是活动“{other['title']}”（{other['date']}）的签到表")
    return rows[0]


@dataclass
class SheetRow:
    """One line of a sheet as the entry screen shows it."""

    number: int  # 序号 on the paper
    member_id: int
    name: str
    work_unit: str
    walk_in: bool  # written in by hand on a blank row
    present: bool
    sign_in: str
    sign_out: str
    hours: float | None


def sheet_rows(ledger: Ledger, sheet_id: int) -> list[SheetRow]:
    """The printed rows (with what was entered from this sheet so far), then the walk-ins."""
    sheet = get_sheet(ledger, sheet_id)
    entered = {p["member_id"]: p for p in ledger.query(
        "SELECT * FROM activity_participants WHERE sheet_id = ? AND deleted = 0 "
        "AND member_id IS NOT NULL", (sheet_id,))}
    uuids = [u for u in sheet["roster"].split(",") if u]
    by_uuid = {r["uuid"]: r for r in ledger.query(
        "SELECT id, uuid, name, work_unit_name FROM members WHERE uuid IN "
        "(SELECT value FROM json_each(?))", (_json(uuids),))}
    out: list[SheetRow] = []
    for uuid in uuids:
        m = by_uuid.get(uuid)
        if m is None:  # out of this user's view, or not (yet) in this ledger
            continue
        p = entered.pop(m["id"], None)
        out.append(_row(len(out) + 1, m, False, p))
    for member_id, p in entered.items():
        m = records.get(ledger, "members", member_id, include_deleted=True)
        out.append(_row(len(out) + 1, m, True, p))
    return out


def _json(values: list[Any]) -> str:
    import json

    return json.dumps(values)


def _row(number: int, m: dict[str, Any], walk_in: bool, p: dict[str, Any] | None) -> SheetRow:
    return SheetRow(number, m["id"], m["name"], m["work_unit_name"] or "", walk_in,
                    p is not None, p["sign_in"] if p else "", p["sign_out"] if p else "",
                    float(p["hours"]) if p else None)


@dataclass
class Entry:
    member_id: int
    present: bool
    sign_in: str = ""
    sign_out: str = ""
    hours: Any = None  # blank: from the sign-in/out times, else the activity's times


def enter_sheet(ledger: Ledger, sheet_id: int, entries: Iterable[Entry],
                today: str | None = None) -> dict[str, int]:
    """Take a filled-in sheet into the ledger in one transaction: each ticked row becomes (or
    updates) the member's participation naming this sheet; a row unticked that was entered
    from this sheet before is taken out again. Returns counts (added, updated, removed)."""
    counts = {"added": 0, "updated": 0, "removed": 0}
    with ledger.transaction():
        sheet = get_sheet(ledger, sheet_id)
        activity = activities.get_activity(ledger, sheet["activity_id"])
        current = {p["member_id"]: p for p in ledger.query(
            "SELECT * FROM activity_participants WHERE activity_id = ? AND deleted = 0 "
            "AND member_id IS NOT NULL", (activity["id"],))}
        entries = list(entries)
        # a quarter a closed 公示 made final: refused as any other edit of it, nothing written
        old = {(m, None): float(p["hours"]) for m, p in current.items()}
        new = dict(old)
        for line, entry in enumerate(entries, 1):
            p = current.get(entry.member_id)
            if entry.present:
                new[(entry.member_id, None)] = float(_entry_values(line, entry, activity)["hours"])
            elif p is not None and p["sheet_id"] == sheet_id:
                new.pop((entry.member_id, None), None)
        notices.guard_activity(ledger, activity, activity, old, new)
        seen: set[int] = set()
        for line, entry in enumerate(entries, 1):
            if entry.member_id in seen:
                m = records.get(ledger, "members", entry.member_id)
                raise ValidationError("member_id", "姓名", f"第{line}行“{m['name']}”在表中重复")
            seen.add(entry.member_id)
            p = current.get(entry.member_id)
            if not entry.present:
                if p is not None and p["sheet_id"] == sheet_id:
                    records.tombstone(ledger, "activity_participants", p["id"])
                    points.revoke_source(ledger, "activity", p["uuid"])
                    counts["removed"] += 1
                continue
            values = _entry_values(line, entry, activity)
            values["sheet_id"] = sheet_id
            if p is None:
                m = records.get(ledger, "members", entry.member_id)
                if m["status"] != "在册":
                    raise RuleError(f"第{line}行“{m['name']}”当前状态为{m['status']}，不能登记新的服务")
                records.insert(ledger, "activity_participants", {
                    "activity_id": activity["id"], "member_id": entry.member_id, **values})
                counts["added"] += 1
            elif records.update(ledger, "activity_participants", p["id"], values):
                counts["updated"] += 1
        records.update(ledger, "signin_sheets", sheet_id,
                       {"entered_date": today or dt.date.today().isoformat()})
        points.award_activity(ledger, activity["id"])
    return counts


def _entry_values(line: int, entry: Entry, activity: dict[str, Any]) -> dict[str, Any]:
    where = f"第{line}行"
    sign_in = activities.parse_time(entry.sign_in, "sign_in", f"{where}签到时间")
    sign_out = activities.parse_time(entry.sign_out, "sign_out", f"{where}签退时间")
    if sign_in and sign_out and sign_out <= sign_in:
        raise ValidationError("sign_out", f"{where}签退时间", "应晚于签到时间")
    hours = parse_number(entry.hours, "hours", f"{where}时长", minimum=0, maximum=24)
    if hours is None:
        hours = activities.span_hours(sign_in, sign_out)
    if hours is None:
        hours = activities.span_hours(activity["start_time"], activity["end_time"])
    if not hours:
        raise ValidationError("hours", f"{where}时长",
                              "请填写时长，或签到、签退时间（活动也没有填写起止时间）")
    return {"hours": float(hours), "sign_in": sign_in, "sign_out": sign_out}
