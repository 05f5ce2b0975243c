-- The ledger's first schema. Every synced table carries the same sync columns:
--   uuid (identity across offices), created_at / updated_at (UTC ISO 8601), rev (bumped on every
--   change), office (the office id that changed it last), deleted (tombstone, kept and exported).
-- Local integer ids are for joins only; across offices rows are referenced by uuid.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON
);

CREATE TABLE grid_nodes (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES grid_nodes(id),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    name TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    leader_name TEXT NOT NULL DEFAULT '',
    leader_phone TEXT NOT NULL DEFAULT '',
    leader_member_id INTEGER REFERENCES members(id),
    branch_name TEXT NOT NULL DEFAULT '',   -- 小区临时党支部 (level 3)
    sort_order INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX grid_nodes_parent ON grid_nodes(parent_id);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,                     -- 党组织名称
    category TEXT NOT NULL DEFAULT '机关',   -- 机关/事业/企业/其他
    level TEXT NOT NULL DEFAULT '',         -- 市直/区直/街道/其他
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    report_date TEXT NOT NULL DEFAULT '',
    paired_node_id INTEGER REFERENCES grid_nodes(id),  -- 包联小区
    member_count INTEGER NOT NULL DEFAULT 0,           -- 党员人数 as the unit declares it
    agreement_signed_date TEXT NOT NULL DEFAULT '',
    agreement_start TEXT NOT NULL DEFAULT '',
    agreement_end TEXT NOT NULL DEFAULT '',
    agreement_content TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '在册',     -- 在册/注销
    note TEXT NOT NULL DEFAULT '',
    name_initials TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_paired ON units(paired_node_id);

-- 资源清单 / 需求清单 / 项目清单 of a unit
CREATE TABLE unit_items (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('资源', '需求', '项目')),
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',        -- for 项目: 计划/进行中/已完成
    done_date TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX unit_items_unit ON unit_items(unit_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT NOT NULL DEFAULT '',
    ethnicity TEXT NOT NULL DEFAULT '汉族',
    id_number TEXT NOT NULL,
    birth_date TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    work_unit_id INTEGER REFERENCES units(id),
    work_unit_name TEXT NOT NULL DEFAULT '',  -- free text when the unit is not registered here
    position TEXT NOT NULL DEFAULT '',
    branch TEXT NOT NULL DEFAULT '',          -- 所在党支部
    join_date TEXT NOT NULL DEFAULT '',       -- 入党日期
    residence_node_id INTEGER REFERENCES grid_nodes(id),
    room TEXT NOT NULL DEFAULT '',
    report_date TEXT NOT NULL DEFAULT '',
    specialties TEXT NOT NULL DEFAULT '',
    household_name TEXT NOT NULL DEFAULT '',  -- 一联一帮
    household_address TEXT NOT NULL DEFAULT '',
    household_phone TEXT NOT NULL DEFAULT '',
    household_reason TEXT NOT NULL DEFAULT '',  -- 老年/残疾/未成年/困难
    status TEXT NOT NULL DEFAULT '在册',       -- 在册/转出/注销
    note TEXT NOT NULL DEFAULT '',
    name_initials TEXT NOT NULL DEFAULT '',    -- pinyin initials, e.g. zyr
    name_pinyin TEXT NOT NULL DEFAULT '',      -- full pinyin, e.g. zhaoyuru
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
-- One live member per ID number.
CREATE UNIQUE INDEX members_live_id ON members(id_number) WHERE status = '在册' AND deleted = 0;
CREATE INDEX members_id_number ON members(id_number);
CREATE INDEX members_residence ON members(residence_node_id);
CREATE INDEX members_unit ON members(work_unit_id);
CREATE INDEX members_initials ON members(name_initials);
CREATE INDEX members_pinyin ON members(name_pinyin);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,                 -- one of the 7 fixed kinds or 自定义
    capacity INTEGER NOT NULL DEFAULT 0,    -- 拟认领数
    requirement TEXT NOT NULL DEFAULT '',   -- 技能要求
    description TEXT NOT NULL DEFAULT '',
    node_id INTEGER REFERENCES grid_nodes(id),
    status TEXT NOT NULL DEFAULT '启用',     -- 启用/停用
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE post_claims (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    claimed_date TEXT NOT NULL,
    released_date TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX post_claims_active ON post_claims(post_id, member_id)
    WHERE released_date = '' AND deleted = 0;
CREATE INDEX post_claims_member ON post_claims(member_id);

-- Residents' orders: 点单 → 派单 → 接单 → 完成 → 评价 (or 取消 before completion).
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT '群众点单',     -- 群众点单/微心愿/社区需求
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    requester_name TEXT NOT NULL DEFAULT '',
    requester_phone TEXT NOT NULL DEFAULT '',
    requester_address TEXT NOT NULL DEFAULT '',
    node_id INTEGER REFERENCES grid_nodes(id),
    state TEXT NOT NULL DEFAULT '待派单',
    requested_date TEXT NOT NULL,
    due_date TEXT NOT NULL DEFAULT '',
    assignee_member_id INTEGER REFERENCES members(id),
    assignee_unit_id INTEGER REFERENCES units(id),
    dispatched_date TEXT NOT NULL DEFAULT '',
    accepted_date TEXT NOT NULL DEFAULT '',
    completed_date TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL DEFAULT '',          -- 满意/基本满意/不满意
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_date TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_state ON orders(state);
CREATE INDEX orders_requested ON orders(requested_date);
CREATE INDEX orders_completed ON orders(completed_date);
CREATE INDEX orders_member ON orders(assignee_member_id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,         -- 集中服务日/志愿服务/主题党日/点单服务/共建项目/联席会议/应急响应
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    node_id INTEGER REFERENCES grid_nodes(id),
    place TEXT NOT NULL DEFAULT '',
    post_id INTEGER REFERENCES posts(id),
    order_id INTEGER REFERENCES orders(id),
    unit_id INTEGER REFERENCES units(id),     -- organising unit (共建项目 = 实事 of that unit)
    verified INTEGER NOT NULL DEFAULT 0,
    verifier TEXT NOT NULL DEFAULT '',
    verified_date TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activities_date ON activities(date);

CREATE TABLE activity_participants (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    hours REAL NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    CHECK ((member_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX participants_activity ON activity_participants(activity_id);
CREATE INDEX participants_member ON activity_participants(member_id);
CREATE INDEX participants_unit ON activity_participants(unit_id);

-- 联席会议 with the units that attended.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE meeting_attendees (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    attendee_name TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_attendees_unit ON meeting_attendees(unit_id);

-- Every change of a member's or unit's points is an entry with reason and source.
CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    date TEXT NOT NULL,
    delta REAL NOT NULL,
    reason TEXT NOT NULL,
    source_kind TEXT NOT NULL,   -- activity/order/rating/manual/redeem/deduction
    source_uuid TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    CHECK ((member_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX points_member ON points_entries(member_id, date);
CREATE INDEX points_unit ON points_entries(unit_id, date);
CREATE INDEX points_source ON points_entries(source_kind, source_uuid);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,        -- 2026H1
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    suggested_grade TEXT NOT NULL DEFAULT '',
    suggested_reason TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    evaluator TEXT NOT NULL DEFAULT '',
    evaluated_date TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    CHECK ((member_id IS NULL) <> (unit_id IS NULL))
);
CREATE UNIQUE INDEX evaluations_member ON evaluations(period, member_id)
    WHERE member_id IS NOT NULL AND deleted = 0;
CREATE UNIQUE INDEX evaluations_unit ON evaluations(period, unit_id)
    WHERE unit_id IS NOT NULL AND deleted = 0;
