"""The exchange workbook's layout: one sheet per synced table, Chinese headers, references
between rows carried as UUIDs (local integer ids mean nothing at another office).

Columns come from the live schema (PRAGMA table_info), so a column added by a later migration
travels too, under its English name until it gets a label here."""

from __future__ import annotations

from dataclasses import dataclass, field

from db import activities, members, orders, posts, training, units, visits
from db.ledger import Ledger
from db.records import TABLE_LABELS

FORMAT_NAME = "报到台账交换文件"
FORMAT_VERSION = 2  # 2: version vectors, change sequences and acknowledgements (incremental)
README_SHEET = "说明"

SYNC_LABELS = {
    "uuid": "UUID", "rev": "版本", "updated_at": "更新时间", "office": "修改单位",
    "created_at": "创建时间", "deleted": "已删除", "vv": "版本向量",
}
SYNC_ORDER = ("uuid", "rev", "updated_at", "office", "created_at", "deleted", "vv")
# Sync columns a file of format 1 lacks: their rows stand for {office: rev}.
OPTIONAL_SYNC = ("vv",)
# Local bookkeeping, never in a file: this ledger's change sequence, and whose file brought
# the current version; and the sealed ID number with its keyed indexes (db.keys).
LOCAL_COLUMNS = ("seq", "via", "id_sealed", "id_index", "id_probe")

COLUMN_LABELS: dict[str, dict[str, str]] = {
    "grid_nodes": {
        "parent_id": "上级网格", "level": "层级", "name": "名称", "code": "编码",
        "leader_name": "负责人", "leader_phone": "负责人电话", "leader_member_id": "负责人党员",
        "branch_name": "临时党支部", "sort_order": "排序", "note": "备注",
    },
    "units": {
        "name": "党组织名称", "category": "类别", "level": "级别", "contact_name": "联系人",
        "contact_phone": "联系电话", "report_date": "报到日期", "paired_node_id": "包联小区",
        "member_count": "党员人数", "agreement_signed_date": "协议签订日期",
        "agreement_start": "协议开始", "agreement_end": "协议结束",
        "agreement_content": "协议内容", "status": "状态", "note": "备注",
        "name_initials": "拼音首字母",
    },
    "unit_items": {
        "unit_id": "报到单位", "kind": "清单类别", "title": "名称", "detail": "内容",
        "status": "项目状态", "done_date": "完成日期",
    },
    "members": {**members.LABELS, "work_unit_id": "报到单位", "work_unit_name": "工作单位",
                "name_initials": "拼音首字母", "name_pinyin": "拼音"},
    "posts": {
        "name": "岗位名称", "category": "岗位类别", "capacity": "拟认领数",
        "requirement": "技能要求", "description": "岗位说明", "node_id": "所在网格",
        "status": "状态",
    },
    "post_claims": {
        "post_id": "服务岗位", "member_id": "党员", "claimed_date": "认领日期",
        "released_date": "退出日期",
    },
    "orders": {
        "kind": "需求类别", "title": "标题", "content": "内容", "requester_name": "点单人",
        "requester_phone": "点单人电话", "requester_address": "点单人住址", "node_id": "所在网格",
        "state": "状态", "requested_date": "点单日期", "due_date": "期限",
        "assignee_member_id": "接单党员", "assignee_unit_id": "接单单位",
        "dispatched_date": "派单日期", "accepted_date": "接单日期", "completed_date": "完成日期",
        "result": "办理结果", "rating": "群众评价", "rating_comment": "评价意见",
        "rated_date": "评价日期", "cancel_reason": "取消原因",
    },
    "activities": {
        "date": "日期", "kind": "活动类型", "title": "活动名称", "content": "活动内容",
        "node_id": "所在网格", "place": "地点", "post_id": "服务岗位", "order_id": "群众需求",
        "unit_id": "组织单位", "verified": "已审核", "verifier": "审核人",
        "verified_date": "审核日期", "start_time": "开始时间", "end_time": "结束时间",
        "leader": "活动负责人", "recorder": "记录人", "emergency": "应急状态",
        "emergency_ended": "应急结束时间",
    },
    "signin_sheets": {
        "activity_id": "活动", "number": "签到表编号", "source": "名单来源", "node_id": "网格",
        "post_id": "服务岗位", "roster": "预填党员UUID", "blank_rows": "空白行数",
        "printed_date": "打印日期", "entered_date": "录入日期",
    },
    "activity_participants": {
        "activity_id": "活动", "member_id": "党员", "unit_id": "单位", "hours": "时长（小时）",
        "note": "备注", "sheet_id": "签到表", "sign_in": "签到时间", "sign_out": "签退时间",
    },
    "meetings": {"date": "日期", "title": "会议名称", "place": "地点", "topics": "议题",
                 "minutes": "会议纪要"},
    "meeting_attendees": {"meeting_id": "联席会议", "unit_id": "参会单位",
                          "attendee_name": "参会人"},
    "points_entries": {
        "member_id": "党员", "unit_id": "单位", "date": "日期", "delta": "分值",
        "reason": "事由", "source_kind": "来源类型", "source_uuid": "来源UUID",
    },
    "evaluations": {
        "period": "评价周期", "member_id": "党员", "unit_id": "单位",
        "suggested_grade": "建议等次", "suggested_reason": "建议依据", "grade": "评定等次",
        "comment": "评语", "evaluator": "评价人", "evaluated_date": "评价日期",
    },
    "reward_items": {
        "name": "商品名称", "price": "所需积分", "stock": "库存", "note": "说明",
        "status": "状态",
    },
    "certificates": {
        "number": "证明编号", "community": "社区", "year": "年份", "serial": "序号",
        "member_id": "党员", "name": "姓名", "id_type": "证件类型", "id_masked": "证件号码（隐去部分）",
        "period_start": "服务开始日期", "period_end": "服务结束日期", "times": "服务次数",
        "hours": "服务时长（小时）", "content": "服务内容", "issuer": "出具单位",
        "leader": "负责人", "handler": "经办人", "phone": "联系电话", "issued_date": "出具日期",
        "note": "备注", "status": "状态", "void_reason": "作废原因", "void_date": "作废日期",
        "prints": "打印次数",
    },
    "receipts": {
        "kind": "回执类型", "number": "回执编号", "member_id": "党员", "unit_id": "单位",
        "period": "反馈期间", "printed_date": "打印日期", "prints": "打印次数",
        "opinion": "社区接收意见", "returned_date": "收回日期", "returned_by": "交回人",
        "note": "备注",
    },
    "notices": {
        "number": "公示编号", "node_id": "公示范围", "year": "年份", "quarter": "季度",
        "start_date": "公示开始日期", "end_date": "公示结束日期", "contact": "异议联系人",
        "status": "状态", "prints": "打印次数", "note": "备注",
    },
    "notice_objections": {
        "notice_id": "公示", "member_id": "党员", "unit_id": "单位", "raised_date": "提出日期",
        "raised_by": "提出人", "content": "异议内容", "resolution": "处理结果",
        "resolved_date": "处理日期",
    },
}

COLUMN_LABELS.update({  # migration 0010
    "trainings": {"member_id": "党员", "date": "培训日期", "title": "培训名称",
                  "issuer": "主办单位", "hours": "学时", "note": "备注"},
    "awards": {"member_id": "党员", "date": "表彰日期", "title": "荣誉名称",
               "issuer": "授予单位", "level": "表彰级别", "note": "备注"},
    "household_visits": {"member_id": "党员", "date": "走访日期", "way": "走访方式",
                         "household_name": "联系户姓名", "note": "走访情况"},
})
COLUMN_LABELS["certificates"].update({"trainings_text": "所列培训",
                                      "awards_text": "所列表彰奖励"})

CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {"category": units.CATEGORIES, "status": units.STATUSES},
    "unit_items": {"kind": units.ITEM_KINDS},
    "members": {"gender": members.GENDERS, "status": members.STATUSES,
                "household_reason": ("", *members.HOUSEHOLD_REASONS)},
    "posts": {"category": posts.CATEGORIES, "status": posts.STATUSES},
    "orders": {"kind": orders.KINDS, "state": orders.STATES, "rating": ("", *orders.RATINGS)},
    "activities": {"kind": activities.KINDS, "emergency": ("", "应急中", "已结束")},
    "signin_sheets": {"source": ("", "网格", "岗位", "名单", "临时党支部")},
    "certificates": {"status": ("有效", "作废")},
    "awards": {"level": ("", *training.LEVELS)},
    "household_visits": {"way": visits.WAYS},
    "receipts": {"kind": ("报到单", "反馈卡")},
    "notices": {"status": ("公示", "撤销")},
}
BOOLEAN_COLUMNS = {("activities", "verified")}
# Columns that personal-data masking hides, and that must stay text in Excel.
ID_COLUMNS = {("members", "id_number")}
PHONE_COLUMNS = {("grid_nodes", "leader_phone"), ("units", "contact_phone"),
                 ("members", "mobile"), ("members", "household_phone"),
                 ("orders", "requester_phone")}
# How a referenced row is named in the readable column next to its UUID.
REF_NAME_SQL = {
    "grid_nodes": "name", "units": "name", "members": "name", "posts": "name",
    "orders": "title", "activities": "date || ' ' || title", "meetings": "date || ' ' || title",
    "signin_sheets": "number", "notices": "number",
}


@dataclass
class Column:
    name: str
    header: str
    kind: str  # text / int / real / bool / ref
    notnull: bool
    ref_table: str | None = None
    codes: tuple[str, ...] = ()


@dataclass
class SheetLayout:
    table: str
    title: str
    columns: list[Column] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        out = []
        for col in self.columns:
            if col.kind == "ref":
                out.append(col.header)  # the readable name, ignored on import
            out.append(col.header + "UUID" if col.kind == "ref" else col.header)
        return out

    def by_header(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for col in self.columns:
            found[col.name] = col
            found[col.header + "UUID" if col.kind == "ref" else col.header] = col
        return found


def layout(ledger: Ledger, table: str) -> SheetLayout:
    labels = COLUMN_LABELS.get(table, {})
    refs = {row[3]: row[2] for row in ledger.conn.execute(f"PRAGMA foreign_key_list({table})")}
    info = [row for row in ledger.conn.execute(f"PRAGMA table_info({table})")
            if row[1] != "id" and row[1] not in LOCAL_COLUMNS]
    content = [r for r in info if r[1] not in SYNC_LABELS]
    sync = sorted((r for r in info if r[1] in SYNC_LABELS), key=lambda r: SYNC_ORDER.index(r[1]))
    sheet = SheetLayout(table, TABLE_LABELS.get(table, table))
    for _cid, name, decl, notnull, _default, _pk in [*content, *sync]:
        decl = (decl or "").upper()
        if name in refs:
            kind = "ref"
        elif name == "deleted" or (table, name) in BOOLEAN_COLUMNS:
            kind = "bool"
        elif "INT" in decl:
            kind = "int"
        elif "REAL" in decl:
            kind = "real"
        else:
            kind = "text"
        header = SYNC_LABELS.get(name) or labels.get(name) or name
        sheet.columns.append(Column(name, header, kind, bool(notnull), refs.get(name),
                                    CODES.get(table, {}).get(name, ())))
    return sheet


def layouts(ledger: Ledger) -> list[SheetLayout]:
    return [layout(ledger, table) for table in TABLE_LABELS]


def ref_names(ledger: Ledger, table: str) -> tuple[dict[int, str], dict[int, str]]:
    """(id -> uuid, id -> readable name) for a referenced table."""
    expr = REF_NAME_SQL.get(table, "uuid")
    uuids: dict[int, str] = {}
    names: dict[int, str] = {}
    for row_id, uuid, name in ledger.conn.execute(f"SELECT id, uuid, {expr} FROM {table}"):
        uuids[row_id] = uuid
        names[row_id] = name
    return uuids, names

