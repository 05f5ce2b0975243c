"""平急两用: the call sheet for a grid subtree, and 启动应急响应 / 结束应急响应 (activate,
deactivate, take_in) that turn it into an activity, a numbered 临时党支部 roster and, from the
到岗 ticks, verified hours.

Per cell (单元, or any node where members live directly): its leader and the leaders above
it, the members who live there with phone, posts and specialties, and the reporting units
paired with its 小区. Phones are in full by default (a sheet to call from; printing it is
audited by desktop.cards.reports), masked (139****5678) on request. A 网格员's sheet stays
within their grid: a node above or beside it gives their own grid's sheet, and the phones of
leaders and units above their grid are masked."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import access, activities, audit, grid, records, signin
from .errors import AccessDeniedError, NotFoundError, RuleError, ValidationError
from .grid import LEADER_TITLES, SUBTREE_CTE
from .ledger import Ledger
from .validate import clean, mask_phone, nfkc, parse_date


@dataclass
class CallCell:
    node_id: int
    path: str  # 杨树小区 3号楼 1单元
    leader: str  # 单元长 张三 138****8000
    above: list[str] = field(default_factory=list)  # 楼院长, 小区临时党支部书记
    members: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)


def _leader(node: dict[str, Any], phone) -> str:
    if not node["leader_name"]:
        return ""
    title = LEADER_TITLES.get(node["level"], "负责人")
    tel = phone(node["leader_phone"], node["id"])
    return f"{title}{node['leader_name']}" + (f" {tel}" if tel else "")


def scope(ledger: Ledger, node_id: int) -> tuple[int, set[int] | None]:
    """The node whose sheet this user may have, and the nodes whose phones they may see in
    full (None: all). A 网格员 asking for a node outside their grid gets their own grid."""
    actor = access.actor_of(ledger)
    if actor is None or actor.full_access:
        return node_id, None
    mine = {r[0] for r in ledger.conn.execute("SELECT id FROM temp.scope_nodes")}
    if node_id not in mine and actor.node_id is not None:
        node_id = actor.node_id
    return node_id, mine


def call_sheet(ledger: Ledger, node_id: int, full_phones: bool = True) -> list[CallCell]:
    node_id, mine = scope(ledger, node_id)

    def phone(p: str, at: int | None = None) -> str:
        full = full_phones and (mine is None or at is None or at in mine)
        return (p or "") if full else (mask_phone(p) if p else "")

    nodes = {n["id"]: n for n in ledger.query("SELECT * FROM grid_nodes WHERE deleted = 0")}
    inside = [r[0] for r in ledger.conn.execute(SUBTREE_CTE + " SELECT id FROM sub", (node_id,))]
    members = ledger.query(
        SUBTREE_CTE + " SELECT m.id, m.name, m.room, m.mobile, m.specialties, m.residence_node_id "
        "AS node, coalesce(u.name, m.work_unit_name) AS org, (SELECT group_concat(DISTINCT p.name) "
        "FROM post_claims c JOIN posts p ON p.id = c.post_id WHERE c.member_id = m.id "
        "AND c.deleted = 0 AND c.released_date = '' AND p.deleted = 0) AS posts FROM members m "
        "LEFT JOIN units u ON u.id = m.work_unit_id WHERE m.deleted = 0 AND m.status = '在册' "
        "AND m.residence_node_id IN (SELECT id FROM sub) ORDER BY m.room, m.name_pinyin, m.id",
        (node_id,))
    by_node: dict[int, list[dict[str, Any]]] = {}
    for m in members:
        m["phone"] = phone(m.pop("mobile"))
        m["posts"] = (m["posts"] or "").replace(",", "、")
        by_node.setdefault(m["node"], []).append(m)
    units: dict[int, list[dict[str, Any]]] = {}
    for u in ledger.query("SELECT id, name, contact_name, contact_phone, paired_node_id FROM units "
                          "WHERE deleted = 0 AND status = '在册' AND paired_node_id IS NOT NULL "
                          "ORDER BY name_initials, id"):
        units.setdefault(u["paired_node_id"], []).append(
            {"name": u["name"], "contact": u["contact_name"],
             "phone": phone(u["contact_phone"], u["paired_node_id"])})
    cells = [n for n in inside if n in nodes and (nodes[n]["level"] == 5 or n in by_node)]

    def chain(nid: int) -> list[dict[str, Any]]:
        out, cur = [], nodes.get(nid)
        while cur is not None and cur["level"] >= 3:
            out.append(cur)
            cur = nodes.get(cur["parent_id"])
        return out  # the cell first, up to its 小区

    def order(nid: int) -> list[tuple[int, int]]:
        return [(n["sort_order"], n["id"]) for n in reversed(chain(nid))]

    sheet = []
    for nid in sorted(cells, key=order):
        up = chain(nid)
        cell = CallCell(nid, " ".join(n["name"] for n in reversed(up)) or nodes[nid]["name"],
                        _leader(nodes[nid], phone))
        cell.above = [t for t in (_leader(n, phone) for n in up[1:]) if t]
        cell.members = by_node.get(nid, [])
        for n in up:
            cell.units += units.get(n["id"], [])
        sheet.append(cell)
    return sheet


def rows(sheet: list[CallCell]) -> list[list[str]]:
    """Flat rows for a spreadsheet: one per member (a cell without members still gets one)."""
    out = []
    for cell in sheet:
        leaders = "；".join([cell.leader, *cell.above]) if cell.leader else "；".join(cell.above)
        units = "；".join(f"{u['name']}（{u['contact']} {u['phone']}）".replace("（ ）", "")
                         for u in cell.units)
        if not cell.members:
            out.append([cell.path, leaders, "", "", "", "", "", units])
        for m in cell.members:
            out.append([cell.path, leaders, m["name"], m["room"], m["phone"], m["posts"],
                        m["specialties"], units])
    return out


HEADERS = ("网格单元", "负责人", "党员", "房号", "电话", "认领岗位", "特长", "包联单位")


# -- 平急两用 as one action: 启动应急响应 / 结束应急响应 (issue 16 item 9) -------------------------

KIND = "应急响应"
ACTIVE, ENDED = "应急中", "已结束"
ROSTER = signin.ROSTER  # the sign-in sheet's source: the subtree's 临时党支部 roster


@dataclass
class Response:
    """One 应急响应 started on a grid subtree: its activity, roster sheet and state."""

    activity_id: int
    node_id: int
    path: str  # 杨树小区3号楼 (without the community)
    title: str
    date: str
    start_time: str
    leader: str
    state: str  # 应急中 / 已结束
    ended: str  # YYYY-MM-DD HH:MM once ended
    sheet_id: int | None
    number: str  # the roster's 签到表编号
    people: int  # members on the roster

    @property
    def since(self) -> str:
        return f"{self.date} {self.start_time}".strip()


def _response(ledger: Ledger, row: dict[str, Any]) -> Response:
    sheet = ledger.one("SELECT id, number, roster FROM signin_sheets WHERE activity_id = ? "
                       "AND source = ? AND deleted = 0 ORDER BY id LIMIT 1", (row["id"], ROSTER))
    roster = sheet["roster"] if sheet else ""
    return Response(row["id"], row["node_id"], grid.path_text(ledger, row["node_id"], 2)
                    or grid.path_text(ledger, row["node_id"]), row["title"], row["date"],
                    row["start_time"], row["leader"], row["emergency"], row["emergency_ended"],
                    sheet["id"] if sheet else None, sheet["number"] if sheet else "",
                    roster.count(",") + 1 if roster else 0)


def responses(ledger: Ledger, state: str | None = ACTIVE) -> list[Response]:
    """The 应急响应 started here (those in this user's view), newest first; ACTIVE only by
    default, every one with state=None."""
    sql = "SELECT * FROM activities WHERE deleted = 0 AND node_id IS NOT NULL AND emergency "
    sql += "= ?" if state else "!= ''"
    rows = ledger.query(sql + " ORDER BY date DESC, start_time DESC, id DESC",
                        (state,) if state else ())
    return [_response(ledger, r) for r in rows]


def get_response(ledger: Ledger, activity_id: int) -> Response:
    row = activities.get_activity(ledger, activity_id)
    if not row.get("emergency"):
        raise NotFoundError(f"活动“{row['title']}”不是启动应急响应时建立的活动")
    return _response(ledger, row)


def _above(ledger: Ledger, node_id: int) -> set[int]:
    """The node and every node above it."""
    return {r[0] for r in ledger.conn.execute(
        "WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT g.parent_id FROM main.grid_nodes g "
        "JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL) SELECT id FROM up", (node_id,))}


def covering(ledger: Ledger, node_id: int) -> Response | None:
    """The active 应急响应 this node is in: started on it or on a node above it."""
    above = _above(ledger, node_id)
    for r in responses(ledger):
        if r.node_id in above:
            return r
    return None


def overlapping(ledger: Ledger, node_id: int) -> list[Response]:
    """Active 应急响应 on this node, above it or inside it."""
    above = _above(ledger, node_id)
    inside = set(grid.subtree_ids(ledger, node_id))
    return [r for r in responses(ledger) if r.node_id in above or r.node_id in inside]


def roster(ledger: Ledger, node_id: int) -> list[int]:
    """The subtree's 临时党支部 roster, in the order the call sheet prints it: the members living
    in each cell as the call sheet lists them, then the grid leaders there who are members
    living elsewhere, then the members who claimed a post placed in the subtree."""
    ids = [m["id"] for cell in call_sheet(ledger, node_id, full_phones=False)
           for m in cell.members]
    leaders = ledger.conn.execute(
        SUBTREE_CTE + " SELECT m.id FROM grid_nodes g JOIN members m ON m.id = g.leader_member_id "
        "WHERE g.id IN (SELECT id FROM sub) AND g.deleted = 0 AND m.deleted = 0 "
        "AND m.status = '在册' ORDER BY g.level, g.sort_order, g.id", (node_id,)).fetchall()
    posted = ledger.conn.execute(
        SUBTREE_CTE + " SELECT m.id FROM post_claims c JOIN posts p ON p.id = c.post_id "
        "JOIN members m ON m.id = c.member_id WHERE p.node_id IN (SELECT id FROM sub) "
        "AND p.deleted = 0 AND c.deleted = 0 AND c.released_date = '' AND m.deleted = 0 "
        "AND m.status = '在册' GROUP BY m.id ORDER BY m.name_pinyin, m.id", (node_id,)).fetchall()
    return list(dict.fromkeys([*ids, *(r[0] for r in leaders), *(r[0] for r in posted)]))


def roles(ledger: Ledger, node_id: int, member_ids: list[int]) -> dict[int, str]:
    """Why a member not living in the subtree is on its roster: 楼院长（3号楼）, 岗位：…"""
    out: dict[int, list[str]] = {}
    wanted = json.dumps(member_ids)
    for r in ledger.query(
            SUBTREE_CTE + " SELECT g.leader_member_id AS mid, g.level, g.name FROM grid_nodes g "
            "WHERE g.id IN (SELECT id FROM sub) AND g.deleted = 0 AND g.leader_member_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY g.level, g.sort_order, g.id",
            (node_id, wanted)):
        out.setdefault(r["mid"], []).append(
            f"{LEADER_TITLES.get(r['level'], '负责人')}（{r['name']}）")
    for r in ledger.query(
            SUBTREE_CTE + " SELECT c.member_id AS mid, group_concat(DISTINCT p.name) AS posts "
            "FROM post_claims c JOIN posts p ON p.id = c.post_id WHERE p.node_id IN "
            "(SELECT id FROM sub) AND p.deleted = 0 AND c.deleted = 0 AND c.released_date = '' "
            "AND c.member_id IN (SELECT value FROM json_each(?)) GROUP BY c.member_id",
            (node_id, wanted)):
        out.setdefault(r["mid"], []).append("岗位：" + (r["posts"] or "").replace(",", "、"))
    return {k: "；".join(v) for k, v in out.items()}


def _now() -> tuple[str, str]:
    now = dt.datetime.now()
    return now.date().isoformat(), now.strftime("%H:%M")


def _in_scope(ledger: Ledger, node_id: int, what: str) -> None:
    _node, mine = scope(ledger, node_id)
    if mine is not None and node_id not in mine:
        raise AccessDeniedError(f"{access.DENIED}：只能在您负责的网格内{what}")


def activate(ledger: Ledger, node_id: int, date: str | None = None,
             start_time: str | None = None, title: str = "", leader: str = "",
             recorder: str = "", place: str = "", content: str = "",
             blank_rows: int | None = None, today: str | None = None) -> Response:
    """启动应急响应 on a grid subtree, in one transaction: an activity of kind 应急响应 on the
    subtree's root in state 应急中, its 临时党支部 roster as a numbered sign-in sheet (the
    members living there, the grid leaders who are members, the members of its posts), and an
    audit entry. The call sheet printed from it has the roster's 序号 and 已联系 / 到岗 columns;
    the 到岗 ticks come back through 按签到表录入 (take_in) as verified hours."""
    with ledger.transaction():
        _in_scope(ledger, node_id, "启动应急响应")
        node = grid.get_node(ledger, node_id)
        busy = overlapping(ledger, node_id)
        if busy:
            r = busy[0]
            raise RuleError(f"“{r.path}”已在应急响应中（{r.since}起，{r.title}），"
                            "请先结束它再启动")
        day, clock = _now()
        date = parse_date(date or day, "date", "日期", allow_blank=False)
        start = activities.parse_time(start_time if start_time is not None else clock,
                                      "start_time", "开始时间")
        leader = clean(leader)
        if not leader:
            raise ValidationError("leader", "负责人", "启动应急响应须填写负责人")
        path = grid.path_text(ledger, node_id, 2) or node["name"]
        people = roster(ledger, node_id)
        if not people:
            raise ValidationError("node_id", "网格", f"“{path}”没有在册党员，无法组建临时党支部名单")
        activity_id = activities.record_activity(
            ledger, date=date, kind=KIND, title=clean(title) or f"{path}应急响应",
            content=content, node_id=node_id, place=place, start_time=start, leader=leader,
            recorder=recorder)
        records.update(ledger, "activities", activity_id, {"emergency": ACTIVE})
        signin.create_sheet(ledger, activity_id, ROSTER, node_id=node_id,
                            member_ids=people, blank_rows=blank_rows, today=today)
        response = get_response(ledger, activity_id)
        audit.record(ledger, "启动应急响应", f"{path}：{response.title}（{response.since}），"
                     f"临时党支部名单{len(people)}人，签到表{response.number}")
        return response


def deactivate(ledger: Ledger, node_id: int | None = None, activity_id: int | None = None,
               when: str | None = None) -> Response:
    """结束应急响应: the one started on this node (or covering it), or the given activity.
    when: YYYY-MM-DD HH:MM, now by default. An end on the start day also becomes the
    activity's end time."""
    with ledger.transaction():
        if activity_id is None:
            if node_id is None:
                raise ValidationError("node_id", "网格", "请指定要结束应急响应的网格")
            found = covering(ledger, node_id)
            if found is None:
                raise NotFoundError(f"“{grid.path_text(ledger, node_id, 2)}”不在应急响应中")
            activity_id = found.activity_id
        response = get_response(ledger, activity_id)
        if response.state != ACTIVE:
            raise RuleError(f"“{response.path}”的应急响应已于{response.ended}结束")
        _in_scope(ledger, response.node_id, "结束应急响应")
        day, clock = _now()
        text = nfkc(clean(when)) if when else f"{day} {clock}"
        parts = text.split()
        end_day = parse_date(parts[0], "ended", "结束日期", allow_blank=False)
        end_time = activities.parse_time(parts[1] if len(parts) > 1 else "", "ended", "结束时间")
        if len(parts) > 2 or (end_day, end_time or "99:99") < (response.date, response.start_time):
            raise ValidationError("ended", "结束时间",
                                  f"“{text}”应写成 年-月-日 时:分，且不早于开始（{response.since}）")
        changes: dict[str, Any] = {"emergency": ENDED,
                                   "emergency_ended": f"{end_day} {end_time}".strip()}
        activity = activities.get_activity(ledger, activity_id)
        if end_day == response.date and end_time and not activity["end_time"] and \
                end_time > response.start_time:
            activities.update_activity(ledger, activity_id, end_time=end_time)
        records.update(ledger, "activities", activity_id, changes)
        ended = get_response(ledger, activity_id)
        audit.record(ledger, "结束应急响应", f"{ended.path}：{ended.title}（{ended.since}至"
                     f"{ended.ended}）")
        return ended


def take_in(ledger: Ledger, sheet_id: int, entries: Iterable[signin.Entry], verifier: str,
            today: str | None = None) -> dict[str, int]:
    """The 到岗 ticks and hours of a roster sheet as verified hours, in one transaction:
    signin.enter_sheet, then the activity verified by verifier (points follow)."""
    verifier = clean(verifier)
    if not verifier:
        raise ValidationError("verifier", "审核人", "录入到岗情况并审核须填写审核人")
    with ledger.transaction():
        counts = signin.enter_sheet(ledger, sheet_id, entries, today)
        activity = activities.get_activity(ledger, signin.get_sheet(ledger, sheet_id)["activity_id"])
        day = max(today or dt.date.today().isoformat(), activity["date"])
        activities.verify(ledger, activity["id"], verifier, day)
        return counts


def roster_size(ledger: Ledger, node_id: int) -> tuple[int, int]:
    """(members living in the subtree, members on its roster for a role there while living
    elsewhere): the roster's size counted without building it, for a dialog's preview."""
    row = ledger.conn.execute(
        SUBTREE_CTE + " SELECT (SELECT count(*) FROM members WHERE deleted = 0 AND status = '在册' "
        "AND residence_node_id IN (SELECT id FROM sub)), (SELECT count(*) FROM ("
        "SELECT leader_member_id AS mid FROM grid_nodes WHERE id IN (SELECT id FROM sub) "
        "AND deleted = 0 AND leader_member_id IS NOT NULL UNION SELECT c.member_id FROM "
        "post_claims c JOIN posts p ON p.id = c.post_id WHERE p.node_id IN (SELECT id FROM sub) "
        "AND p.deleted = 0 AND c.deleted = 0 AND c.released_date = '') x JOIN members m "
        "ON m.id = x.mid WHERE m.deleted = 0 AND m.status = '在册' AND "
        "coalesce(m.residence_node_id, -1) NOT IN (SELECT id FROM sub))", (node_id,)).fetchone()
    return int(row[0]), int(row[1])
