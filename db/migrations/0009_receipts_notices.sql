-- Paper that goes out and comes back, and the quarter's 公示 (issue 16 items 4-5).
--
-- receipts: a 报到登记表 printed when a unit or member reports (its tear-off 回执 goes to the
-- unit or member), and the 回执 of every 反馈卡 printed (one row per subject and period); each
-- numbered 社区回执-年份-序号, with the date it came back (returned_date, blank = outstanding)
-- and the community's 接收意见 printed on the form.
-- notices: a 公示 of one grid subtree's (小区 or any node's) services and points in one
-- quarter, with its 公示期 (start_date .. end_date, 3 working days by default); after end_date
-- the quarter's records for that subtree are final (db.notices.guard), except for a subject
-- with an open objection. notice_objections: an objection against one row (member or unit)
-- of a notice, and its resolution.
-- All three are synced like the others: sync columns, version vector, triggers as 0006.

CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                    -- 报到单 / 反馈卡
    number TEXT NOT NULL,                  -- 回执编号, e.g. 丽景社区回执-2026-0004
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    period TEXT NOT NULL DEFAULT '',       -- 反馈卡: the evaluation period, e.g. 2026H1
    printed_date TEXT NOT NULL DEFAULT '',
    prints INTEGER NOT NULL DEFAULT 0,
    opinion TEXT NOT NULL DEFAULT '',      -- 社区接收意见 (报到单)
    returned_date TEXT NOT NULL DEFAULT '',-- blank: the 回执 has not come back
    returned_by TEXT NOT NULL DEFAULT '',  -- who brought or signed it
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX receipts_member ON receipts(member_id);
CREATE INDEX receipts_unit ON receipts(unit_id);
CREATE INDEX receipts_number ON receipts(number);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,                  -- 公示编号, e.g. 丽景社区公示-2026-0002
    node_id INTEGER NOT NULL REFERENCES grid_nodes(id),
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,              -- 1..4
    start_date TEXT NOT NULL,              -- 公示期 first day
    end_date TEXT NOT NULL,                -- 公示期 last day (records final after it)
    contact TEXT NOT NULL DEFAULT '',      -- whom to tell an objection (name and phone)
    status TEXT NOT NULL DEFAULT '公示',   -- 公示 / 撤销
    prints INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_node ON notices(node_id, year, quarter);

CREATE TABLE notice_objections (
    id INTEGER PRIMARY KEY,
    notice_id INTEGER NOT NULL REFERENCES notices(id),
    member_id INTEGER REFERENCES members(id),
    unit_id INTEGER REFERENCES units(id),
    raised_date TEXT NOT NULL,
    raised_by TEXT NOT NULL,               -- who objected (a resident, the member, ...)
    content TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',   -- blank while open
    resolved_date TEXT NOT NULL DEFAULT '',
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notice_objections_notice ON notice_objections(notice_id);

ALTER TABLE receipts ADD COLUMN vv TEXT;
ALTER TABLE receipts ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE receipts ADD COLUMN via TEXT;
CREATE INDEX receipts_seq ON receipts(seq);
CREATE TRIGGER receipts_sync_insert AFTER INSERT ON receipts WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE receipts SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER receipts_sync_update AFTER UPDATE OF rev, vv ON receipts
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE receipts SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE notices ADD COLUMN vv TEXT;
ALTER TABLE notices ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN via TEXT;
CREATE INDEX notices_seq ON notices(seq);
CREATE TRIGGER notices_sync_insert AFTER INSERT ON notices WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE notices SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER notices_sync_update AFTER UPDATE OF rev, vv ON notices
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE notices SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE notice_objections ADD COLUMN vv TEXT;
ALTER TABLE notice_objections ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notice_objections ADD COLUMN via TEXT;
CREATE INDEX notice_objections_seq ON notice_objections(seq);
CREATE TRIGGER notice_objections_sync_insert AFTER INSERT ON notice_objections WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE notice_objections SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER notice_objections_sync_update AFTER UPDATE OF rev, vv ON notice_objections
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE notice_objections SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;
