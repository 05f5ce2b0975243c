-- Training, awards and 一联一帮 visits per member (issue 16 items 6-7).
--
-- 培训 (trainings) and 表彰奖励 (awards) are dated records of one member, with the issuing
-- body (and, for an award, its level); they print on the 基本信息卡 and, when the secretary
-- asks, on a 志愿服务记录证明 — which keeps the text it printed (certificates.trainings_text /
-- awards_text), so a 补打 shows what the original showed.
-- household_visits are the member's visits to the paired 一联一帮 household (members.household_*,
-- migration 0001): the seeds' 每月必访 is read from them.
-- All three are synced like the others: sync columns, version vector, triggers as 0006/0008.

CREATE TABLE trainings (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    date TEXT NOT NULL,                    -- the (first) day of the training
    title TEXT NOT NULL,                   -- 培训名称
    issuer TEXT NOT NULL DEFAULT '',       -- 主办单位
    hours REAL NOT NULL DEFAULT 0,         -- 学时
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    vv TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    via TEXT
);
CREATE INDEX trainings_member ON trainings(member_id, date);
CREATE INDEX trainings_seq ON trainings(seq);

CREATE TABLE awards (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    date TEXT NOT NULL,                    -- 表彰日期
    title TEXT NOT NULL,                   -- 荣誉名称
    issuer TEXT NOT NULL DEFAULT '',       -- 授予单位
    level TEXT NOT NULL DEFAULT '',        -- 国家级/省级/市级/区级/街道级/社区级
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    vv TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    via TEXT
);
CREATE INDEX awards_member ON awards(member_id, date);
CREATE INDEX awards_seq ON awards(seq);

CREATE TABLE household_visits (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    date TEXT NOT NULL,                    -- 走访日期
    way TEXT NOT NULL DEFAULT '上门',      -- 上门/电话/微信/其他
    household_name TEXT NOT NULL DEFAULT '', -- the household as it was when visited
    note TEXT NOT NULL DEFAULT '',         -- 走访情况
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    vv TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    via TEXT
);
CREATE INDEX household_visits_member ON household_visits(member_id, date);
CREATE INDEX household_visits_date ON household_visits(date);
CREATE INDEX household_visits_seq ON household_visits(seq);

-- A certificate issued with 培训/表彰 listed keeps the lines it printed.
ALTER TABLE certificates ADD COLUMN trainings_text TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN awards_text TEXT NOT NULL DEFAULT '';

CREATE TRIGGER trainings_sync_insert AFTER INSERT ON trainings WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE trainings SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER trainings_sync_update AFTER UPDATE OF rev, vv ON trainings
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE trainings SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

CREATE TRIGGER awards_sync_insert AFTER INSERT ON awards WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE awards SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER awards_sync_update AFTER UPDATE OF rev, vv ON awards
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE awards SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

CREATE TRIGGER household_visits_sync_insert AFTER INSERT ON household_visits WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE household_visits SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER household_visits_sync_update AFTER UPDATE OF rev, vv ON household_visits
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE household_visits SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;
