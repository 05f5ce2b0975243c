-- Per-office versions and incremental exchange.
--
-- Every synced row carries a version vector `vv` (JSON: office uuid -> that office's tick when
-- it last changed the row), which travels in the exchange file. Two versions where neither
-- vector covers the other were made concurrently at two offices: a conflict, whatever the
-- clocks say. `seq` is this ledger's own change sequence (every write of the row, local or
-- merged, takes the next tick), so a file for an office carries only rows changed since what
-- that office acknowledged. `via` names the office whose file brought the current version (NULL
-- for an edit made here): that office already has it and is not sent it back.
--
-- The triggers stamp both for every write, whatever code makes it: a write that bumps `rev`
-- without setting `vv` is a local edit (vv[office] = the new tick); a write that sets `vv` is a
-- merge (kept as given). `NEW.seq IS OLD.seq` keeps the triggers' own updates from re-firing.
CREATE TABLE sync_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tick INTEGER NOT NULL
);
-- New ticks must exceed every revision this office ever stamped (vectors below start from
-- revisions).
INSERT INTO sync_clock(id, tick) SELECT 1, max((SELECT coalesce(max(rev), 0) FROM grid_nodes), (SELECT coalesce(max(rev), 0) FROM units), (SELECT coalesce(max(rev), 0) FROM unit_items), (SELECT coalesce(max(rev), 0) FROM members), (SELECT coalesce(max(rev), 0) FROM posts), (SELECT coalesce(max(rev), 0) FROM post_claims), (SELECT coalesce(max(rev), 0) FROM orders), (SELECT coalesce(max(rev), 0) FROM activities), (SELECT coalesce(max(rev), 0) FROM activity_participants), (SELECT coalesce(max(rev), 0) FROM meetings), (SELECT coalesce(max(rev), 0) FROM meeting_attendees), (SELECT coalesce(max(rev), 0) FROM points_entries), (SELECT coalesce(max(rev), 0) FROM evaluations), (SELECT coalesce(max(rev), 0) FROM reward_items), 0);

ALTER TABLE sync_peers ADD COLUMN community TEXT NOT NULL DEFAULT '';
-- the highest of the peer's ticks whose changes we hold all of (from its files)
ALTER TABLE sync_peers ADD COLUMN recv_seq INTEGER NOT NULL DEFAULT 0;
-- the highest of our ticks the peer said (in its own files) it holds all of
ALTER TABLE sync_peers ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_peers ADD COLUMN acked_at TEXT NOT NULL DEFAULT '';

ALTER TABLE grid_nodes ADD COLUMN vv TEXT;
ALTER TABLE grid_nodes ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE grid_nodes ADD COLUMN via TEXT;
UPDATE grid_nodes SET vv = json_object(office, rev);
UPDATE grid_nodes SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'grid_nodes' AND b.uuid = grid_nodes.uuid AND b.office != grid_nodes.office
  AND b.rev < grid_nodes.rev;
CREATE INDEX grid_nodes_seq ON grid_nodes(seq);
CREATE TRIGGER grid_nodes_sync_insert AFTER INSERT ON grid_nodes WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE grid_nodes SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER grid_nodes_sync_update AFTER UPDATE OF rev, vv ON grid_nodes
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE grid_nodes SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE units ADD COLUMN vv TEXT;
ALTER TABLE units ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN via TEXT;
UPDATE units SET vv = json_object(office, rev);
UPDATE units SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'units' AND b.uuid = units.uuid AND b.office != units.office
  AND b.rev < units.rev;
CREATE INDEX units_seq ON units(seq);
CREATE TRIGGER units_sync_insert AFTER INSERT ON units WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE units SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER units_sync_update AFTER UPDATE OF rev, vv ON units
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE units SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE unit_items ADD COLUMN vv TEXT;
ALTER TABLE unit_items ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE unit_items ADD COLUMN via TEXT;
UPDATE unit_items SET vv = json_object(office, rev);
UPDATE unit_items SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'unit_items' AND b.uuid = unit_items.uuid AND b.office != unit_items.office
  AND b.rev < unit_items.rev;
CREATE INDEX unit_items_seq ON unit_items(seq);
CREATE TRIGGER unit_items_sync_insert AFTER INSERT ON unit_items WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE unit_items SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER unit_items_sync_update AFTER UPDATE OF rev, vv ON unit_items
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE unit_items SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE members ADD COLUMN vv TEXT;
ALTER TABLE members ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN via TEXT;
UPDATE members SET vv = json_object(office, rev);
UPDATE members SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'members' AND b.uuid = members.uuid AND b.office != members.office
  AND b.rev < members.rev;
CREATE INDEX members_seq ON members(seq);
CREATE TRIGGER members_sync_insert AFTER INSERT ON members WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE members SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER members_sync_update AFTER UPDATE OF rev, vv ON members
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE members SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE posts ADD COLUMN vv TEXT;
ALTER TABLE posts ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN via TEXT;
UPDATE posts SET vv = json_object(office, rev);
UPDATE posts SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'posts' AND b.uuid = posts.uuid AND b.office != posts.office
  AND b.rev < posts.rev;
CREATE INDEX posts_seq ON posts(seq);
CREATE TRIGGER posts_sync_insert AFTER INSERT ON posts WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE posts SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER posts_sync_update AFTER UPDATE OF rev, vv ON posts
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE posts SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE post_claims ADD COLUMN vv TEXT;
ALTER TABLE post_claims ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_claims ADD COLUMN via TEXT;
UPDATE post_claims SET vv = json_object(office, rev);
UPDATE post_claims SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'post_claims' AND b.uuid = post_claims.uuid AND b.office != post_claims.office
  AND b.rev < post_claims.rev;
CREATE INDEX post_claims_seq ON post_claims(seq);
CREATE TRIGGER post_claims_sync_insert AFTER INSERT ON post_claims WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE post_claims SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER post_claims_sync_update AFTER UPDATE OF rev, vv ON post_claims
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE post_claims SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE orders ADD COLUMN vv TEXT;
ALTER TABLE orders ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN via TEXT;
UPDATE orders SET vv = json_object(office, rev);
UPDATE orders SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'orders' AND b.uuid = orders.uuid AND b.office != orders.office
  AND b.rev < orders.rev;
CREATE INDEX orders_seq ON orders(seq);
CREATE TRIGGER orders_sync_insert AFTER INSERT ON orders WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE orders SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER orders_sync_update AFTER UPDATE OF rev, vv ON orders
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE orders SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE activities ADD COLUMN vv TEXT;
ALTER TABLE activities ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN via TEXT;
UPDATE activities SET vv = json_object(office, rev);
UPDATE activities SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'activities' AND b.uuid = activities.uuid AND b.office != activities.office
  AND b.rev < activities.rev;
CREATE INDEX activities_seq ON activities(seq);
CREATE TRIGGER activities_sync_insert AFTER INSERT ON activities WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE activities SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER activities_sync_update AFTER UPDATE OF rev, vv ON activities
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE activities SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE activity_participants ADD COLUMN vv TEXT;
ALTER TABLE activity_participants ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_participants ADD COLUMN via TEXT;
UPDATE activity_participants SET vv = json_object(office, rev);
UPDATE activity_participants SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'activity_participants' AND b.uuid = activity_participants.uuid AND b.office != activity_participants.office
  AND b.rev < activity_participants.rev;
CREATE INDEX activity_participants_seq ON activity_participants(seq);
CREATE TRIGGER activity_participants_sync_insert AFTER INSERT ON activity_participants WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE activity_participants SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER activity_participants_sync_update AFTER UPDATE OF rev, vv ON activity_participants
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE activity_participants SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE meetings ADD COLUMN vv TEXT;
ALTER TABLE meetings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN via TEXT;
UPDATE meetings SET vv = json_object(office, rev);
UPDATE meetings SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'meetings' AND b.uuid = meetings.uuid AND b.office != meetings.office
  AND b.rev < meetings.rev;
CREATE INDEX meetings_seq ON meetings(seq);
CREATE TRIGGER meetings_sync_insert AFTER INSERT ON meetings WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE meetings SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER meetings_sync_update AFTER UPDATE OF rev, vv ON meetings
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE meetings SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE meeting_attendees ADD COLUMN vv TEXT;
ALTER TABLE meeting_attendees ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meeting_attendees ADD COLUMN via TEXT;
UPDATE meeting_attendees SET vv = json_object(office, rev);
UPDATE meeting_attendees SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'meeting_attendees' AND b.uuid = meeting_attendees.uuid AND b.office != meeting_attendees.office
  AND b.rev < meeting_attendees.rev;
CREATE INDEX meeting_attendees_seq ON meeting_attendees(seq);
CREATE TRIGGER meeting_attendees_sync_insert AFTER INSERT ON meeting_attendees WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE meeting_attendees SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER meeting_attendees_sync_update AFTER UPDATE OF rev, vv ON meeting_attendees
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE meeting_attendees SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE points_entries ADD COLUMN vv TEXT;
ALTER TABLE points_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE points_entries ADD COLUMN via TEXT;
UPDATE points_entries SET vv = json_object(office, rev);
UPDATE points_entries SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'points_entries' AND b.uuid = points_entries.uuid AND b.office != points_entries.office
  AND b.rev < points_entries.rev;
CREATE INDEX points_entries_seq ON points_entries(seq);
CREATE TRIGGER points_entries_sync_insert AFTER INSERT ON points_entries WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE points_entries SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER points_entries_sync_update AFTER UPDATE OF rev, vv ON points_entries
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE points_entries SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE evaluations ADD COLUMN vv TEXT;
ALTER TABLE evaluations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evaluations ADD COLUMN via TEXT;
UPDATE evaluations SET vv = json_object(office, rev);
UPDATE evaluations SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'evaluations' AND b.uuid = evaluations.uuid AND b.office != evaluations.office
  AND b.rev < evaluations.rev;
CREATE INDEX evaluations_seq ON evaluations(seq);
CREATE TRIGGER evaluations_sync_insert AFTER INSERT ON evaluations WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE evaluations SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER evaluations_sync_update AFTER UPDATE OF rev, vv ON evaluations
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE evaluations SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;

ALTER TABLE reward_items ADD COLUMN vv TEXT;
ALTER TABLE reward_items ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reward_items ADD COLUMN via TEXT;
UPDATE reward_items SET vv = json_object(office, rev);
UPDATE reward_items SET vv = json_set(vv, '$."' || b.office || '"', b.rev)
  FROM sync_base b WHERE b.tbl = 'reward_items' AND b.uuid = reward_items.uuid AND b.office != reward_items.office
  AND b.rev < reward_items.rev;
CREATE INDEX reward_items_seq ON reward_items(seq);
CREATE TRIGGER reward_items_sync_insert AFTER INSERT ON reward_items WHEN NEW.seq = 0 BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE reward_items SET seq = (SELECT tick FROM sync_clock),
    vv = coalesce(NEW.vv, json_object(NEW.office, (SELECT tick FROM sync_clock)))
  WHERE id = NEW.id;
END;
CREATE TRIGGER reward_items_sync_update AFTER UPDATE OF rev, vv ON reward_items
WHEN (NEW.rev IS NOT OLD.rev OR NEW.vv IS NOT OLD.vv) AND NEW.seq IS OLD.seq BEGIN
  UPDATE sync_clock SET tick = tick + 1;
  UPDATE reward_items SET seq = (SELECT tick FROM sync_clock),
    vv = CASE WHEN NEW.vv IS OLD.vv THEN json_set(coalesce(OLD.vv, '{}'),
      '$."' || NEW.office || '"', (SELECT tick FROM sync_clock)) ELSE NEW.vv END,
    via = CASE WHEN NEW.vv IS OLD.vv THEN NULL ELSE NEW.via END
  WHERE id = NEW.id;
END;
