-- Records that trace every hour to paper (issue 16 items 1-3).
--
-- Activities carry their times, 活动负责人 and 记录人 (place was already there). A 签到表
-- (signin_sheets) is a numbered, pre-filled sheet printed for an activity; its number
-- (社区签到-年份-序号) names the sheet on every participant entered from it
-- (activity_participants.sheet_id, with the sign-in and sign-out times written on it).
-- A 志愿服务记录证明 (certificates) is numbered 社区-年份-序号: the community is in the
-- number, so two offices never issue the same one, and every certificate ever issued stays in
-- the register (voided ones keep their row with the reason; reprints count in `prints`).
-- Both new tables are synced like the others: sync columns, version vector, triggers as 0006.

ALTER TABLE activities ADD COLUMN start_time TEXT NOT NULL DEFAULT '';   -- HH:MM
ALTER TABLE activities ADD COLUMN end_time TEXT NOT NULL DEFAULT '';     -- HH:MM
ALTER TABLE activities ADD COLUMN leader TEXT NOT NULL DEFAULT '';       -- 活动负责人
ALTER TABLE activities ADD COLUMN recorder TEXT NOT NULL DEFAULT '';     -- 记录人

CREATE TABLE signin_sheets (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    number TEXT NOT NULL,                  -- 签到表编号, e.g. 丽景社区签到-2026-0007
    source TEXT NOT NULL DEFAULT '',       -- 网格 / 岗位 / 名单
    node_id INTEGER REFERENCES grid_nodes(id),
    post_id INTEGER REFERENCES posts(id),
    roster TEXT NOT NULL DEFAULT '',       -- the pre-filled members' UUIDs in 序号 order
    blank_rows INTEGER NOT NULL DEFAULT 0, -- ruled rows left for walk-ins
    printed_date TEXT NOT NULL DEFAULT '',
    entered_date TEXT NOT NULL DEFAULT '', -- when 按签到表录入 last took it in
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX signin_sheets_activity ON signin_sheets(activity_id);
CREATE INDEX signin_sheets_number ON signin_sheets(number);

ALTER TABLE activity_participants ADD COLUMN sheet_id INTEGER REFERENCES signin_sheets(id);
ALTER TABLE activity_participants ADD COLUMN sign_in TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_participants ADD COLUMN sign_out TEXT NOT NULL DEFAULT '';
CREATE INDEX participants_sheet ON activity_participants(sheet_id);

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,                  -- 证明编号 社区-年份-序号, e.g. 丽景社区-2026-0003
    community TEXT NOT NULL,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members(id),
    name TEXT NOT NULL,
    id_type TEXT NOT NULL DEFAULT '居民身份证',
    id_masked TEXT NOT NULL DEFAULT '',    -- never the full number
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    times INTEGER NOT NULL DEFAULT 0,
    hours REAL NOT NULL DEFAULT 0,         -- verified services only
    content TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',       -- 出具单位
    leader TEXT NOT NULL DEFAULT '',       -- 负责人
    handler TEXT NOT NULL DEFAULT '',      -- 经办人
    phone TEXT NOT NULL DEFAULT '',        -- the issuing office's contact phone
    issued_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '有效',   -- 有效 / 作废
    void_reason TEXT NOT NULL DEFAULT '',
    void_date TEXT NOT NULL DEFAULT '',
    prints INTEGER NOT NULL DEFAULT 0,     -- times printed: after the first, 补打
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX certificates_number ON certificates(community, year, serial);
CREATE INDEX certificates_member ON certificates(member_id);

ALTER TABLE signin_sheets ADD COLUMN vv TEXT;
ALTER TABLE signin_sheets ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signin_sheets ADD COLUMN via TEXT;
UPDATE signin_sheets SET vv = json_object(office, rev);
UPDATE signin_sheets SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'signin_sheets' AND b.uuid = signin_sheets.uuid AND b.office != signin_sheets.office
  AND b.rev < signin_sheets.rev;
CREATE INDEX signin_sheets_seq ON signin_sheets(seq);
CREATE TRIGGER signin_sheets_sync_insert AFTER INSERT ON signin_sheets WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE signin_sheets SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER signin_sheets_sync_update AFTER UPDATE OF rev, vv ON signin_sheets
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE signin_sheets SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE certificates ADD COLUMN vv TEXT;
ALTER TABLE certificates ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN via TEXT;
UPDATE certificates SET vv = json_object(office, rev);
UPDATE certificates SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'certificates' AND b.uuid = certificates.uuid AND b.office != certificates.office
  AND b.rev < certificates.rev;
CREATE INDEX certificates_seq ON certificates(seq);
CREATE TRIGGER certificates_sync_insert AFTER INSERT ON certificates WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE certificates SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER certificates_sync_update AFTER UPDATE OF rev, vv ON certificates
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE certificates SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;
